//! Dead letters: the messages the hub refused (`movement_events`, outcome `rejected`), the
//! records its database refused (`poison_records`) and the records it could not read
//! (`undecodable_records`), and the copies the broker refused (outbox records set aside), each
//! under one id (`refused-12`, `poison-3`, `undecodable-4`, `unpublished-7`), with its replay if
//! an operator asked for one (`dead_letter_replays`, migration 0013).

use chrono::{DateTime, Utc};
use sqlx::{Postgres, QueryBuilder, Row};
use transit_model::dead_letters::{DeadLetter, DeadLetterId, DeadLetterKind, Replay};

use super::ApiStore;
use crate::set_aside::FAILED_OUTBOX;
use crate::StoreError;
use transit_model::Mrn;

/// Which dead letters to list.
#[derive(Clone, Debug, Default)]
pub struct DeadLetterFilter {
    /// Only this kind.
    pub kind: Option<DeadLetterKind>,
    /// Only this movement.
    pub mrn: Option<Mrn>,
    /// Only those not replayed yet.
    pub pending: bool,
}

/// How a replay starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayStart {
    /// Publish `payload` (its inbox entry is gone, so the tracker decides it afresh), then call
    /// [`ApiStore::replay_published`].
    Publish {
        /// The record's bytes.
        payload: Vec<u8>,
        /// The dead letter.
        dead_letter: Box<DeadLetter>,
    },
    /// Already replayed: nothing is done.
    AlreadyReplayed(Replay),
    /// The same message was accepted since (its sender sent it again): nothing to replay.
    AcceptedSince(DateTime<Utc>),
}

const DEAD_LETTERS: &str = "
    SELECT d.*, r.requested_at, r.requested_by, r.published_at FROM (
        SELECT 'refused' AS kind, e.seq AS row, e.received_at, e.mrn, e.sender,
               e.topic AS topic, e.message_type, e.error_code, coalesce(e.reason, '') AS reason,
               e.message_id
          FROM movement_events e WHERE e.outcome = 'rejected'
        UNION ALL
        SELECT 'poison', p.id, p.received_at, p.mrn, NULL, p.topic, NULL, NULL, p.reason,
               p.message_id
          FROM poison_records p
        UNION ALL
        SELECT 'undecodable', u.id, u.received_at, NULL, NULL, u.topic, NULL, NULL, u.reason,
               NULL
          FROM undecodable_records u
        UNION ALL
        SELECT 'unpublished', o.id, o.created_at, o.record_key, NULL, o.topic,
               (SELECT h->>1 FROM jsonb_array_elements(o.headers) h
                 WHERE h->>0 = 'sigmat-message-type'), NULL, coalesce(o.failure, ''), o.message_id
          FROM outbox o WHERE o.failed_at IS NOT NULL AND o.published_at IS NULL
    ) d
    LEFT JOIN dead_letter_replays r ON r.dead_letter = d.kind || '-' || d.row
    WHERE true";

fn dead_letter(row: &sqlx::postgres::PgRow) -> Result<DeadLetter, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let number: i64 = row.try_get("row")?;
    let kind = DeadLetterKind::parse(&kind).unwrap_or(DeadLetterKind::Undecodable);
    let requested_at: Option<DateTime<Utc>> = row.try_get("requested_at")?;
    Ok(DeadLetter {
        id: DeadLetterId { kind, row: number }.to_string(),
        kind,
        received_at: row.try_get("received_at")?,
        mrn: row.try_get("mrn")?,
        sender: row.try_get("sender")?,
        topic: row.try_get("topic")?,
        message_type: row.try_get("message_type")?,
        error_code: row.try_get("error_code")?,
        reason: row.try_get("reason")?,
        message_id: row.try_get("message_id")?,
        replay: match requested_at {
            Some(requested_at) => Some(Replay {
                requested_at,
                requested_by: row.try_get("requested_by")?,
                published_at: row.try_get("published_at")?,
            }),
            None => None,
        },
    })
}

fn filtered<'a>(filter: &'a DeadLetterFilter) -> QueryBuilder<'a, Postgres> {
    let mut q: QueryBuilder<'_, Postgres> = QueryBuilder::new(DEAD_LETTERS);
    if let Some(kind) = filter.kind {
        q.push(" AND d.kind = ").push_bind(kind.as_str());
    }
    if let Some(mrn) = &filter.mrn {
        q.push(" AND d.mrn = ").push_bind(mrn.as_str());
    }
    if filter.pending {
        q.push(" AND r.dead_letter IS NULL");
    }
    q
}

impl ApiStore {
    /// Dead letters matching `filter`, newest first, at most `limit`.
    pub async fn dead_letters(
        &self,
        filter: &DeadLetterFilter,
        limit: i64,
    ) -> Result<Vec<DeadLetter>, StoreError> {
        let mut q = filtered(filter);
        q.push(" ORDER BY d.received_at DESC, d.row DESC LIMIT ")
            .push_bind(limit);
        let rows = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::db("listing dead letters"))?;
        rows.iter()
            .map(dead_letter)
            .collect::<Result<_, _>>()
            .map_err(StoreError::db("reading dead letters"))
    }

    /// One dead letter and its bytes.
    pub async fn dead_letter(
        &self,
        id: DeadLetterId,
    ) -> Result<Option<(DeadLetter, Vec<u8>)>, StoreError> {
        self.dead_letter_in(&self.pool, id).await
    }

    async fn dead_letter_in<'e>(
        &self,
        executor: impl sqlx::PgExecutor<'e>,
        id: DeadLetterId,
    ) -> Result<Option<(DeadLetter, Vec<u8>)>, StoreError> {
        let payload = match id.kind {
            DeadLetterKind::Refused => {
                "(SELECT convert_to(message::text, 'UTF8') FROM movement_events WHERE seq = d.row)"
            }
            DeadLetterKind::Poison => "(SELECT payload FROM poison_records WHERE id = d.row)",
            DeadLetterKind::Undecodable => {
                "(SELECT payload FROM undecodable_records WHERE id = d.row)"
            }
            DeadLetterKind::Unpublished => "(SELECT payload FROM outbox WHERE id = d.row)",
        };
        // The union with its payload, for one row.
        let mut q: QueryBuilder<'_, Postgres> = QueryBuilder::new(DEAD_LETTERS.replacen(
            "SELECT d.*,",
            &format!("SELECT d.*, {payload} AS payload,"),
            1,
        ));
        q.push(" AND d.kind = ")
            .push_bind(id.kind.as_str())
            .push(" AND d.row = ")
            .push_bind(id.row);
        let row = q
            .build()
            .fetch_optional(executor)
            .await
            .map_err(StoreError::db("reading a dead letter"))?;
        row.map(|row| {
            let payload: Vec<u8> = row.try_get("payload")?;
            Ok((dead_letter(&row)?, payload))
        })
        .transpose()
        .map_err(StoreError::db("reading a dead letter"))
    }

    /// Starts replaying `id` to `topic` for `by`, in one transaction: the replay is recorded
    /// (at most once per dead letter), and a refused message's inbox entry is removed so that
    /// the tracker decides it afresh. `None` when there is no such dead letter.
    pub async fn start_replay(
        &self,
        id: DeadLetterId,
        topic: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ReplayStart>, StoreError> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::db("starting a replay"))?;
        let Some((dead_letter, payload)) = self.dead_letter_in(&mut *tx, id).await? else {
            return Ok(None);
        };
        let inserted = sqlx::query(
            "INSERT INTO dead_letter_replays (dead_letter, message_id, topic, requested_at, requested_by)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (dead_letter) DO NOTHING",
        )
        .bind(&dead_letter.id)
        .bind(dead_letter.message_id)
        .bind(topic)
        .bind(now)
        .bind(by)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db("recording a replay"))?
        .rows_affected();
        if inserted == 0 {
            let row = sqlx::query(
                "SELECT requested_at, requested_by, published_at FROM dead_letter_replays
                  WHERE dead_letter = $1 FOR UPDATE",
            )
            .bind(&dead_letter.id)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::db("reading a replay"))?;
            let replay = Replay {
                requested_at: row
                    .try_get("requested_at")
                    .map_err(StoreError::db("reading a replay"))?,
                requested_by: row
                    .try_get("requested_by")
                    .map_err(StoreError::db("reading a replay"))?,
                published_at: row
                    .try_get("published_at")
                    .map_err(StoreError::db("reading a replay"))?,
            };
            if replay.published_at.is_some() {
                return Ok(Some(ReplayStart::AlreadyReplayed(replay)));
            }
            // Asked for before, never published: finish it.
        } else if let Some(message_id) = dead_letter.message_id {
            let accepted: Option<DateTime<Utc>> = sqlx::query_scalar(
                "SELECT min(received_at) FROM movement_events
                  WHERE message_id = $1 AND outcome = 'accepted'",
            )
            .bind(message_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::db("looking for the message's acceptance"))?;
            if let Some(at) = accepted {
                return Ok(Some(ReplayStart::AcceptedSince(at)));
            }
        }
        if let Some(message_id) = dead_letter.message_id {
            sqlx::query("DELETE FROM inbox WHERE message_id = $1")
                .bind(message_id)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::db("releasing the message id for its replay"))?;
        }
        tx.commit()
            .await
            .map_err(StoreError::db("committing a replay"))?;
        Ok(Some(ReplayStart::Publish {
            payload,
            dead_letter: Box::new(dead_letter),
        }))
    }

    /// Puts a copy the broker refused back in the outbox's line (as `tracker outbox retry`):
    /// the relay publishes it once more under its own id. `false` if it is no longer set aside.
    pub async fn requeue_unpublished(&self, row: i64) -> Result<bool, StoreError> {
        let done = FAILED_OUTBOX.put_back(&self.pool, Some(&[row])).await?;
        Ok(done == 1)
    }

    /// Records that the broker took the replay of `id`.
    pub async fn replay_published(
        &self,
        id: DeadLetterId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE dead_letter_replays SET published_at = $2 WHERE dead_letter = $1")
            .bind(id.to_string())
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(StoreError::db("recording a published replay"))?;
        Ok(())
    }
}
