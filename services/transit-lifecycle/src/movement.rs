//! The movement as the hub keeps it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use transit_model::{
    ControlResultCode, CountryCode, IncidentCode, MessageId, Mrn, OfficeRef, ReceivingRole, Text35,
    TransitDeclaration, TransportMeans,
};

/// Where a movement is in its life, seen from the hub (the states of the domain brief from
/// release on; what happens before release stays in the departure country's own system).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MovementState {
    /// Released for transit at departure: the truck is on the road.
    Released,
    /// The arrival time limit passed with no arrival: an enquiry should start.
    EnquiryRecommended,
    /// The departure asked the destination what happened (IE142).
    UnderEnquiry,
    /// Presented at the office of destination (IE006).
    Arrived,
    /// Control at destination found major discrepancies (IE018 B1).
    UnderDiscrepancy,
    /// Discharged: the operation is closed and the guarantee released (IE045). Terminal.
    WrittenOff,
    /// Duties are being recovered (IE150). Terminal for the transit procedure.
    UnderRecovery,
    /// Invalidated by customs after release (IE010). Terminal.
    Cancelled,
}

impl MovementState {
    /// Every state.
    pub const ALL: [MovementState; 8] = [
        Self::Released,
        Self::EnquiryRecommended,
        Self::UnderEnquiry,
        Self::Arrived,
        Self::UnderDiscrepancy,
        Self::WrittenOff,
        Self::UnderRecovery,
        Self::Cancelled,
    ];

    /// The state of a stored or shown name ([`MovementState::as_str`]), if it is one.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The name stored in the database and shown to people.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Released => "Released",
            Self::EnquiryRecommended => "EnquiryRecommended",
            Self::UnderEnquiry => "UnderEnquiry",
            Self::Arrived => "Arrived",
            Self::UnderDiscrepancy => "UnderDiscrepancy",
            Self::WrittenOff => "WrittenOff",
            Self::UnderRecovery => "UnderRecovery",
            Self::Cancelled => "Cancelled",
        }
    }

    /// Whether the movement is closed: nothing but late passages and status requests is
    /// accepted any more, and the state never changes again.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::WrittenOff | Self::UnderRecovery | Self::Cancelled
        )
    }

    /// Whether the goods are still on the road (not yet presented at destination).
    pub fn is_en_route(self) -> bool {
        matches!(
            self,
            Self::Released | Self::EnquiryRecommended | Self::UnderEnquiry
        )
    }
}

impl std::fmt::Display for MovementState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for MovementState {
    type Err = transit_model::ModelError;
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::parse(name).ok_or_else(|| {
            let known: Vec<&str> = Self::ALL.iter().map(|s| s.as_str()).collect();
            transit_model::ModelError::new(
                "movement state",
                name,
                format!("not a state; the states are {}", known.join(", ")),
            )
        })
    }
}

/// What a database row decodes through (`#[sqlx(try_from = "String")]`).
impl TryFrom<String> for MovementState {
    type Error = transit_model::ModelError;
    fn try_from(name: String) -> Result<Self, Self::Error> {
        name.parse()
    }
}

/// One office of transit on the route.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passage {
    /// The office of transit.
    pub office: OfficeRef,
    /// When the truck crossed there (event time), once it has.
    pub crossed_at: Option<DateTime<Utc>>,
    /// Whether it was declared; `false` for an office the truck was diverted to (IE114).
    #[serde(default = "declared_default")]
    pub declared: bool,
}

fn declared_default() -> bool {
    true
}

/// An incident recorded en route (IE180).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentRecord {
    /// The office that recorded it.
    pub office: OfficeRef,
    /// What happened.
    pub code: IncidentCode,
    /// When.
    pub at: DateTime<Utc>,
    /// Seals affixed after it. With one container they replaced its seals in the declaration's
    /// current state; otherwise the incident does not say which container they close, and they
    /// are kept here only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new_seal_ids: Vec<Text35>,
    /// The seals they replaced (the history of the declaration's seals).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaced_seal_ids: Vec<Text35>,
    /// The vehicle before a transhipment (the history of the declaration's vehicle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_transport_means: Option<TransportMeans>,
}

/// A discharge at an office outside the declared countries: the office, the message that
/// discharged the movement (its id leads to the officer in the API's audit log) and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffRouteDischarge {
    /// The office that sent the control results or the proof of arrival.
    pub office: OfficeRef,
    /// The message that discharged the movement.
    pub message_id: MessageId,
    /// When (the message's event time).
    pub at: DateTime<Utc>,
}

/// A copy of the declaration the hub did not make: no agreement allowed it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CopyNotSent {
    /// The office it was for.
    pub office: OfficeRef,
    /// The office's role on the movement.
    pub role: ReceivingRole,
    /// Why, in a sentence the departure's officers can act on.
    pub reason: String,
}

/// Everything the hub knows about one movement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Movement {
    /// The movement's reference.
    pub mrn: Mrn,
    /// Its current state.
    pub state: MovementState,
    /// The office of departure, to which every confirmation goes back.
    pub departure_office: OfficeRef,
    /// The offices of transit in route order (declared, then any diverted to), with passages.
    pub route: Vec<Passage>,
    /// The office of destination (the declared one, or the one the goods were diverted to).
    pub destination_office: OfficeRef,
    /// The declared destination, when the goods were diverted elsewhere (IE002).
    #[serde(default)]
    pub diverted_from: Option<OfficeRef>,
    /// When the goods must be at destination.
    pub arrival_time_limit: DateTime<Utc>,
    /// When the goods were presented at destination (event time).
    pub arrived_at: Option<DateTime<Utc>>,
    /// The outcome of the control at destination.
    #[serde(default)]
    pub control_result: Option<ControlResultCode>,
    /// Incidents recorded en route.
    #[serde(default)]
    pub incidents: Vec<IncidentRecord>,
    /// Whether the guarantee has been released (exactly when written off or cancelled).
    #[serde(default)]
    pub guarantee_released: bool,
    /// When the last accepted event happened (event time).
    #[serde(default)]
    pub last_event_at: Option<DateTime<Utc>>,
    /// Set when the movement was discharged at an office in a country its declaration does not
    /// name (after the departure granted that office the record): a flag for the departure's
    /// operators to look at — who discharged it, where and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discharged_off_route: Option<OffRouteDischarge>,
    /// The copies of the declaration the hub did not make, because no data-sharing agreement
    /// between the departure's country and the office's was in force: which office, in which
    /// role, and why. The departure was told.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies_not_sent: Vec<CopyNotSent>,
    /// The declaration in its current state: as released, with the vehicle and the seals that
    /// incidents replaced (each incident keeps what it replaced). A copy sent to an office later
    /// carries this state.
    pub declaration: TransitDeclaration,
}

impl Movement {
    /// The offices that have been sent a copy of the declaration (transit offices, declared or
    /// diverted to, and the destination, declared or diverted to): the ones an invalidation
    /// must reach.
    pub fn offices_holding_a_copy(&self) -> Vec<OfficeRef> {
        let mut offices: Vec<OfficeRef> = self.route.iter().map(|p| p.office.clone()).collect();
        offices.extend(self.diverted_from.iter().cloned());
        offices.push(self.destination_office.clone());
        offices.dedup();
        offices.retain(|office| !self.copies_not_sent.iter().any(|c| &c.office == office));
        offices
    }

    /// Every country the movement crosses, in route order: departure, offices of transit
    /// (declared or diverted to), the declared destination if the goods were diverted, and
    /// the destination. The guarantee covers the duties of each.
    pub fn countries(&self) -> Vec<CountryCode> {
        let mut countries: Vec<CountryCode> = Vec::new();
        let offices = std::iter::once(&self.departure_office)
            .chain(self.route.iter().map(|p| &p.office))
            .chain(self.diverted_from.iter())
            .chain(std::iter::once(&self.destination_office));
        for office in offices {
            let country = office.country();
            if !countries.contains(&country) {
                countries.push(country);
            }
        }
        countries
    }

    /// Marks the state overdue if the arrival time limit has passed with no arrival. Driven by
    /// the current time only, so the caller decides when to look (a due-time index).
    pub fn expire(&self, now: DateTime<Utc>) -> Option<Movement> {
        if self.state == MovementState::Released
            && self.arrived_at.is_none()
            && now > self.arrival_time_limit
        {
            let mut next = self.clone();
            next.state = MovementState::EnquiryRecommended;
            return Some(next);
        }
        None
    }
}
