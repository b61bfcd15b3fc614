//! Bodies of the office-to-office messages beyond release, passage and arrival: requests and
//! responses for undeclared offices, control results, invalidation, incidents, enquiry,
//! recovery, status, write-off and syntax rejection. Elements without a WCO ID in the DM 3.6
//! declaration package are marked "project-assigned".

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    CountryCode, MessageId, OfficeRef, Text35, Text512, TransitDeclaration, TransportMeans,
};

/// IE002 / IE114 / IE094 / IE142 / IE145 — an office asks the office of departure (through
/// the hub) for something about a movement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OfficeRequest {
    /// The office asking (project-assigned).
    pub requesting_office: OfficeRef,
    /// When it asked (UTC).
    pub request_date_time: DateTime<Utc>,
    /// Free text for the person who answers (an..512).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Text512>,
}

/// Whether a record request was granted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordOutcome {
    /// The record is attached.
    Granted,
    /// The request was refused; the reason says why.
    Refused,
}

/// IE003 / IE115 — the answer to an AAR or ATR request from an undeclared office.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecordResponse {
    /// The office that asked.
    pub requesting_office: OfficeRef,
    /// Granted or refused.
    pub outcome: RecordOutcome,
    /// The record, when granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declaration: Option<TransitDeclaration>,
    /// Why it was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal_reason: Option<Text512>,
}

/// The outcome of the control at destination (NCTS control result codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ControlResultCode {
    /// Satisfactory.
    A1,
    /// Considered satisfactory (no physical control).
    A2,
    /// Not satisfactory: discrepancies found.
    B1,
}

impl ControlResultCode {
    /// Every code, in order.
    pub const ALL: [Self; 3] = [Self::A1, Self::A2, Self::B1];

    /// The NCTS code as written: `A1`, `A2`, `B1`.
    pub fn code(self) -> &'static str {
        match self {
            Self::A1 => "A1",
            Self::A2 => "A2",
            Self::B1 => "B1",
        }
    }

    /// The code written `code`, if it is one.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// One discrepancy found at control.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Discrepancy {
    /// The declaration element concerned, as a JSON pointer into the declaration
    /// (`/goodsItems/0/grossMassMeasure`).
    pub pointer: Text512,
    /// What was found.
    pub description: Text512,
    /// Whether it is major (leads to the discrepancy procedure) rather than minor.
    pub major: bool,
}

/// IE018 — the result of the control at destination.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ControlResults {
    /// The office of destination.
    pub destination_office: OfficeRef,
    /// When the control ended (UTC).
    pub control_date_time: DateTime<Utc>,
    /// The outcome.
    pub control_result_code: ControlResultCode,
    /// Whether every seal was found intact (WCO 165 seals, state project-assigned).
    pub seals_intact: bool,
    /// Discrepancies found, empty when none.
    #[serde(default)]
    pub discrepancies: Vec<Discrepancy>,
}

/// IE010 — customs invalidated a released movement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Invalidation {
    /// When it was invalidated (UTC).
    pub invalidation_date_time: DateTime<Utc>,
    /// Why (an..512).
    pub reason: Text512,
}

/// The kind of incident en route (project-defined code list, after NCTS's incident codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub enum IncidentCode {
    /// 1 — the truck left its itinerary.
    RouteDeviation,
    /// 2 — seals broken or tampered with.
    SealsBroken,
    /// 3 — goods moved to another means of transport.
    Transhipment,
    /// 4 — goods partly or wholly unloaded.
    Unloading,
    /// 5 — accident or other event.
    Accident,
}

impl From<IncidentCode> for u8 {
    fn from(code: IncidentCode) -> u8 {
        match code {
            IncidentCode::RouteDeviation => 1,
            IncidentCode::SealsBroken => 2,
            IncidentCode::Transhipment => 3,
            IncidentCode::Unloading => 4,
            IncidentCode::Accident => 5,
        }
    }
}

impl TryFrom<u8> for IncidentCode {
    type Error = String;
    fn try_from(code: u8) -> Result<Self, String> {
        Ok(match code {
            1 => Self::RouteDeviation,
            2 => Self::SealsBroken,
            3 => Self::Transhipment,
            4 => Self::Unloading,
            5 => Self::Accident,
            other => return Err(format!("{other} is not an incident code (1 to 5)")),
        })
    }
}

/// IE180 / IE181 — an incident en route, reported by an office (and forwarded by the hub).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Incident {
    /// The office that recorded it.
    pub reporting_office: OfficeRef,
    /// What happened.
    pub incident_code: IncidentCode,
    /// When it happened (UTC).
    pub incident_date_time: DateTime<Utc>,
    /// Where: country (ISO 3166-1 alpha-2) …
    pub country_code: CountryCode,
    /// … and place (an..35).
    pub place: Text35,
    /// What the officer found (an..512).
    pub description: Text512,
    /// The new vehicle after a transhipment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement_transport_means: Option<TransportMeans>,
    /// New seals affixed after the incident (WCO 165).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new_seal_ids: Vec<Text35>,
}

/// IE143 / IE144 — the destination's answer to an enquiry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnquiryAnswer {
    /// The office answering.
    pub responding_office: OfficeRef,
    /// When it answered (UTC).
    pub response_date_time: DateTime<Utc>,
    /// Whether the goods were presented there.
    pub goods_arrived: bool,
    /// When they arrived, if they did (proof of arrival).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival_date_time: Option<DateTime<Utc>>,
    /// Explanation (an..512).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Text512>,
}

/// IE150 / IE151 / IE152 — the recovery procedure between countries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecoveryNotice {
    /// The office sending the notice.
    pub office: OfficeRef,
    /// The office or country expected to recover the duties.
    pub recovering_office: OfficeRef,
    /// When (UTC).
    pub notice_date_time: DateTime<Utc>,
    /// For an acceptance (IE151): whether recovery was accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<bool>,
    /// Explanation (an..512).
    pub text: Text512,
}

/// IE095 — a movement's status, as the hub knows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StatusResponse {
    /// The state, by name (`Released`, `Arrived`, …).
    pub state: Text35,
    /// When the last event of the movement happened (UTC).
    pub last_event_date_time: DateTime<Utc>,
    /// What the hub tells the office besides the state: a copy it did not send, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<Text512>,
}

/// IE045 — the movement is written off and its guarantee released.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WriteOff {
    /// When (UTC).
    pub write_off_date_time: DateTime<Utc>,
    /// The guarantee released (WCO 100).
    pub guarantee_reference_id: Text35,
    /// Whether the guarantee was released with the write-off.
    pub guarantee_released: bool,
}

/// One syntax error in a refused message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SyntaxError {
    /// Where, as a JSON pointer (or the XML element path).
    pub pointer: Text512,
    /// Line, 1-based (0 when unknown).
    pub line: u32,
    /// Column, 1-based (0 when unknown).
    pub column: u32,
    /// What is wrong.
    pub reason: Text512,
}

/// IE917 — a message could not be parsed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SyntaxNack {
    /// The refused message's id, when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_message_id: Option<MessageId>,
    /// The errors.
    #[serde(default)]
    pub errors: Vec<SyntaxError>,
}
