//! # transit-lifecycle — where a movement is, and who must hear about it
//!
//! [`decide`] takes the movement as stored (or `None` for an MRN the hub has never seen), an
//! incoming [`StandardMessage`](transit_model::StandardMessage) and the current time, and returns either a [`Transition`] — the
//! movement's next value and the messages to send, as data — or a [`Rejection`] with its NCTS
//! functional error code. Nothing here touches a database, a broker or a clock.
//!
//! The states and transitions are those of the domain brief from release on: passages (late
//! ones included), diversion to an undeclared office of transit or destination, arrival,
//! control results (write-off with the guarantee released, or discrepancy), invalidation,
//! incidents, enquiry, recovery and status. [`Movement::expire`] marks a movement overdue when
//! its arrival time limit has passed. [`replay`] rebuilds a movement from its event log.
//! [`status_notice`] is what the hub tells a departure when its movement's time limit passed.
//! [`guarantee_event`] says what a transition changed for the movement's guarantee (engaged,
//! under enquiry or recovery, released on write-off or invalidation), for its guarantor.
//! [`judge`] answers an office of departure's guarantee check or use from the guarantees in
//! use on other open movements and the regional cover.
//! Each copy of a declaration is made under the data-sharing agreement in force between the two
//! countries (or not made); [`Disclosure`] is what the register keeps of each one that crosses a
//! border.
//! [`MovementSummary`] is one movement in a list, as the store reads it and the API shows it.
//!
//! ```
//! use chrono::Utc;
//! use transit_lifecycle::{decide, MovementState};
//!
//! let release = transit_codec::json::decode(include_bytes!("../../../schemas/transit/v1/examples/IE029.json")).unwrap();
//! let transition = decide(None, &release, Utc::now()).unwrap();
//! assert_eq!(transition.movement.state, MovementState::Released);
//! // One anticipated transit record to Niangoloko, one anticipated arrival record to Ouagadougou.
//! assert_eq!(transition.outgoing.len(), 2);
//! ```

mod codes;
mod decide;
mod disclosure;
mod guarantee;
mod guarantee_check;
mod movement;
mod notice;
mod rejection;
mod replay;
mod rules;
mod summary;

pub use decide::{decide, decide_with, Transition};
pub use disclosure::{Disclosure, DisclosureChannel};
pub use guarantee::{guarantee_event, GuaranteeChange, GuaranteeEvent};
pub use guarantee_check::{
    judge, GuaranteeInUse, INDIVIDUAL_GUARANTEE_TYPES, UNRELEASED_USE_HOURS,
};
pub use movement::{
    CopyNotSent, IncidentRecord, Movement, MovementState, OffRouteDischarge, Passage,
};
pub use notice::status_notice;
pub use rejection::Rejection;
pub use replay::{replay, replay_with, LoggedEvent};
pub use rules::{RecordRequests, Rules, SharedReference};
pub use summary::MovementSummary;
