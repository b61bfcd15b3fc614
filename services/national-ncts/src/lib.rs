//! # national-ncts — NCTS phase 5 common-domain messages ↔ standardized messages
//!
//! The one national family whose format is real and published: the CD messages customs
//! administrations of the Common Transit Convention exchange (namespace
//! `http://ncts.dgtaxud.ec`, XSD version 51.8.6). A country running NCTS connects its
//! gateway to its sigmat adapter with the messages it already sends its neighbours. See
//! `docs/national/ncts.md` (how to connect, what is mapped and what is not) and
//! `schemas/national/ncts/README.md` (the family's description and examples).
//!
//! - [`xml`]: NCTS XML ↔ element tree, with exact errors and the shared limits.
//! - `declaration`: the declaration ↔ CD050C / CD001C; `extras`: what NCTS has no element
//!   for, in `AdditionalInformation` entries coded `SG…` ([`EXTRAS`]).
//! - `events`: passage (CD118C), arrival (CD006C), control results (CD018C), invalidation
//!   (CD010C), incidents (CD180C, CD181C).
//! - `office_to_office`: record requests and answers (CD002C/CD003C, CD114C/CD115C), status
//!   (CD094C/CD095C), enquiry (CD142C-CD145C), recovery (CD150C-CD152C), the hub's XML
//!   rejection (CD917C).
//! - `nack`: the hub's functional rejection (CD906C) and the adapter's answers
//!   (CD906C/CD917C-shaped, CC928C-shaped).
//! - [`FIELDS`], [`PLACEHOLDERS`], [`EXTRAS`]: the mapping report's tables.
//!
//! A release (IE029) is the CD050C (or, with no office of transit, the CD001C) the NCTS
//! office of departure sends: a record addressed to the hub (or to another administration,
//! `NTA.BF`) is the release, one addressed to an office is the hub's copy (IE050, IE001). Both records of one release get one message id (from the
//! MRN), so the hub takes the release once. Rail train confirmations have no NCTS message:
//! an NCTS railway office posts sigmat's JSON (`schemas/rail/v1/train-confirmation.schema.json`).
//! The write-off (IE045) has no CD message either: an NCTS office of departure writes the
//! movement off itself on the destination's CD018C, and the hub's IE045 reaches it in the
//! standardized JSON.
//!
//! Pure: no I/O, no clock.

mod declaration;
mod events;
mod extras;
mod fields;
mod nack;
mod notes;
mod office_to_office;
mod types;
mod values;
pub mod xml;

use transit_model::{Body, MessageId, MessageType, Participant, StandardMessage};
use transit_national::{
    national_message_id, national_participant, national_reference, participant, Acceptance,
    Envelope, ErrorClass, Family, FieldMapping, Mapping, Refusal, TranslateError, Translated,
    TranslatedTrain, Translator,
};

pub use declaration::PLACEHOLDERS;
pub use events::INVALIDATION_REASON;
pub use extras::EXTRAS;
pub use fields::FIELDS;
pub use nack::CODES_OUTSIDE_NCTS;
use xml::Element;

/// Where a record request and its answer name the office that asks, at destination and at a
/// border.
const DESTINATION_ACTUAL: &str = "CustomsOfficeOfDestinationActual";
const TRANSIT_ACTUAL: &str = "CustomsOfficeOfTransitActual";

/// The NCTS translator of one country.
#[derive(Clone, Debug)]
pub struct Ncts {
    mapping: Mapping,
}

impl Ncts {
    /// A translator using `mapping`'s code tables.
    pub fn new(mapping: Mapping) -> Self {
        Self { mapping }
    }
}

fn header(envelope: &Envelope, name: &str, mapping: &Mapping) -> Vec<Element> {
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
    fn write(&self, message: &StandardMessage) -> Result<Element, TranslateError> {
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

    fn read(&self, root: &Element) -> Result<Translated, TranslateError> {
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
            Err(_) if record => Participant::Hub,
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
                        "{name} is not a message sigmat takes from an NCTS system; it takes {}",
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
        let id_reference = if release && national_reference_is_not_an_id(reference) {
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

fn national_reference_is_not_an_id(reference: &str) -> bool {
    MessageId::parse(reference).is_err() && reference.len() != 32
}

impl Translator for Ncts {
    fn family(&self) -> Family {
        Family::Ncts
    }

    fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    fn media_type(&self) -> &'static str {
        "application/xml"
    }

    fn exchanged(&self) -> Vec<MessageType> {
        let mut kinds: Vec<MessageType> = types::TYPES.iter().map(|(_, t)| *t).collect();
        kinds.push(MessageType::ReleaseForTransit);
        kinds
    }

    fn translate(&self, national: &[u8]) -> Result<Translated, TranslateError> {
        let root = xml::parse(national)?;
        self.read(&root)
    }

    fn to_national(&self, message: &StandardMessage) -> Result<Vec<u8>, TranslateError> {
        self.write(message).map(|root| xml::write(&root))
    }

    fn train_to_standard(
        &self,
        national: &[u8],
    ) -> Option<Result<TranslatedTrain, TranslateError>> {
        let first = national.iter().find(|b| !b.is_ascii_whitespace())?;
        if *first != b'{' {
            return None;
        }
        Some(
            transit_rail::TrainConfirmation::parse(national)
                .map(|confirmation| TranslatedTrain {
                    reference: confirmation.confirmation_id.as_uuid().to_string(),
                    confirmation,
                })
                .map_err(|e| {
                    TranslateError::new(
                        ErrorClass::Syntax,
                        "train confirmation",
                        format!("not a train confirmation (schemas/rail/v1/train-confirmation.schema.json): {e}"),
                    )
                }),
        )
    }

    fn train_to_national(
        &self,
        confirmation: &transit_rail::TrainConfirmation,
    ) -> Result<Vec<u8>, TranslateError> {
        let mut bytes = serde_json::to_vec_pretty(confirmation).map_err(|e| {
            TranslateError::new(
                ErrorClass::InvalidValue,
                "train confirmation",
                e.to_string(),
            )
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    fn train_acceptance(&self, reference: &str, id: MessageId) -> Vec<u8> {
        xml::write(&Element::group(
            "CC928C",
            vec![
                Element::leaf("messageType", "CC928C"),
                Element::leaf("correlationIdentifier", reference),
                Element::leaf("sigmatConfirmationId", id.as_uuid().to_string()),
            ],
        ))
    }

    fn reference_of(&self, national: &[u8]) -> Option<String> {
        let root = xml::parse(national).ok()?;
        let (reference, _) = root.value("messageIdentification").ok()??;
        Some(reference.to_owned())
    }

    fn acceptance(&self, a: &Acceptance) -> Vec<u8> {
        xml::write(&nack::acceptance(a))
    }

    fn refusal(&self, r: &Refusal) -> Vec<u8> {
        xml::write(&nack::refusal(r))
    }

    fn field_map(&self) -> &'static [FieldMapping] {
        FIELDS
    }

    fn sender_place(&self) -> &'static str {
        "messageSender"
    }

    fn report_notes(&self) -> String {
        notes::render()
    }
}
