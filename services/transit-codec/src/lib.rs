//! # transit-codec — bytes ⇄ standardized messages
//!
//! [`json::decode`] turns untrusted bytes into a [`transit_model::StandardMessage`] or a
//! [`DecodeError`] that names the element (a JSON pointer), the line and column, and the
//! reason — never a panic, and never more than [`MAX_MESSAGE_BYTES`] read. [`json::encode`] is
//! its inverse. [`xml::decode`] and [`xml::encode`] do the same for the XML encoding, with the
//! same content: a message survives JSON → type → XML → type → JSON unchanged.
//! [`conformity::check`] says which level of the WCO Conformity Framework a message reaches.
//!
//! ```
//! let bytes = br#"{"header": {"messageId": "not-a-uuid"}}"#;
//! let err = transit_codec::json::decode(bytes).unwrap_err();
//! assert_eq!(err.pointer, "/header/messageId");
//! ```

pub mod conformity;
pub mod json;
pub mod xml;

/// The largest message accepted, in bytes. A transit declaration with a few hundred goods items
/// is far below this; anything larger is refused before it is parsed.
pub const MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

/// Why bytes could not become a standardized message. Always permanent: the same bytes fail
/// again, so the caller refuses the message (and keeps it) rather than retrying.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pointer}: {reason} (line {line}, column {column})")]
pub struct DecodeError {
    /// JSON pointer to the offending element, `/` for the document itself.
    pub pointer: String,
    /// 1-based line in the input, 0 when unknown.
    pub line: usize,
    /// 1-based column in the input, 0 when unknown.
    pub column: usize,
    /// What is wrong, in a sentence.
    pub reason: String,
}
