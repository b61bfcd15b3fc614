//! Message bodies. Field names follow the WCO Data Model's classes and attributes (JSON in
//! camelCase); the WCO ID of each element is recorded beside it, or "project-assigned" where
//! the WCO DM 3.6 declaration package gives none. The [`crate::Body`] enum that joins them is
//! generated with the catalogue.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    ContainerNumber, CountryCode, Decimal, HsCode, Lrn, MessageId, MessageType, OfficeRef, Text,
};

mod office_to_office;
pub use office_to_office::*;

/// The transit declaration as released at departure (WCO DM `Declaration`, 42A), carried by
/// IE029 and copied to the other offices as IE050 and IE001.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransitDeclaration {
    /// LRN — the trader's own reference (WCO D026, an..22).
    pub functional_reference_id: Lrn,
    /// Office of departure (WCO 065 office of declaration, an..17; 8-character reference here).
    pub declaration_office: OfficeRef,
    /// Declared offices of transit, in route order (project-assigned: no WCO ID in DM 3.6 DEC).
    #[serde(default)]
    pub transit_offices: Vec<OfficeRef>,
    /// Declared office of destination (project-assigned: no WCO ID in DM 3.6 DEC).
    pub destination_office: OfficeRef,
    /// When the departure office released the goods for transit (UTC).
    pub release_date_time: DateTime<Utc>,
    /// The date and time by which the goods must be presented at destination (UTC).
    pub arrival_time_limit: DateTime<Utc>,
    /// The principal, who is responsible for the operation.
    pub principal: Party,
    /// The vehicle crossing the borders (WCO `BorderTransportMeans`).
    pub border_transport_means: TransportMeans,
    /// Containers and their seals (WCO 159 `TransportEquipment`, 165 `Seal`).
    #[serde(default)]
    pub transport_equipment: Vec<TransportEquipment>,
    /// The guarantee engaged for the operation (WCO 90A `ObligationGuarantee`).
    pub obligation_guarantee: Guarantee,
    /// The goods (WCO `GovernmentAgencyGoodsItem`).
    #[serde(default)]
    pub goods_items: Vec<GoodsItem>,
}

/// A trader identified by number and name (WCO R020/R021 style: id an..17, name an..70).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Party {
    /// Identification number.
    pub id: Text,
    /// Name.
    pub name: Text,
}

/// The means of transport at the border.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransportMeans {
    /// Registration plate or other identity (WCO T009-style, an..35).
    pub id: Text,
    /// Nationality of the vehicle (ISO 3166-1 alpha-2).
    pub registration_nationality_code: CountryCode,
    /// Mode of transport, UN/ECE Rec 19 (WCO T022): 3 = road, 2 = rail.
    pub mode_code: u8,
}

/// A container with its seals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransportEquipment {
    /// Container number, ISO 6346 (WCO 159).
    pub id: ContainerNumber,
    /// Seal identifiers (WCO 165).
    #[serde(default)]
    pub seal_ids: Vec<Text>,
}

/// The guarantee (WCO 90A).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Guarantee {
    /// Guarantee reference (WCO 100).
    pub reference_id: Text,
    /// Amount (WCO 492, n..16,6).
    pub amount: Decimal,
    /// Currency, ISO 4217 (WCO 135).
    pub currency_code: Text,
}

/// One goods item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GoodsItem {
    /// Item number, from 1.
    pub sequence_numeric: u32,
    /// Description of goods.
    pub description: Text,
    /// HS classification (WCO 145), 6 to 10 digits.
    pub classification_id: HsCode,
    /// Gross mass in kilograms (WCO 126).
    pub gross_mass_measure: Decimal,
    /// Package type, UN/ECE Rec 21 (WCO 141).
    pub packaging_type_code: Text,
    /// Number of packages (WCO 144).
    pub packaging_quantity: u32,
}

/// IE118 — the truck passed an office of transit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BorderCrossing {
    /// The office where the truck actually crossed.
    pub transit_office: OfficeRef,
    /// When it crossed (event time, UTC), which may be long before the hub hears of it.
    pub crossing_date_time: DateTime<Utc>,
}

/// IE006 — the goods were presented at destination.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArrivalAdvice {
    /// The office where the goods were presented.
    pub destination_office: OfficeRef,
    /// When they arrived (event time, UTC).
    pub arrival_date_time: DateTime<Utc>,
}

/// IE906 — a message was refused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FunctionalNack {
    /// The id of the refused message.
    pub rejected_message_id: MessageId,
    /// The type of the refused message.
    pub rejected_message_type: MessageType,
    /// Why it was refused: one entry per problem.
    #[serde(default)]
    pub errors: Vec<FunctionalError>,
}

/// One reason for a refusal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FunctionalError {
    /// The NCTS functional error code.
    pub code: FunctionalErrorCode,
    /// Where: a JSON pointer into the refused message (`/body/transitOffice`), or `/` for the
    /// message as a whole.
    pub pointer: Text,
    /// What is wrong and what to do, in a plain sentence.
    pub reason: Text,
}

/// NCTS functional error codes (IE906).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub enum FunctionalErrorCode {
    /// 12 — a value is not in its code list.
    CodeListViolation,
    /// 13 — a conditional element is missing.
    MissingConditional,
    /// 14 — a business rule is broken.
    RuleViolation,
    /// 15 — a conditional element is present where it is not allowed.
    NotAllowed,
    /// 26 — the message id was already used for a different message.
    DuplicateMessageId,
    /// 90 — the MRN is not known to the hub.
    UnknownMrn,
    /// 92 — the message does not fit the movement's current state.
    OutOfSequence,
    /// 93 — the MRN is malformed.
    InvalidMrn,
}

impl From<FunctionalErrorCode> for u8 {
    fn from(code: FunctionalErrorCode) -> u8 {
        match code {
            FunctionalErrorCode::CodeListViolation => 12,
            FunctionalErrorCode::MissingConditional => 13,
            FunctionalErrorCode::RuleViolation => 14,
            FunctionalErrorCode::NotAllowed => 15,
            FunctionalErrorCode::DuplicateMessageId => 26,
            FunctionalErrorCode::UnknownMrn => 90,
            FunctionalErrorCode::OutOfSequence => 92,
            FunctionalErrorCode::InvalidMrn => 93,
        }
    }
}

impl TryFrom<u8> for FunctionalErrorCode {
    type Error = String;
    fn try_from(code: u8) -> Result<Self, String> {
        Ok(match code {
            12 => Self::CodeListViolation,
            13 => Self::MissingConditional,
            14 => Self::RuleViolation,
            15 => Self::NotAllowed,
            26 => Self::DuplicateMessageId,
            90 => Self::UnknownMrn,
            92 => Self::OutOfSequence,
            93 => Self::InvalidMrn,
            other => return Err(format!("{other} is not an NCTS functional error code")),
        })
    }
}
