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
//! - `guarantee_check`: the office of departure's guarantee check (CD200C) or use (CD203C) →
//!   the hub's question, and its answer → CD201C or CD205C ([`GUARANTEE_MESSAGES`],
//!   [`GUARANTEE_REASON_CODES`]).
//! - [`FIELDS`], [`PLACEHOLDERS`], [`EXTRAS`]: the mapping report's tables.
//!
//! A release (IE029) is the CD050C (or, with no office of transit, the CD001C) the NCTS
//! office of departure sends: a record addressed to the hub (or to another administration,
//! `NTA.BF`) is the release, one addressed to an office is the hub's copy (IE050, IE001). Both records of one release get one message id (from the
//! MRN, unless the gateway's reference is a UUID, which is the id as is), so the hub takes
//! the release once. Rail train confirmations have no NCTS message:
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
mod guarantee_check;
mod nack;
mod notes;
mod office_to_office;
mod parts;
mod read;
mod types;
mod values;
mod write;
pub mod xml;

use transit_model::{MessageId, MessageType, StandardMessage};
use transit_national::{
    Acceptance, ErrorClass, Family, FieldMapping, Mapping, Refusal, TranslateError, Translated,
    TranslatedTrain, Translator,
};

pub use declaration::PLACEHOLDERS;
pub use events::INVALIDATION_REASON;
pub use extras::EXTRAS;
pub use fields::FIELDS;
pub use guarantee_check::{MESSAGES as GUARANTEE_MESSAGES, REASON_CODES as GUARANTEE_REASON_CODES};
pub use nack::CODES_OUTSIDE_NCTS;
use xml::Element;

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

    fn guarantee_check_to_standard(
        &self,
        national: &[u8],
    ) -> Option<Result<transit_national::TranslatedGuaranteeCheck, TranslateError>> {
        guarantee_check::read_if_one(national, &self.mapping)
    }

    fn guarantee_result_to_national(
        &self,
        result: &transit_model::guarantee_check::GuaranteeCheckResult,
    ) -> Result<Vec<u8>, TranslateError> {
        guarantee_check::write(result, &self.mapping)
    }

    fn guarantee_result_to_standard(
        &self,
        national: &[u8],
    ) -> Option<Result<transit_model::guarantee_check::GuaranteeCheckResult, TranslateError>> {
        guarantee_check::read_result_if_one(national, &self.mapping)
    }

    fn guarantee_check_acceptance(&self, reference: &str, id: MessageId) -> Vec<u8> {
        xml::write(&Element::group(
            "CC928C",
            vec![
                Element::leaf("messageType", "CC928C"),
                Element::leaf("correlationIdentifier", reference),
                Element::leaf("sigmatCheckId", id.as_uuid().to_string()),
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
