//! The header every national message carries, and how a national reference becomes a
//! standardized message id.

use chrono::{DateTime, Utc};
use transit_model::{
    Body, CountryCode, Header, MessageId, MessageType, Mrn, Participant, StandardMessage,
    SCHEMA_VERSION,
};

use crate::message_id::national_message_id;
use crate::{ErrorClass, Mapping, TranslateError, Translated};

/// The reference written into a national message for a standardized id: 32 hexadecimal
/// digits (fits an EDIFACT an..35 element).
pub fn national_reference(id: MessageId) -> String {
    id.as_uuid().simple().to_string()
}

/// The header fields of a national message, in standardized terms.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope {
    /// The standardized message type the national type maps to.
    pub message_type: MessageType,
    /// The national system's own reference of the message.
    pub reference: String,
    /// When the national system prepared it.
    pub prepared_at: DateTime<Utc>,
    /// The movement.
    pub mrn: Mrn,
    /// Who sends it.
    pub sender: Participant,
    /// Who it is for.
    pub recipient: Participant,
    /// The reference of the message it answers, if any.
    pub correlation: Option<String>,
}

impl Envelope {
    /// The standardized header.
    pub fn to_header(&self, country: CountryCode) -> Header {
        Header {
            message_id: national_message_id(country, &self.reference),
            message_type: self.message_type,
            prepared_at: self.prepared_at,
            sender: self.sender.clone(),
            recipient: self.recipient.clone(),
            mrn: self.mrn.clone(),
            correlation_id: self
                .correlation
                .as_deref()
                .map(|c| national_message_id(country, c)),
            schema_version: SCHEMA_VERSION.to_owned(),
        }
    }

    /// The standardized message of this envelope and `body`, with the national reference kept
    /// for the acknowledgement. `type_place` names the national type field, for the error when
    /// the body does not fit the type.
    pub fn into_translated(
        self,
        country: CountryCode,
        body: Body,
        type_place: &str,
    ) -> Result<Translated, TranslateError> {
        let message = StandardMessage::new(self.to_header(country), body).map_err(|e| {
            TranslateError::new(ErrorClass::InvalidValue, type_place, e.to_string())
        })?;
        Ok(Translated {
            message,
            reference: self.reference,
        })
    }

    /// The envelope of a standardized header.
    pub fn from_header(header: &Header) -> Self {
        Self {
            message_type: header.message_type,
            reference: national_reference(header.message_id),
            prepared_at: header.prepared_at,
            mrn: header.mrn.clone(),
            sender: header.sender.clone(),
            recipient: header.recipient.clone(),
            correlation: header.correlation_id.map(national_reference),
        }
    }
}

/// A participant in national terms: `HUB`, or the office's national code.
pub fn national_participant(mapping: &Mapping, participant: &Participant) -> String {
    match participant.office() {
        Some(office) => mapping.national_office(office),
        None => "HUB".to_owned(),
    }
}

/// A participant from national terms.
pub fn participant(
    mapping: &Mapping,
    value: &str,
    place: impl std::fmt::Display,
) -> Result<Participant, TranslateError> {
    if value == "HUB" {
        Ok(Participant::Hub)
    } else {
        mapping.office(value, place).map(Participant::Office)
    }
}
