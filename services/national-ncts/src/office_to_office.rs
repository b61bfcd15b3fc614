//! The office-to-office messages ↔ their CD messages: record requests and answers after a
//! diversion (CD002C/CD003C at destination, CD114C/CD115C at a border), status (CD094C,
//! CD095C), enquiry (CD142C-CD145C), recovery (CD150C-CD152C) and the hub's XML rejection
//! (CD917C). Offices NCTS names and the standardized message does not come from the header
//! ([`Context`]); what NCTS has no element for is listed in the mapping report.

use chrono::{DateTime, Duration, Utc};
use transit_model::{
    EnquiryAnswer, Mrn, OfficeRef, OfficeRequest, RecordOutcome, RecordResponse, RecoveryNotice,
    StatusResponse, SyntaxError, SyntaxNack,
};
use transit_national::{values, ErrorClass, Mapping, TranslateError};

use crate::events::{office, Context};
use crate::values::{date, fits, flag, on_date, read_date, read_flag};
use crate::xml::Element;

fn operation(mrn: &Mrn, rest: Vec<Element>) -> Element {
    let mut children = vec![Element::leaf("MRN", mrn.as_str())];
    children.extend(rest);
    Element::group("TransitOperation", children)
}

fn read_office(root: &Element, name: &str, mapping: &Mapping) -> Result<OfficeRef, TranslateError> {
    let (code, place) = root.need(name)?.text_of("referenceNumber")?;
    mapping.office(code, place)
}

fn text_of(parent: &Element, name: &str) -> Result<Option<transit_model::Text512>, TranslateError> {
    parent
        .value(name)?
        .map(|(t, place)| values::text(t, place))
        .transpose()
}

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

/// What sigmat writes as `requestRejectionReasonCode` of a refused record request, and how
/// it reads the reason back.
pub const REJECTION_REASON_CODE: &str = "1";

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
                        REJECTION_REASON_CODE,
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
            &format!("refused by the office of departure (NCTS reason code {code})"),
            place,
        )?),
    })
}

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
    })
}

/// The days NCTS gives an enquiry's answer (`limitForTheEnquiryResponseDate`), from the request.
pub const ENQUIRY_RESPONSE_DAYS: i64 = 28;

/// CD142C: the office of departure enquires of the office the message goes to.
pub(crate) fn write_enquiry_request(
    r: &OfficeRequest,
    mrn: &Mrn,
    ctx: &Context,
    mapping: &Mapping,
) -> Result<Vec<Element>, TranslateError> {
    let mut enquiry = vec![Element::leaf("date", date(r.request_date_time))];
    if let Some(text) = &r.text {
        enquiry.push(Element::leaf("text", text.as_str()));
    }
    enquiry.push(Element::leaf(
        "limitForTheEnquiryResponseDate",
        date(r.request_date_time + Duration::days(ENQUIRY_RESPONSE_DAYS)),
    ));
    Ok(vec![
        operation(mrn, vec![]),
        office("CustomsOfficeOfDeparture", ctx.departure.clone()),
        office("CustomsOfficeOfRequest", ctx.other.clone()),
        office(
            "CustomsOfficeOfEnquiryAtDeparture",
            mapping.national_office(&r.requesting_office),
        ),
        Element::group("Enquiry", enquiry),
    ])
}

pub(crate) fn read_enquiry_request(
    root: &Element,
    prepared: DateTime<Utc>,
    mapping: &Mapping,
) -> Result<OfficeRequest, TranslateError> {
    let enquiry = root.need("Enquiry")?;
    let (day, place) = enquiry.text_of("date")?;
    Ok(OfficeRequest {
        requesting_office: read_office(root, "CustomsOfficeOfEnquiryAtDeparture", mapping)?,
        request_date_time: on_date(read_date(day, place)?, prepared),
        text: text_of(enquiry, "text")?,
    })
}

/// `responseCode` of CD143C and `informationCode` of CD144C as sigmat writes and reads them:
/// the goods arrived, or not.
pub const ARRIVED_CODES: [(&str, &str); 2] = [("1", "01"), ("2", "02")];

/// CD143C: the office enquired of answers the office of departure.
pub(crate) fn write_enquiry_response(
    e: &EnquiryAnswer,
    mrn: &Mrn,
    ctx: &Context,
    mapping: &Mapping,
) -> Vec<Element> {
    let (code, _) = ARRIVED_CODES[usize::from(!e.goods_arrived)];
    let mut enquiry = vec![
        Element::leaf("enquiryResponseDate", date(e.response_date_time)),
        Element::leaf("responseCode", code),
    ];
    if let Some(text) = &e.text {
        enquiry.push(Element::leaf("text", text.as_str()));
    }
    vec![
        operation(mrn, vec![]),
        office(
            "CustomsOfficeOfRequest",
            mapping.national_office(&e.responding_office),
        ),
        office("CustomsOfficeOfEnquiryAtDeparture", ctx.departure.clone()),
        Element::group("Enquiry", enquiry),
    ]
}

pub(crate) fn read_enquiry_response(
    root: &Element,
    prepared: DateTime<Utc>,
    mapping: &Mapping,
) -> Result<EnquiryAnswer, TranslateError> {
    let enquiry = root.need("Enquiry")?;
    let (day, day_at) = enquiry.text_of("enquiryResponseDate")?;
    let (code, _) = enquiry.text_of("responseCode")?;
    Ok(EnquiryAnswer {
        responding_office: read_office(root, "CustomsOfficeOfRequest", mapping)?,
        response_date_time: on_date(read_date(day, day_at)?, prepared),
        goods_arrived: code == ARRIVED_CODES[0].0,
        arrival_date_time: None,
        text: text_of(enquiry, "text")?,
    })
}

/// CD144C: what the office of destination knows, for the office of departure.
pub(crate) fn write_enquiry_information(
    e: &EnquiryAnswer,
    mrn: &Mrn,
    ctx: &Context,
    mapping: &Mapping,
) -> Vec<Element> {
    let (_, code) = ARRIVED_CODES[usize::from(!e.goods_arrived)];
    let mut information = vec![
        Element::leaf("sequenceNumber", "1"),
        Element::leaf("informationCode", code),
    ];
    if let Some(text) = &e.text {
        information.push(Element::leaf("text", text.as_str()));
    }
    vec![
        operation(mrn, vec![]),
        office("CompetentCustomsOfficeAtDeparture", ctx.departure.clone()),
        office(
            "CompetentCustomsOfficeAtDestination",
            mapping.national_office(&e.responding_office),
        ),
        Element::group(
            "Enquiry",
            vec![
                Element::leaf("enquiryRequestDate", date(e.response_date_time)),
                Element::leaf("informationAvailableFromTrader", flag(false)),
            ],
        ),
        Element::group("ResponseInformation", information),
    ]
}

pub(crate) fn read_enquiry_information(
    root: &Element,
    prepared: DateTime<Utc>,
    mapping: &Mapping,
) -> Result<EnquiryAnswer, TranslateError> {
    let (day, day_at) = root.need("Enquiry")?.text_of("enquiryRequestDate")?;
    let information = root.need("ResponseInformation")?;
    let (code, _) = information.text_of("informationCode")?;
    Ok(EnquiryAnswer {
        responding_office: read_office(root, "CompetentCustomsOfficeAtDestination", mapping)?,
        response_date_time: on_date(read_date(day, day_at)?, prepared),
        goods_arrived: code == ARRIVED_CODES[0].1,
        arrival_date_time: None,
        text: text_of(information, "text")?,
    })
}

/// What sigmat writes as the `code` of CD145C's requested information.
pub const REQUESTED_INFORMATION_CODE: &str = "1";

/// CD145C: the office of destination asks the office of departure for information.
pub(crate) fn write_information_request(
    r: &OfficeRequest,
    mrn: &Mrn,
    ctx: &Context,
    mapping: &Mapping,
) -> Vec<Element> {
    let mut requested = vec![
        Element::leaf("sequenceNumber", "1"),
        Element::leaf("code", REQUESTED_INFORMATION_CODE),
    ];
    if let Some(text) = &r.text {
        requested.push(Element::leaf("text", text.as_str()));
    }
    vec![
        operation(mrn, vec![]),
        office("CompetentCustomsOfficeAtDeparture", ctx.departure.clone()),
        office(
            "CompetentCustomsOfficeAtDestination",
            mapping.national_office(&r.requesting_office),
        ),
        Element::group(
            "Enquiry",
            vec![Element::leaf(
                "enquiryRequestDate",
                date(r.request_date_time),
            )],
        ),
        Element::group("RequestedInformation", requested),
    ]
}

pub(crate) fn read_information_request(
    root: &Element,
    prepared: DateTime<Utc>,
    mapping: &Mapping,
) -> Result<OfficeRequest, TranslateError> {
    let (day, place) = root.need("Enquiry")?.text_of("enquiryRequestDate")?;
    Ok(OfficeRequest {
        requesting_office: read_office(root, "CompetentCustomsOfficeAtDestination", mapping)?,
        request_date_time: on_date(read_date(day, place)?, prepared),
        text: text_of(root.need("RequestedInformation")?, "text")?,
    })
}

/// The recovery messages' two offices, by message.
fn recovery_offices(name: &str) -> (&'static str, &'static str) {
    match name {
        "CD150C" | "CD151C" => (
            "CustomsOfficeOfRecoveryRequesting",
            "CustomsOfficeOfRecoveryRequested",
        ),
        _ => (
            "CustomsOfficeOfRecoveryAtDeparture",
            "CustomsOfficeOfRecovery",
        ),
    }
}

/// CD150C (request), CD151C (acceptance), CD152C (dispatch). In CD151C the office answering
/// is the requested one; the requesting one is the office of departure.
pub(crate) fn write_recovery(
    r: &RecoveryNotice,
    name: &str,
    mrn: &Mrn,
    ctx: &Context,
    mapping: &Mapping,
) -> Result<Vec<Element>, TranslateError> {
    let (first, second) = recovery_offices(name);
    let (first_office, second_office) = if name == "CD151C" {
        (ctx.departure.clone(), mapping.national_office(&r.office))
    } else {
        (
            mapping.national_office(&r.office),
            mapping.national_office(&r.recovering_office),
        )
    };
    let day = date(r.notice_date_time);
    let text = Element::leaf("text", fits(r.text.as_str(), 512, "Recovery/text")?);
    let recovery = match name {
        "CD150C" => vec![Element::leaf("recoveryCommunicationDate", day), text],
        "CD151C" => vec![
            Element::leaf("recoveryAcceptance", flag(r.accepted.unwrap_or(false))),
            Element::leaf("recoveryCommunicationDate", day),
            text,
        ],
        _ => vec![Element::leaf("collectionDate", day), text],
    };
    Ok(vec![
        operation(mrn, vec![]),
        office(first, first_office),
        office(second, second_office),
        Element::group("Recovery", recovery),
    ])
}

pub(crate) fn read_recovery(
    root: &Element,
    name: &str,
    prepared: DateTime<Utc>,
    mapping: &Mapping,
) -> Result<RecoveryNotice, TranslateError> {
    let (first, second) = recovery_offices(name);
    let recovery = root.need("Recovery")?;
    let date_name = if name == "CD152C" {
        "collectionDate"
    } else {
        "recoveryCommunicationDate"
    };
    let (day, day_at) = recovery.text_of(date_name)?;
    let (text, text_at) = recovery.text_of("text")?;
    let second_office = read_office(root, second, mapping)?;
    let (office_ref, recovering_office) = if name == "CD151C" {
        (second_office.clone(), second_office)
    } else {
        (read_office(root, first, mapping)?, second_office)
    };
    Ok(RecoveryNotice {
        office: office_ref,
        recovering_office,
        notice_date_time: on_date(read_date(day, day_at)?, prepared),
        accepted: match recovery.value("recoveryAcceptance")? {
            Some((value, place)) => Some(read_flag(value, place)?),
            None => None,
        },
        text: values::text(text, text_at)?,
    })
}

/// The `errorCode` sigmat writes in CD917C (NCTS's XML error codes: 12 is an incorrect value).
pub const XML_ERROR_CODE: &str = "12";

/// CD917C: the hub's XML rejection.
pub(crate) fn write_syntax_nack(n: &SyntaxNack, mrn: &Mrn) -> Result<Vec<Element>, TranslateError> {
    if n.errors.is_empty() {
        return Err(TranslateError::new(
            ErrorClass::Unsupported,
            "CD917C/XMLError",
            "NCTS's CD917C names at least one error; this rejection has none",
        ));
    }
    let mut out = vec![Element::group(
        "Header",
        vec![Element::leaf("MRN", mrn.as_str())],
    )];
    for e in &n.errors {
        out.push(Element::group(
            "XMLError",
            vec![
                Element::leaf("errorLineNumber", e.line.to_string()),
                Element::leaf("errorColumnNumber", e.column.to_string()),
                Element::leaf("errorPointer", e.pointer.as_str()),
                Element::leaf("errorCode", XML_ERROR_CODE),
                Element::leaf("errorText", e.reason.as_str()),
            ],
        ));
    }
    Ok(out)
}

pub(crate) fn read_syntax_nack(
    root: &Element,
    rejected: Option<transit_model::MessageId>,
) -> Result<SyntaxNack, TranslateError> {
    let errors = root
        .all("XMLError")
        .map(|e| {
            let (line, line_at) = e.text_of("errorLineNumber")?;
            let (column, column_at) = e.text_of("errorColumnNumber")?;
            let (reason, reason_at) = e.text_of("errorText")?;
            Ok(SyntaxError {
                pointer: values::text(e.value("errorPointer")?.map_or("/", |(p, _)| p), reason_at)?,
                line: values::number(line, line_at)?,
                column: values::number(column, column_at)?,
                reason: values::text(reason, reason_at)?,
            })
        })
        .collect::<Result<Vec<_>, TranslateError>>()?;
    Ok(SyntaxNack {
        rejected_message_id: rejected,
        errors,
    })
}
