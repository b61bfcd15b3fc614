//! One event applied to a movement's track: a pure function of the track, the movement as the
//! hub keeps it, the event, and the reference data in force. Events apply in event-time order;
//! the caller rebuilds the track with [`replay`] when one arrives late ([`Track::is_late`]).

use transit_lifecycle::Movement;
use transit_model::OfficeRef;

use crate::effect::{Effect, Source};
use crate::event::{Received, What};
use crate::geography::Geography;
use crate::geometry::{distance, Point};
use crate::rules::TelematicsRules;
use crate::track::{Fix, SealState, Stop, Track};

/// A truck moving less than this from where it stopped is still stopped (a position's error,
/// a truck parked in a yard).
pub const STOP_RADIUS_M: f64 = 300.0;

/// The reference data an event is judged by.
#[derive(Clone, Copy, Debug)]
pub struct Judged<'a> {
    /// Zones and roads.
    pub geography: &'a Geography,
    /// Each country's rule.
    pub rules: &'a TelematicsRules,
}

/// What applying an event gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    /// The track after it.
    pub track: Track,
    /// What it concluded (possibly concluded before: the caller keeps each id once).
    pub effects: Vec<Effect>,
    /// Whether it was applied, or came after tracking ended.
    pub outcome: Outcome,
}

/// An event's fate at the hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Applied to the movement's track.
    Applied,
    /// The movement was no longer on the road (arrived, written off…): tracking had ended.
    AfterTracking,
}

impl Outcome {
    /// Its name in the event log and the figures.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::AfterTracking => "after-tracking",
        }
    }
}

/// Applies `received` to `track` of `movement`.
pub fn apply(
    track: &Track,
    movement: &Movement,
    received: &Received,
    judged: Judged<'_>,
) -> Applied {
    if !movement.state.is_en_route() {
        return Applied {
            track: track.clone(),
            effects: Vec::new(),
            outcome: Outcome::AfterTracking,
        };
    }
    let mut next = track.clone();
    let mut effects = Vec::new();
    let event = &received.event;
    let point: Point = [event.longitude, event.latitude];
    let source = Source {
        provider: received.provider.clone(),
        event_id: event.event_id.clone(),
    };
    let inside = judged.geography.offices_at(point);
    match &event.what {
        What::Position { .. } => {
            zones(
                &mut next,
                movement,
                &inside,
                event.at,
                &source,
                judged,
                &mut effects,
            );
            route(
                &mut next,
                movement,
                point,
                event.at,
                &source,
                judged,
                &mut effects,
            );
            stop(
                &mut next,
                movement,
                point,
                event.at,
                &inside,
                &source,
                judged,
                &mut effects,
            );
            next.last = Some(Fix {
                at: event.at,
                point,
            });
        }
        What::Seal { seal, status, .. } => {
            next.seals.insert(
                seal.id.clone(),
                SealState {
                    manufacturer: seal.manufacturer.clone(),
                    status: *status,
                    at: event.at,
                },
            );
            if status.is_breach() && inside.is_empty() && !next.breached.contains(&seal.id) {
                next.breached.push(seal.id.clone());
                effects.push(Effect::SealBreach {
                    seal: seal.clone(),
                    status: *status,
                    at: event.at,
                    point,
                    reporting_office: office_ahead(movement),
                    source,
                });
            }
        }
    }
    next.events += 1;
    next.anomalies += effects.iter().filter(|e| e.is_anomaly()).count() as u64;
    next.until = Some(next.until.map_or(event.at, |u| u.max(event.at)));
    Applied {
        track: next,
        effects,
        outcome: Outcome::Applied,
    }
}

/// The track rebuilt from `events` (any order: they are applied by event time, then provider
/// and event id), with every conclusion drawn on the way.
pub fn replay<'e>(
    movement: &Movement,
    events: impl IntoIterator<Item = &'e Received>,
    judged: Judged<'_>,
) -> Applied {
    let mut events: Vec<&Received> = events.into_iter().collect();
    events.sort_by(|a, b| {
        (a.event.at, &a.provider, &a.event.event_id).cmp(&(
            b.event.at,
            &b.provider,
            &b.event.event_id,
        ))
    });
    let mut track = Track::default();
    let mut effects = Vec::new();
    let mut outcome = Outcome::AfterTracking;
    for received in events {
        let applied = apply(&track, movement, received, judged);
        track = applied.track;
        effects.extend(applied.effects);
        if applied.outcome == Outcome::Applied {
            outcome = Outcome::Applied;
        }
    }
    Applied {
        track,
        effects,
        outcome,
    }
}

/// The next office the truck must present itself at: the first office of transit not yet
/// crossed, else the destination.
pub fn office_ahead(movement: &Movement) -> OfficeRef {
    movement
        .route
        .iter()
        .find(|p| p.crossed_at.is_none())
        .map(|p| p.office.clone())
        .unwrap_or_else(|| movement.destination_office.clone())
}

/// Entering zones: a passage at an office of transit not yet crossed, an arrival to expect at
/// the destination.
fn zones(
    next: &mut Track,
    movement: &Movement,
    inside: &[OfficeRef],
    at: chrono::DateTime<chrono::Utc>,
    source: &Source,
    judged: Judged<'_>,
    effects: &mut Vec<Effect>,
) {
    for office in inside {
        if next.inside.contains(office) || next.entered.contains(office) {
            continue;
        }
        if movement
            .route
            .iter()
            .any(|p| &p.office == office && p.crossed_at.is_none())
        {
            next.entered.push(office.clone());
            effects.push(Effect::Passage {
                office: office.clone(),
                at,
                automatic: judged.rules.of(office.country()).automatic_passages,
                source: source.clone(),
            });
        } else if office == &movement.destination_office && movement.arrived_at.is_none() {
            next.entered.push(office.clone());
            effects.push(Effect::ArrivalExpected {
                office: office.clone(),
                at,
                source: source.clone(),
            });
        }
    }
    next.inside = inside.to_vec();
}

/// Off route: farther from the corridor's road than the rule of the country ahead allows,
/// once per episode (back on the road ends it).
fn route(
    next: &mut Track,
    movement: &Movement,
    point: Point,
    at: chrono::DateTime<chrono::Utc>,
    source: &Source,
    judged: Judged<'_>,
    effects: &mut Vec<Effect>,
) {
    let Some(meters) = judged.geography.distance_from_road(
        &movement.departure_office,
        &movement.destination_office,
        point,
    ) else {
        return;
    };
    let limit = judged
        .rules
        .of(office_ahead(movement).country())
        .off_route_meters;
    if meters <= f64::from(limit) {
        next.off_route_since = None;
    } else if next.off_route_since.is_none() {
        next.off_route_since = Some(source.event_id.clone());
        effects.push(Effect::OffRoute {
            at,
            point,
            meters: meters.round(),
            limit_meters: limit,
            source: source.clone(),
        });
    }
}

/// Long stops: within [`STOP_RADIUS_M`] of where it stopped for longer than the rule of the
/// country ahead allows, outside every office zone, once per stop.
#[allow(clippy::too_many_arguments)]
fn stop(
    next: &mut Track,
    movement: &Movement,
    point: Point,
    at: chrono::DateTime<chrono::Utc>,
    inside: &[OfficeRef],
    source: &Source,
    judged: Judged<'_>,
    effects: &mut Vec<Effect>,
) {
    let moved = next
        .stop
        .as_ref()
        .is_none_or(|s| distance(s.point, point) > STOP_RADIUS_M);
    if moved {
        next.stop = Some(Stop {
            since: at,
            point,
            event_id: source.event_id.clone(),
            reported: false,
        });
        return;
    }
    let limit = judged
        .rules
        .of(office_ahead(movement).country())
        .stop_limit_minutes;
    let Some(stop) = next.stop.as_mut() else {
        return;
    };
    let minutes = (at - stop.since).num_minutes();
    if !stop.reported && inside.is_empty() && minutes > i64::from(limit) {
        stop.reported = true;
        effects.push(Effect::LongStop {
            since: stop.since,
            at,
            point: stop.point,
            minutes,
            limit_minutes: limit,
            source: Source {
                provider: source.provider.clone(),
                event_id: stop.event_id.clone(),
            },
        });
    }
}
