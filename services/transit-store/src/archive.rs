//! The archive's statements: closed movements (written off or invalidated) leave the hot
//! tables with their event log, and come back. A movement is taken as its rows exactly as
//! stored (`to_jsonb` of the row) and restored the same way (`jsonb_populate_record`), so every
//! column — the search keys, the risk assessment, the event sequence numbers — comes back as
//! it was, whatever migrations added. The inbox entries of its messages are dropped (they only
//! guard against redelivery, and the topics keep records for days, not months); published
//! outbox records expire on their own.
//!
//! Taking a month happens in one transaction that holds the rows (`FOR UPDATE`): the caller
//! writes them to its archive file and makes it durable *before* [`ArchiveTx::delete`] and
//! the commit, so a crash in between leaves the movements in place (archived twice at worst,
//! which restoring and searching take once).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgPool, Postgres, Transaction};

use crate::StoreError;
use transit_lifecycle::MovementState;
use transit_model::Mrn;

/// The states a movement leaves the hot tables in: written off (discharged) and invalidated.
pub const ARCHIVED_STATES: [MovementState; 2] =
    [MovementState::WrittenOff, MovementState::Cancelled];

/// The version of an archived movement's layout.
pub const ARCHIVE_FORMAT: u32 = 1;

/// One movement as archived: its row and its event log, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArchivedMovement {
    /// [`ARCHIVE_FORMAT`].
    pub format: u32,
    /// The MRN.
    pub mrn: Mrn,
    /// Its state when archived.
    pub state: MovementState,
    /// When it last changed (what its archive month is).
    pub updated_at: DateTime<Utc>,
    /// When it was archived.
    pub archived_at: DateTime<Utc>,
    /// The `movements` row, as stored.
    pub row: serde_json::Value,
    /// Its `movement_events` rows, in sequence.
    pub events: Vec<serde_json::Value>,
}

/// The archive's side of the tracker's database.
#[derive(Clone, Debug)]
pub struct ArchiveStore {
    pool: PgPool,
}

/// A transaction holding the movements being archived.
#[derive(Debug)]
pub struct ArchiveTx {
    tx: Transaction<'static, Postgres>,
}

/// What expiring the published outbox records removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Expired {
    /// Outbox records published before the cutoff.
    pub outbox: u64,
}

impl ArchiveStore {
    /// The tracker's schema (opened with [`crate::Component::Tracker`]).
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// How many closed movements last changed in `[from, to)`, by month (`YYYY-MM`).
    pub async fn closed_by_month(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        sqlx::query_as(
            "SELECT to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, count(*)
             FROM movements
             WHERE state = ANY($1) AND updated_at >= $2 AND updated_at < $3
             GROUP BY 1 ORDER BY 1",
        )
        .bind(ARCHIVED_STATES.map(MovementState::as_str))
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("counting the closed movements"))
    }

    /// Takes up to `limit` closed movements last changed in `[from, to)`, oldest first, with
    /// their event logs, holding them until the transaction ends; movements a tracker holds
    /// at that moment are passed over (the next run takes them).
    pub async fn take(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
        now: DateTime<Utc>,
    ) -> Result<(ArchiveTx, Vec<ArchivedMovement>), StoreError> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::db("starting an archive transaction"))?;
        let rows: Vec<(String, String, DateTime<Utc>, serde_json::Value)> = sqlx::query_as(
            // The row as one piece, its `movement` the whole document (declaration included),
            // as archives were written before declarations were kept apart (migration 0026).
            "SELECT m.mrn, m.state, m.updated_at,
                    to_jsonb(m) || jsonb_build_object('movement',
                        m.movement || jsonb_build_object('declaration', d.declaration))
             FROM movements m JOIN movement_declarations d USING (mrn)
             WHERE m.state = ANY($1) AND m.updated_at >= $2 AND m.updated_at < $3
             ORDER BY m.updated_at, m.mrn
             LIMIT $4
             FOR UPDATE OF m SKIP LOCKED",
        )
        .bind(ARCHIVED_STATES.map(MovementState::as_str))
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::db("taking closed movements"))?;
        let mrns: Vec<&str> = rows.iter().map(|(mrn, ..)| mrn.as_str()).collect();
        let events: Vec<(String, serde_json::Value)> = sqlx::query_as(
            "SELECT e.mrn, to_jsonb(e) FROM movement_events e
             WHERE e.mrn = ANY($1) ORDER BY e.mrn, e.seq",
        )
        .bind(&mrns)
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::db("reading the archived movements' events"))?;
        let mut events_of: HashMap<String, Vec<serde_json::Value>> = HashMap::new();
        for (mrn, event) in events {
            events_of.entry(mrn).or_default().push(event);
        }
        let taken = rows
            .into_iter()
            .map(|(mrn, state, updated_at, row)| {
                Ok(ArchivedMovement {
                    format: ARCHIVE_FORMAT,
                    events: events_of.remove(&mrn).unwrap_or_default(),
                    mrn: Mrn::parse(&mrn).map_err(StoreError::stored("movements.mrn"))?,
                    state: state
                        .parse()
                        .map_err(StoreError::stored("movements.state"))?,
                    updated_at,
                    archived_at: now,
                    row,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok((ArchiveTx { tx }, taken))
    }

    /// Puts `movements` back in the hot tables, rows as they were archived; a movement still
    /// (or again) there is left as it is, its archived events too. How many came back. Two
    /// statements, whatever the number: the rows, then the events of those that came back.
    pub async fn restore(&self, movements: &[ArchivedMovement]) -> Result<u64, StoreError> {
        let rows: Vec<&serde_json::Value> = movements.iter().map(|m| &m.row).collect();
        let events: Vec<&serde_json::Value> =
            movements.iter().flat_map(|m| m.events.iter()).collect();
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::db("starting a restore"))?;
        let rows = serde_json::to_value(&rows).map_err(StoreError::encode("archived movements"))?;
        let restored: Vec<String> = sqlx::query_scalar(
            "INSERT INTO movements
             SELECT r.* FROM jsonb_array_elements($1) AS j,
                             jsonb_populate_record(NULL::movements, j || jsonb_build_object(
                                 'movement', (j -> 'movement') - 'declaration')) AS r
             ON CONFLICT (mrn) DO NOTHING
             RETURNING mrn",
        )
        .bind(&rows)
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::db("restoring movements"))?;
        sqlx::query(
            "INSERT INTO movement_declarations (mrn, declaration)
             SELECT j ->> 'mrn', j -> 'movement' -> 'declaration' FROM jsonb_array_elements($1) AS j
             WHERE j ->> 'mrn' = ANY($2)",
        )
        .bind(&rows)
        .bind(&restored)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db("restoring the movements' declarations"))?;
        sqlx::query(
            "INSERT INTO movement_events
             SELECT r.* FROM jsonb_array_elements($1) AS j,
                             jsonb_populate_record(NULL::movement_events, j) AS r
             WHERE r.mrn = ANY($2)
             ORDER BY r.seq
             ON CONFLICT (seq, received_at) DO NOTHING",
        )
        .bind(serde_json::to_value(&events).map_err(StoreError::encode("archived events"))?)
        .bind(&restored)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db("restoring the movements' events"))?;
        tx.commit()
            .await
            .map_err(StoreError::db("committing a restore"))?;
        Ok(restored.len() as u64)
    }

    /// Deletes the outbox records published before `before`: the relay is done with them and
    /// the broker holds them for its own retention.
    pub async fn expire_outbox(&self, before: DateTime<Utc>) -> Result<Expired, StoreError> {
        let outbox = sqlx::query("DELETE FROM outbox WHERE published_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await
            .map_err(StoreError::db("expiring published outbox records"))?
            .rows_affected();
        Ok(Expired { outbox })
    }
}

impl ArchiveTx {
    /// Deletes `movements` (taken in this transaction) from the hot tables: their rows, their
    /// events and their messages' inbox entries. Call once they are durable in the archive.
    pub async fn delete(&mut self, movements: &[ArchivedMovement]) -> Result<(), StoreError> {
        let mrns: Vec<&str> = movements.iter().map(|m| m.mrn.as_str()).collect();
        // By the inbox's key: (the sender's country, or '' for ids claimed before it was
        // kept, message id).
        sqlx::query(
            "DELETE FROM inbox i USING movement_events e
             WHERE e.mrn = ANY($1) AND i.message_id = e.message_id
               AND i.sender_country IN (left(e.sender, 2), '')",
        )
        .bind(&mrns)
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("dropping archived messages' inbox entries"))?;
        sqlx::query("DELETE FROM movement_events WHERE mrn = ANY($1)")
            .bind(&mrns)
            .execute(&mut *self.tx)
            .await
            .map_err(StoreError::db("deleting archived events"))?;
        // Their declarations go with them (`ON DELETE CASCADE`).
        sqlx::query("DELETE FROM movements WHERE mrn = ANY($1)")
            .bind(&mrns)
            .execute(&mut *self.tx)
            .await
            .map_err(StoreError::db("deleting archived movements"))?;
        Ok(())
    }

    /// Ends the transaction: the movements deleted are gone from the hot tables.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx
            .commit()
            .await
            .map_err(StoreError::db("committing an archive batch"))
    }
}
