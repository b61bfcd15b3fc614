//! # transit-telematics — trucks and seals that report themselves
//!
//! Tracking providers send positions and electronic-seal events (ISO 18185: the seal's
//! manufacturer and number, sealed or opened, UTC time) to the telematics gateway, which
//! authenticates the provider and passes each [`Received`] event on; the tracker matches it
//! to a movement (by the vehicle's registration, or a seal number declared on the release)
//! and [`apply`]s it to the movement's [`Track`] under the corridor's [`Geography`] and each
//! country's [`TelematicsRules`]. What it concludes are [`Effect`]s, each with an id derived
//! from what it is about: a passage (confirmed automatically where the office's country says
//! so: an IE118 marked automatic), an arrival to expect, a seal breach outside every office
//! zone (an IE180), a truck off route or standing still too long (anomalies). Nothing here
//! reads a clock, a database or a broker.
//!
//! - [`event`]: what providers send, checked;
//! - [`geography`] and [`geometry`]: office zones and corridor roads, inside and how far;
//! - [`rules`]: each administration's automatic passages and limits;
//! - [`track`]: what the hub keeps per movement between events;
//! - [`apply`](mod@apply): one event applied, or a whole track replayed in time order;
//! - [`effect`]: the conclusions and the messages sent for them.
//!
//! ```
//! use transit_telematics::{Geography, TelematicsRules};
//!
//! let geography = Geography::builtin();
//! // Niangoloko's border zone: its centre is inside it, and on the road from Abidjan.
//! let zone = geography.zones().iter().find(|z| z.office.as_str() == "BFNGK001").unwrap();
//! let centre = zone.centre();
//! assert_eq!(geography.offices_at(centre)[0].as_str(), "BFNGK001");
//! let (ci, bf) = ("CIABJ001".parse().unwrap(), "BFOUA001".parse().unwrap());
//! assert!(geography.distance_from_road(&ci, &bf, centre).unwrap() < 10.0);
//! // Burkina Faso confirms passages automatically.
//! assert!(TelematicsRules::builtin().of("BF".parse().unwrap()).automatic_passages);
//! ```

pub mod apply;
pub mod effect;
mod error;
pub mod event;
pub mod geography;
pub mod geometry;
pub mod rules;
pub mod track;

pub use apply::{apply, office_ahead, replay, Applied, Judged, Outcome};
pub use effect::{Effect, Source};
pub use error::TelematicsError;
pub use event::{Event, Received, SealId, SealStatus, Vehicle, What};
pub use geography::{Geography, GEOGRAPHY_FILE};
pub use rules::{CountryRule, TelematicsRules, TELEMATICS_RULES_FILE};
pub use track::Track;

/// The seal numbers declared on a movement's release (every container's seals, in the
/// declaration's current state): what a seal event is matched by.
pub fn declared_seals(movement: &transit_lifecycle::Movement) -> Vec<String> {
    movement
        .declaration
        .goods_shipment
        .consignment
        .transport_equipment
        .iter()
        .flat_map(|e| e.seal.iter().map(|s| s.id.as_str().to_owned()))
        .collect()
}
