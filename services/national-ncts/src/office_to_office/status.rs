//! Status: CD094C (request) and CD095C (answer).

use crate::parts::{office, operation, read_office};
use chrono::{DateTime, Utc};
use transit_model::{Mrn, OfficeRef, OfficeRequest, StatusResponse};
use transit_national::{values, ErrorClass, Mapping, TranslateError};

use crate::xml::Element;
/// sigmat's movement states ↔ the three characters of CD095C's `status` (sigmat's own
/// letters: NCTS's status list is not sigmat's states).
pub const STATES: &[(&str, &str)] = &[
    ("Released", "REL"),
    ("EnquiryRecommended", "ENR"),
    ("UnderEnquiry", "ENQ"),
    ("Arrived", "ARR"),
    ("UnderDiscrepancy", "DIS"),
    ("WrittenOff", "WOF"),
    ("UnderRecovery", "REC"),
    ("Cancelled", "CAN"),
];

/// What sigmat writes as a status request's `status` (the requester's view is not in the
/// standardized request).
pub const REQUEST_STATUS: &str = "UNK";

/// The element naming the requesting office of a status request: its departure when it is in
/// the MRN's country, else its destination.
fn status_office(office: &OfficeRef, mrn: &Mrn) -> &'static str {
    if office.country().as_str() == &mrn.as_str()[2..4] {
        "CustomsOfficeOfDeparture"
    } else {
        "CustomsOfficeOfDestination"
    }
}

const STATUS_OFFICES: [&str; 4] = [
    "CustomsOfficeOfDeparture",
    "CustomsOfficeOfDestination",
    "CustomsOfficeOfTransit",
    "CustomsOfficeOfExitForTransit",
];

/// CD094C.
pub(crate) fn write_status_request(
    r: &OfficeRequest,
    mrn: &Mrn,
    mapping: &Mapping,
) -> Vec<Element> {
    vec![
        operation(mrn, vec![Element::leaf("status", REQUEST_STATUS)]),
        office(
            status_office(&r.requesting_office, mrn),
            mapping.national_office(&r.requesting_office),
        ),
    ]
}

pub(crate) fn read_status_request(
    root: &Element,
    prepared: DateTime<Utc>,
    mapping: &Mapping,
) -> Result<OfficeRequest, TranslateError> {
    let name = STATUS_OFFICES
        .iter()
        .find(|n| root.children.iter().any(|c| c.name == **n))
        .ok_or_else(|| {
            TranslateError::missing(format!("{}/CustomsOfficeOfDeparture", root.path))
        })?;
    Ok(OfficeRequest {
        requesting_office: read_office(root, name, mapping)?,
        request_date_time: prepared,
        text: None,
    })
}

/// CD095C, to the office that asked (the recipient).
pub(crate) fn write_status_response(
    s: &StatusResponse,
    mrn: &Mrn,
    recipient: Option<&OfficeRef>,
    mapping: &Mapping,
) -> Result<Vec<Element>, TranslateError> {
    let status = STATES
        .iter()
        .find(|(state, _)| *state == s.state.as_str())
        .map(|(_, code)| *code)
        .ok_or_else(|| {
            TranslateError::new(
                ErrorClass::Unsupported,
                "CD095C/TransitOperation/status",
                format!("state {:?} has no three-letter status", s.state.as_str()),
            )
        })?;
    let mut out = vec![operation(mrn, vec![Element::leaf("status", status)])];
    if let Some(office_ref) = recipient {
        out.push(office(
            status_office(office_ref, mrn),
            mapping.national_office(office_ref),
        ));
    }
    Ok(out)
}

pub(crate) fn read_status_response(
    root: &Element,
    prepared: DateTime<Utc>,
) -> Result<StatusResponse, TranslateError> {
    let (status, place) = root.need("TransitOperation")?.text_of("status")?;
    let state = STATES
        .iter()
        .find(|(_, code)| *code == status)
        .map(|(state, _)| *state)
        .ok_or_else(|| {
            TranslateError::new(
                ErrorClass::UnknownCode,
                place,
                format!(
                    "status {status:?}: sigmat knows {}",
                    STATES
                        .iter()
                        .map(|(_, c)| *c)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
    Ok(StatusResponse {
        state: values::text(state, place)?,
        last_event_date_time: prepared,
        // CD095C has no free text: the remarks of a hub's status notice (a copy not sent, and
        // why) are not carried in NCTS; the movement's page at the hub shows them.
        remarks: None,
    })
}
