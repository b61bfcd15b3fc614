//! The pieces the CD messages are built from: `TransitOperation` with its MRN, an office by
//! its reference number (written and read), an optional free text, and the `Header` of a
//! rejection (CD906C, CD917C).

use transit_model::{Mrn, OfficeRef, Text512};
use transit_national::{values, ErrorClass, Mapping, TranslateError};

use crate::xml::Element;

/// `TransitOperation` with the MRN first, then `rest`.
pub(crate) fn operation(mrn: &Mrn, rest: Vec<Element>) -> Element {
    let mut children = vec![Element::leaf("MRN", mrn.as_str())];
    children.extend(rest);
    Element::group("TransitOperation", children)
}

/// An office element (`CustomsOfficeOfDeparture`, …) holding its `referenceNumber`.
pub(crate) fn office(name: &str, code: impl Into<String>) -> Element {
    Element::group(name, vec![Element::leaf("referenceNumber", code)])
}

/// The office element `name` of `parent`, through the country's office table.
pub(crate) fn read_office(
    parent: &Element,
    name: &str,
    mapping: &Mapping,
) -> Result<OfficeRef, TranslateError> {
    let (code, place) = parent.need(name)?.text_of("referenceNumber")?;
    mapping.office(code, place)
}

/// The optional free text `name` of `parent`.
pub(crate) fn optional_text(
    parent: &Element,
    name: &str,
) -> Result<Option<Text512>, TranslateError> {
    parent
        .value(name)?
        .map(|(t, place)| values::text(t, place))
        .transpose()
}

/// The `Header` (with the MRN) a rejection starts with, once it is known to name at least one
/// error: NCTS's `error` element (`FunctionalError`, `XMLError`) of `message` is `1..9999`.
pub(crate) fn rejection_header(
    message: &str,
    error: &str,
    errors: usize,
    mrn: &Mrn,
) -> Result<Element, TranslateError> {
    if errors == 0 {
        return Err(TranslateError::new(
            ErrorClass::Unsupported,
            format!("{message}/{error}"),
            format!("NCTS's {message} names at least one error; this rejection has none"),
        ));
    }
    Ok(Element::group(
        "Header",
        vec![Element::leaf("MRN", mrn.as_str())],
    ))
}
