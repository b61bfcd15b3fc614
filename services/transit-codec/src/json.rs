//! The JSON encoding (the primary one: WCO DM 4.0 recommends OpenAPI/JSON).
//!
//! The document is `{"header": {…}, "body": {…}}`; the header's `messageType` decides which body
//! shape is expected.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use transit_model::{Body, Header, StandardMessage};

use crate::{DecodeError, MAX_MESSAGE_BYTES};

/// Encodes a message as compact JSON.
pub fn encode(message: &StandardMessage) -> Vec<u8> {
    // Serializing these types cannot fail: every field is a string, number, bool or map.
    serde_json::to_vec(message).unwrap_or_default()
}

/// Decodes and validates a message from untrusted bytes.
pub fn decode(bytes: &[u8]) -> Result<StandardMessage, DecodeError> {
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(DecodeError {
            pointer: "/".into(),
            line: 0,
            column: 0,
            reason: format!(
                "message is {} bytes; the limit is {MAX_MESSAGE_BYTES}",
                bytes.len()
            ),
        });
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Document {
        header: Header,
        body: Box<serde_json::value::RawValue>,
    }

    let doc: Document = parse(bytes, "")?;
    let mut de = serde_json::Deserializer::from_str(doc.body.get());
    let mut track = serde_path_to_error::Track::new();
    let body = Body::deserialize_as(
        doc.header.message_type,
        serde_path_to_error::Deserializer::new(&mut de, &mut track),
    )
    .map_err(|err| from_json_error(pointer_from_path("/body", &track.path().to_string()), &err))?;
    StandardMessage::new(doc.header, body).map_err(|e| DecodeError {
        pointer: "/header".into(),
        line: 0,
        column: 0,
        reason: e.to_string(),
    })
}

/// Parses `bytes` as `T`, reporting the failing element as a pointer under `prefix`.
fn parse<T: DeserializeOwned>(bytes: &[u8], prefix: &str) -> Result<T, DecodeError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let pointer = pointer_from_path(prefix, &err.path().to_string());
        from_json_error(pointer, &err.into_inner())
    })?;
    // Trailing bytes after the document are refused too.
    de.end()
        .map_err(|err| from_json_error(format!("{prefix}/"), &err))?;
    Ok(value)
}

fn from_json_error(pointer: String, err: &serde_json::Error) -> DecodeError {
    DecodeError {
        pointer,
        line: err.line(),
        column: err.column(),
        reason: strip_position(&err.to_string()),
    }
}

/// serde_path_to_error writes `header.messageId` or `body.goodsItems[0].description`; turn it
/// into a JSON pointer under `prefix`.
pub(crate) fn pointer_from_path(prefix: &str, path: &str) -> String {
    let mut out = prefix.to_owned();
    if path != "." {
        for part in path.split('.') {
            for piece in part.split('[') {
                let piece = piece.trim_end_matches(']');
                if !piece.is_empty() {
                    out.push('/');
                    out.push_str(piece);
                }
            }
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// serde_json appends " at line L column C"; the error carries those separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RELEASE: &str = include_str!("../../../schemas/transit/v1/examples/IE029.json");

    #[test]
    fn example_round_trips() {
        let message = decode(RELEASE.as_bytes()).unwrap();
        let again = decode(&encode(&message)).unwrap();
        assert_eq!(message, again);
    }

    #[test]
    fn names_the_failing_element() {
        let broken = RELEASE.replace("\"BFOUA001\"", "\"BF-OUA\"");
        let err = decode(broken.as_bytes()).unwrap_err();
        assert_eq!(err.pointer, "/body/destinationOfficeId");
        assert!(err.reason.contains("office reference"), "{err}");
        assert!(err.line > 1, "{err:?}");
    }

    #[test]
    fn refuses_unknown_fields_and_types() {
        let extra = RELEASE.replacen("\"header\": {", "\"header\": {\"colour\": 1,", 1);
        let err = decode(extra.as_bytes()).unwrap_err();
        assert!(err.reason.contains("unknown field `colour`"), "{err}");

        let unknown = RELEASE.replace("\"IE029\"", "\"IE999\"");
        let err = decode(unknown.as_bytes()).unwrap_err();
        assert_eq!(err.pointer, "/header/messageType");
    }

    #[test]
    fn never_panics_on_garbage() {
        for bytes in [
            &b""[..],
            b"{",
            b"[]",
            b"null",
            b"\xff\xfe",
            b"{\"header\":{}}",
        ] {
            assert!(decode(bytes).is_err());
        }
        let huge = vec![b' '; MAX_MESSAGE_BYTES + 1];
        assert!(decode(&huge).unwrap_err().reason.contains("limit"));
    }
}
