//! What a tracking provider sends (`schemas/telematics/v1/event.schema.json`): a truck's
//! position, or an electronic seal's status (ISO 18185: the seal's manufacturer and serial,
//! sealed or opened, UTC time), each with a time and a place. The gateway adds who sent it
//! ([`Received`]) and decides nothing else.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::TelematicsError;

/// The longest event id a provider may give (its own id, unique per provider).
pub const MAX_EVENT_ID: usize = 64;
/// The longest vehicle registration, seal number or manufacturer id.
pub const MAX_IDENTITY: usize = 35;
/// How far ahead of the hub's clock an event may be (a tracker's clock is off by a little).
pub const FUTURE_TOLERANCE_MINUTES: i64 = 10;
/// How old an event may be (a tracker offline for days uploads its buffer; older is refused).
pub const OLDEST_DAYS: i64 = 30;

/// A vehicle as the declaration names it (WCO T006 and T014).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Vehicle {
    /// The registration plate, as declared (`border transport means` id).
    pub registration: String,
    /// The country of registration (ISO 3166-1 alpha-2), when the provider knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
}

/// An electronic seal (ISO 18185-1): its manufacturer and its number. The number is the one
/// printed on the seal and declared on the release (WCO 165).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SealId {
    /// The manufacturer's id (ISO 18185-1 manufacturer identifier).
    pub manufacturer: String,
    /// The seal's number, as declared.
    pub id: String,
}

/// An electronic seal's status (ISO 18185-1 "sealed"/"opened", and the tampering its sensor
/// reports; "deactivated" when the destination ended tracking).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SealStatus {
    /// Closed and armed.
    Sealed,
    /// Opened (the bolt or cable was cut or released).
    Opened,
    /// The seal's sensor detected tampering without opening.
    Tampered,
    /// Tracking ended (by the provider, after the destination's arrival).
    Deactivated,
}

impl SealStatus {
    /// Whether the status means the load may have been reached.
    pub fn is_breach(self) -> bool {
        matches!(self, Self::Opened | Self::Tampered)
    }

    /// Its name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sealed => "sealed",
            Self::Opened => "opened",
            Self::Tampered => "tampered",
            Self::Deactivated => "deactivated",
        }
    }
}

/// What happened.
#[derive(Clone, Debug, PartialEq)]
pub enum What {
    /// The truck's position.
    Position {
        /// The truck.
        vehicle: Vehicle,
        /// Its speed, km/h, when known.
        speed_kmh: Option<f64>,
    },
    /// An electronic seal's status, where it was.
    Seal {
        /// The seal.
        seal: SealId,
        /// Its status.
        status: SealStatus,
        /// The truck it is on, when the provider knows it.
        vehicle: Option<Vehicle>,
    },
}

/// One event from a tracking provider. On the wire, a JSON object whose `kind` says which
/// ([`wire`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "wire::Wire", into = "wire::Wire")]
pub struct Event {
    /// The provider's id for it, unique per provider: a repeated id is the same event.
    pub event_id: String,
    /// When it happened (UTC), by the device's clock.
    pub at: DateTime<Utc>,
    /// Where: WGS 84 latitude, degrees.
    pub latitude: f64,
    /// Where: WGS 84 longitude, degrees.
    pub longitude: f64,
    /// Position or seal.
    pub what: What,
}

/// The wire form: one object per kind, every field named, nothing else allowed.
mod wire {
    use super::*;

    #[derive(Serialize, Deserialize)]
    #[serde(tag = "kind", rename_all = "lowercase")]
    pub(super) enum Wire {
        Position(Position),
        Seal(Seal),
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub(super) struct Position {
        event_id: String,
        at: DateTime<Utc>,
        latitude: f64,
        longitude: f64,
        vehicle: Vehicle,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        speed_kmh: Option<f64>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub(super) struct Seal {
        event_id: String,
        at: DateTime<Utc>,
        latitude: f64,
        longitude: f64,
        seal: SealId,
        status: SealStatus,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vehicle: Option<Vehicle>,
    }

    impl From<Wire> for Event {
        fn from(wire: Wire) -> Self {
            match wire {
                Wire::Position(p) => Event {
                    event_id: p.event_id,
                    at: p.at,
                    latitude: p.latitude,
                    longitude: p.longitude,
                    what: What::Position {
                        vehicle: p.vehicle,
                        speed_kmh: p.speed_kmh,
                    },
                },
                Wire::Seal(s) => Event {
                    event_id: s.event_id,
                    at: s.at,
                    latitude: s.latitude,
                    longitude: s.longitude,
                    what: What::Seal {
                        seal: s.seal,
                        status: s.status,
                        vehicle: s.vehicle,
                    },
                },
            }
        }
    }

    impl From<Event> for Wire {
        fn from(e: Event) -> Self {
            match e.what {
                What::Position { vehicle, speed_kmh } => Wire::Position(Position {
                    event_id: e.event_id,
                    at: e.at,
                    latitude: e.latitude,
                    longitude: e.longitude,
                    vehicle,
                    speed_kmh,
                }),
                What::Seal {
                    seal,
                    status,
                    vehicle,
                } => Wire::Seal(Seal {
                    event_id: e.event_id,
                    at: e.at,
                    latitude: e.latitude,
                    longitude: e.longitude,
                    seal,
                    status,
                    vehicle,
                }),
            }
        }
    }
}

/// An event as the gateway passed it on: the provider it authenticated, and when it took it.
/// The record on `sigmat.hub.telematics` (`schemas/telematics/v1/record.schema.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Received {
    /// The provider, as its credentials named it (never as the payload claims).
    pub provider: String,
    /// When the gateway took it.
    pub received_at: DateTime<Utc>,
    /// The event.
    pub event: Event,
}

impl Event {
    /// Reads one event or a JSON array of them, each checked ([`Event::check`]) against `now`:
    /// one result per event, in order, so a batch refuses only what is wrong in it. A body that
    /// is not JSON, or neither an event nor an array, is refused whole.
    pub fn parse_batch(
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Vec<Result<Event, TelematicsError>>, TelematicsError> {
        let value: serde_json::Value = serde_json::from_slice(body)
            .map_err(|e| TelematicsError::refused("", format!("the body is not JSON: {e}")))?;
        let items = match value {
            serde_json::Value::Array(items) => items,
            one @ serde_json::Value::Object(_) => vec![one],
            _ => {
                return Err(TelematicsError::refused(
                    "",
                    "the body must be one event (a JSON object) or an array of events",
                ))
            }
        };
        Ok(items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                let event: Event = serde_json::from_value(item).map_err(|e| {
                    TelematicsError::refused(
                        &format!("/{i}"),
                        format!("{e}; see schemas/telematics/v1/event.schema.json"),
                    )
                })?;
                event.check(now).map_err(|e| e.at_index(i))?;
                Ok(event)
            })
            .collect())
    }

    /// Checks what the types cannot: ids' lengths, coordinates in range, the time neither in
    /// the future (beyond a clock's error) nor older than [`OLDEST_DAYS`].
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), TelematicsError> {
        identity("/eventId", &self.event_id, MAX_EVENT_ID)?;
        if !(-90.0..=90.0).contains(&self.latitude) {
            return Err(TelematicsError::refused(
                "/latitude",
                format!(
                    "{} is not a latitude (-90 to 90 degrees, WGS 84)",
                    self.latitude
                ),
            ));
        }
        if !(-180.0..=180.0).contains(&self.longitude) {
            return Err(TelematicsError::refused(
                "/longitude",
                format!(
                    "{} is not a longitude (-180 to 180 degrees, WGS 84)",
                    self.longitude
                ),
            ));
        }
        if self.at > now + chrono::Duration::minutes(FUTURE_TOLERANCE_MINUTES) {
            return Err(TelematicsError::refused(
                "/at",
                format!("{} is in the future (the hub's clock says {now}); check the device's clock (UTC)", self.at),
            ));
        }
        if self.at < now - chrono::Duration::days(OLDEST_DAYS) {
            return Err(TelematicsError::refused(
                "/at",
                format!(
                    "{} is more than {OLDEST_DAYS} days ago; the hub no longer takes it",
                    self.at
                ),
            ));
        }
        match &self.what {
            What::Position { vehicle, speed_kmh } => {
                check_vehicle("/vehicle", vehicle)?;
                if let Some(speed) = speed_kmh {
                    if !(0.0..=300.0).contains(speed) {
                        return Err(TelematicsError::refused(
                            "/speedKmh",
                            format!("{speed} km/h is not a truck's speed (0 to 300)"),
                        ));
                    }
                }
            }
            What::Seal { seal, vehicle, .. } => {
                identity("/seal/manufacturer", &seal.manufacturer, MAX_IDENTITY)?;
                identity("/seal/id", &seal.id, MAX_IDENTITY)?;
                if let Some(vehicle) = vehicle {
                    check_vehicle("/vehicle", vehicle)?;
                }
            }
        }
        Ok(())
    }

    /// What the event is about, as the Kafka record's key: the vehicle's registration or the
    /// seal's number, so one truck's or one seal's events stay in order on one partition.
    pub fn key(&self) -> &str {
        match &self.what {
            What::Position { vehicle, .. } => &vehicle.registration,
            What::Seal { seal, .. } => &seal.id,
        }
    }
}

fn check_vehicle(pointer: &str, vehicle: &Vehicle) -> Result<(), TelematicsError> {
    identity(
        &format!("{pointer}/registration"),
        &vehicle.registration,
        MAX_IDENTITY,
    )?;
    if let Some(n) = &vehicle.nationality {
        if n.len() != 2 || !n.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(TelematicsError::refused(
                &format!("{pointer}/nationality"),
                format!("{n:?} is not an ISO 3166-1 alpha-2 country code (two capitals, e.g. CI)"),
            ));
        }
    }
    Ok(())
}

/// An identity: 1 to `max` printable characters, no leading or trailing space.
fn identity(pointer: &str, value: &str, max: usize) -> Result<(), TelematicsError> {
    let printable = value.chars().all(|c| !c.is_control());
    if value.is_empty() || value.chars().count() > max || !printable || value.trim() != value {
        return Err(TelematicsError::refused(
            pointer,
            format!("{value:?} must be 1 to {max} printable characters without leading or trailing spaces"),
        ));
    }
    Ok(())
}
