//! Read-only views of the tracker's tables.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use transit_lifecycle::Movement;
use uuid::Uuid;

use crate::StoreError;
use transit_model::EventType;
use transit_model::Participant;

/// `movements` columns as read by [`MovementQueries::movement`].
type MovementRow = (
    sqlx::types::Json<Movement>,
    i64,
    DateTime<Utc>,
    DateTime<Utc>,
    Option<sqlx::types::Json<transit_risk::Assessment>>,
);

/// Reads movements and their history.
#[derive(Clone, Debug)]
pub struct MovementQueries {
    pool: PgPool,
}

/// A movement as stored.
#[derive(Clone, Debug)]
pub struct MovementRecord {
    /// The movement.
    pub movement: Movement,
    /// How many times it changed (1 after release).
    pub version: i64,
    /// When the hub first saw it.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Its latest risk assessment (none before the first scoring).
    pub risk: Option<transit_risk::Assessment>,
}

/// One accepted entry of the event log with the assessment it was scored with.
#[derive(Clone, Debug)]
pub struct ScoredEvent {
    /// Its NCTS code (`TIME-LIMIT` for the timer's).
    pub message_type: EventType,
    /// The message as stored.
    pub message: serde_json::Value,
    /// When the hub received it (the time it was decided and scored at).
    pub received_at: DateTime<Utc>,
    /// The assessment after it (none for the timer's entries and before risk analysis).
    pub risk: Option<transit_risk::Assessment>,
}

/// One entry of a movement's timeline.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRecord {
    /// Order in the log.
    pub seq: i64,
    /// The message id.
    pub message_id: Uuid,
    /// Its NCTS code.
    #[sqlx(try_from = "String")]
    pub message_type: EventType,
    /// Who sent it.
    #[sqlx(try_from = "String")]
    pub sender: Participant,
    /// When it happened.
    pub event_time: DateTime<Utc>,
    /// When the hub received it.
    pub received_at: DateTime<Utc>,
    /// `accepted` or `rejected`.
    pub outcome: String,
    /// The state afterwards, if accepted.
    pub state_after: Option<String>,
    /// The NCTS error code, if rejected.
    pub error_code: Option<i16>,
    /// The reason, if rejected.
    pub reason: Option<String>,
}

impl MovementQueries {
    /// Wraps a pool on the tracker's schema.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// One movement by MRN.
    pub async fn movement(&self, mrn: &str) -> Result<Option<MovementRecord>, StoreError> {
        let row: Option<MovementRow> = sqlx::query_as(
            "SELECT document, version, created_at, updated_at, risk FROM movement_documents WHERE mrn = $1",
        )
        .bind(mrn)
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::db("reading a movement"))?;
        Ok(row.map(
            |(m, version, created_at, updated_at, risk)| MovementRecord {
                movement: m.0,
                version,
                created_at,
                updated_at,
                risk: risk.map(|r| r.0),
            },
        ))
    }

    /// The accepted entries of a movement's event log with their assessments, in order.
    pub async fn scored_log(&self, mrn: &str) -> Result<Vec<ScoredEvent>, StoreError> {
        type Row = (
            String,
            serde_json::Value,
            DateTime<Utc>,
            Option<sqlx::types::Json<transit_risk::Assessment>>,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT message_type, message, received_at, risk FROM movement_events
             WHERE mrn = $1 AND outcome = 'accepted' ORDER BY seq",
        )
        .bind(mrn)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the event log"))?;
        rows.into_iter()
            .map(|(message_type, message, received_at, risk)| {
                Ok(ScoredEvent {
                    message_type: EventType::parse(&message_type)
                        .map_err(StoreError::stored("movement_events.message_type"))?,
                    message,
                    received_at,
                    risk: risk.map(|r| r.0),
                })
            })
            .collect()
    }

    /// A movement's timeline, in the order the hub received its messages.
    pub async fn timeline(&self, mrn: &str) -> Result<Vec<EventRecord>, StoreError> {
        sqlx::query_as(
            "SELECT seq, message_id, message_type, sender, event_time, received_at, outcome,
                    state_after, error_code, reason
             FROM movement_events WHERE mrn = $1 ORDER BY seq",
        )
        .bind(mrn)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading a timeline"))
    }

    /// The accepted entries of a movement's event log, in order: (message type, message as
    /// stored, receipt time). Time-limit entries have type `TIME-LIMIT`.
    pub async fn accepted_log(
        &self,
        mrn: &str,
    ) -> Result<Vec<(String, serde_json::Value, DateTime<Utc>)>, StoreError> {
        sqlx::query_as(
            "SELECT message_type, message, received_at FROM movement_events
             WHERE mrn = $1 AND outcome = 'accepted' ORDER BY seq",
        )
        .bind(mrn)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the event log"))
    }

    /// How many distinct messages the tracker has processed (accepted, refused or dropped as
    /// duplicates count once each): the inbox's size.
    pub async fn processed_count(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM inbox")
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::db("counting the inbox"))?;
        Ok(n)
    }

    /// Every MRN the hub knows.
    pub async fn mrns(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT mrn FROM movements ORDER BY mrn")
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::db("listing movements"))?;
        Ok(rows.into_iter().map(|(m,)| m).collect())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(StoreError::db("pinging"))?;
        Ok(())
    }
}
