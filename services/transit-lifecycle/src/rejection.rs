//! A refused message, with the NCTS code and a reason a person can act on.

use chrono::{DateTime, Utc};
use transit_model::{
    Body, FunctionalError, FunctionalErrorCode, FunctionalNack, Header, Participant,
    StandardMessage, Text, SCHEMA_VERSION,
};

/// Why the hub refused a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The NCTS functional error code (IE906).
    pub code: FunctionalErrorCode,
    /// JSON pointer to the element at fault, `/` for the whole message.
    pub pointer: String,
    /// What is wrong and what to do.
    pub reason: String,
}

impl Rejection {
    pub(crate) fn new(code: FunctionalErrorCode, pointer: &str, reason: impl Into<String>) -> Self {
        Self {
            code,
            pointer: pointer.to_owned(),
            reason: reason.into(),
        }
    }

    /// The IE906 that answers `refused`, addressed back to its sender. Its id is derived from
    /// the refused message's id, so answering the same refusal twice yields the same message.
    pub fn to_nack(&self, refused: &StandardMessage, now: DateTime<Utc>) -> StandardMessage {
        let header = Header {
            message_id: refused.id().derive("IE906"),
            message_type: transit_model::MessageType::FunctionalNack,
            prepared_at: now,
            sender: Participant::Hub,
            recipient: refused.header().sender.clone(),
            mrn: refused.mrn().clone(),
            correlation_id: Some(refused.id()),
            schema_version: SCHEMA_VERSION.to_owned(),
        };
        let body = Body::FunctionalNack(FunctionalNack {
            rejected_message_id: refused.id(),
            rejected_message_type: refused.message_type(),
            errors: vec![FunctionalError {
                code: self.code,
                pointer: Text::normalized(&self.pointer),
                reason: Text::normalized(&self.reason),
            }],
        });
        StandardMessage::new(header, body).unwrap_or_else(|_| unreachable!("types agree"))
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "error {} at {}: {}",
            u8::from(self.code),
            self.pointer,
            self.reason
        )
    }
}
