//! Message bodies. Field names follow the WCO Data Model's classes and attributes (JSON in
//! camelCase); the WCO ID of each element is recorded beside it, or "project-assigned" where
//! the WCO DM 3.6 declaration package gives none. The [`crate::Body`] enum that joins them is
//! generated with the catalogue.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    ContainerNumber, CountryCode, Decimal, HsCode, Lrn, MessageId, MessageType, OfficeRef, Text,
    Text17, Text35, Text512, Text70,
};

mod office_to_office;
pub use office_to_office::*;

/// The transit declaration as released at departure (WCO DM `Declaration`, 42A), carried by
/// IE029 and copied to the other offices as IE050 and IE001. Its structure follows the WCO DM
/// class diagram; the transit-specific elements (offices of transit and destination, release
/// time, time limit) are project-assigned extensions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransitDeclaration {
    /// LRN — the trader's own reference (WCO D026).
    pub functional_reference_id: Lrn,
    /// Office of departure (WCO 065, office of declaration).
    pub declaration_office_id: OfficeRef,
    /// Declared offices of transit, in route order (project-assigned).
    #[serde(default)]
    pub transit_office_ids: Vec<OfficeRef>,
    /// Declared office of destination (project-assigned).
    pub destination_office_id: OfficeRef,
    /// When the departure office released the goods for transit (project-assigned).
    pub release_date_time: DateTime<Utc>,
    /// By when the goods must be presented at destination (project-assigned).
    pub arrival_time_limit: DateTime<Utc>,
    /// Total gross mass in kilograms (WCO 131). Every release carries it; a copy made under
    /// an agreement that withholds gross masses does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_gross_mass_measure: Option<Decimal>,
    /// The principal, who declares the transit and answers for it (WCO `Declarant`). Every
    /// release carries it; a copy under an agreement that withholds trader identities does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declarant: Option<Party>,
    /// The vehicle crossing the borders (WCO `BorderTransportMeans`). Every release carries
    /// it; a copy under an agreement that withholds transport does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub border_transport_means: Option<TransportMeans>,
    /// Carrier and route (WCO `Consignment` at declaration level).
    pub consignment: Consignment,
    /// The goods and how they travel (WCO `GoodsShipment`).
    pub goods_shipment: GoodsShipment,
    /// The guarantee engaged for the operation (WCO 90A `ObligationGuarantee`). Every release
    /// carries it; a copy under an agreement that withholds the guarantee does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obligation_guarantee: Option<Guarantee>,
    /// In a copy the hub made under an agreement: the agreement and the groups of data it left
    /// out. Never in a release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withheld: Option<crate::reference::agreements::Withheld>,
}

impl TransitDeclaration {
    /// The countries the declaration names, in route order and each once: the departure's,
    /// each declared office of transit's, the declared destination's, and the countries of
    /// routing (WCO 81A). A movement may go only through these without the departure's
    /// consent: a record request from an office anywhere else is the departure's to answer.
    pub fn declared_countries(&self) -> Vec<CountryCode> {
        let offices = std::iter::once(&self.declaration_office_id)
            .chain(&self.transit_office_ids)
            .chain(std::iter::once(&self.destination_office_id))
            .map(OfficeRef::country);
        let routing = self
            .consignment
            .itinerary
            .iter()
            .map(|i| i.routing_country_code);
        let mut countries: Vec<CountryCode> = Vec::new();
        for country in offices.chain(routing) {
            if !countries.contains(&country) {
                countries.push(country);
            }
        }
        countries
    }

    /// The guarantee's reference, as text; `(withheld)` in a copy made under an agreement
    /// that withholds the guarantee (a release always carries it).
    pub fn guarantee_reference(&self) -> &str {
        self.obligation_guarantee
            .as_ref()
            .map_or("(withheld)", |g| g.reference_id.as_str())
    }

    /// Where a release lacks an element every release carries (only copies made under an
    /// agreement leave elements out, and say so in `withheld`): the JSON pointer of the first
    /// one missing, or of `withheld` when a release carries it.
    pub fn incomplete_release(&self) -> Option<&'static str> {
        if self.withheld.is_some() {
            return Some("/body/withheld");
        }
        let guarantee = self.obligation_guarantee.as_ref();
        let items = &self.goods_shipment.government_agency_goods_item;
        [
            (self.total_gross_mass_measure.is_none(), "/body/totalGrossMassMeasure"),
            (self.declarant.is_none(), "/body/declarant"),
            (self.border_transport_means.is_none(), "/body/borderTransportMeans"),
            (guarantee.is_none(), "/body/obligationGuarantee"),
            (
                guarantee.is_some_and(|g| g.amount_amount.is_none()),
                "/body/obligationGuarantee/amountAmount",
            ),
            (
                items
                    .iter()
                    .any(|i| i.commodity.goods_measure.gross_mass_measure.is_none()),
                "/body/goodsShipment/governmentAgencyGoodsItem/commodity/goodsMeasure/grossMassMeasure",
            ),
        ]
        .into_iter()
        .find_map(|(missing, pointer)| missing.then_some(pointer))
    }

    /// Whether the declaration names `country` ([`TransitDeclaration::declared_countries`]).
    pub fn names_country(&self, country: CountryCode) -> bool {
        self.declared_countries().contains(&country)
    }
}

/// A trader identified by number and name (id an..17, name an..70): the WCO `Declarant`
/// (R123/R124), `Consignor` (R021/R020), `Consignee` (R015/R014) or `Carrier` (R012/R011).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Party {
    /// Identification number.
    pub id: Text17,
    /// Name.
    pub name: Text70,
}

/// The means of transport at the border (WCO `BorderTransportMeans`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransportMeans {
    /// Registration plate or other identity (WCO T006, an..35).
    pub id: Text35,
    /// Nationality of the vehicle, ISO 3166-1 alpha-2 (WCO T014).
    pub registration_nationality_code: CountryCode,
    /// Mode of transport, UN/ECE Rec 19 (WCO T022): 3 = road, 2 = rail.
    pub mode_code: u8,
}

/// WCO `Consignment` at declaration level: who carries the goods and through which countries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Consignment {
    /// The carrier (WCO 18A `Carrier`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<Party>,
    /// Countries of routing, in order (WCO 81A `Itinerary`).
    #[serde(default)]
    pub itinerary: Vec<Itinerary>,
}

/// One country of routing (WCO 81A).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Itinerary {
    /// Position on the route, from 1 (WCO 006).
    pub sequence_numeric: u32,
    /// The country (WCO 064).
    pub routing_country_code: CountryCode,
}

/// WCO `GoodsShipment`: the parties to the goods, their equipment, and the goods items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GoodsShipment {
    /// The consignor, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consignor: Option<Party>,
    /// The consignee, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consignee: Option<Party>,
    /// Containers and their seals (WCO `Consignment` within the goods shipment).
    pub consignment: ShipmentConsignment,
    /// The goods (WCO `GovernmentAgencyGoodsItem`).
    #[serde(default)]
    pub government_agency_goods_item: Vec<GoodsItem>,
}

/// WCO `Consignment` within `GoodsShipment`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ShipmentConsignment {
    /// The wagons of a rail movement, in the train's order (WCO 46A
    /// `DepartureTransportMeans`); empty by road, where the vehicle is the border transport
    /// means.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub departure_transport_means: Vec<DepartureTransportMeans>,
    /// Containers (WCO 31B `TransportEquipment`).
    #[serde(default)]
    pub transport_equipment: Vec<TransportEquipment>,
}

/// A wagon of a rail movement (WCO 46A `DepartureTransportMeans`), with the seals on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DepartureTransportMeans {
    /// Position, from 1 (WCO 006).
    pub sequence_numeric: u32,
    /// The wagon's number (WCO T004).
    pub id: Text35,
    /// Its type, UN/ECE Rec 28 or the railway's wagon series (WCO T009, an..4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_code: Option<Text<4>>,
    /// Nationality of the wagon, ISO 3166-1 alpha-2 (project-assigned: WCO DM has no
    /// nationality for the departure transport means).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_nationality_code: Option<CountryCode>,
    /// Seals on the wagon itself (WCO 44B), for goods loaded without a container.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seal: Vec<Seal>,
}

/// A container with its seals (WCO 31B).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransportEquipment {
    /// Position, from 1 (WCO 006).
    pub sequence_numeric: u32,
    /// Container number, ISO 6346 (WCO 159).
    pub id: ContainerNumber,
    /// The wagon it is loaded on (the `id` of one of the consignment's
    /// `departureTransportMeans`); rail only (project-assigned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wagon_id: Option<Text35>,
    /// Its seals (WCO 44B).
    #[serde(default)]
    pub seal: Vec<Seal>,
}

/// A seal (WCO 44B).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Seal {
    /// Position, from 1 (WCO 006).
    pub sequence_numeric: u32,
    /// Seal number (WCO 165).
    pub id: Text35,
}

/// The guarantee (WCO 90A).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Guarantee {
    /// Guarantee reference (WCO 100).
    pub reference_id: Text35,
    /// Amount (WCO 492, n..16,3). Every release carries it; a copy under an agreement that
    /// withholds values does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_amount: Option<Decimal>,
    /// Currency of the amount, ISO 4217 (WCO 135).
    pub currency_code: Text<3>,
}

/// One goods item (WCO `GovernmentAgencyGoodsItem`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GoodsItem {
    /// Item number, from 1 (WCO 006).
    pub sequence_numeric: u32,
    /// What the goods are (WCO `Commodity`).
    pub commodity: Commodity,
    /// How they are packed (WCO `Packaging`).
    #[serde(default)]
    pub packaging: Vec<Packaging>,
}

/// WCO `Commodity`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Commodity {
    /// Description of goods (WCO 137, an..512).
    pub description: Text512,
    /// HS classification (WCO `Classification`).
    pub classification: Classification,
    /// Measures (WCO `GoodsMeasure`).
    pub goods_measure: GoodsMeasure,
}

/// WCO `Classification`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Classification {
    /// HS code (WCO 145).
    pub id: HsCode,
}

/// WCO `GoodsMeasure`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GoodsMeasure {
    /// Gross mass in kilograms (WCO 126, n..16,6). Every release carries it; a copy under an
    /// agreement that withholds gross masses does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gross_mass_measure: Option<Decimal>,
}

/// WCO `Packaging`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Packaging {
    /// Package type, UN/ECE Rec 21 (WCO 141).
    pub type_code: Text<2>,
    /// Number of packages (WCO 144).
    pub quantity_quantity: u32,
}

/// IE118 — the truck passed an office of transit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BorderCrossing {
    /// The office where the truck actually crossed.
    pub transit_office: OfficeRef,
    /// When it crossed (event time, UTC), which may be long before the hub hears of it.
    pub crossing_date_time: DateTime<Utc>,
    /// Set when no officer confirmed it: the hub did, from a tracking provider's event inside
    /// the office's border zone, because the office's country confirms passages automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automatic: Option<AutomaticConfirmation>,
}

/// What confirmed a passage automatically: the tracking provider and its event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AutomaticConfirmation {
    /// The tracking provider, as its credentials at the telematics gateway name it.
    pub provider: Text35,
    /// The provider's id of the event that entered the zone.
    pub event_id: Text70,
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
    pub pointer: Text512,
    /// What is wrong and what to do, in a plain sentence.
    pub reason: Text512,
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
