//! Enquiry: CD142C-CD145C.

use crate::parts::{office, operation, optional_text, read_office};
use chrono::{DateTime, Duration, Utc};
use transit_model::{EnquiryAnswer, Mrn, OfficeRequest};
use transit_national::{ErrorClass, Mapping, TranslateError};

use crate::events::Context;
use crate::values::{date, flag, on_date, read_date};
use crate::xml::Element;
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
        text: optional_text(enquiry, "text")?,
    })
}

/// `responseCode` of CD143C and `informationCode` of CD144C as sigmat writes and reads them:
/// the goods arrived, or not.
pub const ARRIVED_CODES: [(&str, &str); 2] = [("1", "01"), ("2", "02")];

/// Whether `code` (of the column `which` picks) says the goods arrived; an unknown code is
/// refused.
fn arrived(
    code: &str,
    place: &str,
    which: impl Fn((&'static str, &'static str)) -> &'static str,
) -> Result<bool, TranslateError> {
    let [yes, no] = ARRIVED_CODES.map(&which);
    match code {
        c if c == yes => Ok(true),
        c if c == no => Ok(false),
        other => Err(TranslateError::new(
            ErrorClass::UnknownCode,
            place,
            format!("{other:?}: sigmat reads {yes} (the goods arrived) and {no} (they did not)"),
        )),
    }
}

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
    let (code, code_at) = enquiry.text_of("responseCode")?;
    Ok(EnquiryAnswer {
        responding_office: read_office(root, "CustomsOfficeOfRequest", mapping)?,
        response_date_time: on_date(read_date(day, day_at)?, prepared),
        goods_arrived: arrived(code, code_at, |(response, _)| response)?,
        arrival_date_time: None,
        text: optional_text(enquiry, "text")?,
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
    let (code, code_at) = information.text_of("informationCode")?;
    Ok(EnquiryAnswer {
        responding_office: read_office(root, "CompetentCustomsOfficeAtDestination", mapping)?,
        response_date_time: on_date(read_date(day, day_at)?, prepared),
        goods_arrived: arrived(code, code_at, |(_, information)| information)?,
        arrival_date_time: None,
        text: optional_text(information, "text")?,
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
        text: optional_text(root.need("RequestedInformation")?, "text")?,
    })
}
