//! The office-to-office messages, both ways: record requests and answers after a diversion
//! (IE002/IE003, IE114/IE115), status (IE094/IE095), enquiry (IE142-IE145) and recovery
//! (IE150-IE152). A granted record carries the declaration's segments after the answer's, as a
//! release does. Qualifiers `Z…` are this stand-in's own (mutually defined), documented in
//! `schemas/national/gainde/README.md`.

use transit_model::{
    Body, EnquiryAnswer, MessageType, OfficeRef, OfficeRequest, RecordOutcome, RecordResponse,
    RecoveryNotice, StatusResponse, Text512,
};
use transit_national::values::text;
use transit_national::{ErrorClass, Mapping, TranslateError};

use crate::declaration;
use crate::segments::{date, dtm, e, flag, ftx, loc, office, seg, yn, REMARKS};
use crate::syntax::Segment;
use crate::view::View;

/// The body of an office-to-office `kind` read from `view`; `None` for another type.
pub(crate) fn read(
    view: View<'_>,
    kind: MessageType,
    mapping: &Mapping,
) -> Option<Result<Body, TranslateError>> {
    use MessageType as T;
    Some(match kind {
        T::ArrivalRecordRequest => request(view, mapping).map(Body::ArrivalRecordRequest),
        T::TransitRecordRequest => request(view, mapping).map(Body::TransitRecordRequest),
        T::StatusRequest => request(view, mapping).map(Body::StatusRequest),
        T::EnquiryRequest => request(view, mapping).map(Body::EnquiryRequest),
        T::EnquiryInformationRequest => request(view, mapping).map(Body::EnquiryInformationRequest),
        T::ArrivalRecordResponse => record(view, mapping).map(Body::ArrivalRecordResponse),
        T::TransitRecordResponse => record(view, mapping).map(Body::TransitRecordResponse),
        T::StatusResponse => status(view).map(Body::StatusResponse),
        T::EnquiryResponse => enquiry_answer(view, mapping).map(Body::EnquiryResponse),
        T::EnquiryInformation => enquiry_answer(view, mapping).map(Body::EnquiryInformation),
        T::RecoveryRequest => recovery(view, mapping).map(Body::RecoveryRequest),
        T::RecoveryAcceptance => recovery(view, mapping).map(Body::RecoveryAcceptance),
        T::RecoveryDispatch => recovery(view, mapping).map(Body::RecoveryDispatch),
        _ => return None,
    })
}

/// `FTX+ACB` (free text), when present.
fn free_text(view: View<'_>) -> Result<Option<Text512>, TranslateError> {
    view.one("FTX", Some("ACB"))?
        .map(|s| {
            let (value, at) = s.need(3, 0)?;
            text(value, at)
        })
        .transpose()
}

fn request(view: View<'_>, mapping: &Mapping) -> Result<OfficeRequest, TranslateError> {
    Ok(OfficeRequest {
        requesting_office: office(view.need("LOC", Some("ZRQ"), "requesting office")?, mapping)?,
        request_date_time: date(view, "ZRQ", "request date")?,
        text: free_text(view)?,
    })
}

fn record(view: View<'_>, mapping: &Mapping) -> Result<RecordResponse, TranslateError> {
    let (outcome, outcome_at) = view
        .need("STS", None, "record granted or refused")?
        .need(0, 0)?;
    let outcome = match outcome {
        "GRANTED" => RecordOutcome::Granted,
        "REFUSED" => RecordOutcome::Refused,
        other => {
            return Err(TranslateError::new(
                ErrorClass::UnknownCode,
                outcome_at,
                format!("{other:?} is not an outcome; use GRANTED or REFUSED"),
            ))
        }
    };
    Ok(RecordResponse {
        requesting_office: office(view.need("LOC", Some("ZRQ"), "requesting office")?, mapping)?,
        outcome,
        declaration: match outcome {
            RecordOutcome::Granted => Some(declaration::read(view, mapping)?),
            RecordOutcome::Refused => None,
        },
        refusal_reason: view
            .one("FTX", Some("AAO"))?
            .map(|s| {
                let (value, at) = s.need(3, 0)?;
                text(value, at)
            })
            .transpose()?,
    })
}

fn status(view: View<'_>) -> Result<StatusResponse, TranslateError> {
    let (state, at) = view.need("STS", None, "movement state")?.need(0, 0)?;
    Ok(StatusResponse {
        state: text(state, at)?,
        last_event_date_time: date(view, "ZLE", "last event date")?,
        remarks: view
            .one("FTX", Some(REMARKS))?
            .map(|s| {
                let (value, at) = s.need(3, 0)?;
                text(value, at)
            })
            .transpose()?,
    })
}

fn enquiry_answer(view: View<'_>, mapping: &Mapping) -> Result<EnquiryAnswer, TranslateError> {
    let (arrived, arrived_at) = view.need("GIS", None, "goods arrived Y/N")?.need(0, 0)?;
    let goods_arrived = flag(arrived, arrived_at)?;
    Ok(EnquiryAnswer {
        responding_office: office(view.need("LOC", Some("ZRS"), "responding office")?, mapping)?,
        response_date_time: date(view, "ZRS", "answer date")?,
        goods_arrived,
        arrival_date_time: match view.one("DTM", Some("178"))? {
            Some(_) => Some(date(view, "178", "arrival date")?),
            None => None,
        },
        text: free_text(view)?,
    })
}

fn recovery(view: View<'_>, mapping: &Mapping) -> Result<RecoveryNotice, TranslateError> {
    let (why, why_at) = view.need("FTX", Some("ACB"), "explanation")?.need(3, 0)?;
    Ok(RecoveryNotice {
        office: office(
            view.need("LOC", Some("ZOF"), "office sending the notice")?,
            mapping,
        )?,
        recovering_office: office(view.need("LOC", Some("ZRV"), "recovering office")?, mapping)?,
        notice_date_time: date(view, "ZRV", "notice date")?,
        accepted: view
            .one("GIS", None)?
            .map(|s| {
                let (value, at) = s.need(0, 0)?;
                flag(value, at)
            })
            .transpose()?,
        text: text(why, why_at)?,
    })
}

/// The segments of an office-to-office `body`; `None` for another type.
pub(crate) fn write(
    body: &Body,
    mapping: &Mapping,
) -> Option<Result<Vec<Segment<'static>>, TranslateError>> {
    let office = |o: &OfficeRef| mapping.national_office(o);
    let free_text = |t: &Option<Text512>| t.as_ref().map(|t| ftx("ACB", "", &[t.as_str()]));
    let segments = match body {
        Body::ArrivalRecordRequest(r)
        | Body::TransitRecordRequest(r)
        | Body::StatusRequest(r)
        | Body::EnquiryRequest(r)
        | Body::EnquiryInformationRequest(r) => {
            let mut s = vec![
                loc("ZRQ", &office(&r.requesting_office)),
                dtm("ZRQ", r.request_date_time),
            ];
            s.extend(free_text(&r.text));
            s
        }
        Body::ArrivalRecordResponse(r) | Body::TransitRecordResponse(r) => {
            let mut s = vec![
                loc("ZRQ", &office(&r.requesting_office)),
                seg(
                    "STS",
                    vec![e(match r.outcome {
                        RecordOutcome::Granted => "GRANTED",
                        RecordOutcome::Refused => "REFUSED",
                    })],
                ),
            ];
            s.extend(
                r.refusal_reason
                    .as_ref()
                    .map(|t| ftx("AAO", "", &[t.as_str()])),
            );
            if let Some(d) = &r.declaration {
                match declaration::write(d, mapping) {
                    Ok(declared) => s.extend(declared),
                    Err(err) => return Some(Err(err)),
                }
            }
            s
        }
        Body::StatusResponse(r) => {
            let mut s = vec![
                seg("STS", vec![e(r.state.as_str())]),
                dtm("ZLE", r.last_event_date_time),
            ];
            s.extend(r.remarks.as_ref().map(|t| ftx(REMARKS, "", &[t.as_str()])));
            s
        }
        Body::EnquiryResponse(a) | Body::EnquiryInformation(a) => {
            let mut s = vec![
                loc("ZRS", &office(&a.responding_office)),
                dtm("ZRS", a.response_date_time),
                seg("GIS", vec![e(yn(a.goods_arrived))]),
            ];
            s.extend(a.arrival_date_time.map(|at| dtm("178", at)));
            s.extend(free_text(&a.text));
            s
        }
        Body::RecoveryRequest(r) | Body::RecoveryAcceptance(r) | Body::RecoveryDispatch(r) => {
            let mut s = vec![
                loc("ZOF", &office(&r.office)),
                loc("ZRV", &office(&r.recovering_office)),
                dtm("ZRV", r.notice_date_time),
            ];
            s.extend(r.accepted.map(|a| seg("GIS", vec![e(yn(a))])));
            s.push(ftx("ACB", "", &[r.text.as_str()]));
            s
        }
        _ => return None,
    };
    Some(Ok(segments))
}
