//! Fallback periods (migration 0016) and what happened during one: the events of the offices
//! in its scope whose event time falls in it, accepted or refused, with when the hub received
//! them.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::event_log::LoggedEvent;
use super::ApiStore;
use crate::StoreError;

/// A fallback period.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct FallbackRow {
    /// Its id.
    pub id: Uuid,
    /// `office` or `country`.
    pub scope_kind: String,
    /// The office (`BFNGK001`) or country (`BF`).
    pub scope: String,
    /// Why.
    pub reason: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Who declared it.
    pub started_by: String,
    /// When it ended (None: still on).
    pub ended_at: Option<DateTime<Utc>>,
    /// Who ended it.
    pub ended_by: Option<String>,
}

/// One event of an office in scope during a fallback.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct FallbackEvent {
    /// The entry of the event log.
    #[sqlx(flatten)]
    pub event: LoggedEvent,
    /// `accepted` or `rejected`.
    pub outcome: String,
    /// The movement's state after it, when accepted.
    pub state_after: Option<String>,
    /// Why it was refused.
    pub reason: Option<String>,
}

impl ApiStore {
    /// Starts a fallback period.
    pub async fn start_fallback(&self, row: &FallbackRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO fallbacks (id, scope_kind, scope, reason, started_at, started_by)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(row.id)
        .bind(&row.scope_kind)
        .bind(&row.scope)
        .bind(&row.reason)
        .bind(row.started_at)
        .bind(&row.started_by)
        .execute(&self.pool)
        .await
        .map_err(StoreError::db("starting a fallback"))?;
        Ok(())
    }

    /// Ends a fallback period (an ended one stays as it was); the period as it now is.
    pub async fn end_fallback(
        &self,
        id: Uuid,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<FallbackRow>, StoreError> {
        sqlx::query(
            "UPDATE fallbacks SET ended_at = $2, ended_by = $3 WHERE id = $1 AND ended_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .bind(by)
        .execute(&self.pool)
        .await
        .map_err(StoreError::db("ending a fallback"))?;
        self.fallback(id).await
    }

    /// One fallback period.
    pub async fn fallback(&self, id: Uuid) -> Result<Option<FallbackRow>, StoreError> {
        sqlx::query_as("SELECT * FROM fallbacks WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::db("reading a fallback"))
    }

    /// Fallback periods, the ones still on first, then the latest.
    pub async fn fallbacks(&self, limit: i64) -> Result<Vec<FallbackRow>, StoreError> {
        sqlx::query_as(
            "SELECT * FROM fallbacks ORDER BY ended_at IS NOT NULL, started_at DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("listing fallbacks"))
    }

    /// The events of the offices in `fallback`'s scope whose event time falls in it (up to
    /// `until` while it is on), in the order the hub received them.
    pub async fn fallback_events(
        &self,
        fallback: &FallbackRow,
        until: DateTime<Utc>,
    ) -> Result<Vec<FallbackEvent>, StoreError> {
        let pattern = match fallback.scope_kind.as_str() {
            "country" => format!("{}%", fallback.scope),
            _ => fallback.scope.clone(),
        };
        sqlx::query_as(
            "SELECT seq, mrn, message_type, sender, event_time, received_at, outcome, state_after, reason
               FROM movement_events
              WHERE sender LIKE $1 AND event_time >= $2 AND event_time <= $3
              ORDER BY seq LIMIT 5000",
        )
        .bind(pattern)
        .bind(fallback.started_at)
        .bind(fallback.ended_at.unwrap_or(until))
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading a fallback's events"))
    }
}
