//! A standardized message → its NCTS document: the header group, then the body of the CD
//! message its type has.

use transit_model::{Body, StandardMessage};
use transit_national::{
    national_participant, national_reference, Envelope, ErrorClass, Mapping, TranslateError,
};

use crate::office_to_office::{DESTINATION_ACTUAL, TRANSIT_ACTUAL};
use crate::xml::Element;
use crate::{declaration, events, nack, office_to_office, values, Ncts};

/// The header group every CD message starts with.
pub(crate) fn header(envelope: &Envelope, name: &str, mapping: &Mapping) -> Vec<Element> {
    let mut out = vec![
        Element::leaf(
            "messageSender",
            national_participant(mapping, &envelope.sender),
        ),
        Element::leaf(
            "messageRecipient",
            national_participant(mapping, &envelope.recipient),
        ),
        Element::leaf(
            "preparationDateAndTime",
            values::date_time(envelope.prepared_at),
        ),
        Element::leaf("messageIdentification", envelope.reference.clone()),
        Element::leaf("messageType", name),
    ];
    out.extend(Element::optional(
        "correlationIdentifier",
        envelope.correlation.clone(),
    ));
    out
}
impl Ncts {
    pub(crate) fn write(&self, message: &StandardMessage) -> Result<Element, TranslateError> {
        let mapping = &self.mapping;
        let mut envelope = Envelope::from_header(message.header());
        let mrn = &envelope.mrn.clone();
        let ctx = events::Context::of(message.header(), mapping);
        let (name, body) = match message.body() {
            Body::ReleaseForTransit(d) => {
                let name = if d.transit_office_ids.is_empty() { "CD001C" } else { "CD050C" };
                (name, declaration::write(d, mrn, mapping)?)
            }
            Body::AnticipatedArrivalRecord(d) => ("CD001C", declaration::write(d, mrn, mapping)?),
            Body::AnticipatedTransitRecord(d) => {
                if d.transit_office_ids.is_empty() {
                    return Err(TranslateError::new(
                        ErrorClass::Unsupported,
                        "CD050C/CustomsOfficeOfTransitDeclared",
                        "a transit record names at least one office of transit",
                    ));
                }
                ("CD050C", declaration::write(d, mrn, mapping)?)
            }
            Body::NotificationCrossingFrontier(c) => {
                ("CD118C", events::write_passage(c, mrn, &ctx, mapping))
            }
            Body::ArrivalAdvice(a) => ("CD006C", events::write_arrival(a, mrn, &ctx, mapping)),
            Body::DestinationControlResults(c) => {
                ("CD018C", events::write_control(c, mrn, &ctx, mapping)?)
            }
            Body::InvalidationNotification(i) => ("CD010C", events::write_invalidation(i, mrn, &ctx)),
            Body::IncidentNotification(i) => {
                ("CD180C", events::write_incident(i, mrn, &ctx, mapping, false)?)
            }
            Body::IncidentForwarded(i) => ("CD181C", events::write_incident(i, mrn, &ctx, mapping, true)?),
            Body::FunctionalNack(n) => {
                envelope.correlation = Some(national_reference(n.rejected_message_id));
                ("CD906C", nack::write(n, mrn)?)
            }
            Body::SyntaxNack(n) => {
                envelope.correlation = n.rejected_message_id.map(national_reference);
                ("CD917C", office_to_office::write_syntax_nack(n, mrn)?)
            }
            Body::ArrivalRecordRequest(r) => (
                "CD002C",
                office_to_office::write_record_request(r, mrn, DESTINATION_ACTUAL, mapping),
            ),
            Body::TransitRecordRequest(r) => (
                "CD114C",
                office_to_office::write_record_request(r, mrn, TRANSIT_ACTUAL, mapping),
            ),
            Body::ArrivalRecordResponse(r) => (
                "CD003C",
                office_to_office::write_record_response(r, mrn, DESTINATION_ACTUAL, mapping)?,
            ),
            Body::TransitRecordResponse(r) => (
                "CD115C",
                office_to_office::write_record_response(r, mrn, TRANSIT_ACTUAL, mapping)?,
            ),
            Body::StatusRequest(r) => ("CD094C", office_to_office::write_status_request(r, mrn, mapping)),
            Body::StatusResponse(r) => (
                "CD095C",
                office_to_office::write_status_response(r, mrn, message.header().recipient.office(), mapping)?,
            ),
            Body::EnquiryRequest(r) => ("CD142C", office_to_office::write_enquiry_request(r, mrn, &ctx, mapping)?),
            Body::EnquiryResponse(e) => ("CD143C", office_to_office::write_enquiry_response(e, mrn, &ctx, mapping)),
            Body::EnquiryInformation(e) => ("CD144C", office_to_office::write_enquiry_information(e, mrn, &ctx, mapping)),
            Body::EnquiryInformationRequest(r) => {
                ("CD145C", office_to_office::write_information_request(r, mrn, &ctx, mapping))
            }
            Body::RecoveryRequest(r) => ("CD150C", office_to_office::write_recovery(r, "CD150C", mrn, &ctx, mapping)?),
            Body::RecoveryAcceptance(r) => ("CD151C", office_to_office::write_recovery(r, "CD151C", mrn, &ctx, mapping)?),
            Body::RecoveryDispatch(r) => ("CD152C", office_to_office::write_recovery(r, "CD152C", mrn, &ctx, mapping)?),
            _ => {
                return Err(TranslateError::new(
                    ErrorClass::Unsupported,
                    "messageType",
                    format!(
                        "{} has no NCTS common-domain form here; it is delivered in the standardized JSON",
                        envelope.message_type.code()
                    ),
                ))
            }
        };
        let mut children = header(&envelope, name, mapping);
        children.extend(body);
        Ok(Element::group(name, children))
    }
}
