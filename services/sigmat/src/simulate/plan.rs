//! What a simulation sends and when: movements spread over the five corridors, released at a
//! steady pace, each leg a compressed driving time; some border posts confirm late, some report
//! an incident, some releases are preceded by a malformed national message, some arrivals are
//! followed by one for a movement nobody released, some trucks are diverted to another office
//! of destination of the same country. Pure: offsets from the start, no clock.

use std::time::Duration;

use chrono::{DateTime, Utc};
use transit_model::reference::{OfficeRole, ReferenceData};
use transit_model::{MessageType, OfficeRef, StandardMessage};

use super::ledger::Delivery;
use transit_scenario::{Corridor, Movement};

/// The shape of the traffic.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Movements released.
    pub movements: usize,
    /// Time between two releases (zero: as fast as the adapters answer).
    pub release_every: Duration,
    /// Driving time of one leg (office to office), compressed.
    pub leg: Duration,
    /// Every n-th movement's first border post confirms the passage a leg late (0: never).
    pub late_every: usize,
    /// Every n-th movement has an incident at its first border post (0: never).
    pub incident_every: usize,
    /// Every n-th release is preceded by a malformed national message (0: never).
    pub malformed_every: usize,
    /// Every n-th arrival is followed by one for a movement never released (0: never).
    pub unknown_every: usize,
    /// Every n-th movement is diverted to another office of destination of its destination's
    /// country, where there is one (0: never).
    pub divert_every: usize,
    /// Every n-th movement's truck stops three legs' time before its first border post (0:
    /// never): an overstayed leg.
    pub overstay_every: usize,
    /// With telematics: every n-th truck leaves its road for a while on its last leg (0: never).
    pub deviate_every: usize,
    /// With telematics: every n-th truck's first seal is opened on its last leg (0: never).
    pub open_seal_every: usize,
}

/// One movement of the simulation and its particulars.
#[derive(Clone, Debug)]
pub struct Trip {
    /// The movement.
    pub movement: Movement,
    /// When it is released, from the start.
    pub release_at: Duration,
    /// Its first border post confirms a leg late.
    pub late: bool,
    /// An incident is reported at its first border post.
    pub incident: bool,
    /// A malformed national message precedes its release.
    pub malformed: bool,
    /// An arrival for an unknown movement follows its arrival.
    pub unknown_after: bool,
    /// The office of destination the goods are diverted to (IE002 from there), if any.
    pub diverted_to: Option<OfficeRef>,
    /// The truck stops three legs' time before its first border post.
    pub overstay: bool,
    /// Its truck leaves the road for a while on its last leg (telematics).
    pub deviates: bool,
    /// Its first seal is opened on its last leg, between offices (telematics).
    pub opens_seal: bool,
}

fn every(n: usize, k: usize) -> bool {
    n > 0 && k % n == n - 1
}

impl Plan {
    /// The trips, corridors taken in turn.
    /// Corridor `k % corridors` takes movement `k`, its `k / corridors`-th; the shares count
    /// per corridor, so that every corridor (and its departure's national family) has them.
    pub fn trips(&self, corridors: &[Corridor], now: DateTime<Utc>) -> Vec<Trip> {
        let data = ReferenceData::builtin();
        let n = corridors.len().max(1);
        (0..self.movements)
            .map(|k| {
                let (corridor, round) = (&corridors[k % n], k / n);
                let release_at = self.release_every * u32::try_from(k).unwrap_or(u32::MAX);
                // Released at its turn: the first leg's time runs from then.
                let released = now + chrono::Duration::from_std(release_at).unwrap_or_default();
                Trip {
                    movement: Movement::new(corridor.clone(), released)
                        .with_own_vehicle()
                        .with_own_seals(),
                    release_at,
                    late: every(self.late_every, round),
                    incident: every(self.incident_every, round) && !corridor.transit.is_empty(),
                    malformed: every(self.malformed_every, round),
                    unknown_after: every(self.unknown_every, round),
                    diverted_to: every(self.divert_every, round)
                        .then(|| alternative_destination(&data, corridor))
                        .flatten(),
                    overstay: every(self.overstay_every, round) && !corridor.transit.is_empty(),
                    deviates: every(self.deviate_every, round),
                    opens_seal: every(self.open_seal_every, round),
                }
            })
            .collect()
    }
}

/// Another office of destination (or inland office) in the country of `corridor`'s
/// destination, off its route: where a truck may be diverted.
pub fn alternative_destination(data: &ReferenceData, corridor: &Corridor) -> Option<OfficeRef> {
    data.offices()
        .find(|o| {
            o.country == corridor.destination.country()
                && o.code != corridor.destination
                && !corridor.transit.contains(&o.code)
                && o.roles
                    .iter()
                    .any(|r| matches!(r, OfficeRole::Destination | OfficeRole::Inland))
        })
        .map(|o| o.code.clone())
}

impl Trip {
    /// When the truck reaches border post `i` (from the start): a leg per office, two more
    /// for a truck that stops on its first leg.
    pub fn crossing_at(&self, leg: Duration, i: usize) -> Duration {
        let stop = if self.overstay {
            leg * 2
        } else {
            Duration::ZERO
        };
        self.release_at + stop + leg * u32::try_from(i + 1).unwrap_or(u32::MAX)
    }

    /// The frauds seeded in this trip: what the risk rules should catch.
    pub fn frauds(&self) -> Vec<super::risk::Fraud> {
        use super::risk::Fraud;
        [
            (self.incident, Fraud::BrokenSeals),
            (self.diverted_to.is_some(), Fraud::Diversion),
            (self.overstay, Fraud::Overstay),
            (self.opens_seal, Fraud::OpenedSeal),
        ]
        .into_iter()
        .filter_map(|(seeded, fraud)| seeded.then_some(fraud))
        .collect()
    }

    /// When border post `i` sends its confirmation: at the crossing, or a leg later.
    pub fn passage_due(&self, leg: Duration, i: usize) -> Duration {
        self.crossing_at(leg, i)
            + if self.late && i == 0 {
                leg
            } else {
                Duration::ZERO
            }
    }

    /// When the truck reaches its destination.
    pub fn arrival_due(&self, leg: Duration) -> Duration {
        self.crossing_at(leg, self.movement.corridor.transit.len())
    }
}

/// The deliveries `message` must cause, once accepted: what accounts for it.
pub fn expected(movement: &Movement, message: &StandardMessage) -> Vec<Delivery> {
    use MessageType as T;
    let c = &movement.corridor;
    let mrn = &movement.mrn;
    let by = message.header().sender.office();
    let to = |t: MessageType, office: &OfficeRef| Delivery::new(t, mrn, office, None);
    let reported = |t: MessageType, by: &OfficeRef| Delivery::new(t, mrn, &c.departure, Some(by));
    match message.message_type() {
        T::ReleaseForTransit => c
            .transit
            .iter()
            .map(|o| to(T::AnticipatedTransitRecord, o))
            .chain(std::iter::once(to(
                T::AnticipatedArrivalRecord,
                &c.destination,
            )))
            .collect(),
        T::NotificationCrossingFrontier => by
            .map(|by| vec![reported(T::NotificationCrossingFrontier, by)])
            .unwrap_or_default(),
        // The offices still ahead depend on which passages the hub has applied; the
        // destination is always ahead.
        T::IncidentNotification => by
            .map(|by| {
                vec![
                    reported(T::IncidentNotification, by),
                    to(T::IncidentForwarded, &c.destination),
                ]
            })
            .unwrap_or_default(),
        // At an office the goods were diverted to, the declared destination is told too.
        T::ArrivalAdvice => {
            let mut d = vec![to(T::ArrivalAdvice, &c.departure)];
            if by.is_some_and(|by| *by != c.destination) {
                d.push(to(T::ArrivalAdvice, &c.destination));
            }
            d
        }
        // The record back at the office that asked, the request on to the departure.
        T::ArrivalRecordRequest => by
            .map(|by| {
                vec![
                    to(T::ArrivalRecordResponse, by),
                    to(T::ArrivalRecordRequest, &c.departure),
                ]
            })
            .unwrap_or_default(),
        T::DestinationControlResults => vec![to(T::WriteOffNotification, &c.departure)],
        _ => Vec::new(),
    }
}

/// The hub's refusal of an arrival for a movement it never heard of, back at its sender.
pub fn refusal_of_unknown(message: &StandardMessage) -> Vec<Delivery> {
    message
        .header()
        .sender
        .office()
        .map(|office| {
            vec![Delivery::new(
                MessageType::FunctionalNack,
                message.mrn(),
                office,
                None,
            )]
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use transit_model::reference::ReferenceData;

    fn plan() -> Plan {
        Plan {
            movements: 10,
            release_every: Duration::from_millis(100),
            leg: Duration::from_secs(1),
            late_every: 4,
            incident_every: 5,
            malformed_every: 2,
            unknown_every: 10,
            divert_every: 5,
            overstay_every: 5,
            deviate_every: 0,
            open_seal_every: 0,
        }
    }

    fn corridors() -> Vec<Corridor> {
        let data = ReferenceData::builtin();
        ["abidjan-ouagadougou", "dakar-bamako"]
            .iter()
            .map(|id| Corridor::from_reference(&data, id).expect("a corridor"))
            .collect()
    }

    #[test]
    fn trips_take_the_corridors_in_turn_with_their_shares_of_particulars() {
        let trips = plan().trips(&corridors(), Utc::now());
        assert_eq!(trips.len(), 10);
        assert_ne!(
            trips[0].movement.corridor.departure,
            trips[1].movement.corridor.departure
        );
        // Two corridors, five rounds: shares per corridor.
        assert_eq!(
            trips.iter().filter(|t| t.malformed).count(),
            4,
            "rounds 1 and 3"
        );
        assert_eq!(trips.iter().filter(|t| t.late).count(), 2, "round 3");
        assert_eq!(
            trips.iter().filter(|t| t.unknown_after).count(),
            0,
            "no 10th round"
        );
        let malformed: std::collections::HashSet<_> = trips
            .iter()
            .filter(|t| t.malformed)
            .map(|t| t.movement.corridor.departure.clone())
            .collect();
        assert_eq!(malformed.len(), 2, "every corridor has its share");
        assert_eq!(trips[3].release_at, Duration::from_millis(300));
    }

    #[test]
    fn a_late_border_post_confirms_a_leg_after_the_crossing_and_the_truck_still_arrives_on_time() {
        let leg = Duration::from_secs(1);
        let trip = &plan().trips(&corridors(), Utc::now())[6];
        assert!(trip.late);
        assert_eq!(trip.passage_due(leg, 0), trip.crossing_at(leg, 0) + leg);
        let borders = trip.movement.corridor.transit.len();
        assert_eq!(
            trip.arrival_due(leg),
            trip.release_at + leg * u32::try_from(borders + 1).unwrap()
        );
    }

    #[test]
    fn a_release_is_accounted_by_every_record_it_sends_out() {
        let trip = &plan().trips(&corridors(), Utc::now())[0];
        let m = &trip.movement;
        let expected = expected(m, &m.release());
        assert_eq!(expected.len(), m.corridor.transit.len() + 1);
        assert!(expected
            .iter()
            .any(|d| d.message_type.code() == "IE001"
                && d.to.office() == Some(&m.corridor.destination)));
    }

    #[test]
    fn a_diverted_truck_goes_to_another_destination_of_the_same_country_and_everyone_is_told() {
        let trips = plan().trips(&corridors(), Utc::now());
        let diverted: Vec<&Trip> = trips.iter().filter(|t| t.diverted_to.is_some()).collect();
        assert_eq!(diverted.len(), 2, "round 4 on both corridors");
        for trip in diverted {
            let m = &trip.movement;
            let to = trip.diverted_to.clone().unwrap();
            assert_eq!(to.country(), m.corridor.destination.country());
            assert_ne!(to, m.corridor.destination);
            let request = expected(m, &m.arrival_record_request(&to, Utc::now()));
            assert!(request
                .iter()
                .any(|d| d.message_type.code() == "IE003" && d.to.office() == Some(&to)));
            let arrival = expected(m, &m.arrival_at(&to, Utc::now()));
            assert!(arrival.iter().any(|d| d.message_type.code() == "IE006"
                && d.to.office() == Some(&m.corridor.destination)));
        }
    }
}
