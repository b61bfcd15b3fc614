//! What the HTTP answers contain.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use transit_lifecycle::MovementState;
use transit_model::EventType;
use transit_model::MessageType;
use transit_model::Mrn;
use transit_model::Participant;
use uuid::Uuid;

/// The answer to an accepted submission (202).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Accepted {
    /// The id of the accepted message.
    pub message_id: Uuid,
    /// Its type.
    pub message_type: MessageType,
    /// Its movement.
    pub mrn: Mrn,
    /// The topic it was published to.
    pub topic: String,
}

/// A message waiting for the national system.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Position; pass the last one seen as `after` to get the next ones.
    pub seq: i64,
    /// The message id; acknowledge with it.
    pub message_id: Uuid,
    /// The message type.
    pub message_type: String, // raw text: as the hub sent it (see transit_store::adapter)
    /// The movement.
    pub mrn: String, // raw text: as the hub sent it (see transit_store::adapter)
    /// The office it is for.
    pub recipient: String,
    /// When the adapter received it.
    pub received_at: DateTime<Utc>,
    /// The standardized message.
    pub message: serde_json::Value,
    /// The format the adapter translates into (`standard`, `asycuda`, `sydam`, `gainde`).
    #[serde(default = "standard")]
    pub format: String,
    /// The message in the national format, as text, when the adapter has a national translator
    /// and the type has a national form. Its exact bytes — in the character encoding the
    /// country's national system is configured for, which its XML declaration names — are
    /// served at `/api/v1/deliveries/{id}/national`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national: Option<String>,
    /// Why there is no national form, when there is a translator but the type has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_note: Option<String>,
    /// The message's W3C trace context (`00-<trace id>-<span id>-01`), for a national system
    /// that follows the trace on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traceparent: Option<String>,
}

fn standard() -> String {
    "standard".to_owned()
}

/// A whole HTTP answer in a national format: status, media type and bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: String,
    /// The body.
    pub body: Vec<u8>,
}

/// A movement, as officers and operators see it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MovementView {
    /// Its MRN.
    pub mrn: Mrn,
    /// Its state.
    pub state: MovementState,
    /// Office of departure.
    pub departure_office: String,
    /// Declared offices of transit and passages.
    pub route: Vec<PassageView>,
    /// Office of destination.
    pub destination_office: String,
    /// Time limit for arrival.
    pub arrival_time_limit: DateTime<Utc>,
    /// Arrival time, once arrived.
    pub arrived_at: Option<DateTime<Utc>>,
    /// Number of changes.
    pub version: i64,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// The declaration in its current state (WCO structure; as released, with the vehicle and
    /// seals incidents replaced): vehicle, containers and seals, goods,
    /// guarantee — what an officer checks.
    #[serde(default)]
    pub declaration: serde_json::Value,
    /// Present when the movement was discharged at an office in a country its declaration does
    /// not name: a flag for the departure's operators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discharged_off_route: Option<OffRouteDischargeView>,
    /// Its risk at the reader's offices (absent before it was first scored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<RiskView>,
    /// Copies of the declaration the hub did not make, for want of a data-sharing agreement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies_not_sent: Vec<CopyNotSentView>,
}

/// A copy of the declaration the hub did not make.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CopyNotSentView {
    /// The office it was for.
    pub office: String,
    /// Its role: `transit`, `destination`, `divertedDestination`.
    pub role: String,
    /// Why.
    pub reason: String,
}

/// A movement's risk as its reader may see it: the lane at the reader's offices (for an
/// officer, their office's country; for a country's operator, that country; for the hub, every
/// rule), the rules that count there whose reasons the reader reads, and the countries whose
/// private rules count there (their effect only).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RiskView {
    /// `green`, `yellow` (check the documents) or `red` (physical control).
    pub lane: transit_risk::Lane,
    /// The weights of the rules that count.
    pub score: u32,
    /// The reference data version whose rules scored it.
    pub rules_version: i64,
    /// Why, rule by rule, with what to check first.
    pub reasons: Vec<RiskReasonView>,
    /// Countries whose private rules raised the lane.
    pub raised_by: Vec<String>,
    /// Set when an operator set the lane at the reader's offices over the one scored: `lane`
    /// is then the one set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overridden: Option<LaneOverrideView>,
}

/// A lane an operator set over the one the rules scored.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LaneOverrideView {
    /// The lane the rules scored when it was set.
    pub scored_lane: transit_risk::Lane,
    /// Why.
    pub reason: String,
    /// Who.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// One rule that fired.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RiskReasonView {
    /// The rule's id.
    pub rule: String,
    /// `region` or the country that owns it.
    pub owner: String,
    /// Why, in English and French.
    pub reason: transit_risk::Bilingual,
    /// What to check first, in English and French.
    pub check: transit_risk::Bilingual,
}

impl RiskView {
    /// What a reader at offices of `country` (`None`: the hub) sees of `assessment`, the
    /// reasons read from `rules` (the set that scored it).
    pub fn of(
        assessment: &transit_risk::Assessment,
        country: Option<transit_model::CountryCode>,
        rules: &transit_risk::RuleSet,
    ) -> Self {
        let verdict = assessment.verdict(country);
        Self {
            lane: verdict.lane,
            score: verdict.score,
            rules_version: assessment.rules_version,
            reasons: verdict
                .reasons
                .iter()
                .map(|f| {
                    let (reason, check) = rules.texts_of(&f.rule);
                    RiskReasonView {
                        rule: f.rule.clone(),
                        owner: f.owner.to_string(),
                        reason,
                        check,
                    }
                })
                .collect(),
            raised_by: verdict.raised_by.iter().map(ToString::to_string).collect(),
            overridden: None,
        }
    }
}

/// A discharge at an office outside the declared countries: where, by which message (the API's
/// audit log names the officer who sent it) and when.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct OffRouteDischargeView {
    /// The office that discharged the movement.
    pub office: String,
    /// The message that discharged it (control results or proof of arrival).
    pub message_id: uuid::Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// One office of transit on a movement's route.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PassageView {
    /// The office.
    pub office: String,
    /// When the truck crossed there.
    pub crossed_at: Option<DateTime<Utc>>,
}

/// One timeline entry.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    /// The message id.
    pub message_id: Uuid,
    /// The message type.
    pub message_type: EventType,
    /// Who sent it.
    pub sender: Participant,
    /// When it happened.
    pub event_time: DateTime<Utc>,
    /// When the hub received it.
    pub received_at: DateTime<Utc>,
    /// `accepted` or `rejected`.
    pub outcome: String,
    /// State afterwards.
    pub state_after: Option<String>,
    /// NCTS error code if rejected.
    pub error_code: Option<i16>,
    /// Reason if rejected.
    pub reason: Option<String>,
}

/// Query parameters of the delivery pull.
#[derive(Clone, Debug, Deserialize)]
pub struct PullQuery {
    /// Only deliveries after this position (default 0: from the oldest unacknowledged).
    #[serde(default)]
    pub after: i64,
    /// At most this many (default 100, at most 1000).
    #[serde(default = "default_limit")]
    pub limit: i64,
}

fn default_limit() -> i64 {
    100
}
