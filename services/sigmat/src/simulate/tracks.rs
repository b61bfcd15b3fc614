//! Where each simulated truck is, from its trip's schedule: along its corridor's road (the
//! geography published with sigmat) from office to office, a leg per office as the plan times
//! them; an overstaying truck stands still for its extra legs a third of the way into its
//! first leg; a deviating truck runs some 11 km beside its road for a fifth of its last leg;
//! a truck whose seal is opened reports it halfway through its last leg. Pure: offsets from
//! the start, no clock.

use std::time::Duration;

use transit_model::OfficeRef;
use transit_telematics::geometry::{distance, Point};
use transit_telematics::Geography;

use super::plan::Trip;

/// A corridor's road, measured: its points, the distance along it to each, and where along
/// it each office of a trip lies.
#[derive(Clone, Debug)]
pub struct Road {
    points: Vec<Point>,
    along: Vec<f64>,
}

impl Road {
    /// The road of `corridor` in the published geography.
    pub fn of(geography: &Geography, corridor: &str) -> Option<Self> {
        let line = geography
            .roads()
            .iter()
            .find(|r| r.corridor == corridor)?
            .line
            .clone();
        let mut along = vec![0.0];
        for w in line.windows(2) {
            along.push(along.last().copied().unwrap_or(0.0) + distance(w[0], w[1]));
        }
        Some(Self {
            points: line,
            along,
        })
    }

    /// Metres along the road to the point nearest `office`'s zone (its centre).
    pub fn office_at(&self, geography: &Geography, office: &OfficeRef) -> f64 {
        let Some(zone) = geography.zones().iter().find(|z| &z.office == office) else {
            return 0.0;
        };
        let centre = zone.centre();
        let nearest = (0..self.points.len())
            .min_by(|a, b| {
                distance(self.points[*a], centre).total_cmp(&distance(self.points[*b], centre))
            })
            .unwrap_or(0);
        self.along[nearest]
    }

    /// The point `metres` along the road.
    pub fn at(&self, metres: f64) -> Point {
        let i = self.along.partition_point(|d| *d < metres);
        if i == 0 {
            return self.points[0];
        }
        if i >= self.points.len() {
            return *self.points.last().unwrap_or(&[0.0, 0.0]);
        }
        let (a, b) = (self.along[i - 1], self.along[i]);
        let t = if b > a { (metres - a) / (b - a) } else { 0.0 };
        let (p, q) = (self.points[i - 1], self.points[i]);
        [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]
    }
}

/// One truck's path: the road and where along it each of its offices is.
#[derive(Clone, Debug)]
pub struct Path {
    road: Road,
    /// Metres along the road of the departure, each office of transit and the destination.
    stops: Vec<f64>,
}

/// How far off its road a deviating truck goes, in degrees of longitude (about 11 km).
pub const DEVIATION_DEGREES: f64 = 0.1;

impl Path {
    /// The path of `trip` on `road`.
    pub fn new(geography: &Geography, road: Road, trip: &Trip) -> Self {
        let c = &trip.movement.corridor;
        let stops = std::iter::once(&c.departure)
            .chain(&c.transit)
            .chain(std::iter::once(&c.destination))
            .map(|o| road.office_at(geography, o))
            .collect();
        Self { road, stops }
    }

    /// Where the truck of `trip` is `t` after the start, legs of `leg`: `None` before its
    /// release and after its arrival.
    pub fn position(&self, trip: &Trip, leg: Duration, t: Duration) -> Option<Point> {
        if t < trip.release_at || t > trip.arrival_due(leg) {
            return None;
        }
        let legs = self.stops.len() - 1;
        // Leg k runs from its start to crossing_at(k) (the last one to the arrival).
        let end = |k: usize| trip.crossing_at(leg, k);
        let k = (0..legs).find(|k| t <= end(*k)).unwrap_or(legs - 1);
        let start = if k == 0 { trip.release_at } else { end(k - 1) };
        let span = end(k).saturating_sub(start).as_secs_f64().max(1e-9);
        let mut progress = (t - start).as_secs_f64() / span;
        if k == 0 && trip.overstay {
            // A third of the leg in a third of its driving time, then standing still for the
            // two extra legs, then the rest.
            let driving = leg.as_secs_f64();
            let elapsed = (t - start).as_secs_f64();
            progress = if elapsed < driving / 3.0 {
                elapsed / driving
            } else if elapsed < driving / 3.0 + span - driving {
                1.0 / 3.0
            } else {
                (elapsed - (span - driving)) / driving
            };
        }
        let (from, to) = (self.stops[k], self.stops[k + 1]);
        let point = self.road.at(from + (to - from) * progress.clamp(0.0, 1.0));
        let last_leg = k == legs - 1;
        if trip.deviates && last_leg && (0.35..0.55).contains(&progress) {
            return Some([point[0] + DEVIATION_DEGREES, point[1]]);
        }
        Some(point)
    }

    /// When the truck's first seal is opened, if it is: halfway through its last leg, on the
    /// road.
    pub fn seal_opened(&self, trip: &Trip, leg: Duration) -> Option<(Duration, Point)> {
        if !trip.opens_seal {
            return None;
        }
        let legs = self.stops.len() - 1;
        let start = if legs > 1 {
            trip.crossing_at(leg, legs - 2)
        } else {
            trip.release_at
        };
        let at = start + (trip.arrival_due(leg) - start) / 2;
        let (from, to) = (self.stops[legs - 1], self.stops[legs]);
        Some((at, self.road.at((from + to) / 2.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::plan::Plan;
    use super::*;
    use transit_model::reference::ReferenceData;
    use transit_scenario::Corridor;

    #[test]
    fn a_truck_drives_its_road_through_its_offices_zones_and_deviates_where_planned() {
        let geography = Geography::builtin();
        let corridor =
            Corridor::from_reference(&ReferenceData::builtin(), "abidjan-ouagadougou").unwrap();
        let plan = Plan {
            movements: 1,
            release_every: Duration::ZERO,
            leg: Duration::from_secs(90),
            late_every: 0,
            incident_every: 0,
            malformed_every: 0,
            unknown_every: 0,
            divert_every: 0,
            overstay_every: 0,
            deviate_every: 1,
            open_seal_every: 1,
        };
        let trip = &plan.trips(&[corridor], chrono::Utc::now())[0];
        let path = Path::new(
            &geography,
            Road::of(&geography, "abidjan-ouagadougou").unwrap(),
            trip,
        );
        let leg = plan.leg;
        let zones = |t: Duration| {
            path.position(trip, leg, t)
                .map(|p| {
                    geography
                        .offices_at(p)
                        .iter()
                        .map(|o| o.to_string())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        };
        assert_eq!(zones(Duration::ZERO), ["CIABJ001"]);
        assert_eq!(zones(trip.crossing_at(leg, 0)), ["BFNGK001"]);
        assert_eq!(zones(trip.arrival_due(leg)), ["BFOUA001"]);
        assert!(path
            .position(trip, leg, trip.arrival_due(leg) + leg)
            .is_none());
        // Off its road for part of the last leg.
        let middle = trip.crossing_at(leg, 0) + leg * 45 / 100;
        let p = path.position(trip, leg, middle).unwrap();
        let (ci, bf) = ("CIABJ001".parse().unwrap(), "BFOUA001".parse().unwrap());
        assert!(geography.distance_from_road(&ci, &bf, p).unwrap() > 5000.0);
        let (at, point) = path.seal_opened(trip, leg).unwrap();
        assert!(at > trip.crossing_at(leg, 0) && at < trip.arrival_due(leg));
        assert!(geography.offices_at(point).is_empty());
    }
}
