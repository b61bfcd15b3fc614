//! ASYCUDA XML → standardized message; [`declaration`]: the transit declaration itself
//! (IE015/IE029), its goods items and parties.

use transit_model::{
    ArrivalAdvice, AutomaticConfirmation, Body, BorderCrossing, ControlResults, Discrepancy,
    EnquiryAnswer, FunctionalError, FunctionalErrorCode, FunctionalNack, Incident, IncidentCode,
    Invalidation, MessageType, OfficeRequest, Party, RecordOutcome, RecordResponse, RecoveryNotice,
    StatusResponse, TransportMeans, WriteOff,
};
use transit_national::values::{country, date_time, mrn, number, text};
use transit_national::{
    national_message_id, participant, Envelope, ErrorClass, Mapping, TranslateError, Translated,
};

use crate::tree::Node;
use crate::types::type_of;

mod declaration;
use declaration::declaration;

/// Translates a parsed `<ASYCUDA>` document.
pub(crate) fn message(root: &Node<'_>, mapping: &Mapping) -> Result<Translated, TranslateError> {
    let envelope = envelope(root, mapping)?;
    let body = body(root, envelope.message_type, mapping)?;
    envelope.into_translated(mapping.country(), body, "ASYCUDA/Message/Type")
}

fn envelope(root: &Node<'_>, mapping: &Mapping) -> Result<Envelope, TranslateError> {
    let m = root.need("Message")?;
    let (kind, kind_at) = m.text_of("Type")?;
    let message_type = type_of(kind.trim()).ok_or_else(|| {
        TranslateError::new(
            ErrorClass::UnknownCode,
            kind_at,
            format!("message type {kind:?} is not one ASYCUDA exchanges with the hub (see schemas/national/asycuda/README.md)"),
        )
    })?;
    let (reference, reference_at) = m.text_of("Reference")?;
    let (date, date_at) = m.text_of("Date")?;
    let (number_, mrn_at) = m.text_of("MRN")?;
    let (sender, sender_at) = m.text_of("Sender")?;
    let (recipient, recipient_at) = m.text_of("Recipient")?;
    Ok(Envelope {
        message_type,
        reference: text::<70>(reference, reference_at)?.as_str().to_owned(),
        prepared_at: date_time(date, date_at)?,
        mrn: mrn(number_, mrn_at)?,
        sender: participant(mapping, sender.trim(), sender_at)?,
        recipient: participant(mapping, recipient.trim(), recipient_at)?,
        correlation: m.value("Correlation")?.map(|(c, _)| c.trim().to_owned()),
    })
}

fn body(root: &Node<'_>, kind: MessageType, mapping: &Mapping) -> Result<Body, TranslateError> {
    use MessageType as T;
    Ok(match kind {
        T::ReleaseForTransit => Body::ReleaseForTransit(declaration(root, mapping)?),
        T::AnticipatedArrivalRecord => Body::AnticipatedArrivalRecord(declaration(root, mapping)?),
        T::AnticipatedTransitRecord => Body::AnticipatedTransitRecord(declaration(root, mapping)?),
        T::NotificationCrossingFrontier => {
            let p = root.need("Transit")?.need("Border_passage")?;
            let (office, at) = p.text_of("Office")?;
            let (date, date_at) = p.text_of("Date")?;
            Body::NotificationCrossingFrontier(BorderCrossing {
                transit_office: mapping.office(office.trim(), at)?,
                crossing_date_time: date_time(date, date_at)?,
                automatic: match p.child("Automatic")? {
                    Some(a) => {
                        let (provider, provider_at) = a.text_of("Provider")?;
                        let (event, event_at) = a.text_of("Event")?;
                        Some(AutomaticConfirmation {
                            provider: text(provider, provider_at)?,
                            event_id: text(event, event_at)?,
                        })
                    }
                    None => None,
                },
            })
        }
        T::ArrivalAdvice => {
            let a = root.need("Transit")?.need("Arrival")?;
            let (office, at) = a.text_of("Office")?;
            let (date, date_at) = a.text_of("Date")?;
            Body::ArrivalAdvice(ArrivalAdvice {
                destination_office: mapping.office(office.trim(), at)?,
                arrival_date_time: date_time(date, date_at)?,
            })
        }
        T::DestinationControlResults => Body::DestinationControlResults(control(root, mapping)?),
        T::IncidentNotification => Body::IncidentNotification(incident(root, mapping)?),
        T::IncidentForwarded => Body::IncidentForwarded(incident(root, mapping)?),
        T::InvalidationNotification => {
            let i = root.need("Transit")?.need("Invalidation")?;
            let (date, date_at) = i.text_of("Date")?;
            let (reason, reason_at) = i.text_of("Reason")?;
            Body::InvalidationNotification(Invalidation {
                invalidation_date_time: date_time(date, date_at)?,
                reason: text(reason, reason_at)?,
            })
        }
        T::WriteOffNotification => {
            let w = root.need("Transit")?.need("Write_off")?;
            let (date, date_at) = w.text_of("Date")?;
            let (guarantee, g_at) = w.text_of("Guarantee_reference")?;
            let (released, r_at) = w.text_of("Guarantee_released")?;
            Body::WriteOffNotification(WriteOff {
                write_off_date_time: date_time(date, date_at)?,
                guarantee_reference_id: text(guarantee, g_at)?,
                guarantee_released: flag(released, r_at)?,
            })
        }
        T::FunctionalNack => Body::FunctionalNack(rejection(root, mapping)?),
        T::ArrivalRecordRequest => Body::ArrivalRecordRequest(request(root, mapping)?),
        T::TransitRecordRequest => Body::TransitRecordRequest(request(root, mapping)?),
        T::StatusRequest => Body::StatusRequest(request(root, mapping)?),
        T::EnquiryRequest => Body::EnquiryRequest(request(root, mapping)?),
        T::EnquiryInformationRequest => Body::EnquiryInformationRequest(request(root, mapping)?),
        T::ArrivalRecordResponse => Body::ArrivalRecordResponse(record_response(root, mapping)?),
        T::TransitRecordResponse => Body::TransitRecordResponse(record_response(root, mapping)?),
        T::StatusResponse => {
            let s = root.need("Transit")?.need("Status")?;
            let (state, state_at) = s.text_of("State")?;
            let (date, date_at) = s.text_of("Last_event")?;
            Body::StatusResponse(StatusResponse {
                state: text(state, state_at)?,
                last_event_date_time: date_time(date, date_at)?,
                remarks: s
                    .value("Remarks")?
                    .map(|(remarks, at)| text(remarks, at))
                    .transpose()?,
            })
        }
        T::EnquiryResponse => Body::EnquiryResponse(enquiry_answer(root, mapping)?),
        T::EnquiryInformation => Body::EnquiryInformation(enquiry_answer(root, mapping)?),
        T::RecoveryRequest => Body::RecoveryRequest(recovery(root, mapping)?),
        T::RecoveryAcceptance => Body::RecoveryAcceptance(recovery(root, mapping)?),
        T::RecoveryDispatch => Body::RecoveryDispatch(recovery(root, mapping)?),
        other => {
            return Err(TranslateError::new(
                ErrorClass::Unsupported,
                "ASYCUDA/Message/Type",
                format!("{} is not exchanged through ASYCUDA", other.code()),
            ))
        }
    })
}

pub(super) fn flag(value: &str, at: &str) -> Result<bool, TranslateError> {
    match value.trim() {
        "true" | "1" | "Y" => Ok(true),
        "false" | "0" | "N" => Ok(false),
        other => Err(TranslateError::new(
            ErrorClass::InvalidValue,
            at,
            format!("{other:?} is not true or false"),
        )),
    }
}

pub(super) fn party(
    node: Option<&Node<'_>>,
    code: &str,
    name: &str,
) -> Result<Option<Party>, TranslateError> {
    let Some(node) = node else { return Ok(None) };
    let (id, id_at) = node.text_of(code)?;
    let (label, label_at) = node.text_of(name)?;
    Ok(Some(Party {
        id: text(id, id_at)?,
        name: text(label, label_at)?,
    }))
}

fn control(root: &Node<'_>, mapping: &Mapping) -> Result<ControlResults, TranslateError> {
    let c = root.need("Transit")?.need("Result_of_control")?;
    let (office, office_at) = c.text_of("Office")?;
    let (date, date_at) = c.text_of("Date")?;
    let (code, code_at) = c.text_of("Code")?;
    let (intact, intact_at) = c.text_of("Seals_intact")?;
    let control_result_code = transit_national::values::control_result(code, code_at)?;
    let discrepancies = c
        .all("Discrepancy")
        .map(|d| {
            let (element, element_at) = d.text_of("Element")?;
            let (description, description_at) = d.text_of("Description")?;
            let (major, major_at) = d.text_of("Major")?;
            Ok(Discrepancy {
                pointer: text(element, element_at)?,
                description: text(description, description_at)?,
                major: flag(major, major_at)?,
            })
        })
        .collect::<Result<Vec<_>, TranslateError>>()?;
    Ok(ControlResults {
        destination_office: mapping.office(office.trim(), office_at)?,
        control_date_time: date_time(date, date_at)?,
        control_result_code,
        seals_intact: flag(intact, intact_at)?,
        discrepancies,
    })
}

fn incident(root: &Node<'_>, mapping: &Mapping) -> Result<Incident, TranslateError> {
    let i = root.need("Transit")?.need("Incident")?;
    let (office, office_at) = i.text_of("Office")?;
    let (code, code_at) = i.text_of("Code")?;
    let (date, date_at) = i.text_of("Date")?;
    let (cc, cc_at) = i.text_of("Country")?;
    let (place, place_at) = i.text_of("Place")?;
    let (description, description_at) = i.text_of("Description")?;
    let replacement_transport_means = match i.child("Replacement_means")? {
        Some(r) => {
            let (identity, identity_at) = r.text_of("Identity")?;
            let (nationality, nationality_at) = r.text_of("Nationality")?;
            let (mode, mode_at) = r.text_of("Mode")?;
            Some(TransportMeans {
                id: text(identity, identity_at)?,
                registration_nationality_code: country(nationality, nationality_at)?,
                mode_code: mapping.transport_mode(mode.trim(), mode_at)?,
            })
        }
        None => None,
    };
    let code: u8 = number(code, code_at)?;
    Ok(Incident {
        reporting_office: mapping.office(office.trim(), office_at)?,
        incident_code: IncidentCode::try_from(code)
            .map_err(|e| TranslateError::new(ErrorClass::UnknownCode, code_at, e))?,
        incident_date_time: date_time(date, date_at)?,
        country_code: country(cc, cc_at)?,
        place: text(place, place_at)?,
        description: text(description, description_at)?,
        replacement_transport_means,
        new_seal_ids: i
            .all("New_seal")
            .map(|s| text(&s.text, s.path()))
            .collect::<Result<Vec<_>, _>>()?,
    })
}

fn rejection(root: &Node<'_>, mapping: &Mapping) -> Result<FunctionalNack, TranslateError> {
    let r = root.need("Rejection")?;
    let (reference, reference_at) = r.text_of("Message_reference")?;
    let (kind, kind_at) = r.text_of("Message_type")?;
    let rejected_message_type = MessageType::from_code(kind.trim())
        .ok()
        .or_else(|| type_of(kind.trim()))
        .ok_or_else(|| {
            TranslateError::new(
                ErrorClass::UnknownCode,
                kind_at,
                format!("{kind:?} is not a message type"),
            )
        })?;
    let _ = reference_at;
    let errors = r
        .all("Error")
        .map(|e| {
            let (code, code_at) = e.text_of("Code")?;
            let (element, element_at) = e.text_of("Element")?;
            let (reason, reason_at) = e.text_of("Reason")?;
            let code: u8 = number(code, code_at)?;
            Ok(FunctionalError {
                code: FunctionalErrorCode::try_from(code)
                    .map_err(|e| TranslateError::new(ErrorClass::UnknownCode, code_at, e))?,
                pointer: text(element, element_at)?,
                reason: text(reason, reason_at)?,
            })
        })
        .collect::<Result<Vec<_>, TranslateError>>()?;
    Ok(FunctionalNack {
        rejected_message_id: national_message_id(mapping.country(), reference.trim()),
        rejected_message_type,
        errors,
    })
}

/// `Transit/Request` (IE002, IE114, IE094, IE142, IE145): the office asking, when, and why.
fn request(root: &Node<'_>, mapping: &Mapping) -> Result<OfficeRequest, TranslateError> {
    let r = root.need("Transit")?.need("Request")?;
    let (office, at) = r.text_of("Office")?;
    let (date, date_at) = r.text_of("Date")?;
    Ok(OfficeRequest {
        requesting_office: mapping.office(office.trim(), at)?,
        request_date_time: date_time(date, date_at)?,
        text: r.value("Text")?.map(|(t, at)| text(t, at)).transpose()?,
    })
}

/// `Transit/Record_response` (IE003, IE115); a granted record carries the declaration in the
/// segments of a release.
fn record_response(root: &Node<'_>, mapping: &Mapping) -> Result<RecordResponse, TranslateError> {
    let r = root.need("Transit")?.need("Record_response")?;
    let (office, at) = r.text_of("Office")?;
    let (outcome, outcome_at) = r.text_of("Outcome")?;
    let outcome = match outcome.trim() {
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
        requesting_office: mapping.office(office.trim(), at)?,
        outcome,
        declaration: match outcome {
            RecordOutcome::Granted => Some(declaration(root, mapping)?),
            RecordOutcome::Refused => None,
        },
        refusal_reason: r
            .value("Refusal_reason")?
            .map(|(t, at)| text(t, at))
            .transpose()?,
    })
}

/// `Transit/Enquiry_answer` (IE143, IE144).
fn enquiry_answer(root: &Node<'_>, mapping: &Mapping) -> Result<EnquiryAnswer, TranslateError> {
    let e = root.need("Transit")?.need("Enquiry_answer")?;
    let (office, at) = e.text_of("Office")?;
    let (date, date_at) = e.text_of("Date")?;
    let (arrived, arrived_at) = e.text_of("Goods_arrived")?;
    Ok(EnquiryAnswer {
        responding_office: mapping.office(office.trim(), at)?,
        response_date_time: date_time(date, date_at)?,
        goods_arrived: flag(arrived, arrived_at)?,
        arrival_date_time: e
            .value("Arrival_date")?
            .map(|(d, at)| date_time(d, at))
            .transpose()?,
        text: e.value("Text")?.map(|(t, at)| text(t, at)).transpose()?,
    })
}

/// `Transit/Recovery` (IE150, IE151, IE152).
fn recovery(root: &Node<'_>, mapping: &Mapping) -> Result<RecoveryNotice, TranslateError> {
    let r = root.need("Transit")?.need("Recovery")?;
    let (office, at) = r.text_of("Office")?;
    let (recovering, recovering_at) = r.text_of("Recovering_office")?;
    let (date, date_at) = r.text_of("Date")?;
    let (why, why_at) = r.text_of("Text")?;
    Ok(RecoveryNotice {
        office: mapping.office(office.trim(), at)?,
        recovering_office: mapping.office(recovering.trim(), recovering_at)?,
        notice_date_time: date_time(date, date_at)?,
        accepted: r
            .value("Accepted")?
            .map(|(a, at)| flag(a, at))
            .transpose()?,
        text: text(why, why_at)?,
    })
}
