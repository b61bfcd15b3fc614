//! How a country's link to its national system is doing, as its adapter reports it every few
//! seconds on its own `to-hub` topic (an event record, `sigmat-event-type: link-status`;
//! `schemas/events/v1/link-status.schema.json`). The hub keeps the latest report per country
//! and the API turns it into alerts against configured thresholds.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::CountryCode;

/// The value of the `sigmat-event-type` header on a link report.
pub const LINK_STATUS_EVENT: &str = "link-status";

/// One adapter's view of its national link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkReport {
    /// The adapter's country.
    pub country: CountryCode,
    /// When the adapter made the report.
    pub reported_at: DateTime<Utc>,
    /// Deliveries the national system has not taken yet (parked ones apart).
    pub pending: i64,
    /// When the oldest of them reached the adapter.
    pub oldest_pending_at: Option<DateTime<Utc>>,
    /// Deliveries parked after repeated refusals (`adapter deliveries parked`).
    pub parked: i64,
    /// Pushes to the national system that failed in a row (0 with no webhook, or once one
    /// goes through).
    pub push_failures_in_a_row: i64,
    /// The last push failure, if the last push failed.
    pub last_push_error: Option<String>,
    /// The last push the national system took, since the adapter started.
    pub last_push_at: Option<DateTime<Utc>>,
    /// The last time the national system pulled deliveries, since the adapter started.
    pub last_pull_at: Option<DateTime<Utc>>,
    /// The last time it acknowledged one, since the adapter started.
    pub last_ack_at: Option<DateTime<Utc>>,
    /// Records on the country's `from-hub` topic not yet stored by the adapter.
    pub lag: i64,
    /// The national system has declared itself (or one office) unavailable: the hub keeps a
    /// fallback period open while this is set.
    #[serde(default)]
    pub unavailable: Option<DeclaredUnavailability>,
}

/// A national system's own notice that it, or one of its offices, is unavailable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeclaredUnavailability {
    /// Why.
    pub reason: String,
    /// The office, or none: the whole national system.
    pub office: Option<crate::OfficeRef>,
    /// Since when.
    pub since: DateTime<Utc>,
}
