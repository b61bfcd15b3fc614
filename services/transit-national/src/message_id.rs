//! How a national message's reference becomes a standardized message id, the same one each
//! time it is submitted.

use transit_model::{CountryCode, MessageId};

/// The namespace of message ids derived from national references (UUID v5).
const NATIONAL_NAMESPACE: uuid::Uuid =
    uuid::Uuid::from_u128(0x5167_6d61_7400_4000_8000_6e61_7469_6f6e);

/// The message id of a national message: the reference itself when it is a UUID (which is
/// what the adapter writes into messages it delivers, so an answer's correlation finds its
/// request), otherwise a UUID v5 of country and reference — the same national message always
/// gets the same id, so a resubmission is a duplicate the hub drops.
pub fn national_message_id(country: CountryCode, reference: &str) -> MessageId {
    match uuid::Uuid::parse_str(reference) {
        Ok(id) => MessageId::from_uuid(id),
        Err(_) => MessageId::from_uuid(uuid::Uuid::new_v5(
            &NATIONAL_NAMESPACE,
            format!("{}:{reference}", country.as_str()).as_bytes(),
        )),
    }
}

/// Whether a national reference is a message id itself (a UUID, hyphenated or not), which
/// [`national_message_id`] takes as is.
pub fn is_message_id(reference: &str) -> bool {
    uuid::Uuid::parse_str(reference).is_ok()
}
