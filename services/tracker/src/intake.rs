//! Intake: consumed batch → one database transaction → offsets committed.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use tokio::sync::{watch, Notify};
use transit_codec::json;
use transit_kafka::{header, BatchConsumer, ConsumedRecord, OutgoingRecord, Topics};
use transit_lifecycle::{decide, Rejection};
use transit_model::{CountryCode, FunctionalErrorCode, StandardMessage};
use transit_store::tracker::{Claim, NewEvent, Outcome, PoisonRecord, TrackerStore, TrackerTx};
use transit_store::StoreError;

use crate::settings::BatchSettings;

/// The intake loop's parts.
#[derive(Debug)]
pub struct Intake {
    processor: BatchProcessor,
    consumer: BatchConsumer,
    batch: BatchSettings,
    wake_relay: Arc<Notify>,
}

/// Stores consumed records: the durable half of intake, with no broker in it (benchmarks and
/// tests drive it directly).
#[derive(Debug, Clone)]
pub struct BatchProcessor {
    store: TrackerStore,
    topics: Topics,
}

impl Intake {
    pub(crate) fn new(
        store: TrackerStore,
        consumer: BatchConsumer,
        topics: Topics,
        batch: BatchSettings,
        wake_relay: Arc<Notify>,
    ) -> Self {
        Self {
            processor: BatchProcessor::new(store, topics),
            consumer,
            batch,
            wake_relay,
        }
    }

    /// Runs until `stop` turns true. A permanent database error stops the tracker (the batch
    /// is not committed, so a restart replays it); transient ones are retried with backoff on
    /// the same batch, which is never skipped.
    pub async fn run(self, mut stop: watch::Receiver<bool>) -> anyhow::Result<()> {
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
        Self { store, topics }
    }

    /// Stores one batch in one transaction. When the database refuses one of its records for
    /// good (a poison record), the batch is stored again record by record, each in a
    /// savepoint: the poison record is set aside (see [`BatchProcessor::set_aside`]) and every
    /// other record is stored. Savepoints only then, because each costs round trips that the
    /// batch of healthy records should not pay.
    pub async fn process(
        &self,
        batch: &[ConsumedRecord],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        match self.process_together(batch, now).await {
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
    ) -> Result<(), StoreError> {
        let mut tx = self.store.begin().await?;
        for record in batch {
            self.process_record(&mut tx, record, now).await?;
        }
        tx.commit().await?;
        tracing::debug!(records = batch.len(), "batch stored");
        Ok(())
    }

    async fn process_one_by_one(
        &self,
        batch: &[ConsumedRecord],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.store.begin().await?;
        for record in batch {
            tx.savepoint().await?;
            match self.process_record(&mut tx, record, now).await {
                Ok(()) => tx.release_savepoint().await?,
                Err(err) if err.is_transient() => return Err(err),
                Err(err) => {
                    tx.rollback_to_savepoint().await?;
                    self.set_aside(&mut tx, record, &err, now).await?;
                }
            }
        }
        tx.commit().await?;
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
        tx.enqueue(
            nack.id().derive("poison").as_uuid(),
            &answer,
            poison.received_at,
        )
        .await?;
        let dead =
            OutgoingRecord::for_message(self.topics.dead_letter(), message, record.payload.clone())
                .with_header(
                    header::REJECTION_REASON,
                    format!("poison: {}", poison.reason),
                );
        tx.enqueue(
            message.id().derive("dead-letter/poison").as_uuid(),
            &dead,
            poison.received_at,
        )
        .await
    }

    async fn process_record(
        &self,
        tx: &mut TrackerTx,
        record: &ConsumedRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let Some(country) = self.topics.country_of_to_hub(&record.topic) else {
            return keep_undecodable(
                tx,
                record,
                "record read from a topic that is not a country's to-hub topic",
                now,
            )
            .await;
        };
        let message = match json::decode(&record.payload) {
            Ok(message) => message,
            Err(err) => return keep_undecodable(tx, record, &err.to_string(), now).await,
        };
        let canonical = json::encode(&message);
        let hash = content_hash(&message);
        let earlier_hash = Sha256::digest(&canonical);
        let read_at = format!("{}/{}/{}", record.topic, record.partition, record.offset);
        // The sender must be of the topic's country, checked before its id is claimed: ids are
        // claimed per country, and a message put on another country's topic is refused without
        // touching the ids of the country it names. Its refusal is deduplicated among the
        // topic's own country's ids, so a redelivery is not refused twice.
        if message.header().sender.office().map(|o| o.country()) != Some(country) {
            let namespace = format!("{country}:refused");
            if tx
                .claim(
                    &namespace,
                    message.id().as_uuid(),
                    &hash,
                    &earlier_hash,
                    &read_at,
                    now,
                )
                .await?
                != Claim::New
            {
                return Ok(());
            }
            let rejection = Rejection {
                code: FunctionalErrorCode::RuleViolation,
                pointer: "/header/sender".into(),
                reason: format!(
                    "{}'s adapter may only send messages from its own offices, not from {}",
                    country,
                    message.header().sender.as_str()
                ),
            };
            return self
                .reject(tx, &message, &canonical, country, &rejection, now, "")
                .await;
        }
        match tx
            .claim(
                country.as_str(),
                message.id().as_uuid(),
                &hash,
                &earlier_hash,
                &read_at,
                now,
            )
            .await?
        {
            Claim::Duplicate { same_place: true } => {
                tracing::debug!(mrn = %message.mrn(), message_id = %message.id(), "redelivery dropped");
                return Ok(());
            }
            Claim::Duplicate { same_place: false } => {
                return self.answer_again(tx, &message, country, record, now).await;
            }
            Claim::Conflict => {
                let rejection = Rejection {
                    code: FunctionalErrorCode::DuplicateMessageId,
                    pointer: "/header/messageId".into(),
                    reason: format!(
                        "message id {} was already used for a different message; give every new message a new id",
                        message.id()
                    ),
                };
                return self
                    .reject(
                        tx,
                        &message,
                        &canonical,
                        country,
                        &rejection,
                        now,
                        &hex::encode(hash),
                    )
                    .await;
            }
            Claim::New => {}
        }
        let current = tx.movement_for_update(message.mrn().as_str()).await?;
        match decide(current.as_ref(), &message, now) {
            Ok(transition) => {
                tx.save_movement(&transition.movement, now).await?;
                tx.append_event(&event(
                    &message,
                    now,
                    Outcome::Accepted {
                        state_after: transition.movement.state.as_str(),
                    },
                ))
                .await?;
                for outgoing in &transition.outgoing {
                    let Some(office) = outgoing.header().recipient.office() else {
                        continue;
                    };
                    let topic = self.topics.from_hub(office.country());
                    let record =
                        OutgoingRecord::for_message(topic, outgoing, json::encode(outgoing));
                    tx.enqueue(outgoing.id().as_uuid(), &record, now).await?;
                }
                tracing::info!(
                    mrn = %message.mrn(),
                    message_type = %message.message_type(),
                    sender = %message.header().sender.as_str(),
                    state = transition.movement.state.as_str(),
                    copies = transition.outgoing.len(),
                    "message applied"
                );
                Ok(())
            }
            Err(rejection) => {
                self.reject(tx, &message, &canonical, country, &rejection, now, "")
                    .await
            }
        }
    }

    /// A message the hub refused, sent again with the same id and content, gets the same
    /// answer again: a national system that lost the answer asks by sending again. The new
    /// IE906 carries the first one's errors under an id derived from where the resend was read,
    /// so a redelivery of the resend is not answered twice. An accepted message sent again is
    /// dropped: its copies already went out.
    async fn answer_again(
        &self,
        tx: &mut TrackerTx,
        message: &StandardMessage,
        country: CountryCode,
        record: &ConsumedRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let topic = self.topics.from_hub(country);
        let first_id = message.id().derive("IE906");
        let Some(first) = tx.queued(&topic, first_id.as_uuid()).await? else {
            return Ok(()); // it was accepted: nothing to say
        };
        let Ok(first) = json::decode(&first) else {
            return Ok(());
        };
        let mut header = first.header().clone();
        header.message_id = first_id.derive(&format!(
            "again/{}/{}/{}",
            record.topic, record.partition, record.offset
        ));
        header.prepared_at = now;
        let Ok(again) = StandardMessage::new(header, first.body().clone()) else {
            return Ok(());
        };
        tracing::info!(mrn = %message.mrn(), message_id = %message.id(), "refused message sent again; answered again");
        let answer = OutgoingRecord::for_message(&topic, &again, json::encode(&again));
        tx.enqueue(again.id().as_uuid(), &answer, now).await
    }

    /// Answers the sender (IE906 on its country's `from-hub` topic), keeps the refused message
    /// in the event log, and copies it to the dead-letter topic with the reason.
    #[allow(clippy::too_many_arguments)]
    async fn reject(
        &self,
        tx: &mut TrackerTx,
        message: &StandardMessage,
        canonical: &[u8],
        country: CountryCode,
        rejection: &Rejection,
        now: DateTime<Utc>,
        variant: &str,
    ) -> Result<(), StoreError> {
        tracing::warn!(
            mrn = %message.mrn(),
            message_id = %message.id(),
            message_type = %message.message_type(),
            code = u8::from(rejection.code),
            reason = %rejection.reason,
            "message refused"
        );
        let nack = rejection.to_nack(message, now);
        let nack_id = if variant.is_empty() {
            nack.id()
        } else {
            nack.id().derive(variant)
        };
        let answer =
            OutgoingRecord::for_message(self.topics.from_hub(country), &nack, json::encode(&nack));
        tx.enqueue(nack_id.as_uuid(), &answer, now).await?;
        let dead =
            OutgoingRecord::for_message(self.topics.dead_letter(), message, canonical.to_vec())
                .with_header(header::REJECTION_REASON, rejection.to_string());
        tx.enqueue(
            message
                .id()
                .derive(&format!("dead-letter/{variant}"))
                .as_uuid(),
            &dead,
            now,
        )
        .await?;
        tx.append_event(&event(
            message,
            now,
            Outcome::Rejected {
                code: u8::from(rejection.code),
                reason: rejection.reason.clone(),
            },
        ))
        .await
    }
}

/// What makes two messages with one id the same message: everything but the preparation
/// time, which a sender's retry legitimately changes.
fn content_hash(message: &StandardMessage) -> Vec<u8> {
    let mut value = serde_json::to_value(message).unwrap_or_default();
    if let Some(header) = value.get_mut("header").and_then(|h| h.as_object_mut()) {
        header.remove("preparedAt");
    }
    Sha256::digest(value.to_string().as_bytes()).to_vec()
}

fn event(message: &StandardMessage, now: DateTime<Utc>, outcome: Outcome) -> NewEvent {
    NewEvent {
        mrn: message.mrn().to_string(),
        message_id: message.id().as_uuid(),
        message_type: message.message_type().code(),
        sender: message.header().sender.as_str().to_owned(),
        event_time: message.event_time(),
        received_at: now,
        outcome,
        message: serde_json::to_value(message).unwrap_or_default(),
    }
}

async fn keep_undecodable(
    tx: &mut TrackerTx,
    record: &ConsumedRecord,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tracing::error!(
        topic = %record.topic,
        partition = record.partition,
        offset = record.offset,
        reason,
        "record cannot be decoded; kept in undecodable_records"
    );
    tx.keep_undecodable(
        &record.topic,
        record.partition,
        record.offset,
        reason,
        &record.payload,
        now,
    )
    .await
}
