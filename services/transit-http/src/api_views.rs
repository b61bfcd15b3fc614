//! What the officers' and operators' API reads and answers (beyond single movements).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use transit_model::MessageType;
use transit_model::Mrn;
use transit_model::Role;
use uuid::Uuid;

/// Who is calling, once authenticated.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Principal {
    /// The account's id (not shown; keys idempotent actions to the account).
    #[serde(skip)]
    pub user_id: i64,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// The role (JSON: `officer`, `operator`, `adapter`, `trader` or `guarantor`).
    pub role: Role,
    /// An officer's office.
    pub office: Option<String>,
    /// An adapter's country, an operator's scope (none: every country), a guarantor's
    /// country.
    pub country: Option<String>,
    /// A trader's identification number (TIN).
    #[serde(default)]
    pub party: Option<String>,
    /// `en` or `fr`.
    pub language: String,
}

/// `POST /api/v1/sessions`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// An open session.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    /// Bearer token: `Authorization: Bearer <token>`.
    pub token: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// Who it is.
    pub user: Principal,
}

/// A one-use ticket that opens the live-update stream (`GET /api/v1/events?ticket=`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TicketView {
    /// The ticket.
    pub ticket: String,
    /// When it stops working (30 s after it was issued).
    pub expires_at: DateTime<Utc>,
}

/// Search parameters of `GET /api/v1/movements`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SearchQuery {
    /// Movement state.
    pub state: Option<String>, // raw text: the request's, parsed by the service (400 if no state)
    /// Corridor id (`abidjan-ouagadougou`…).
    pub corridor: Option<String>,
    /// An office anywhere on the route.
    pub office: Option<String>,
    /// Country of departure or destination.
    pub country: Option<String>,
    /// Vehicle registration.
    pub vehicle: Option<String>,
    /// Container number.
    pub container: Option<String>,
    /// Seal number.
    pub seal: Option<String>,
    /// Received on or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Received before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Page, from 1.
    pub page: Option<i64>,
    /// Page size, 1 to 200 (default 50).
    pub page_size: Option<i64>,
}

/// One movement in a list: the lifecycle's own summary, as the store reads it.
pub use transit_lifecycle::MovementSummary;

/// A page of results.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// This page, from 1.
    pub page: i64,
    /// Items per page.
    pub page_size: i64,
    /// Whether another page follows.
    pub has_more: bool,
}

/// An officer's action on a movement.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "action",
    deny_unknown_fields
)]
pub enum OfficerAction {
    /// The truck passed my border office.
    Passage {
        /// When (default: now).
        #[serde(default)]
        at: Option<DateTime<Utc>>,
    },
    /// The goods arrived at my destination office.
    Arrival {
        /// When (default: now).
        #[serde(default)]
        at: Option<DateTime<Utc>>,
    },
    /// Control results at my destination office.
    Control {
        /// Seals found intact.
        seals_intact: bool,
        /// Discrepancies found (none: satisfactory).
        #[serde(default)]
        discrepancies: Vec<DiscrepancyInput>,
        /// What was checked (seals, packages counted, goods opened…): required to confirm a
        /// red-lane movement with seals intact and nothing found; kept in the audit log.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        checked: Option<String>,
        /// When (default: now).
        #[serde(default)]
        at: Option<DateTime<Utc>>,
    },
    /// An incident seen at my office.
    Incident {
        /// 1 route deviation, 2 seals broken, 3 transhipment, 4 unloading, 5 accident.
        code: u8,
        /// Where.
        place: String,
        /// What happened.
        description: String,
        /// New seals affixed.
        #[serde(default)]
        new_seals: Vec<String>,
        /// The vehicle the goods were moved to (transhipment).
        #[serde(default)]
        replacement_vehicle: Option<VehicleInput>,
        /// When (default: now).
        #[serde(default)]
        at: Option<DateTime<Utc>>,
    },
    /// The goods are presented at my office, which is not their declared destination: I ask
    /// for the record and become their destination (IE002; the hub answers with IE003).
    Diversion {
        /// Why, for the departure (e.g. "consignee moved the delivery to Niamey").
        #[serde(default)]
        text: Option<String>,
        /// When (default: now).
        #[serde(default)]
        at: Option<DateTime<Utc>>,
    },
    /// The truck is at my border office, which is not on its declared route: I ask for the
    /// record and the office is added to the route (IE114; the hub answers with IE115).
    UndeclaredPassage {
        /// Why, for the departure.
        #[serde(default)]
        text: Option<String>,
        /// When (default: now).
        #[serde(default)]
        at: Option<DateTime<Utc>>,
    },
    /// My answer, as the destination, to the departure's enquiry (IE143): whether the goods
    /// were presented here, and when.
    EnquiryAnswer {
        /// Whether the goods were presented at my office.
        goods_arrived: bool,
        /// When they were presented, if they were.
        #[serde(default)]
        arrived_at: Option<DateTime<Utc>>,
        /// Explanation.
        #[serde(default)]
        text: Option<String>,
        /// When I answer (default: now).
        #[serde(default)]
        at: Option<DateTime<Utc>>,
    },
}

impl OfficerAction {
    /// Whether the action is an office asking for the record ("the goods are presented
    /// here": a diversion or an undeclared passage) — the only actions an office may take on
    /// a movement it is not yet on.
    pub fn asks_for_the_record(&self) -> bool {
        matches!(
            self,
            Self::Diversion { .. } | Self::UndeclaredPassage { .. }
        )
    }
}

/// A vehicle, as an officer enters it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VehicleInput {
    /// Registration plate.
    pub id: String,
    /// Nationality of the vehicle (ISO 3166-1 alpha-2).
    pub nationality: String,
    /// Mode of transport, UN/ECE Rec 19 (default 3, road).
    #[serde(default = "road")]
    pub mode: u8,
}

fn road() -> u8 {
    3
}

/// A discrepancy found at control.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiscrepancyInput {
    /// Which element (e.g. "seal CI-S-0002", "item 1 gross mass").
    pub element: String,
    /// What was found.
    pub description: String,
    /// Whether it is a major discrepancy.
    pub major: bool,
}

/// The answer to an officer action: the standardized message it produced.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ActionAccepted {
    /// The message's id (the same for every retry with the same key).
    pub message_id: Uuid,
    /// Its type (IE118, IE006, IE018, IE180).
    pub message_type: MessageType,
    /// The movement.
    pub mrn: Mrn,
    /// Whether this answer repeats an earlier one (same idempotency key).
    pub replayed: bool,
}

/// Movement counts by state on one corridor.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CorridorCounts {
    /// Corridor id, or `other` for movements on no listed corridor.
    pub corridor: String,
    /// State → count.
    pub states: std::collections::BTreeMap<String, i64>,
}

/// Time between two consecutive offices.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LegTime {
    /// From office.
    pub from_office: String,
    /// To office.
    pub to_office: String,
    /// Movements measured.
    pub movements: i64,
    /// Median, hours.
    pub p50_hours: f64,
    /// 90th percentile, hours.
    pub p90_hours: f64,
}

/// Query of `GET /api/v1/stats/legs`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PeriodQuery {
    /// From (default: 30 days ago).
    pub from: Option<DateTime<Utc>>,
    /// To (default: now).
    pub to: Option<DateTime<Utc>>,
}

/// Guarantee exposure in one country: open movements whose route crosses it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Exposure {
    /// A country of departure, transit or destination.
    pub country: String,
    /// Currency.
    pub currency: String,
    /// Sum of guarantees on open movements.
    pub amount: String,
    /// Open movements.
    pub movements: i64,
}
