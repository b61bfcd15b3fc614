//! A country adapter's tables: deliveries awaiting the national system, and refusals.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::set_aside::PARKED_DELIVERIES;
use crate::StoreError;

/// The lock of the schema's deliveries, taken by each batch's transaction: batches are stored
/// one after the other, even by several instances of the adapter, so deliveries are numbered
/// in commit order ([`crate::adapter_instances`]).
const DELIVERIES_LOCK: &str =
    "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.deliveries'))";

/// The adapter's tables.
#[derive(Clone, Debug)]
pub struct AdapterStore {
    pool: PgPool,
}

/// A message from the hub to keep for the national system.
#[derive(Clone, Debug)]
pub struct NewDelivery {
    /// Its id; a second record with the same id is not stored again.
    pub message_id: Uuid,
    /// Its NCTS code (`guarantee-check-result` for the answer to a guarantee check).
    pub message_type: String, // raw text: the hub's record header, kept whatever its shape
    /// The movement.
    pub mrn: String, // raw text: the hub's record key, kept whatever its shape
    /// The office it is for.
    pub recipient: String,
    /// The message, as JSON text (stored as `jsonb`).
    pub message: String,
    /// The national format's name (`standard` when the national system takes the JSON).
    pub format: String,
    /// The message in the national format, if it has one.
    pub national: Option<Vec<u8>>,
    /// Why it has none, when a translator exists but could not translate it.
    pub national_note: Option<String>,
    /// The W3C trace context it is delivered in.
    pub traceparent: Option<String>,
}

/// A refused submission or call, as kept.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RefusalRow {
    /// When it came.
    pub received_at: DateTime<Utc>,
    /// How: `http` or `drop`.
    pub channel: String,
    /// What was refused and why (for a call: its method and path first).
    pub reason: String,
    /// What was sent.
    pub payload: Vec<u8>,
    /// The national reference, when it could be read.
    pub reference: Option<String>,
}

/// What waits for the national system (see [`AdapterStore::backlog`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backlog {
    /// Deliveries not taken yet, parked ones apart.
    pub pending: i64,
    /// When the oldest of them arrived.
    pub oldest_pending_at: Option<DateTime<Utc>>,
    /// Deliveries parked after repeated refusals.
    pub parked: i64,
}

/// A stored delivery.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DeliveryRow {
    /// Position in this adapter's delivery sequence; pull with `after` = the last one seen.
    pub seq: i64,
    /// The message id.
    pub message_id: Uuid,
    /// Its NCTS code (`guarantee-check-result` for the answer to a guarantee check).
    pub message_type: String, // raw text: the hub's record header, kept whatever its shape
    /// The movement.
    pub mrn: String, // raw text: the hub's record key, kept whatever its shape
    /// The office it is for.
    pub recipient: String,
    /// The message.
    pub message: serde_json::Value,
    /// When the adapter received it from the hub.
    pub received_at: DateTime<Utc>,
    /// When the national system acknowledged it.
    pub acked_at: Option<DateTime<Utc>>,
    /// The national format's name.
    pub format: String,
    /// The message in the national format.
    pub national: Option<Vec<u8>>,
    /// Why there is no national form.
    pub national_note: Option<String>,
    /// How many webhook pushes failed.
    pub push_attempts: i32,
    /// The last webhook failure.
    pub last_push_error: Option<String>,
    /// The W3C trace context it is delivered in.
    pub traceparent: Option<String>,
}

/// A delivery the national system kept refusing, set aside.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ParkedDelivery {
    /// Its message id.
    pub message_id: Uuid,
    /// Its type.
    pub message_type: String, // raw text: the hub's record header, kept whatever its shape
    /// The movement.
    pub mrn: String, // raw text: the hub's record key, kept whatever its shape
    /// When it was parked.
    pub parked_at: Option<DateTime<Utc>>,
    /// The national system's last answer.
    pub parked_reason: Option<String>,
}

/// National mapping: a delivery still in line, as a new mapping writes it again.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InLine {
    /// Its place in line.
    pub seq: i64,
    /// Its message id.
    pub message_id: Uuid,
    /// The standardized message.
    pub message: serde_json::Value,
    /// Its national form, as written so far.
    pub national: Option<Vec<u8>>,
    /// Whether it was parked after repeated refusals.
    pub parked: bool,
}

const COLUMNS: &str =
    "seq, message_id, message_type, mrn, recipient, message, received_at, acked_at, \
     format, national, national_note, push_attempts, last_push_error, traceparent";

impl AdapterStore {
    /// Wraps a pool opened with [`crate::Component::Adapter`].
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Records the pool's use as metrics.
    pub fn record_figures(&self) {
        crate::figures::record_pool("main", &self.pool);
    }

    /// Stores a batch in one transaction; returns how many were new.
    pub async fn store_deliveries(
        &self,
        deliveries: &[NewDelivery],
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::db("starting a transaction"))?;
        // Batches one after the other, even from several instances of the adapter: numbers
        // are taken in commit order (`adapter_instances`).
        sqlx::query(DELIVERIES_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db("waiting for the deliveries' turn"))?;
        // One statement for the batch, rows in the order read.
        let new = sqlx::query(
            "INSERT INTO deliveries (message_id, message_type, mrn, recipient, message, received_at,
                                     format, national, national_note, traceparent)
             SELECT i, t, m, r, j::jsonb, $6, f, n, o, p
             FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $7::text[],
                         $8::bytea[], $9::text[], $10::text[])
                  WITH ORDINALITY AS u(i, t, m, r, j, f, n, o, p, k)
             ORDER BY k
             ON CONFLICT (message_id) DO NOTHING",
        )
        .bind(deliveries.iter().map(|d| d.message_id).collect::<Vec<_>>())
        .bind(deliveries.iter().map(|d| d.message_type.as_str()).collect::<Vec<_>>())
        .bind(deliveries.iter().map(|d| d.mrn.as_str()).collect::<Vec<_>>())
        .bind(deliveries.iter().map(|d| d.recipient.as_str()).collect::<Vec<_>>())
        .bind(deliveries.iter().map(|d| d.message.as_str()).collect::<Vec<_>>())
        .bind(now)
        .bind(deliveries.iter().map(|d| d.format.as_str()).collect::<Vec<_>>())
        .bind(deliveries.iter().map(|d| d.national.as_deref()).collect::<Vec<_>>())
        .bind(deliveries.iter().map(|d| d.national_note.as_deref()).collect::<Vec<_>>())
        .bind(deliveries.iter().map(|d| d.traceparent.as_deref()).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db("storing deliveries"))?
        .rows_affected();
        tx.commit()
            .await
            .map_err(StoreError::db("committing deliveries"))?;
        Ok(new)
    }

    /// Unacknowledged deliveries after `after_seq`, oldest first.
    pub async fn pending(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<DeliveryRow>, StoreError> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM deliveries
             WHERE acked_at IS NULL AND parked_at IS NULL AND seq > $1 ORDER BY seq LIMIT $2"
        ))
        .bind(after_seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("listing deliveries"))
    }

    /// All deliveries, acknowledged or not (for tests and audits).
    pub async fn all(&self) -> Result<Vec<DeliveryRow>, StoreError> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM deliveries ORDER BY seq"))
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::db("listing deliveries"))
    }

    /// One delivery by message id.
    pub async fn delivery(&self, message_id: Uuid) -> Result<Option<DeliveryRow>, StoreError> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM deliveries WHERE message_id = $1"
        ))
        .bind(message_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::db("reading a delivery"))
    }

    /// Keeps the national system's notice that it (or `office`) is unavailable; a second notice
    /// replaces the first but keeps its start.
    pub async fn declare_unavailable(
        &self,
        reason: &str,
        office: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO national_unavailability (reason, office, since) VALUES ($1, $2, $3)
             ON CONFLICT (only_row) DO UPDATE SET reason = EXCLUDED.reason, office = EXCLUDED.office",
        )
        .bind(reason)
        .bind(office)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(StoreError::db("keeping an unavailability notice"))?;
        Ok(())
    }

    /// The national system is back.
    pub async fn declare_available(&self) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM national_unavailability")
            .execute(&self.pool)
            .await
            .map_err(StoreError::db("ending an unavailability notice"))?;
        Ok(())
    }

    /// The national system's notice, if it has declared itself unavailable: reason, office,
    /// since.
    pub async fn unavailability(
        &self,
    ) -> Result<Option<(String, Option<String>, DateTime<Utc>)>, StoreError> {
        sqlx::query_as("SELECT reason, office, since FROM national_unavailability")
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::db("reading the unavailability notice"))
    }

    /// What waits for the national system: deliveries not taken (parked apart), the time the
    /// oldest arrived, and the parked ones. Reads only rows not yet acknowledged.
    pub async fn backlog(&self) -> Result<Backlog, StoreError> {
        let (pending, oldest_pending_at, parked): (i64, Option<DateTime<Utc>>, i64) =
            sqlx::query_as(
                "SELECT count(*) FILTER (WHERE parked_at IS NULL),
                    min(received_at) FILTER (WHERE parked_at IS NULL),
                    count(*) FILTER (WHERE parked_at IS NOT NULL)
               FROM deliveries WHERE acked_at IS NULL",
            )
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::db("reading the backlog"))?;
        Ok(Backlog {
            pending,
            oldest_pending_at,
            parked,
        })
    }

    /// Notes a failed webhook push (the delivery stays pending).
    pub async fn note_push_failure(&self, message_id: Uuid, error: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE deliveries SET push_attempts = push_attempts + 1, last_push_error = $2
             WHERE message_id = $1",
        )
        .bind(message_id)
        .bind(error)
        .execute(&self.pool)
        .await
        .map_err(StoreError::db("noting a push failure"))?;
        Ok(())
    }

    /// Parks a delivery the national system keeps refusing, with the reason: it leaves the
    /// pending list until [`AdapterStore::unpark`]. Only if its national form is still
    /// `refused` (none: the standardized JSON was pushed): a new national mapping may have
    /// written it again meanwhile, and that form deserves its own tries. Whether it was parked.
    pub async fn park(
        &self,
        message_id: Uuid,
        refused: Option<&[u8]>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let parked = sqlx::query(
            "UPDATE deliveries SET parked_at = $2, parked_reason = $3
             WHERE message_id = $1 AND national IS NOT DISTINCT FROM $4",
        )
        .bind(message_id)
        .bind(now)
        .bind(reason)
        .bind(refused)
        .execute(&self.pool)
        .await
        .map_err(StoreError::db("parking a delivery"))?
        .rows_affected();
        Ok(parked == 1)
    }

    /// The parked deliveries, oldest first: (message id, type, MRN, when, why).
    pub async fn parked(&self, limit: i64) -> Result<Vec<ParkedDelivery>, StoreError> {
        PARKED_DELIVERIES.list(&self.pool, limit).await
    }

    /// Puts parked deliveries back in line (all when `ids` is `None`); returns how many.
    pub async fn unpark(&self, ids: Option<&[Uuid]>) -> Result<u64, StoreError> {
        PARKED_DELIVERIES.put_back(&self.pool, ids).await
    }

    /// National mapping: the deliveries still in line after `after_seq` (not acknowledged,
    /// parked or not), oldest first, to be written again when a new mapping is in force.
    pub async fn in_line(&self, after_seq: i64, limit: i64) -> Result<Vec<InLine>, StoreError> {
        sqlx::query_as(
            "SELECT seq, message_id, message, national, parked_at IS NOT NULL AS parked
             FROM deliveries WHERE acked_at IS NULL AND seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after_seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the deliveries in line"))
    }

    /// National mapping: replaces a delivery's national form by one written with a new
    /// mapping, and puts it back in line if it was parked (the national system refused the old
    /// form; the new one deserves a try). An acknowledged delivery is left as it was.
    pub async fn rewrite_national(
        &self,
        message_id: Uuid,
        national: &[u8],
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE deliveries SET national = $2, national_note = NULL, parked_at = NULL,
                    parked_reason = NULL, push_attempts = 0, last_push_error = NULL
             WHERE message_id = $1 AND acked_at IS NULL",
        )
        .bind(message_id)
        .bind(national)
        .execute(&self.pool)
        .await
        .map_err(StoreError::db(
            "writing a delivery again with a new mapping",
        ))?;
        Ok(())
    }

    /// Marks a delivery acknowledged. Returns `false` if there is no such delivery; acknowledging
    /// twice is harmless.
    pub async fn acknowledge(
        &self,
        message_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let found = sqlx::query(
            "UPDATE deliveries SET acked_at = COALESCE(acked_at, $2) WHERE message_id = $1",
        )
        .bind(message_id)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(StoreError::db("acknowledging a delivery"))?
        .rows_affected();
        Ok(found == 1)
    }

    /// Keeps something the national system sent that was refused, with the reason given.
    pub async fn keep_refusal(
        &self,
        channel: &str,
        reference: Option<&str>,
        reason: &str,
        payload: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO refusals (received_at, channel, reason, payload, reference)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(now)
        .bind(channel)
        .bind(reason)
        .bind(payload)
        .bind(reference)
        .execute(&self.pool)
        .await
        .map_err(StoreError::db("keeping a refusal"))?;
        Ok(())
    }

    /// Every refusal kept, oldest first.
    pub async fn refusals(&self) -> Result<Vec<RefusalRow>, StoreError> {
        sqlx::query_as(
            "SELECT received_at, channel, reason, payload, reference FROM refusals ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading refusals"))
    }

    /// Deletes the refusals received before `cutoff` (the retention period); how many.
    pub async fn forget_refusals_before(&self, cutoff: DateTime<Utc>) -> Result<u64, StoreError> {
        let deleted = sqlx::query("DELETE FROM refusals WHERE received_at < $1")
            .bind(cutoff)
            .execute(&self.pool)
            .await
            .map_err(StoreError::db("deleting old refusals"))?
            .rows_affected();
        Ok(deleted)
    }

    /// Deletes the deliveries the national system acknowledged before `cutoff`, at most
    /// `limit` (the oldest): how many. Called again until it deletes fewer, so no statement
    /// holds the table long.
    pub async fn forget_acknowledged_before(
        &self,
        cutoff: DateTime<Utc>,
        limit: i64,
    ) -> Result<u64, StoreError> {
        let deleted = sqlx::query(
            "DELETE FROM deliveries WHERE seq IN
                 (SELECT seq FROM deliveries WHERE acked_at < $1 ORDER BY acked_at LIMIT $2)",
        )
        .bind(cutoff)
        .bind(limit)
        .execute(&self.pool)
        .await
        .map_err(StoreError::db("deleting acknowledged deliveries"))?
        .rows_affected();
        Ok(deleted)
    }

    /// Whether the database answers (readiness: a constant query, whatever the tables hold).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(StoreError::db("reaching the database"))?;
        Ok(())
    }

    /// How many refusals are kept.
    pub async fn refusal_count(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM refusals")
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::db("counting refusals"))?;
        Ok(n)
    }
}
