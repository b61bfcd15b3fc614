//! # transit-rail — trains, their wagons, and one confirmation per train
//!
//! A rail declaration names its train (the border transport means, mode 2), the wagons its
//! goods are on (`departureTransportMeans`) and the wagon each container is loaded on. The hub
//! builds the [`Train`] from the declarations released for it and not yet arrived: its wagons
//! by number, what is sealed on each, and the declarations each carries, less the wagons the
//! departure set aside. An officer at a rail border station or a destination station confirms
//! the whole train once ([`TrainConfirmation`]: wagons found, wagons missing); [`expand`] turns
//! that into each declaration's own message — an IE118 (passage) or IE006 (arrival) for every
//! declaration with a wagon there, an IE180 (incident) for every declaration with a wagon
//! missing — with ids derived from the confirmation, so a confirmation handled twice sends
//! nothing twice. At departure, the same confirmation sets wagons aside. Nothing here reads a
//! clock, a database or a broker.
//!
//! - [`confirmation`]: what an officer or a national system sends for a train, checked;
//! - [`train`]: the train as the hub sees it;
//! - [`expand`](mod@expand): one confirmation → each declaration's messages.
//!
//! ```
//! use chrono::Utc;
//! use transit_rail::{expand, Stage, Train, TrainConfirmation};
//! use transit_scenario::{Corridor, Movement};
//!
//! // Two declarations on train T412: one on wagons W1 and W2, one on W3.
//! let now = Utc::now();
//! let first = Movement::new(Corridor::abidjan_ouagadougou(), now).on_train("T412", &["W1", "W2"]);
//! let second = Movement::new(Corridor::abidjan_ouagadougou(), now).on_train("T412", &["W3"]);
//! let released: Vec<_> = [&first, &second]
//!     .iter()
//!     .map(|m| transit_lifecycle::decide(None, &m.release(), now).unwrap().movement)
//!     .collect();
//! let train = Train::build("T412", &released, &[]);
//! assert_eq!(train.wagons.len(), 3);
//!
//! // Niangoloko finds W1 and W2; W3 was left behind.
//! let confirmation = TrainConfirmation {
//!     confirmation_id: transit_model::MessageId::parse("3b0a2f43-54b2-4bd9-a3e5-9e3f3f0f8c11").unwrap(),
//!     train: "T412".into(),
//!     office: "BFNGK001".parse().unwrap(),
//!     stage: Stage::Passage,
//!     at: now,
//!     wagons_present: vec!["W1".into(), "W2".into()],
//!     wagons_missing: vec!["W3".into()],
//! };
//! let expansion = expand(&train, &released, &confirmation, now).unwrap();
//! assert_eq!(expansion.passed, vec![first.mrn.clone()]);
//! assert_eq!(expansion.incidents, vec![second.mrn.clone()]);
//! assert_eq!(expansion.messages.len(), 2); // one IE118, one IE180
//! ```

pub mod confirmation;
pub mod expand;
pub mod train;

pub use confirmation::{Stage, TrainConfirmation, TRAIN_CONFIRMATION_EVENT};
pub use expand::{expand, Expansion, Refusal, SetAside};
pub use train::{Train, Wagon, RAIL};
