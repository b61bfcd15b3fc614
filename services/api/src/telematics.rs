//! Tracked trucks for operators and officers: the trucks on the road with their last position,
//! track and seals (the corridor map), the trucks due soon at an office (the officer app's
//! "arriving" list), and one movement's tracking. What the tracker concluded is read from
//! `telematics_tracks`, `telematics_events` and `telematics_effects`; the office zones from the
//! reference data in force (`telematics/geography.json`).

use std::collections::HashMap;

use chrono::{Duration, Utc};
use transit_http::api_views::Principal;
use transit_http::telematics::{
    ArrivingQuery, ArrivingTruckView, ArrivingView, ConclusionView, MovementTelematicsView,
    PositionView, SealView, TelematicsViewPort, TruckView, TrucksView,
};
use transit_http::ApiError;
use transit_model::{OfficeRef, Role};
use transit_store::api::telematics::TrackRow;
use transit_telematics::geometry::{distance, Point};
use transit_telematics::{office_ahead, Effect, Geography, Track, GEOGRAPHY_FILE};

use crate::answers::{not_found, parse_mrn, unavailable};
use crate::service::ApiService;

/// Hours a truck not heard of stays on the map and in the arriving lists.
const HEARD_WITHIN_HOURS: i64 = 6;
/// Positions of a truck's track on the map.
const TRACK_POINTS: i64 = 60;
/// The speed an arrival time assumes: a loaded truck's average on the corridors' roads, stops
/// included. A straight line at this speed, so an estimate, never a promise.
pub const ASSUMED_SPEED_KMH: f64 = 50.0;

fn track_of(row: &TrackRow) -> Track {
    serde_json::from_value(row.track.clone()).unwrap_or_default()
}

fn last_of(row: &TrackRow) -> Option<PositionView> {
    Some(PositionView {
        at: row.last_at?,
        latitude: row.latitude?,
        longitude: row.longitude?,
    })
}

fn seals_of(track: &Track) -> Vec<SealView> {
    track
        .seals
        .iter()
        .map(|(id, s)| SealView {
            id: id.clone(),
            manufacturer: s.manufacturer.clone(),
            status: s.status.as_str().to_owned(),
            at: s.at,
        })
        .collect()
}

/// A conclusion in a line, as officers and operators read it.
pub(crate) fn detail(effect: &Effect) -> String {
    let thousands = |n: i64| {
        let digits = n.abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    match effect {
        Effect::Passage {
            office,
            automatic,
            source,
            ..
        } => {
            if *automatic {
                format!("entered {office}'s zone: passage confirmed automatically (provider {}, event {})", source.provider, source.event_id)
            } else {
                format!("entered {office}'s zone: the passage waits for the officer's confirmation")
            }
        }
        Effect::ArrivalExpected { office, .. } => {
            format!("entered {office}'s zone: arrival expected")
        }
        Effect::SealBreach {
            seal,
            status,
            reporting_office,
            ..
        } => format!(
            "seal {} {} between offices; recorded for {reporting_office}",
            seal.id,
            status.as_str()
        ),
        Effect::OffRoute {
            meters,
            limit_meters,
            ..
        } => format!(
            "{} m from the road (limit {} m)",
            thousands(*meters as i64),
            thousands(i64::from(*limit_meters))
        ),
        Effect::LongStop {
            minutes,
            limit_minutes,
            ..
        } => format!("stopped {minutes} min outside any office (limit {limit_minutes} min)"),
    }
}

/// Where an effect happened, when it says.
pub(crate) fn point_of(effect: &Effect) -> Option<Point> {
    match effect {
        Effect::SealBreach { point, .. }
        | Effect::OffRoute { point, .. }
        | Effect::LongStop { point, .. } => Some(*point),
        _ => None,
    }
}

impl ApiService {
    /// The office zones and roads in force.
    fn geography(&self) -> Geography {
        let loaded = self.reference.borrow().clone();
        loaded
            .version
            .document
            .file(GEOGRAPHY_FILE)
            .and_then(|v| Geography::parse(v).ok())
            .unwrap_or_else(Geography::builtin)
    }

    /// Where a truck heading for `office` is going: its zone's centre, or the office's
    /// coordinates.
    fn office_point(&self, geography: &Geography, office: &OfficeRef) -> Option<Point> {
        if let Some(zone) = geography.zones().iter().find(|z| &z.office == office) {
            return Some(zone.centre());
        }
        let data = self.reference_data();
        data.office(office).map(|o| [o.longitude, o.latitude])
    }
}

impl TelematicsViewPort for ApiService {
    async fn trucks(&self, who: Principal) -> Result<TrucksView, ApiError> {
        let viewer = crate::auth::operator_scope(&who)?;
        let since = Utc::now() - Duration::hours(HEARD_WITHIN_HOURS);
        let rows: Vec<TrackRow> = self
            .store
            .tracks_on_the_road(since, None, 500)
            .await
            .map_err(unavailable)?
            .into_iter()
            .filter(|r| viewer.is_none_or(|c| r.movement.0.countries().contains(&c)))
            .collect();
        let mrns: Vec<String> = rows.iter().map(|r| r.mrn.to_string()).collect();
        let mut tracks: HashMap<String, Vec<[f64; 2]>> = HashMap::new();
        for (mrn, lat, lon) in self
            .store
            .recent_positions(&mrns, since, TRACK_POINTS)
            .await
            .map_err(unavailable)?
        {
            tracks.entry(mrn).or_default().push([lon, lat]);
        }
        let trucks = rows
            .iter()
            .filter_map(|row| {
                let track = track_of(row);
                let m = &row.movement.0;
                Some(TruckView {
                    mrn: row.mrn.clone(),
                    vehicle: vehicle_of(&m.declaration),
                    departure_office: m.departure_office.to_string(),
                    destination_office: m.destination_office.to_string(),
                    heading_to: office_ahead(m).to_string(),
                    last: last_of(row)?,
                    track: tracks.remove(row.mrn.as_str()).unwrap_or_default(),
                    seals: seals_of(&track),
                    off_route: track.off_route_since.is_some(),
                })
            })
            .collect();
        Ok(TrucksView { trucks })
    }

    async fn arriving(
        &self,
        who: Principal,
        query: ArrivingQuery,
    ) -> Result<ArrivingView, ApiError> {
        let office = match who.role {
            Role::Officer | Role::Adapter => {
                crate::auth::acting_office(&who, query.office.as_deref())?
            }
            Role::Operator => {
                let office = query.office.clone().ok_or_else(|| {
                    ApiError::bad_request("/query/office", "name the office: ?office=BFNGK001")
                })?;
                if let Some(country) = &who.country {
                    if !office.starts_with(country.as_str()) {
                        return Err(ApiError::denied(
                            format!("{} operates {country} only, not {office}", who.username),
                            "ask an operator of that country",
                        ));
                    }
                }
                office
            }
            _ => {
                return Err(ApiError::denied(
                    format!(
                        "{} is a {}; arrivals are for officers and operators",
                        who.username, who.role
                    ),
                    "ask the office of destination",
                ))
            }
        };
        let office = OfficeRef::parse(&office)
            .map_err(|e| ApiError::bad_request("/query/office", e.to_string()))?;
        let within = query.within_minutes.unwrap_or(30);
        if !(0..=1440).contains(&within) {
            return Err(ApiError::bad_request(
                "/query/withinMinutes",
                format!("{within} is not between 0 and 1440"),
            ));
        }
        let geography = self.geography();
        let Some(target) = self.office_point(&geography, &office) else {
            return Err(ApiError::bad_request(
                "/query/office",
                format!("{office} is not an office of the reference data"),
            ));
        };
        let since = Utc::now() - Duration::hours(HEARD_WITHIN_HOURS);
        let mut trucks: Vec<ArrivingTruckView> = self
            .store
            .tracks_on_the_road(since, Some(office.as_str()), 500)
            .await
            .map_err(unavailable)?
            .iter()
            .filter(|row| office_ahead(&row.movement.0) == office)
            .filter_map(|row| {
                let track = track_of(row);
                let last = last_of(row)?;
                let in_zone = track.inside.contains(&office);
                let km = distance([last.longitude, last.latitude], target) / 1000.0;
                let eta = if in_zone {
                    0
                } else {
                    (km / ASSUMED_SPEED_KMH * 60.0).ceil() as i64
                };
                (eta <= within).then(|| ArrivingTruckView {
                    mrn: row.mrn.clone(),
                    vehicle: vehicle_of(&row.movement.0.declaration),
                    eta_minutes: eta,
                    distance_km: (km * 10.0).round() / 10.0,
                    in_zone,
                    last,
                    seal_breached: track.seal_breached(),
                })
            })
            .collect();
        trucks.sort_by_key(|t| (t.eta_minutes, t.mrn.clone()));
        Ok(ArrivingView {
            office: office.to_string(),
            within_minutes: within,
            trucks,
        })
    }

    async fn movement_telematics(
        &self,
        who: Principal,
        mrn: String,
    ) -> Result<MovementTelematicsView, ApiError> {
        if !matches!(who.role, Role::Officer | Role::Operator | Role::Adapter) {
            return Err(ApiError::denied(
                format!(
                    "{} is a {}; tracking is for officers and operators",
                    who.username, who.role
                ),
                "ask the office of departure",
            ));
        }
        let mrn = parse_mrn(&mrn)?;
        let record = self.stored_movement(&mrn).await?;
        if !crate::auth::may_see(&who, &record.movement) {
            return Err(not_found(&mrn));
        }
        let row = self
            .store
            .track_of(mrn.as_str())
            .await
            .map_err(unavailable)?;
        let conclusions = self
            .store
            .telematics_of(mrn.as_str())
            .await
            .map_err(unavailable)?
            .into_iter()
            .filter_map(|c| {
                let effect: Effect = serde_json::from_value(c.effect).ok()?;
                Some(ConclusionView {
                    detail: detail(&effect),
                    kind: c.kind,
                    office: c.office,
                    at: c.at,
                })
            })
            .collect();
        let track = self
            .store
            .positions_of(mrn.as_str(), TRACK_POINTS)
            .await
            .map_err(unavailable)?
            .into_iter()
            .map(|p| [p.longitude, p.latitude])
            .collect();
        Ok(MovementTelematicsView {
            tracked: row.is_some(),
            last: row.as_ref().and_then(last_of),
            seals: row
                .as_ref()
                .map(|r| seals_of(&track_of(r)))
                .unwrap_or_default(),
            track,
            conclusions,
        })
    }
}

/// The vehicle's plate (empty if a declaration had none: a release always has one).
fn vehicle_of(declaration: &transit_model::TransitDeclaration) -> String {
    declaration
        .border_transport_means
        .as_ref()
        .map(|m| m.id.as_str().to_owned())
        .unwrap_or_default()
}
