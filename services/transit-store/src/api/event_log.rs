//! The columns every entry of the movement event log (`movement_events`) has, declared once for
//! the lists that read entries: a fallback period's events, the events the notifier matches.

use chrono::{DateTime, Utc};

/// One entry of the movement event log: which movement, which message, who sent it, and when.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct LoggedEvent {
    /// Its place in the event log.
    pub seq: i64,
    /// The movement.
    pub mrn: String,
    /// The message's NCTS type.
    pub message_type: String,
    /// The office that sent it.
    pub sender: String,
    /// When it happened (as the office recorded it).
    pub event_time: DateTime<Utc>,
    /// When the hub received it.
    pub received_at: DateTime<Utc>,
}
