//! Intake: consumed batch → one database transaction → offsets committed.
//!
//! - `batch`: how one batch is decided in memory and written with a few statements;
//! - `hash`: what makes two messages with one id the same message;
//! - `trace`: each message's span, continuing the trace its record came with.

mod batch;
mod hash;
mod trace;

pub use crate::figures::Tally;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{watch, Notify};
use transit_codec::json;
use transit_kafka::{header, BatchConsumer, ConsumedRecord, OutgoingRecord, Topics};
use transit_lifecycle::Rejection;
use transit_lifecycle::Rules;
use transit_model::{FunctionalErrorCode, StandardMessage};
use transit_store::tracker::{PoisonRecord, QueuedRecord, TrackerStore, TrackerTx};
use transit_store::StoreError;

use crate::figures::Outcome;
use crate::risk::Scoring;
use crate::settings::BatchSettings;

/// The intake loop's parts.
#[derive(Debug)]
pub struct Intake {
    processor: BatchProcessor,
    consumer: BatchConsumer,
    batch: BatchSettings,
    wake_relay: Arc<Notify>,
    /// What is taken before each batch.
    in_force: InForce,
}

/// What intake takes before each batch: the reference data version in force (and its risk
/// rules), and the latest leg times.
#[derive(Debug)]
pub(crate) struct InForce {
    pub(crate) reference: crate::reference::InForce,
    pub(crate) legs: watch::Receiver<Arc<transit_risk::facts::LegTimes>>,
}

/// Stores consumed records: the durable half of intake, with no broker in it (benchmarks and
/// tests drive it directly).
#[derive(Debug, Clone)]
pub struct BatchProcessor {
    store: TrackerStore,
    topics: Topics,
    rules: Rules,
    scoring: Scoring,
}

impl Intake {
    pub(crate) fn new(
        store: TrackerStore,
        consumer: BatchConsumer,
        topics: Topics,
        rules: Rules,
        batch: BatchSettings,
        wake_relay: Arc<Notify>,
        in_force: InForce,
    ) -> Self {
        Self {
            processor: BatchProcessor::new(store, topics).with_rules(rules),
            consumer,
            batch,
            wake_relay,
            in_force,
        }
    }

    /// Runs until `stop` turns true. A permanent database error stops the tracker (the batch
    /// is not committed, so a restart replays it); transient ones are retried with backoff on
    /// the same batch, which is never skipped.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        let linger = Duration::from_millis(self.batch.linger_ms);
        while !*stop.borrow() {
            let batch = tokio::select! {
                batch = self.consumer.next_batch(self.batch.max_records, linger, Duration::from_millis(500)) => batch,
                _ = stop.changed() => break,
            };
            let batch = match batch {
                Ok(batch) => batch,
                Err(err) => {
                    tracing::warn!(error = %err, "cannot read from the broker; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if batch.is_empty() {
                continue;
            }
            if let Some((rules, book)) =
                self.in_force.reference.changed_rules(&self.processor.rules)
            {
                self.processor.rules = rules;
                if let Some(book) = book {
                    self.processor.scoring.book = book;
                }
            }
            self.processor.scoring.legs = self.in_force.legs.borrow().clone();
            let mut backoff = Duration::from_millis(100);
            loop {
                match self.processor.process(&batch, Utc::now()).await {
                    Ok(()) => break,
                    Err(err) if err.is_transient() => {
                        tracing::warn!(error = %err, records = batch.len(), "batch not stored; retrying the same batch");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(Duration::from_secs(10));
                    }
                    Err(err) => {
                        tracing::error!(error = %err, "batch cannot be stored; stopping so that it is replayed after a fix");
                        return Err(err.into());
                    }
                }
            }
            self.wake_relay.notify_one();
            // Offsets only after the commit. If this fails, the batch is redelivered later and
            // the inbox drops it.
            if let Err(err) = self.consumer.commit(&batch).await {
                tracing::warn!(error = %err, "offsets not committed; the batch will be redelivered and deduplicated");
            }
        }
        Ok(())
    }
}

impl BatchProcessor {
    /// Stores batches in `store`, routing by `topics`.
    pub fn new(store: TrackerStore, topics: Topics) -> Self {
        Self {
            store,
            topics,
            rules: Rules::default(),
            scoring: Scoring::default(),
        }
    }

    /// Scoring under `scoring` instead of no rules.
    pub fn with_scoring(mut self, scoring: Scoring) -> Self {
        self.scoring = scoring;
        self
    }

    /// Deciding under `rules` instead of the defaults.
    pub fn with_rules(mut self, rules: Rules) -> Self {
        self.rules = rules;
        self
    }

    /// Stores one batch in one transaction. When the database refuses one of its records for
    /// good (a poison record), the batch is stored again record by record, each in a
    /// savepoint: the poison record is set aside (see `BatchProcessor::set_aside`) and every
    /// other record is stored. Savepoints only then, because each costs round trips that the
    /// batch of healthy records should not pay.
    pub async fn process(
        &self,
        batch: &[ConsumedRecord],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        match self.process_together(batch, now).await.map(|_| ()) {
            Err(err) if !err.is_transient() => {
                tracing::warn!(error = %err, records = batch.len(), "a record of the batch was refused for good; storing the batch record by record");
                self.process_one_by_one(batch, now).await
            }
            stored => stored,
        }
    }

    async fn process_together(
        &self,
        batch: &[ConsumedRecord],
        now: DateTime<Utc>,
    ) -> Result<Tally, StoreError> {
        let started = std::time::Instant::now();
        let mut tx = self.store.begin().await?;
        let tally = batch::store(
            &self.topics,
            &self.rules,
            &self.scoring,
            &mut tx,
            batch,
            now,
        )
        .await?;
        tx.commit().await?;
        crate::figures::record_batch(&tally.counted, started.elapsed());
        crate::figures::record_trains(&tally.trains);
        crate::figures::record_guarantee_checks(&tally.guarantee_checks);
        tracing::info!(
            records = batch.len(),
            accepted = tally.of(Outcome::Accepted),
            refused = tally.of(Outcome::Refused(0)),
            repeated = tally.of(Outcome::Repeated),
            undecodable = tally.of(Outcome::Undecodable),
            "batch stored"
        );
        Ok(tally)
    }

    async fn process_one_by_one(
        &self,
        batch: &[ConsumedRecord],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let started = std::time::Instant::now();
        let mut tx = self.store.begin().await?;
        let (mut counted, mut trains, mut guarantee_checks, mut poison) =
            (Vec::new(), Vec::new(), Vec::new(), 0);
        for record in batch {
            tx.savepoint().await?;
            match batch::store(
                &self.topics,
                &self.rules,
                &self.scoring,
                &mut tx,
                std::slice::from_ref(record),
                now,
            )
            .await
            {
                Ok(tally) => {
                    tx.release_savepoint().await?;
                    counted.extend(tally.counted);
                    trains.extend(tally.trains);
                    guarantee_checks.extend(tally.guarantee_checks);
                }
                Err(err) if err.is_transient() => return Err(err),
                Err(err) => {
                    tx.rollback_to_savepoint().await?;
                    self.set_aside(&mut tx, record, &err, now).await?;
                    poison += 1;
                }
            }
        }
        tx.commit().await?;
        crate::figures::record_batch(&counted, started.elapsed());
        crate::figures::record_trains(&trains);
        crate::figures::record_guarantee_checks(&guarantee_checks);
        for _ in 0..poison {
            crate::figures::dead_letter("poison");
        }
        tracing::debug!(records = batch.len(), "batch stored record by record");
        Ok(())
    }

    /// Sets a poison record aside: kept in `poison_records` with the database's reason, its
    /// sender answered (IE906, code 14) and a copy on the dead-letter topic. If even the answer
    /// cannot be stored, the record alone is kept.
    async fn set_aside(
        &self,
        tx: &mut TrackerTx,
        record: &ConsumedRecord,
        err: &StoreError,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let message = json::decode(&record.payload).ok();
        let reason = err.to_string();
        tracing::error!(
            topic = %record.topic,
            partition = record.partition,
            offset = record.offset,
            mrn = message.as_ref().map(|m| m.mrn().to_string()),
            error = %err,
            "record refused by the hub's database; set aside in poison_records, the batch goes on"
        );
        let mrn = message.as_ref().map(|m| m.mrn().to_string());
        let poison = PoisonRecord {
            topic: &record.topic,
            partition: record.partition,
            offset: record.offset,
            mrn: mrn.as_deref(),
            message_id: message.as_ref().map(|m| m.id().as_uuid()),
            reason: &reason,
            payload: &record.payload,
            received_at: now,
        };
        tx.savepoint().await?;
        match self
            .answer_poison(tx, record, message.as_ref(), &poison)
            .await
        {
            Ok(()) => tx.release_savepoint().await,
            Err(err) if err.is_transient() => Err(err),
            Err(err) => {
                tracing::error!(error = %err, "the refusal of a poison record cannot be stored either; keeping the record alone");
                tx.rollback_to_savepoint().await?;
                tx.keep_poison(&poison).await
            }
        }
    }

    async fn answer_poison(
        &self,
        tx: &mut TrackerTx,
        record: &ConsumedRecord,
        message: Option<&StandardMessage>,
        poison: &PoisonRecord<'_>,
    ) -> Result<(), StoreError> {
        tx.keep_poison(poison).await?;
        let (Some(message), Some(country)) =
            (message, self.topics.country_of_to_hub(&record.topic))
        else {
            return Ok(());
        };
        // The database's words stay with the hub's operators; the sender learns what to do.
        let rejection = Rejection {
            code: FunctionalErrorCode::RuleViolation,
            pointer: "/".into(),
            reason: format!(
                "the hub could not store this message and has set it aside for its operators \
                 (poison record {}/{}/{}); do not send it again until they have answered",
                record.topic, record.partition, record.offset
            ),
        };
        let nack = rejection.to_nack(message, poison.received_at);
        let answer =
            OutgoingRecord::for_message(self.topics.from_hub(country), &nack, json::encode(&nack));
        let dead =
            OutgoingRecord::for_message(self.topics.dead_letter(), message, record.payload.clone())
                .with_header(
                    header::REJECTION_REASON,
                    format!("poison: {}", poison.reason),
                );
        tx.enqueue_all(
            &[
                QueuedRecord {
                    message_id: nack.id().derive("poison").as_uuid(),
                    record: &answer,
                },
                QueuedRecord {
                    message_id: message.id().derive("dead-letter/poison").as_uuid(),
                    record: &dead,
                },
            ],
            poison.received_at,
        )
        .await
    }
}
