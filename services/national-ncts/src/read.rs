//! An NCTS document → the standardized message: the header group, the type (a record is the
//! release when it goes to the hub, the hub's copy when it goes to an office), the body.

use transit_model::{Body, MessageType, Participant};
use transit_national::{
    is_message_id, national_message_id, participant, Envelope, ErrorClass, TranslateError,
    Translated,
};

use crate::office_to_office::{DESTINATION_ACTUAL, TRANSIT_ACTUAL};
use crate::xml::Element;
use crate::{declaration, events, nack, office_to_office, types, values, Ncts};

impl Ncts {
    pub(crate) fn read(&self, root: &Element) -> Result<Translated, TranslateError> {
        let mapping = &self.mapping;
        let name = root.name.as_str();
        let (kind, kind_at) = root.text_of("messageType")?;
        if kind != name {
            return Err(TranslateError::new(
                ErrorClass::InvalidValue,
                kind_at,
                format!("messageType {kind} in a <{name}> document: they must agree"),
            ));
        }
        // A record addressed to an office is the hub's copy; one addressed to the hub, or to
        // another administration (`NTA.BF`), is the release the office of departure sends,
        // from that office when its sender is not one (`NTA.GH`).
        let record = matches!(name, "CD050C" | "CD001C");
        let (recipient, recipient_at) = root.text_of("messageRecipient")?;
        let recipient = match participant(mapping, recipient, recipient_at) {
            Err(_) if record && recipient.starts_with("NTA.") => Participant::Hub,
            other => other?,
        };
        let release = record && recipient == Participant::Hub;
        let (sender, sender_at) = root.text_of("messageSender")?;
        let sender = match participant(mapping, sender, sender_at) {
            Err(_) if release => {
                let (office, at) = root
                    .need("CustomsOfficeOfDeparture")?
                    .text_of("referenceNumber")?;
                Participant::Office(mapping.office(office, at)?)
            }
            other => other?,
        };
        let (prepared, prepared_at) = root.text_of("preparationDateAndTime")?;
        let prepared = values::read_date_time(prepared, prepared_at)?;
        let (reference, _) = root.text_of("messageIdentification")?;
        let correlation = root
            .value("correlationIdentifier")?
            .map(|(c, _)| c.to_owned());
        let message_type = if release {
            MessageType::ReleaseForTransit
        } else {
            types::type_of(name).ok_or_else(|| {
                TranslateError::new(
                    ErrorClass::Unsupported,
                    name,
                    format!(
                        "{name} is not a message sigmat takes from an NCTS system; it takes {}, and the guarantee check and use CD200C, CD203C",
                        types::TYPES
                            .iter()
                            .map(|(n, _)| *n)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?
        };
        let mrn_parent = if matches!(name, "CD906C" | "CD917C") {
            "Header"
        } else {
            "TransitOperation"
        };
        let (mrn, mrn_at) = root.need(mrn_parent)?.text_of("MRN")?;
        let mrn = values::read_mrn(mrn, mrn_at)?;
        let country = mapping.country();
        let body = match message_type {
            MessageType::ReleaseForTransit
            | MessageType::AnticipatedArrivalRecord
            | MessageType::AnticipatedTransitRecord => {
                let (declared, declaration) = declaration::read(root, mapping)?;
                debug_assert_eq!(declared, mrn);
                match message_type {
                    MessageType::ReleaseForTransit => Body::ReleaseForTransit(declaration),
                    MessageType::AnticipatedArrivalRecord => {
                        Body::AnticipatedArrivalRecord(declaration)
                    }
                    _ => Body::AnticipatedTransitRecord(declaration),
                }
            }
            MessageType::NotificationCrossingFrontier => {
                Body::NotificationCrossingFrontier(events::read_passage(root, prepared, mapping)?)
            }
            MessageType::ArrivalAdvice => Body::ArrivalAdvice(events::read_arrival(root, mapping)?),
            MessageType::DestinationControlResults => {
                Body::DestinationControlResults(events::read_control(root, prepared, mapping)?)
            }
            MessageType::InvalidationNotification => {
                Body::InvalidationNotification(events::read_invalidation(root)?)
            }
            MessageType::IncidentNotification => {
                Body::IncidentNotification(events::read_incident(root, mapping)?)
            }
            MessageType::IncidentForwarded => {
                Body::IncidentForwarded(events::read_incident(root, mapping)?)
            }
            MessageType::FunctionalNack => {
                let rejected = correlation.as_deref().ok_or_else(|| {
                    TranslateError::missing(format!("{name}/correlationIdentifier"))
                })?;
                Body::FunctionalNack(nack::read(root, national_message_id(country, rejected))?)
            }
            MessageType::SyntaxNack => Body::SyntaxNack(office_to_office::read_syntax_nack(
                root,
                correlation
                    .as_deref()
                    .map(|c| national_message_id(country, c)),
            )?),
            MessageType::ArrivalRecordRequest => Body::ArrivalRecordRequest(
                office_to_office::read_record_request(root, DESTINATION_ACTUAL, prepared, mapping)?,
            ),
            MessageType::TransitRecordRequest => Body::TransitRecordRequest(
                office_to_office::read_record_request(root, TRANSIT_ACTUAL, prepared, mapping)?,
            ),
            MessageType::ArrivalRecordResponse => Body::ArrivalRecordResponse(
                office_to_office::read_record_response(root, DESTINATION_ACTUAL, mapping)?,
            ),
            MessageType::TransitRecordResponse => Body::TransitRecordResponse(
                office_to_office::read_record_response(root, TRANSIT_ACTUAL, mapping)?,
            ),
            MessageType::StatusRequest => Body::StatusRequest(
                office_to_office::read_status_request(root, prepared, mapping)?,
            ),
            MessageType::StatusResponse => {
                Body::StatusResponse(office_to_office::read_status_response(root, prepared)?)
            }
            MessageType::EnquiryRequest => Body::EnquiryRequest(
                office_to_office::read_enquiry_request(root, prepared, mapping)?,
            ),
            MessageType::EnquiryResponse => Body::EnquiryResponse(
                office_to_office::read_enquiry_response(root, prepared, mapping)?,
            ),
            MessageType::EnquiryInformation => Body::EnquiryInformation(
                office_to_office::read_enquiry_information(root, prepared, mapping)?,
            ),
            MessageType::EnquiryInformationRequest => Body::EnquiryInformationRequest(
                office_to_office::read_information_request(root, prepared, mapping)?,
            ),
            MessageType::RecoveryRequest => Body::RecoveryRequest(office_to_office::read_recovery(
                root, name, prepared, mapping,
            )?),
            MessageType::RecoveryAcceptance => Body::RecoveryAcceptance(
                office_to_office::read_recovery(root, name, prepared, mapping)?,
            ),
            MessageType::RecoveryDispatch => Body::RecoveryDispatch(
                office_to_office::read_recovery(root, name, prepared, mapping)?,
            ),
            MessageType::WriteOffNotification => {
                return Err(TranslateError::new(
                    ErrorClass::Unsupported,
                    name,
                    "a write-off has no NCTS common-domain message",
                ))
            }
        };
        // Both records of one release (CD050C to the transit countries, CD001C to the
        // destination) are one release: an id from the MRN, unless the reference is an id.
        let id_reference = if release && !is_message_id(reference) {
            format!("release:{}", mrn.as_str())
        } else {
            reference.to_owned()
        };
        let envelope = Envelope {
            message_type,
            reference: id_reference,
            prepared_at: prepared,
            mrn,
            sender,
            recipient,
            correlation,
        };
        let mut translated = envelope.into_translated(country, body, kind_at)?;
        translated.reference = reference.to_owned();
        Ok(translated)
    }
}
