//! The hub's durable state: one transaction per consumed batch, and the outbox relay.
//!
//! `batch` holds the statements a batch is written with: each takes every row of the batch at
//! once (arrays unnested on the server), so a batch costs a few round trips, not a few per
//! record.

mod batch;
pub mod event_months;
mod guarantee_check;
mod rail;
mod risk;
mod telematics;

pub use batch::{ClaimRequest, Claimed, QueuedRecord};
pub use rail::{NewTrainConfirmation, TrainOutcome};
pub use risk::{NetworkKey, RuleCount, OPEN_STATES};
pub use telematics::{NewEffect, NewTelematicsEvent};

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{PgPool, Postgres, Row, Transaction};
use transit_lifecycle::Movement;
use transit_model::envelope::OutgoingRecord;
use transit_model::TransitDeclaration;
use uuid::Uuid;

use crate::set_aside::FAILED_OUTBOX;
use crate::StoreError;
use transit_model::EventType;
use transit_model::Mrn;
use transit_model::Participant;

/// The tracker's tables.
#[derive(Clone, Debug)]
pub struct TrackerStore {
    pool: PgPool,
    whole_documents: bool,
}

/// Whether an event was accepted, and what followed.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Applied; the movement's state afterwards.
    Accepted {
        /// The state after the message.
        state_after: &'static str,
    },
    /// Refused, with the NCTS code and the reason sent back.
    Rejected {
        /// The NCTS functional error code.
        code: u8,
        /// The reason.
        reason: String,
    },
}

/// One row of the event log.
#[derive(Clone, Debug)]
pub struct NewEvent {
    /// The movement.
    pub mrn: Mrn,
    /// The message's id.
    pub message_id: Uuid,
    /// Its NCTS code.
    pub message_type: EventType,
    /// Who sent it.
    pub sender: Participant,
    /// When the thing it reports happened.
    pub event_time: DateTime<Utc>,
    /// When the hub received it.
    pub received_at: DateTime<Utc>,
    /// What the hub did with it.
    pub outcome: Outcome,
    /// The message itself, as JSON text (stored as `jsonb`).
    pub message: String,
    /// The topic it was read from (None for the hub's own events): where a refused message is
    /// replayed.
    pub topic: Option<String>,
    /// The movement's risk after an accepted message (none for a refusal, and for the timer's
    /// expiry, which does not rescore).
    pub risk: Option<transit_risk::Assessment>,
}

impl TrackerStore {
    /// Wraps a pool opened with [`crate::Component::Tracker`].
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            whole_documents: false,
        }
    }

    /// Makes the event log's months from the one holding `from` to the one holding `to` that
    /// do not exist yet (see [`event_months`]): the tables made.
    pub async fn ensure_event_months(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        event_months::ensure(&self.pool, from, to).await
    }

    /// The write path as it was before migration 0026: each movement's whole document (its
    /// declaration inside) read and rewritten by every event, nothing in
    /// `movement_declarations`. Only for `sigmat bench`, which measures the step undone in the
    /// same run, on a scratch schema where [`crate::baseline::undo_narrowing`] took that table
    /// away.
    pub fn writing_whole_documents(mut self) -> Self {
        self.whole_documents = true;
        self
    }

    /// The network's reference data, in the same schema.
    pub fn reference(&self) -> crate::reference::ReferenceStore {
        crate::reference::ReferenceStore::new(self.pool.clone())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(StoreError::db("pinging"))?;
        Ok(())
    }

    /// Records the pool's use and the outbox's backlog as metrics: records waiting to be
    /// published, the age of the oldest, and those set aside (one query on the outbox's
    /// partial indexes).
    pub async fn record_figures(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        crate::figures::record_pool("main", &self.pool);
        let (waiting, oldest, failed): (i64, Option<DateTime<Utc>>, i64) = sqlx::query_as(
            "SELECT
               (SELECT count(*) FROM outbox WHERE published_at IS NULL AND failed_at IS NULL),
               (SELECT min(created_at) FROM outbox WHERE published_at IS NULL AND failed_at IS NULL),
               (SELECT count(*) FROM outbox WHERE published_at IS NULL AND failed_at IS NOT NULL)",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::db("reading the outbox backlog"))?;
        let age = oldest.map_or(0.0, |t| (now - t).num_milliseconds().max(0) as f64 / 1000.0);
        metrics::gauge!("sigmat_tracker_outbox_backlog").set(waiting as f64);
        metrics::gauge!("sigmat_tracker_outbox_oldest_age_seconds").set(age);
        metrics::gauge!("sigmat_tracker_outbox_failed").set(failed as f64);
        Ok(())
    }

    /// Starts the transaction for one batch.
    pub async fn begin(&self) -> Result<TrackerTx, StoreError> {
        let tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::db("starting a transaction"))?;
        Ok(TrackerTx {
            tx,
            stored_declarations: HashMap::new(),
            whole_documents: self.whole_documents,
        })
    }

    /// Outbox records the broker refused for good, oldest first (at most `limit`).
    pub async fn failed_outbox(&self, limit: i64) -> Result<Vec<FailedRecord>, StoreError> {
        FAILED_OUTBOX.list(&self.pool, limit).await
    }

    /// Puts failed outbox records back in line (all of them when `ids` is `None`); returns how
    /// many.
    pub async fn retry_outbox(&self, ids: Option<&[i64]>) -> Result<u64, StoreError> {
        FAILED_OUTBOX.put_back(&self.pool, ids).await
    }

    /// Locks up to `limit` unpublished outbox records (skipping those another relay holds).
    pub async fn begin_relay(&self, limit: i64) -> Result<RelayBatch, StoreError> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::db("starting a relay batch"))?;
        let rows = sqlx::query(
            "SELECT id, topic, record_key, headers, payload FROM outbox
             WHERE published_at IS NULL AND failed_at IS NULL
             ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
        )
        .bind(limit)
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::db("reading the outbox"))?;
        let mut records = Vec::with_capacity(rows.len());
        for row in rows {
            let headers: sqlx::types::Json<Vec<(String, String)>> = row.get("headers");
            records.push((
                row.get::<i64, _>("id"),
                OutgoingRecord {
                    topic: row.get("topic"),
                    key: row.get("record_key"),
                    headers: headers.0,
                    payload: row.get("payload"),
                },
            ));
        }
        Ok(RelayBatch { tx, records })
    }
}

/// An outbox record the broker refused for good.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FailedRecord {
    /// Outbox id (what `tracker outbox retry` takes).
    pub id: i64,
    /// Where it was to go.
    pub topic: String,
    /// Its key (the MRN).
    pub record_key: String,
    /// The broker's reason.
    pub failure: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When it was set aside.
    pub failed_at: Option<DateTime<Utc>>,
}

/// A consumed record that could not be stored, as [`TrackerTx::keep_poison`] keeps it.
#[derive(Debug, Clone)]
pub struct PoisonRecord<'a> {
    /// Where it was read.
    pub topic: &'a str,
    /// Its partition.
    pub partition: i32,
    /// Its offset.
    pub offset: i64,
    /// The movement, when the record decodes.
    pub mrn: Option<&'a str>,
    /// The message id, when the record decodes.
    pub message_id: Option<Uuid>,
    /// Why it could not be stored (the database's words: for the hub's operators only).
    pub reason: &'a str,
    /// The record as read.
    pub payload: &'a [u8],
    /// When.
    pub received_at: DateTime<Utc>,
}

/// The transaction of one batch. Dropped without [`TrackerTx::commit`], it rolls back.
#[derive(Debug)]
pub struct TrackerTx {
    tx: Transaction<'static, Postgres>,
    /// The declarations of the movements this transaction read or wrote, as stored: a
    /// movement saved with the same declaration leaves `movement_declarations` untouched.
    stored_declarations: HashMap<String, TransitDeclaration>,
    /// See [`TrackerStore::writing_whole_documents`].
    whole_documents: bool,
}

impl TrackerTx {
    /// Locks up to `limit` released movements whose arrival time limit is before `now`, oldest
    /// first, skipping those another tracker holds (the `movements_due` index).
    pub async fn overdue_for_update(
        &mut self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Movement>, StoreError> {
        let rows: Vec<(sqlx::types::Json<Movement>,)> = sqlx::query_as(
            "SELECT m.movement || jsonb_build_object('declaration', d.declaration)
             FROM movements m JOIN movement_declarations d USING (mrn)
             WHERE m.state = 'Released' AND m.arrival_time_limit < $1
             ORDER BY m.arrival_time_limit LIMIT $2 FOR UPDATE OF m SKIP LOCKED",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(StoreError::db("reading overdue movements"))?;
        let movements: Vec<Movement> = rows.into_iter().map(|(m,)| m.0).collect();
        for m in &movements {
            self.remember_declaration(m);
        }
        Ok(movements)
    }

    /// Notes `movement`'s declaration as the one stored (read or written in this transaction).
    fn remember_declaration(&mut self, movement: &Movement) {
        self.stored_declarations.insert(
            movement.mrn.as_str().to_owned(),
            movement.declaration.clone(),
        );
    }

    /// Keeps a record that could not be decoded at all.
    pub async fn keep_undecodable(
        &mut self,
        topic: &str,
        partition: i32,
        offset: i64,
        reason: &str,
        payload: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO undecodable_records (topic, partition, kafka_offset, reason, payload, received_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(topic)
        .bind(partition)
        .bind(offset)
        .bind(reason)
        .bind(payload)
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("keeping an undecodable record"))?;
        Ok(())
    }

    /// Keeps the newest link report of each country (`reports`: country, when reported, the
    /// report as JSON); an older report than the one kept changes nothing.
    pub async fn save_link_reports(
        &mut self,
        reports: &[(String, DateTime<Utc>, serde_json::Value)],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        for (country, reported_at, report) in reports {
            sqlx::query(
                "INSERT INTO link_status (country, reported_at, received_at, report)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (country) DO UPDATE
                    SET reported_at = EXCLUDED.reported_at, received_at = EXCLUDED.received_at,
                        report = EXCLUDED.report
                  WHERE link_status.reported_at <= EXCLUDED.reported_at",
            )
            .bind(country)
            .bind(reported_at)
            .bind(now)
            .bind(report)
            .execute(&mut *self.tx)
            .await
            .map_err(StoreError::db("keeping a link report"))?;
        }
        Ok(())
    }

    /// Keeps the fallback period a national system declared through its adapter in step with
    /// its latest link report: opened (once) while `unavailable` (reason, office, since) is
    /// set, ended when it is not. Periods an operator opened are left alone.
    pub async fn sync_declared_fallback(
        &mut self,
        country: &str,
        unavailable: Option<(&str, Option<&str>, DateTime<Utc>)>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let by = format!("national system of {country}");
        let scope = unavailable.map(|(_, office, _)| office.unwrap_or(country).to_owned());
        // A period of another scope (or any, when available again) ends.
        sqlx::query(
            "UPDATE fallbacks SET ended_at = $2, ended_by = $1
              WHERE started_by = $1 AND ended_at IS NULL AND scope IS DISTINCT FROM $3",
        )
        .bind(&by)
        .bind(now)
        .bind(&scope)
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("ending a declared fallback"))?;
        if let (Some((reason, office, since)), Some(scope)) = (unavailable, scope) {
            sqlx::query(
                "INSERT INTO fallbacks (id, scope_kind, scope, reason, started_at, started_by)
                 SELECT $1, $2, $3, $4, $5, $6
                  WHERE NOT EXISTS (SELECT 1 FROM fallbacks
                                     WHERE started_by = $6 AND ended_at IS NULL AND scope = $3)",
            )
            .bind(uuid::Uuid::new_v4())
            .bind(if office.is_some() {
                "office"
            } else {
                "country"
            })
            .bind(&scope)
            .bind(reason)
            .bind(since)
            .bind(&by)
            .execute(&mut *self.tx)
            .await
            .map_err(StoreError::db("opening a declared fallback"))?;
        }
        Ok(())
    }

    /// The payload of a record already queued for `topic` under `message_id`, if any.
    pub async fn queued(
        &mut self,
        topic: &str,
        message_id: Uuid,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let row: Option<(Vec<u8>,)> =
            sqlx::query_as("SELECT payload FROM outbox WHERE topic = $1 AND message_id = $2")
                .bind(topic)
                .bind(message_id)
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(StoreError::db("reading the outbox"))?;
        Ok(row.map(|(payload,)| payload))
    }

    /// Marks the point a single record's work can be undone to, keeping the rest of the batch.
    pub async fn savepoint(&mut self) -> Result<(), StoreError> {
        self.run("SAVEPOINT record", "setting a savepoint").await
    }

    /// Keeps what was done since [`TrackerTx::savepoint`].
    pub async fn release_savepoint(&mut self) -> Result<(), StoreError> {
        self.run("RELEASE SAVEPOINT record", "releasing a savepoint")
            .await
    }

    /// Undoes what was done since [`TrackerTx::savepoint`]; the transaction goes on.
    pub async fn rollback_to_savepoint(&mut self) -> Result<(), StoreError> {
        self.run(
            "ROLLBACK TO SAVEPOINT record",
            "rolling back to a savepoint",
        )
        .await
    }

    async fn run(&mut self, statement: &str, what: &'static str) -> Result<(), StoreError> {
        sqlx::query(statement)
            .execute(&mut *self.tx)
            .await
            .map_err(StoreError::db(what))?;
        Ok(())
    }

    /// Keeps a record the database or the tracker refused permanently, with the reason.
    pub async fn keep_poison(&mut self, poison: &PoisonRecord<'_>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO poison_records
                 (topic, partition, kafka_offset, mrn, message_id, reason, payload, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        )
        .bind(poison.topic)
        .bind(poison.partition)
        .bind(poison.offset)
        .bind(poison.mrn)
        .bind(poison.message_id)
        .bind(poison.reason)
        .bind(poison.payload)
        .bind(poison.received_at)
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("keeping a poison record"))?;
        Ok(())
    }

    /// Commits the batch.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx
            .commit()
            .await
            .map_err(StoreError::db("committing a batch"))
    }
}

/// Outbox records locked for publishing. Publish them, then [`RelayBatch::mark_published`];
/// dropping the batch releases them for the next attempt.
#[derive(Debug)]
pub struct RelayBatch {
    tx: Transaction<'static, Postgres>,
    /// `(outbox id, record)` in outbox order.
    pub records: Vec<(i64, OutgoingRecord)>,
}

impl RelayBatch {
    /// Marks `published` published and sets `failed` aside with their reasons (the broker
    /// refused them for good), then commits. The batch's other records are left for the next
    /// round.
    pub async fn settle(
        mut self,
        published: &[i64],
        failed: &[(i64, String)],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET published_at = $1 WHERE id = ANY($2)")
            .bind(now)
            .bind(published)
            .execute(&mut *self.tx)
            .await
            .map_err(StoreError::db("marking the outbox published"))?;
        let (ids, reasons): (Vec<i64>, Vec<String>) = failed.iter().cloned().unzip();
        sqlx::query(
            "UPDATE outbox SET failed_at = $1, failure = f.reason
             FROM unnest($2::bigint[], $3::text[]) AS f(id, reason) WHERE outbox.id = f.id",
        )
        .bind(now)
        .bind(&ids)
        .bind(&reasons)
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("setting refused outbox records aside"))?;
        self.tx
            .commit()
            .await
            .map_err(StoreError::db("committing the relay batch"))
    }

    /// Marks the batch published and commits.
    pub async fn mark_published(mut self, now: DateTime<Utc>) -> Result<(), StoreError> {
        let ids: Vec<i64> = self.records.iter().map(|(id, _)| *id).collect();
        sqlx::query("UPDATE outbox SET published_at = $1 WHERE id = ANY($2)")
            .bind(now)
            .bind(&ids)
            .execute(&mut *self.tx)
            .await
            .map_err(StoreError::db("marking the outbox published"))?;
        self.tx
            .commit()
            .await
            .map_err(StoreError::db("committing the relay batch"))
    }
}
