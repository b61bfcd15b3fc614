//! # transit-national — what every national-system translator shares
//!
//! A country adapter sits beside a national customs system (ASYCUDA World, SYDAM World,
//! GAINDE, …) and translates that system's messages to and from the standardized set. Each
//! *family* of national systems is one translator crate implementing [`Translator`]; this crate
//! holds what they share, so that a new country's real format is one new crate plus fixtures:
//!
//! - [`Translator`]: national bytes → [`StandardMessage`] and back, refusals and
//!   acknowledgements in the national format, and the table of which national field maps to
//!   which standardized element ([`FieldMapping`]).
//! - [`Mapping`]: the country's code tables — national office codes, package kinds, transport
//!   modes, currencies — loaded from `schemas/national/mapping/<cc>.json` (its
//!   "My Information Package"), checked one-to-one at load.
//! - [`Envelope`]: the header every national message carries (type, reference, date, MRN,
//!   sender, recipient), and the rule that turns a national reference into a message id.
//! - [`TranslateError`]: what, where, why — with an [`ErrorClass`] per malformed-input class.
//! - [`CharacterEncoding`]: UTF-8 and the single-byte sets older national systems write.
//! - [`report`]: the mapping report (national field → WCO element) and conformity levels.
//! - [`document::xml_root`]: a national document's XML root, before it is read.
//! - [`train`]: rail — a national system's confirmation for a whole train, in every family.
//! - [`TranslatedGuaranteeCheck`]: an office of departure's guarantee check or use, from a
//!   family that carries them (NCTS), and the hub's answer back through [`Translator`].
//! - [`withheld`]: copies made under a data-sharing agreement — placeholders where a format
//!   requires what was withheld, the marker as one text, and the groups given back as absent.
//! - [`fixtures`]: the golden national documents published with each family, read from the
//!   repository by `sigmat bench` and the family test suites (whose shared checks are in the
//!   dev-only `transit-testkit`).
//!
//! Pure: no network, no clock (only [`fixtures`] reads files, for the tool and the tests). Which message types a family exchanges is [`EXCHANGED`].

pub mod document;
mod encoding;
mod envelope;
mod error;
pub mod examples;
pub mod fixtures;
mod guarantee_check;
mod mapping;
mod message_id;
pub mod report;
pub mod train;
mod translator;
pub mod values;
pub mod withheld;

pub use encoding::{CharacterEncoding, READ_LABELS};
pub use envelope::{national_participant, national_reference, participant, Envelope};
pub use error::{ErrorClass, TranslateError};
pub use guarantee_check::TranslatedGuaranteeCheck;
pub use mapping::{Family, Mapping, MappingError};
pub use message_id::{is_message_id, national_message_id};
pub use train::TranslatedTrain;
pub use translator::{
    field, Acceptance, FieldMapping, Refusal, Translated, Translator, EXCHANGED, OFFICE_TO_OFFICE,
};

pub use transit_model::StandardMessage;

/// The largest national message a translator accepts, in bytes (the standardized limit).
pub const MAX_NATIONAL_BYTES: usize = transit_codec::MAX_MESSAGE_BYTES;

/// The deepest nesting of elements a tree-shaped national format (XML) may have. The real
/// messages are under ten levels deep; a cap keeps a hostile document from exhausting memory
/// or the stack (60,000 nested elements fit in 420 KB).
pub const MAX_NESTING_DEPTH: usize = 32;

/// The most elements a national document may have: 999 goods items of some fifty elements
/// each, with room to spare.
pub const MAX_ELEMENTS: usize = 100_000;

/// The longest element name (XML) or segment tag (EDIFACT) a national format may have, in
/// bytes. Real ones are under 40 (`Border_information`, `UNH`); a cap keeps a hostile name
/// from being copied into every path beneath it.
pub const MAX_NAME_BYTES: usize = 64;

/// The longest path from the root an element may have (its name and its ancestors'), in
/// bytes: real ones are under 80 (`ASYCUDA/Transit/Goods_item/Goods_description/…`). With
/// [`MAX_ELEMENTS`], it bounds the paths of one document to 25 MB.
pub const MAX_PATH_BYTES: usize = 256;

/// The longest text one element or component may hold, in bytes: four times the longest text
/// of the standardized messages (`Text512`, in characters of up to four bytes).
pub const MAX_TEXT_BYTES: usize = 2_048;

/// The most segments an EDIFACT interchange may have: 999 goods items of a few segments each,
/// with room to spare — checked while splitting, before any segment is built beyond it.
pub const MAX_SEGMENTS: usize = 20_000;

/// The most components (data elements and their parts) an EDIFACT interchange may have in
/// all, checked while splitting.
pub const MAX_COMPONENTS: usize = 200_000;
