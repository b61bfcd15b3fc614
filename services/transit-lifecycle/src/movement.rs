//! The movement as the hub keeps it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use transit_model::{Mrn, OfficeRef, TransitDeclaration};

/// Where a movement is in its life, seen from the hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MovementState {
    /// Released for transit at departure: the truck is on the road.
    Released,
    /// Presented at the office of destination (arrival advice received).
    Arrived,
}

impl MovementState {
    /// The name stored in the database and shown to people.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Released => "Released",
            Self::Arrived => "Arrived",
        }
    }
}

/// A border passage at one declared office of transit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passage {
    /// The office of transit.
    pub office: OfficeRef,
    /// When the truck crossed there (event time), once it has.
    pub crossed_at: Option<DateTime<Utc>>,
}

/// Everything the hub knows about one movement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Movement {
    /// The movement's reference.
    pub mrn: Mrn,
    /// Its current state.
    pub state: MovementState,
    /// The office of departure, to which every confirmation goes back.
    pub departure_office: OfficeRef,
    /// The declared offices of transit in route order, with the passages recorded so far.
    pub route: Vec<Passage>,
    /// The declared office of destination.
    pub destination_office: OfficeRef,
    /// When the goods must be at destination.
    pub arrival_time_limit: DateTime<Utc>,
    /// When the goods were presented at destination (event time).
    pub arrived_at: Option<DateTime<Utc>>,
    /// The declaration as released, kept so that any office can be sent a copy later.
    pub declaration: TransitDeclaration,
}

impl Movement {
    /// The offices that have been sent a copy of the declaration (all declared transit offices
    /// and the destination): the ones an invalidation must reach.
    pub fn offices_holding_a_copy(&self) -> impl Iterator<Item = &OfficeRef> {
        self.route
            .iter()
            .map(|p| &p.office)
            .chain(std::iter::once(&self.destination_office))
    }
}
