//! What the hub concludes from tracking events: passages (confirmed automatically, or waiting
//! for an officer), arrivals to expect, seal breaches (incidents), and anomalies (off route,
//! long stops). Each has an id derived from what it is about, so concluding it again (a
//! duplicate, a replay, a late event that rebuilds the track) finds it already there; the
//! messages the hub sends for it (IE118 marked automatic, IE180) carry that id.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use transit_lifecycle::Movement;
use transit_model::{
    AutomaticConfirmation, Body, BorderCrossing, Header, Incident, IncidentCode, MessageId,
    MessageType, Mrn, OfficeRef, Participant, StandardMessage, Text, SCHEMA_VERSION,
};
use uuid::Uuid;

use crate::event::{SealId, SealStatus};
use crate::geometry::Point;

/// Who said it: the provider and its event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// The provider, as authenticated by the gateway.
    pub provider: String,
    /// The provider's event id.
    pub event_id: String,
}

/// One conclusion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Effect {
    /// The truck entered the zone of an office of transit on its route.
    Passage {
        /// The office.
        office: OfficeRef,
        /// When it entered (event time).
        at: DateTime<Utc>,
        /// Whether the office's country confirms passages automatically (then an IE118
        /// goes to the departure); otherwise the passage waits for an officer.
        automatic: bool,
        /// The event.
        source: Source,
    },
    /// The truck entered the zone of its office of destination.
    ArrivalExpected {
        /// The office.
        office: OfficeRef,
        /// When it entered.
        at: DateTime<Utc>,
        /// The event.
        source: Source,
    },
    /// A seal reported opened or tampered with outside every office zone: an incident
    /// (IE180) recorded for the next office on the route, which the departure and the offices
    /// ahead receive.
    SealBreach {
        /// The seal.
        seal: SealId,
        /// What it reported.
        status: SealStatus,
        /// When.
        at: DateTime<Utc>,
        /// Where ([longitude, latitude]).
        point: Point,
        /// The office that records the incident: the next on the route.
        reporting_office: OfficeRef,
        /// The event.
        source: Source,
    },
    /// Farther from the corridor's road than the country allows.
    OffRoute {
        /// When.
        at: DateTime<Utc>,
        /// Where.
        point: Point,
        /// How far from the road, metres.
        meters: f64,
        /// The country's limit.
        limit_meters: u32,
        /// The event.
        source: Source,
    },
    /// Standing still, outside every office zone, longer than the country allows.
    LongStop {
        /// Since when.
        since: DateTime<Utc>,
        /// When the limit was passed (the event that showed it).
        at: DateTime<Utc>,
        /// Where.
        point: Point,
        /// How long so far, minutes.
        minutes: i64,
        /// The country's limit.
        limit_minutes: u32,
        /// The event that began the stop.
        source: Source,
    },
}

impl Effect {
    /// Its name (`passage`, `arrival-expected`, `seal-breach`, `off-route`, `long-stop`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Passage { .. } => "passage",
            Self::ArrivalExpected { .. } => "arrival-expected",
            Self::SealBreach { .. } => "seal-breach",
            Self::OffRoute { .. } => "off-route",
            Self::LongStop { .. } => "long-stop",
        }
    }

    /// Whether it is an anomaly for the corridor's operators (off route, long stop).
    pub fn is_anomaly(&self) -> bool {
        matches!(self, Self::OffRoute { .. } | Self::LongStop { .. })
    }

    /// When it happened (event time).
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Passage { at, .. }
            | Self::ArrivalExpected { at, .. }
            | Self::SealBreach { at, .. }
            | Self::OffRoute { at, .. }
            | Self::LongStop { at, .. } => *at,
        }
    }

    /// The event it came from.
    pub fn source(&self) -> &Source {
        match self {
            Self::Passage { source, .. }
            | Self::ArrivalExpected { source, .. }
            | Self::SealBreach { source, .. }
            | Self::OffRoute { source, .. }
            | Self::LongStop { source, .. } => source,
        }
    }

    /// Its id: the same conclusion about the same movement always has the same one.
    pub fn id(&self, mrn: &Mrn) -> Uuid {
        let what = match self {
            Self::Passage { office, .. } => format!("passage:{office}"),
            Self::ArrivalExpected { office, .. } => format!("arrival:{office}"),
            Self::SealBreach { seal, .. } => format!("seal:{}:{}", seal.manufacturer, seal.id),
            Self::OffRoute { source, .. } => {
                format!("off-route:{}:{}", source.provider, source.event_id)
            }
            Self::LongStop { source, .. } => {
                format!("long-stop:{}:{}", source.provider, source.event_id)
            }
        };
        Uuid::new_v5(
            &Uuid::NAMESPACE_OID,
            format!("sigmat-telematics:{mrn}:{what}").as_bytes(),
        )
    }

    /// The message the hub sends for it on behalf of an office, if any: an IE118 marked
    /// automatic for an automatic passage, an IE180 for a seal breach; `prepared_at` is when
    /// the hub took the event (kept with it, so a replay prepares the same message).
    pub fn message(
        &self,
        movement: &Movement,
        prepared_at: DateTime<Utc>,
    ) -> Option<StandardMessage> {
        let (kind, office, body) = match self {
            Self::Passage {
                office,
                at,
                automatic: true,
                source,
            } => (
                MessageType::NotificationCrossingFrontier,
                office,
                Body::NotificationCrossingFrontier(BorderCrossing {
                    transit_office: office.clone(),
                    crossing_date_time: *at,
                    automatic: Some(AutomaticConfirmation {
                        provider: bounded(&source.provider),
                        event_id: bounded(&source.event_id),
                    }),
                }),
            ),
            Self::SealBreach {
                seal,
                status,
                at,
                point,
                reporting_office,
                source,
            } => (
                MessageType::IncidentNotification,
                reporting_office,
                Body::IncidentNotification(Incident {
                    reporting_office: reporting_office.clone(),
                    incident_code: IncidentCode::SealsBroken,
                    incident_date_time: *at,
                    country_code: reporting_office.country(),
                    place: bounded(&format!("{:.5},{:.5}", point[1], point[0])),
                    description: bounded(&format!(
                        "Electronic seal {} (manufacturer {}) reported {} at latitude {:.5}, longitude {:.5}, outside every customs office zone (tracking provider {}, event {}). Check the seals and the load at {}.",
                        seal.id, seal.manufacturer, status.as_str(), point[1], point[0],
                        source.provider, source.event_id, reporting_office
                    )),
                    replacement_transport_means: None,
                    new_seal_ids: Vec::new(),
                }),
            ),
            _ => return None,
        };
        let header = Header {
            message_id: MessageId::from_uuid(self.id(&movement.mrn)),
            message_type: kind,
            prepared_at,
            sender: Participant::Office(office.clone()),
            recipient: Participant::Office(movement.departure_office.clone()),
            mrn: movement.mrn.clone(),
            correlation_id: None,
            schema_version: SCHEMA_VERSION.to_owned(),
        };
        StandardMessage::new(header, body).ok()
    }
}

/// A text cut to what its field holds (ids are checked at the gateway to be shorter).
fn bounded<const N: usize>(value: &str) -> Text<N> {
    let cut: String = value.chars().take(N).collect();
    Text::parse(cut.trim()).unwrap_or_else(|_| Text::parse("-").expect("a dash is a text"))
}
