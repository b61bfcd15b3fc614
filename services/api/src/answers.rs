//! The answers every capability of the API gives alike: the database is away, a free text is
//! not one line, an MRN does not parse, a movement the caller may not see.

use transit_http::ApiError;
use transit_model::Mrn;

/// A database failure as the client sees it: that the hub cannot answer now, without the
/// database's own words (they name tables, columns and values). The operator finds them in
/// the log.
pub(crate) fn unavailable(err: transit_store::StoreError) -> ApiError {
    tracing::warn!(error = %err, "database unavailable");
    ApiError::unavailable("the hub's database cannot answer right now")
}

/// A free text people read (a reason, a note), trimmed: refused when empty (saying `what_for`),
/// longer than `max` characters, or holding control characters — which the database would
/// refuse (a NUL) or a screen would garble.
pub(crate) fn one_line(
    pointer: &str,
    value: &str,
    max: usize,
    what_for: &str,
) -> Result<String, ApiError> {
    let text = value.trim();
    if text.is_empty() {
        return Err(ApiError::invalid(pointer, what_for.to_owned()));
    }
    if text.chars().count() > max {
        return Err(ApiError::invalid(
            pointer,
            format!("at most {max} characters"),
        ));
    }
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(ApiError::invalid(
            pointer,
            format!(
                "contains the control character U+{:04X}; write it on one line, in plain text",
                u32::from(c)
            ),
        ));
    }
    Ok(text.to_owned())
}

/// An operator's note for the history (may be left empty): one line of plain text.
pub(crate) fn note(value: &str) -> Result<String, ApiError> {
    if value.trim().is_empty() {
        return Ok(String::new());
    }
    one_line("/note", value, 500, "")
}

pub(crate) fn parse_mrn(mrn: &str) -> Result<Mrn, ApiError> {
    Mrn::parse(mrn).map_err(|e| ApiError::invalid("/mrn", e.to_string()).with_ncts_code(93))
}

/// The answer for an MRN the hub does not have — and, word for word, for one the caller may
/// not see, so that a refusal never tells an outsider that a movement exists.
pub(crate) fn not_found(mrn: &Mrn) -> ApiError {
    ApiError::not_found(
        format!("the hub has no movement {mrn} that you may see"),
        "check the MRN on the transit document; a release sent seconds ago may still be on its way; an office not on the movement's route asks for the record first (diversion or undeclared passage)",
    )
}
