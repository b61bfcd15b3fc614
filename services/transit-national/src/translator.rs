//! The one interface every national-system family implements.

use transit_model::{MessageId, MessageType, StandardMessage};

use crate::{Family, Mapping, TranslateError};
use transit_model::Mrn;

/// The message types a country exchanges with the hub through its national system, in both
/// directions: declaration and release, copies to transit and destination offices, border
/// passage, arrival, control results, incidents, invalidation, write-off and rejections.
/// Other types (record requests after a diversion, enquiry, recovery, status) are handled by
/// the hub's officers' tools; an adapter delivers them in the standardized JSON.
pub const EXCHANGED: &[MessageType] = &[
    MessageType::AnticipatedArrivalRecord,
    MessageType::ArrivalAdvice,
    MessageType::InvalidationNotification,
    MessageType::DestinationControlResults,
    MessageType::ReleaseForTransit,
    MessageType::WriteOffNotification,
    MessageType::AnticipatedTransitRecord,
    MessageType::NotificationCrossingFrontier,
    MessageType::IncidentNotification,
    MessageType::IncidentForwarded,
    MessageType::FunctionalNack,
];

/// The office-to-office types after a diversion, an enquiry or a recovery, and status: record
/// requests and answers (IE002/IE003 at destination, IE114/IE115 at a border), status (IE094,
/// IE095), enquiry (IE142-IE145) and recovery (IE150-IE152). Every family carries them;
/// [`Translator::exchanged`] says which types a family carries, and an adapter delivers a type
/// its family does not carry in the standardized JSON, with a note.
pub const OFFICE_TO_OFFICE: &[MessageType] = &[
    MessageType::ArrivalRecordRequest,
    MessageType::ArrivalRecordResponse,
    MessageType::StatusRequest,
    MessageType::StatusResponse,
    MessageType::TransitRecordRequest,
    MessageType::TransitRecordResponse,
    MessageType::EnquiryRequest,
    MessageType::EnquiryResponse,
    MessageType::EnquiryInformation,
    MessageType::EnquiryInformationRequest,
    MessageType::RecoveryRequest,
    MessageType::RecoveryAcceptance,
    MessageType::RecoveryDispatch,
];

/// One row of the mapping report: a national field and the standardized element it fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldMapping {
    /// The national field, in the format's own notation.
    pub national: &'static str,
    /// The standardized element, as a JSON pointer into the message (`/body/…`, `/header/…`).
    pub standard: &'static str,
    /// How the value is converted ("as is", "office table", …).
    pub conversion: &'static str,
}

/// A row of a family's field table (written `f("…", "/body/…", "as is")` with
/// `use transit_national::field as f;`).
pub const fn field(
    national: &'static str,
    standard: &'static str,
    conversion: &'static str,
) -> FieldMapping {
    FieldMapping {
        national,
        standard,
        conversion,
    }
}

/// A translated national message and the national system's own reference of it.
#[derive(Clone, Debug)]
pub struct Translated {
    /// The standardized message.
    pub message: StandardMessage,
    /// The national reference (what the acknowledgement quotes back).
    pub reference: String,
}

/// An accepted message, to acknowledge to the national system in its format.
#[derive(Clone, Debug)]
pub struct Acceptance {
    /// The national reference the message came with.
    pub reference: String,
    /// The standardized id it was given.
    pub message_id: MessageId,
    /// Its standardized type.
    pub message_type: MessageType,
    /// The movement.
    pub mrn: Mrn,
}

/// A refused message, to answer in the national format.
#[derive(Clone, Debug)]
pub struct Refusal {
    /// The national reference, if it could be read.
    pub reference: Option<String>,
    /// A short class name (`unknown-code`, `forbidden`, …).
    pub class: String,
    /// The NCTS functional error code, when one applies (93 for an invalid MRN).
    pub ncts_code: Option<u8>,
    /// Where.
    pub place: String,
    /// Why.
    pub reason: String,
    /// What to do next.
    pub hint: String,
}

/// A translator between one family of national systems and the standardized messages.
/// Implementations are pure: no I/O, no clock.
pub trait Translator: Send + Sync + std::fmt::Debug {
    /// The family.
    fn family(&self) -> Family;

    /// The country's code tables in use.
    fn mapping(&self) -> &Mapping;

    /// The media type of the national format (`application/xml`, …).
    fn media_type(&self) -> &'static str;

    /// A national message → a standardized one (validated), with its national reference.
    fn translate(&self, national: &[u8]) -> Result<Translated, TranslateError>;

    /// A national message → a standardized one (validated).
    fn to_standard(&self, national: &[u8]) -> Result<StandardMessage, TranslateError> {
        self.translate(national).map(|t| t.message)
    }

    /// The message types this family carries in its national format, both ways: at least
    /// [`EXCHANGED`]; those of [`OFFICE_TO_OFFICE`] it has a form for.
    fn exchanged(&self) -> Vec<MessageType> {
        EXCHANGED.to_vec()
    }

    /// A standardized message → the national format. Types outside [`Self::exchanged`] give
    /// [`crate::ErrorClass::Unsupported`].
    fn to_national(&self, message: &StandardMessage) -> Result<Vec<u8>, TranslateError>;

    /// Rail: a national confirmation for a whole train → the standardized one, with its
    /// national reference; `None` when `national` is not this family's train confirmation
    /// (then it is a message, for [`Self::translate`]).
    fn train_to_standard(
        &self,
        national: &[u8],
    ) -> Option<Result<crate::TranslatedTrain, TranslateError>>;

    /// Rail: the standardized train confirmation → this family's form.
    fn train_to_national(
        &self,
        confirmation: &transit_rail::TrainConfirmation,
    ) -> Result<Vec<u8>, TranslateError>;

    /// Rail: the acknowledgement of an accepted train confirmation, in the national format.
    fn train_acceptance(&self, reference: &str, confirmation_id: MessageId) -> Vec<u8>;

    /// Guarantee checks: a national question about a declaration's guarantees (NCTS CD200C,
    /// CD203C) → the standardized one, with its national reference; `None` when `national` is
    /// not one (the families that have no guarantee messages never read one).
    fn guarantee_check_to_standard(
        &self,
        _national: &[u8],
    ) -> Option<Result<crate::TranslatedGuaranteeCheck, TranslateError>> {
        None
    }

    /// Guarantee checks: the hub's answer → this family's form (NCTS CD201C, CD205C). A family
    /// without guarantee messages gives [`crate::ErrorClass::Unsupported`]: the answer is then
    /// delivered in the standardized JSON (such a family never asks).
    fn guarantee_result_to_national(
        &self,
        _result: &transit_model::guarantee_check::GuaranteeCheckResult,
    ) -> Result<Vec<u8>, TranslateError> {
        Err(TranslateError::new(
            crate::ErrorClass::Unsupported,
            "guarantee-check-result",
            format!("the {} family has no guarantee messages", self.family()),
        ))
    }

    /// Guarantee checks: the hub's answer in this family's form, read back (what the national
    /// system takes from it); `None` when `national` is not one.
    fn guarantee_result_to_standard(
        &self,
        _national: &[u8],
    ) -> Option<Result<transit_model::guarantee_check::GuaranteeCheckResult, TranslateError>> {
        None
    }

    /// Guarantee checks: the acknowledgement of an accepted check, in the national format (by
    /// default the family's acknowledgement of a train confirmation, which quotes the
    /// reference and the id the same way).
    fn guarantee_check_acceptance(&self, reference: &str, check_id: MessageId) -> Vec<u8> {
        self.train_acceptance(reference, check_id)
    }

    /// Reads as much as it can of the national reference of a message that was refused, so
    /// the refusal can name it (an accepted one carries it in [`Translated`]).
    fn reference_of(&self, national: &[u8]) -> Option<String>;

    /// The acknowledgement of an accepted message, in the national format.
    fn acceptance(&self, acceptance: &Acceptance) -> Vec<u8>;

    /// The answer to a refused message, in the national format.
    fn refusal(&self, refusal: &Refusal) -> Vec<u8>;

    /// Which national field fills which standardized element.
    fn field_map(&self) -> &'static [FieldMapping];

    /// Where the sender is, in the national format's terms (for refusals that name it).
    fn sender_place(&self) -> &'static str;

    /// What the mapping report adds for this family after its field table, in Markdown
    /// (NCTS: what travels in its extra entries, the placeholders it writes).
    fn report_notes(&self) -> String {
        String::new()
    }
}
