//! The XML encoding: the same content as the JSON one, lossless both ways.
//!
//! ```xml
//! <IE118 xmlns="urn:sigmat:transit:v1">
//!   <header>…</header>
//!   <body>…</body>
//! </IE118>
//! ```
//!
//! The root element is the message's NCTS code, the children carry the JSON names, a list is a
//! repeated element, and an absent optional element is left out. `schemas/transit/v1/xsd/`
//! describes it; the element order there is the order written here.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Serialize;
use transit_model::{Body, Header, MessageType, StandardMessage};

use crate::{DecodeError, MAX_MESSAGE_BYTES};

/// The namespace of every element.
pub const NAMESPACE: &str = "urn:sigmat:transit:v1";

/// Encodes a message as XML (UTF-8, with an XML declaration).
pub fn encode(message: &StandardMessage) -> Vec<u8> {
    #[derive(Serialize)]
    struct Document<'a> {
        #[serde(rename = "@xmlns")]
        xmlns: &'static str,
        header: &'a Header,
        body: &'a Body,
    }
    let document = Document {
        xmlns: NAMESPACE,
        header: message.header(),
        body: message.body(),
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let mut serializer =
        quick_xml::se::Serializer::with_root(&mut out, Some(message.message_type().code()))
            .unwrap_or_else(|_| unreachable!("message codes are valid element names"));
    serializer.indent(' ', 2);
    // Serializing these types cannot fail: every field is text, a number, a bool or a list.
    let _ = document.serialize(serializer);
    out.push('\n');
    out.into_bytes()
}

/// Decodes and validates a message from untrusted XML bytes.
pub fn decode(bytes: &[u8]) -> Result<StandardMessage, DecodeError> {
    let error = |pointer: &str, (line, column): (usize, usize), reason: String| DecodeError {
        pointer: pointer.to_owned(),
        line,
        column,
        reason,
    };
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(error(
            "/",
            (0, 0),
            format!(
                "message is {} bytes; the limit is {MAX_MESSAGE_BYTES}",
                bytes.len()
            ),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        error(
            "/",
            position(bytes, e.valid_up_to()),
            "the document is not valid UTF-8".into(),
        )
    })?;
    let (root, at) = root_element(text)
        .map_err(|(reason, offset)| error("/", position(bytes, offset), reason))?;
    let message_type = MessageType::from_code(&root).map_err(|e| {
        error(
            "/",
            position(bytes, at),
            format!("root element <{root}>: {}", e.reason),
        )
    })?;

    let mut de = quick_xml::de::Deserializer::from_str(text);
    let mut track = serde_path_to_error::Track::new();
    let (header, body) = DocumentSeed(message_type)
        .deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track))
        .map_err(|e| {
            error(
                &crate::json::pointer_from_path("", &track.path().to_string()),
                (0, 0),
                e.to_string(),
            )
        })?;
    StandardMessage::new(header, body).map_err(|e| error("/header", (0, 0), e.to_string()))
}

/// The name of the first element and its byte offset.
fn root_element(text: &str) -> Result<(String, usize), (String, usize)> {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        let offset = usize::try_from(reader.buffer_position()).unwrap_or(0);
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) => {
                return Ok((
                    String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                    offset,
                ))
            }
            Ok(quick_xml::events::Event::Eof) => {
                return Err(("the document has no element".into(), offset))
            }
            Ok(quick_xml::events::Event::DocType(_)) => {
                return Err(("DOCTYPE declarations are not accepted".into(), offset))
            }
            Ok(_) => {}
            Err(e) => return Err((format!("not well-formed XML: {e}"), offset)),
        }
    }
}

/// 1-based line and column of a byte offset.
fn position(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
    (line, column)
}

/// Reads `@xmlns`, `header` then `body`, the body's shape chosen by the root element.
struct DocumentSeed(MessageType);

impl<'de> DeserializeSeed<'de> for DocumentSeed {
    type Value = (Header, Body);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_struct("document", &["@xmlns", "header", "body"], self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed {
    type Value = (Header, Body);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a <{}> document with <header> and <body>", self.0.code())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        use serde::de::Error;
        let (mut namespace, mut header, mut body) = (None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "@xmlns" => namespace = Some(map.next_value::<String>()?),
                "header" => header = Some(map.next_value::<Header>()?),
                "body" => body = Some(map.next_value_seed(BodySeed(self.0))?),
                other => return Err(A::Error::unknown_field(other, &["header", "body"])),
            }
        }
        if namespace.as_deref() != Some(NAMESPACE) {
            return Err(A::Error::custom(format!(
                "the root element must declare xmlns=\"{NAMESPACE}\""
            )));
        }
        Ok((
            header.ok_or_else(|| A::Error::missing_field("header"))?,
            body.ok_or_else(|| A::Error::missing_field("body"))?,
        ))
    }
}

struct BodySeed(MessageType);

impl<'de> DeserializeSeed<'de> for BodySeed {
    type Value = Body;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Body, D::Error> {
        Body::deserialize_as(self.0, deserializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(code: &str) -> StandardMessage {
        let path = format!(
            "{}/../../schemas/transit/v1/examples/{code}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        crate::json::decode(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn every_example_round_trips_through_xml() {
        for t in MessageType::ALL {
            let message = example(t.code());
            let xml = encode(&message);
            let back = decode(&xml)
                .unwrap_or_else(|e| panic!("{}: {e}\n{}", t.code(), String::from_utf8_lossy(&xml)));
            assert_eq!(back, message, "{}", t.code());
        }
    }

    #[test]
    fn errors_name_the_element() {
        let xml = String::from_utf8(encode(&example("IE118"))).unwrap();
        let bad = xml.replace(
            "<transitOffice>BFNGK001</transitOffice>",
            "<transitOffice>BF-NGK</transitOffice>",
        );
        let err = decode(bad.as_bytes()).unwrap_err();
        assert_eq!(err.pointer, "/body/transitOffice", "{err}");
        assert!(err.reason.contains("office reference"), "{err}");

        let err = decode(xml.replace("IE118", "IE999").as_bytes()).unwrap_err();
        assert!(err.reason.contains("root element <IE999>"), "{err}");
        assert_eq!(err.line, 2, "{err:?}");

        let err = decode(xml.replace(NAMESPACE, "urn:other").as_bytes()).unwrap_err();
        assert!(err.reason.contains("xmlns"), "{err}");
    }

    #[test]
    fn refuses_garbage_without_panicking() {
        for bytes in [
            &b""[..],
            b"<",
            b"<IE118>",
            b"\xff\xfe<a/>",
            b"<!DOCTYPE x [<!ENTITY e \"e\">]><IE118/>",
            b"<IE118 xmlns=\"urn:sigmat:transit:v1\"></IE118>",
        ] {
            assert!(
                decode(bytes).is_err(),
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}
