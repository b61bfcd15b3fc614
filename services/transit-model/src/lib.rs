//! # transit-model — the standardized transit message set
//!
//! The common language every country's adapter speaks. Nothing here does I/O or reads a clock:
//! times come in as arguments.
//!
//! Where to start:
//! - [`ids`]: validated identifiers. [`Mrn`], [`OfficeRef`], [`CountryCode`] can only hold
//!   values that passed their `parse`, so a value you hold is known good everywhere.
//! - [`MessageType`]: the catalogue, one closed enum using the NCTS phase 5 codes as vocabulary
//!   (`IE029`, `IE050`, …), so every `match` must handle every message; [`EventType`]: an
//!   entry of the hub's event log, a message's type or the timer's `TIME-LIMIT`.
//! - [`StandardMessage`]: a [`Header`] (sender, recipient, time, id, type, correlation, MRN,
//!   schema version) and a typed [`Body`] whose variant always agrees with the header's type.
//! - [`link::LinkReport`]: an adapter's report on its national link.
//! - [`dead_letters::DeadLetter`]: what the hub refused or set aside, as operators see it.
//! - [`guarantee_check`]: an office of departure's question about a declaration's guarantees
//!   (NCTS CD200C/CD203C) and the hub's answer (CD201C/CD205C), as event records.
//! - [`envelope::OutgoingRecord`]: a record for the topics (key, headers), as kept in the
//!   hub's outbox and published.
//! - [`reference::ReferenceData`]: customs offices, corridors and code lists;
//!   [`reference::GuaranteeCover`]: where the regional guarantee is honoured.
//! - [`Role`]: the role of an account of the hub's API (officer, operator, adapter identity,
//!   trader, guarantor).
//!
//! ```
//! use transit_model::{CountryCode, Mrn, OfficeRef, ProcedureLetter};
//!
//! let mrn = Mrn::parse("25CIUJZDE8GXD6NCJ0").unwrap();
//! assert_eq!(mrn.country(), CountryCode::parse("CI").unwrap());
//!
//! let built = Mrn::from_parts(25, CountryCode::parse("CI").unwrap(), "UJZDE8GXD6NC", ProcedureLetter::J).unwrap();
//! assert_eq!(built, mrn);
//!
//! let office = OfficeRef::parse("BFOUA001").unwrap();
//! assert_eq!(office.country().as_str(), "BF");
//! ```

pub mod body;
pub mod catalogue;
pub mod dead_letters;
pub mod decimal;
pub mod envelope;
pub mod error;
pub mod event_type;
pub mod guarantee_check;
pub mod ids;
pub mod link;
pub mod message;
pub mod reference;
mod role;
pub mod text;

pub use body::*;
pub use catalogue::{Body, MessageType, Sender};
pub use decimal::Decimal;
pub use error::ModelError;
pub use event_type::EventType;
pub use ids::{
    ContainerNumber, CountryCode, HsCode, Lrn, MessageId, Mrn, OfficeRef, Participant,
    ProcedureLetter,
};
pub use message::{Header, StandardMessage, SCHEMA_VERSION};
pub use reference::{DataGroup, ReceivingRole, Withheld};
pub use role::Role;
pub use text::{Bilingual, Text, Text17, Text35, Text512, Text70};
