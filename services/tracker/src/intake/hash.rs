//! What makes two messages with one id the same message: everything but the preparation time,
//! which a sender's retry legitimately changes. Pure: bytes in, hash out.
//!
//! The hash is taken over the canonical encoding the tracker already holds (one serialization
//! per message), with the header's `preparedAt` value cut out. Ids claimed by earlier versions
//! of the tracker hold one of two older hashes; [`Hashes::holds`] accepts them too, computing
//! the costlier one only when a held hash matches neither cheap one.

use serde_json::Value;
use sha2::{Digest, Sha256};
use transit_model::StandardMessage;

/// The key of the header's preparation time in the canonical encoding. The header is encoded
/// first, so the first occurrence is the header's: a key in the body comes later, and a string
/// value holding these characters is escaped (`\"`) and cannot match.
const PREPARED_AT: &[u8] = br#""preparedAt":""#;

/// A message's content hash and the ways an earlier tracker may have stored it.
#[derive(Debug, Clone)]
pub struct Hashes {
    /// The hash this tracker stores: the canonical bytes without the preparation time.
    pub content: [u8; 32],
    /// How the first tracker hashed: the canonical bytes, preparation time included.
    pub whole: [u8; 32],
}

impl Hashes {
    /// Hashes `canonical`, the message's canonical encoding.
    pub fn of(canonical: &[u8]) -> Self {
        let whole = Sha256::digest(canonical).into();
        let content = match prepared_at_value(canonical) {
            Some((start, end)) => {
                let mut hasher = Sha256::new();
                hasher.update(&canonical[..start]);
                hasher.update(&canonical[end..]);
                hasher.finalize().into()
            }
            None => whole,
        };
        Self { content, whole }
    }

    /// Whether `held`, the hash stored when the id was first claimed, says `message` is the
    /// same message.
    pub fn holds(&self, held: &[u8], message: &StandardMessage) -> bool {
        held == self.content || held == self.whole || held == value_hash(message).as_slice()
    }
}

/// Where the header's preparation time value lies in `canonical` (start and end, quotes
/// excluded).
fn prepared_at_value(canonical: &[u8]) -> Option<(usize, usize)> {
    let key = canonical
        .windows(PREPARED_AT.len())
        .position(|w| w == PREPARED_AT)?;
    let start = key + PREPARED_AT.len();
    let length = canonical[start..].iter().position(|&b| b == b'"')?;
    Some((start, start + length))
}

/// How the tracker hashed before it hashed the canonical bytes: the message as a JSON value
/// (keys sorted) without `header.preparedAt`.
pub(super) fn value_hash(message: &StandardMessage) -> [u8; 32] {
    let mut value = serde_json::to_value(message).unwrap_or_default();
    if let Some(header) = value.get_mut("header").and_then(Value::as_object_mut) {
        header.remove("preparedAt");
    }
    Sha256::digest(value.to_string().as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use transit_codec::json;
    use transit_national::examples::{examples, ExampleCorridor};

    fn release() -> StandardMessage {
        examples(ExampleCorridor::AbidjanOuagadougou)
            .into_iter()
            .next()
            .expect("an example")
    }

    fn with_prepared_at(message: &StandardMessage, minutes: i64) -> StandardMessage {
        let mut header = message.header().clone();
        header.prepared_at += Duration::minutes(minutes);
        StandardMessage::new(header, message.body().clone()).expect("same body")
    }

    #[test]
    fn a_retry_with_another_preparation_time_has_the_same_content_hash() {
        let first = release();
        let retry = with_prepared_at(&first, 7);
        let (a, b) = (
            Hashes::of(&json::encode(&first)),
            Hashes::of(&json::encode(&retry)),
        );
        assert_eq!(a.content, b.content);
        assert_ne!(a.whole, b.whole);
    }

    #[test]
    fn any_other_change_changes_the_content_hash() {
        let first = release();
        let mut header = first.header().clone();
        header.correlation_id = Some(header.message_id.derive("other"));
        let changed = StandardMessage::new(header, first.body().clone()).expect("same body");
        assert_ne!(
            Hashes::of(&json::encode(&first)).content,
            Hashes::of(&json::encode(&changed)).content
        );
    }

    #[test]
    fn hashes_held_by_earlier_trackers_still_count() {
        let first = release();
        let retry = with_prepared_at(&first, 3);
        let hashes = Hashes::of(&json::encode(&retry));
        let first_whole = Hashes::of(&json::encode(&first)).whole;
        assert!(
            hashes.holds(&value_hash(&first), &retry),
            "the value hash of the previous tracker"
        );
        assert!(
            hashes.holds(&hashes.whole, &retry),
            "the first tracker's whole-bytes hash"
        );
        assert!(
            !hashes.holds(&first_whole, &retry),
            "whole bytes include the preparation time"
        );
        assert!(!hashes.holds(&[0; 32], &retry));
    }

    #[test]
    fn the_preparation_time_found_is_the_headers() {
        let canonical = json::encode(&release());
        let (start, end) = prepared_at_value(&canonical).expect("a preparation time");
        let value = std::str::from_utf8(&canonical[start..end]).expect("text");
        assert!(
            chrono::DateTime::parse_from_rfc3339(value).is_ok(),
            "{value}"
        );
        assert!(start < 120, "in the header, near the start");
    }
}
