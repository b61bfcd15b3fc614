//! What the hub keeps of one movement's tracking between events: where the truck was last,
//! the zones it is in, its current stop and off-route episode, its seals' last status, and
//! what it already concluded (each passage, arrival and seal breach once). Stored as JSON
//! with the movement's tracking row; rebuilt from the stored events when one arrives late.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use transit_model::OfficeRef;

use crate::event::SealStatus;
use crate::geometry::Point;

/// A position the truck reported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fix {
    /// When (event time).
    pub at: DateTime<Utc>,
    /// Where ([longitude, latitude]).
    pub point: Point,
}

/// The truck standing still: since when, around where, and whether it was reported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stop {
    /// The first position of the stop.
    pub since: DateTime<Utc>,
    /// Where it stands.
    pub point: Point,
    /// The event that began it (the anomaly's id derives from it).
    pub event_id: String,
    /// Whether it was reported as a long stop.
    pub reported: bool,
}

/// A seal's last status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SealState {
    /// The manufacturer.
    pub manufacturer: String,
    /// Its status.
    pub status: SealStatus,
    /// Since when (event time).
    pub at: DateTime<Utc>,
}

/// One movement's tracking state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Track {
    /// The latest applied event's time (event time): an earlier one is late.
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
    /// The last position.
    #[serde(default)]
    pub last: Option<Fix>,
    /// The office zones the truck is in now.
    #[serde(default)]
    pub inside: Vec<OfficeRef>,
    /// The current stop.
    #[serde(default)]
    pub stop: Option<Stop>,
    /// The event that took the truck off route, while it is off route.
    #[serde(default)]
    pub off_route_since: Option<String>,
    /// Each seal's last status, by seal number.
    #[serde(default)]
    pub seals: BTreeMap<String, SealState>,
    /// Offices whose zone the truck entered (each passage concluded once).
    #[serde(default)]
    pub entered: Vec<OfficeRef>,
    /// Seals whose breach became an incident (each once).
    #[serde(default)]
    pub breached: Vec<String>,
    /// Events applied.
    #[serde(default)]
    pub events: u64,
    /// Anomalies raised: off-route episodes and long stops.
    #[serde(default)]
    pub anomalies: u64,
}

impl Track {
    /// Whether an event at `at` comes before what was applied (the state is then rebuilt
    /// from every stored event in time order).
    pub fn is_late(&self, at: DateTime<Utc>) -> bool {
        self.until.is_some_and(|until| at < until)
    }

    /// Whether any seal's last status is a breach.
    pub fn seal_breached(&self) -> bool {
        self.seals.values().any(|s| s.status.is_breach())
    }
}
