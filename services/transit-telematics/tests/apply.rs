//! Events applied to a movement: passages, arrivals, seal breaches, off route, long stops;
//! each concluded once, whatever the order the events come in.

mod support;

use std::collections::BTreeSet;

use chrono::Duration;
use proptest::prelude::*;
use support::*;
use transit_lifecycle::decide;
use transit_model::{Body, MessageType};
use transit_telematics::{
    apply, replay, Effect, Geography, Judged, Outcome, SealStatus, TelematicsRules, Track,
};

fn judged<'a>(geography: &'a Geography, rules: &'a TelematicsRules) -> Judged<'a> {
    Judged { geography, rules }
}

fn run(events: &[transit_telematics::Received]) -> (Track, Vec<Effect>) {
    let (geography, rules) = (Geography::builtin(), TelematicsRules::builtin());
    let movement = movement();
    let mut track = Track::default();
    let mut effects = Vec::new();
    for e in events {
        let applied = apply(&track, &movement, e, judged(&geography, &rules));
        assert_eq!(applied.outcome, Outcome::Applied);
        track = applied.track;
        effects.extend(applied.effects);
    }
    (track, effects)
}

#[test]
fn driving_the_road_passes_niangoloko_automatically_and_is_expected_at_ouagadougou() {
    let (track, effects) = run(&drive());
    let kinds: Vec<&str> = effects.iter().map(|e| e.kind()).collect();
    assert_eq!(kinds, ["passage", "arrival-expected"], "{effects:#?}");
    let Effect::Passage {
        office, automatic, ..
    } = &effects[0]
    else {
        unreachable!()
    };
    assert_eq!(office.as_str(), "BFNGK001");
    assert!(automatic, "Burkina Faso confirms passages automatically");
    assert_eq!(track.anomalies, 0, "a truck on its road is never off route");
    // The IE118 the hub sends is accepted by the state machine, and says it was automatic.
    let movement = movement();
    let message = effects[0].message(&movement, start()).unwrap();
    assert_eq!(
        message.message_type(),
        MessageType::NotificationCrossingFrontier
    );
    let Body::NotificationCrossingFrontier(crossing) = message.body() else {
        unreachable!()
    };
    let automatic = crossing.automatic.as_ref().unwrap();
    assert_eq!(automatic.provider.as_str(), "sahel-track");
    let next = decide(Some(&movement), &message, start() + Duration::hours(9))
        .unwrap()
        .movement;
    assert!(next.route[0].crossed_at.is_some());
    assert!(
        effects[1].message(&movement, start()).is_none(),
        "an arrival waits for the officer"
    );
}

#[test]
fn a_confirmed_passage_waits_for_the_officer_where_the_country_says_so() {
    let mut rules = TelematicsRules::builtin();
    for c in &mut rules.countries {
        c.rule.automatic_passages = false;
    }
    let (geography, movement) = (Geography::builtin(), movement());
    let effects = replay(&movement, &drive(), judged(&geography, &rules)).effects;
    let Effect::Passage { automatic, .. } = &effects[0] else {
        panic!("{effects:?}")
    };
    assert!(!automatic);
    assert!(effects[0].message(&movement, start()).is_none());
}

#[test]
fn a_seal_opened_between_offices_is_an_incident_for_the_next_office_and_inside_a_zone_is_not() {
    let drive = drive();
    let between = drive[300].clone(); // some 300 km north of Abidjan, in no zone
    let p = [between.event.longitude, between.event.latitude];
    let mut events = drive[..=300].to_vec();
    events.push(seal(
        "a",
        between.event.at + Duration::seconds(5),
        p,
        SealStatus::Opened,
    ));
    let (_, effects) = run(&events);
    let breach = effects
        .iter()
        .find(|e| e.kind() == "seal-breach")
        .expect("an incident");
    let movement = movement();
    let message = breach.message(&movement, start()).unwrap();
    assert_eq!(message.message_type(), MessageType::IncidentNotification);
    let Body::IncidentNotification(incident) = message.body() else {
        unreachable!()
    };
    assert_eq!(incident.reporting_office.as_str(), "BFNGK001");
    assert_eq!(u8::from(incident.incident_code), 2);
    decide(Some(&movement), &message, start() + Duration::hours(6))
        .expect("the state machine takes it");
    // Opened again: one incident per seal.
    events.push(seal(
        "b",
        between.event.at + Duration::seconds(50),
        p,
        SealStatus::Tampered,
    ));
    assert_eq!(
        run(&events)
            .1
            .iter()
            .filter(|e| e.kind() == "seal-breach")
            .count(),
        1
    );

    // Opened at Abidjan's port (an office zone): an officer's inspection, no incident.
    let port = [drive[0].event.longitude, drive[0].event.latitude];
    let events = vec![
        drive[0].clone(),
        seal(
            "c",
            start() + Duration::seconds(30),
            port,
            SealStatus::Opened,
        ),
    ];
    let (track, effects) = run(&events);
    assert!(effects.is_empty(), "{effects:?}");
    assert!(track.seal_breached(), "the status is kept all the same");
}

#[test]
fn leaving_the_road_is_one_anomaly_per_episode() {
    let drive = drive();
    let mut events = drive[..200].to_vec();
    let at = drive[199].event.at;
    let on = [drive[199].event.longitude, drive[199].event.latitude];
    let off = [on[0] + 0.1, on[1]]; // some 11 km east
    events.push(position(9001, at + Duration::minutes(5), off));
    events.push(position(9002, at + Duration::minutes(6), off));
    events.push(position(9003, at + Duration::minutes(10), on));
    events.push(position(9004, at + Duration::minutes(15), off));
    let (track, effects) = run(&events);
    let off_route: Vec<&Effect> = effects.iter().filter(|e| e.kind() == "off-route").collect();
    assert_eq!(off_route.len(), 2, "{effects:#?}");
    let Effect::OffRoute {
        meters,
        limit_meters,
        ..
    } = off_route[0]
    else {
        unreachable!()
    };
    assert!(
        *meters > 8000.0 && *limit_meters == 3000,
        "{meters} {limit_meters}"
    );
    assert_eq!(track.anomalies, 2);
}

#[test]
fn standing_still_beyond_the_limit_outside_any_office_is_one_long_stop() {
    let drive = drive();
    let mut events = drive[..150].to_vec();
    let here = [drive[149].event.longitude, drive[149].event.latitude];
    let at = drive[149].event.at;
    for k in 1..=10 {
        events.push(position(
            8000 + k,
            at + Duration::minutes(20 * k as i64),
            here,
        ));
    }
    let (_, effects) = run(&events);
    let stops: Vec<&Effect> = effects.iter().filter(|e| e.kind() == "long-stop").collect();
    assert_eq!(stops.len(), 1, "{effects:#?}");
    let Effect::LongStop {
        minutes,
        limit_minutes,
        ..
    } = stops[0]
    else {
        unreachable!()
    };
    assert!(*minutes > i64::from(*limit_minutes) && *limit_minutes == 120);
}

#[test]
fn after_arrival_tracking_has_ended() {
    let movement = movement();
    let arrival = transit_codec::json::decode(include_bytes!(
        "../../../schemas/transit/v1/examples/IE006.json"
    ))
    .unwrap();
    let mut crossed = movement.clone();
    crossed.route[0].crossed_at = Some(start());
    let arrived = decide(Some(&crossed), &arrival, start() + Duration::days(1))
        .unwrap()
        .movement;
    let (geography, rules) = (Geography::builtin(), TelematicsRules::builtin());
    let applied = apply(
        &Track::default(),
        &arrived,
        &drive()[0],
        judged(&geography, &rules),
    );
    assert_eq!(applied.outcome, Outcome::AfterTracking);
    assert!(applied.effects.is_empty());
}

fn ids(effects: &[Effect]) -> BTreeSet<uuid::Uuid> {
    let mrn = movement().mrn;
    effects.iter().map(|e| e.id(&mrn)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Late and shuffled events, replayed in time order, conclude what the drive in order did.
    #[test]
    fn any_arrival_order_replays_to_the_same_conclusions(seed in any::<u64>()) {
        let mut events: Vec<_> = drive().into_iter().step_by(3).collect();
        let mid = events.len() / 2;
        let p = [events[mid].event.longitude, events[mid].event.latitude];
        events.push(seal("x", events[mid].event.at, p, SealStatus::Opened));
        let (geography, rules) = (Geography::builtin(), TelematicsRules::builtin());
        let movement = movement();
        let in_order = replay(&movement, &events, judged(&geography, &rules));
        // A deterministic shuffle from the seed.
        let mut shuffled = events.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let replayed = replay(&movement, &shuffled, judged(&geography, &rules));
        prop_assert_eq!(ids(&in_order.effects), ids(&replayed.effects));
        prop_assert_eq!(in_order.track, replayed.track);
    }
}
