//! Record requests and answers after a diversion: CD002C/CD003C at destination, CD114C/CD115C at a border.

use crate::parts::{office, operation, read_office};
use chrono::{DateTime, Utc};
use transit_model::{Mrn, OfficeRequest, RecordOutcome, RecordResponse};
use transit_national::{values, Mapping, TranslateError};

use crate::xml::Element;
/// Where a record request and its answer name the office that asks, at destination and at a
/// border.
pub(crate) const DESTINATION_ACTUAL: &str = "CustomsOfficeOfDestinationActual";
pub(crate) const TRANSIT_ACTUAL: &str = "CustomsOfficeOfTransitActual";

/// CD002C (record request at destination) or CD114C (at a border): the requesting office;
/// the request's time is the message's.
pub(crate) fn write_record_request(
    r: &OfficeRequest,
    mrn: &Mrn,
    actual: &str,
    mapping: &Mapping,
) -> Vec<Element> {
    vec![
        operation(mrn, vec![]),
        office(actual, mapping.national_office(&r.requesting_office)),
    ]
}

pub(crate) fn read_record_request(
    root: &Element,
    actual: &str,
    prepared: DateTime<Utc>,
    mapping: &Mapping,
) -> Result<OfficeRequest, TranslateError> {
    Ok(OfficeRequest {
        requesting_office: read_office(root, actual, mapping)?,
        request_date_time: prepared,
        text: None,
    })
}

/// What sigmat writes as `requestRejectionReasonCode` of a refused record request whose
/// reason is sigmat's own text (one read from NCTS keeps its code).
pub const REJECTION_REASON_CODE: &str = "1";

/// How a refusal read from NCTS words its code, and how the code is found in it again.
const REASON_WORDS: (&str, &str) = ("refused by the office of departure (NCTS reason code ", ")");

fn rejection_code(reason: Option<&transit_model::Text512>) -> String {
    reason
        .and_then(|r| r.as_str().strip_prefix(REASON_WORDS.0))
        .and_then(|rest| rest.strip_suffix(REASON_WORDS.1))
        .filter(|code| (1..=2).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or(REJECTION_REASON_CODE)
        .to_owned()
}

/// CD003C (`actual` = CustomsOfficeOfDestinationActual) or CD115C (CustomsOfficeOfTransitActual):
/// the declaration when granted, a rejection reason code when refused.
pub(crate) fn write_record_response(
    r: &RecordResponse,
    mrn: &Mrn,
    actual: &str,
    mapping: &Mapping,
) -> Result<Vec<Element>, TranslateError> {
    let mut actual_office = office(actual, mapping.national_office(&r.requesting_office));
    if actual == "CustomsOfficeOfTransitActual" {
        actual_office
            .children
            .push(Element::leaf("guaranteeNotValidForCountry", "0"));
    }
    let declaration = match (r.outcome, &r.declaration) {
        (RecordOutcome::Granted, Some(d)) => d,
        _ => {
            return Ok(vec![
                operation(
                    mrn,
                    vec![Element::leaf(
                        "requestRejectionReasonCode",
                        rejection_code(r.refusal_reason.as_ref()),
                    )],
                ),
                actual_office,
            ])
        }
    };
    let mut body = crate::declaration::write(declaration, mrn, mapping)?;
    // The actual office follows the declared destination (CD003C) or the declared offices
    // of transit (CD115C).
    let after = if actual == "CustomsOfficeOfDestinationActual" {
        "CustomsOfficeOfDestinationDeclared"
    } else {
        "CustomsOfficeOfTransitDeclared"
    };
    let at = body
        .iter()
        .rposition(|e| e.name == after)
        .or_else(|| {
            body.iter()
                .rposition(|e| e.name == "CustomsOfficeOfDestinationDeclared")
        })
        .map_or(1, |i| i + 1);
    body.insert(at, actual_office);
    Ok(body)
}

pub(crate) fn read_record_response(
    root: &Element,
    actual: &str,
    mapping: &Mapping,
) -> Result<RecordResponse, TranslateError> {
    let requesting_office = read_office(root, actual, mapping)?;
    if root.child("Consignment")?.is_some() {
        let (_, declaration) = crate::declaration::read(root, mapping)?;
        return Ok(RecordResponse {
            requesting_office,
            outcome: RecordOutcome::Granted,
            declaration: Some(declaration),
            refusal_reason: None,
        });
    }
    let operation = root.need("TransitOperation")?;
    let (code, place) = operation.text_of("requestRejectionReasonCode")?;
    Ok(RecordResponse {
        requesting_office,
        outcome: RecordOutcome::Refused,
        declaration: None,
        refusal_reason: Some(values::text(
            &format!("{}{code}{}", REASON_WORDS.0, REASON_WORDS.1),
            place,
        )?),
    })
}
