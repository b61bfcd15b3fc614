//! The columns every entry of the movement event log (`movement_events`) has, declared once for
//! the lists that read entries: a fallback period's events, the events the notifier matches.

use chrono::{DateTime, Utc};
use transit_model::EventType;
use transit_model::Mrn;
use transit_model::Participant;

/// One entry of the movement event log: which movement, which message, who sent it, and when.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct LoggedEvent {
    /// Its place in the event log.
    pub seq: i64,
    /// The movement.
    #[sqlx(try_from = "String")]
    pub mrn: Mrn,
    /// The message's NCTS type.
    #[sqlx(try_from = "String")]
    pub message_type: EventType,
    /// The office that sent it.
    #[sqlx(try_from = "String")]
    pub sender: Participant,
    /// When it happened (as the office recorded it).
    pub event_time: DateTime<Utc>,
    /// When the hub received it.
    pub received_at: DateTime<Utc>,
}
