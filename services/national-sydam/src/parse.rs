//! Bytes → [`Document`], with each malformed-input class told apart.

use transit_national::{ErrorClass, TranslateError, MAX_NATIONAL_BYTES};

use crate::document::Document;

/// Parses a SYDAM message; errors carry a JSON pointer.
pub fn parse(bytes: &[u8]) -> Result<Document, TranslateError> {
    if bytes.len() > MAX_NATIONAL_BYTES {
        return Err(TranslateError::oversize(bytes.len()));
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(TranslateError::new(
            ErrorClass::Encoding,
            format!("byte {}", e.valid_up_to() + 1),
            "the body is not UTF-8; SYDAM messages are JSON in UTF-8 (Content-Type: application/json; charset=utf-8)",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let document: Document = serde_path_to_error::deserialize(&mut de).map_err(classify)?;
    de.end().map_err(|e| {
        TranslateError::new(
            ErrorClass::Syntax,
            format!("line {}, column {}", e.line(), e.column()),
            "content after the end of the JSON document",
        )
    })?;
    Ok(document)
}

fn pointer(path: &serde_path_to_error::Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => out.push_str(&format!("/{index}")),
            serde_path_to_error::Segment::Map { key } => out.push_str(&format!("/{key}")),
            serde_path_to_error::Segment::Enum { variant } => out.push_str(&format!("/{variant}")),
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    out
}

/// The pointer to `field` in the object at `at`. serde names an unknown or duplicated field in
/// the path already; a missing one is named only in the message.
fn child(at: &str, field: &str) -> String {
    if at.rsplit('/').next() == Some(field) && !at.is_empty() {
        at.to_owned()
    } else {
        format!("{at}/{field}")
    }
}

/// serde's words for an object (`struct Document`) as a SYDAM user reads them.
fn plain(reason: &str) -> String {
    match reason.split_once("expected struct ") {
        Some((before, name)) => format!("{before}expected a JSON object ({name})"),
        None => reason.to_owned(),
    }
}

fn classify(error: serde_path_to_error::Error<serde_json::Error>) -> TranslateError {
    let at = pointer(error.path());
    let place = |at: &str| {
        if at.is_empty() {
            "/".to_owned()
        } else {
            at.to_owned()
        }
    };
    let inner = error.inner();
    let message = inner.to_string();
    let reason = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    let position = format!("line {}, column {}", inner.line(), inner.column());
    match inner.classify() {
        serde_json::error::Category::Eof => TranslateError::new(
            ErrorClass::Truncated,
            if at.is_empty() { position } else { at },
            "the JSON ends before the document does: the message is cut short",
        ),
        serde_json::error::Category::Io | serde_json::error::Category::Syntax => {
            TranslateError::new(
                ErrorClass::Syntax,
                position,
                format!("not valid JSON: {reason}"),
            )
        }
        serde_json::error::Category::Data => {
            if let Some(field) = quoted(&reason, "missing field") {
                TranslateError::new(
                    ErrorClass::MissingElement,
                    child(&at, &field),
                    "this element is mandatory and is absent",
                )
            } else if let Some(field) = quoted(&reason, "duplicate field") {
                TranslateError::new(
                    ErrorClass::Duplicate,
                    child(&at, &field),
                    format!("\"{field}\" appears more than once; it may appear once"),
                )
            } else if reason.starts_with("invalid type: null") {
                TranslateError::new(
                    ErrorClass::MissingElement,
                    place(&at),
                    "this element is mandatory and is null",
                )
            } else if let Some(field) = quoted(&reason, "unknown field") {
                TranslateError::new(
                    ErrorClass::Syntax,
                    child(&at, &field),
                    format!("\"{field}\" is not a SYDAM field (see schemas/national/sydam)"),
                )
            } else {
                TranslateError::new(ErrorClass::InvalidValue, place(&at), plain(&reason))
            }
        }
    }
}

/// The name in backquotes after `prefix` in a serde message (`missing field `x``).
fn quoted(reason: &str, prefix: &str) -> Option<String> {
    let rest = reason.strip_prefix(prefix)?.trim_start();
    let rest = rest.strip_prefix('`')?;
    Some(rest.split('`').next()?.to_owned())
}
