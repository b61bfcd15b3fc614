//! A train of 24 wagons carrying 30 declarations: one confirmation for the whole train.

use chrono::{DateTime, Utc};
use transit_lifecycle::Movement as Tracked;
use transit_model::{MessageId, MessageType, OfficeRef};
use transit_rail::{expand, Stage, Train, TrainConfirmation};
use transit_scenario::{Corridor, Movement};

const TRAIN: &str = "T412";

fn wagon(i: usize) -> String {
    format!("CI-SR-{:05}", 31800 + i)
}

/// 30 declarations on 24 wagons: declaration i < 24 on wagon i; the six others share wagons
/// 0 to 5 with the first ones, declaration 29 spreading over wagons 22 and 23 as well.
fn train(now: DateTime<Utc>) -> (Vec<Tracked>, Train) {
    let movements: Vec<Tracked> = (0..30)
        .map(|i| {
            let wagons: Vec<String> = match i {
                0..=23 => vec![wagon(i)],
                29 => vec![wagon(5), wagon(22), wagon(23)],
                _ => vec![wagon(i - 24)],
            };
            let wagons: Vec<&str> = wagons.iter().map(String::as_str).collect();
            let m = Movement::new(Corridor::abidjan_ouagadougou(), now).on_train(TRAIN, &wagons);
            transit_lifecycle::decide(None, &m.release(), now)
                .unwrap()
                .movement
        })
        .collect();
    let train = Train::build(TRAIN, &movements, &[]);
    (movements, train)
}

fn confirmation(stage: Stage, office: &str, missing: &[usize]) -> TrainConfirmation {
    let (missing, present): (Vec<usize>, Vec<usize>) = (0..24).partition(|i| missing.contains(i));
    TrainConfirmation {
        confirmation_id: MessageId::parse("3b0a2f43-54b2-4bd9-a3e5-9e3f3f0f8c11").unwrap(),
        train: TRAIN.into(),
        office: OfficeRef::parse(office).unwrap(),
        stage,
        at: Utc::now(),
        wagons_present: present.into_iter().map(wagon).collect(),
        wagons_missing: missing.into_iter().map(wagon).collect(),
    }
}

/// `train` confirmed at `office` with the wagons numbered `missing` not found.
fn confirm(
    train: &Train,
    movements: &[Tracked],
    stage: Stage,
    office: &str,
    missing: &[usize],
) -> Result<transit_rail::Expansion, transit_rail::Refusal> {
    expand(
        train,
        movements,
        &confirmation(stage, office, missing),
        Utc::now(),
    )
}

#[test]
fn one_passage_for_the_train_is_one_ie118_per_declaration() {
    let now = Utc::now();
    let (movements, train) = train(now);
    assert_eq!(train.wagons.len(), 24);
    assert_eq!(train.declarations().len(), 30);
    assert_eq!(train.undertaking.as_deref(), Some("Sitarail"));
    let expansion = confirm(&train, &movements, Stage::Passage, "BFNGK001", &[]).unwrap();
    assert_eq!(expansion.passed.len(), 30);
    assert!(expansion.incidents.is_empty());
    assert!(expansion
        .messages
        .iter()
        .all(|m| m.message_type() == MessageType::NotificationCrossingFrontier));
    // Each goes from Niangoloko to its own departure, and the state machine takes it.
    for movement in &movements {
        let mine: Vec<_> = expansion
            .messages
            .iter()
            .filter(|m| m.mrn() == &movement.mrn)
            .collect();
        assert_eq!(mine.len(), 1, "one IE118 for {}", movement.mrn);
        transit_lifecycle::decide(Some(movement), mine[0], now).unwrap();
    }
    // The same confirmation handled again derives the same ids: nothing is sent twice.
    let again = confirm(&train, &movements, Stage::Passage, "BFNGK001", &[]).unwrap();
    let ids = |e: &transit_rail::Expansion| e.messages.iter().map(|m| m.id()).collect::<Vec<_>>();
    assert_eq!(ids(&expansion), ids(&again));
}

#[test]
fn a_wagon_left_behind_is_an_incident_on_exactly_its_declarations() {
    let now = Utc::now();
    let (movements, train) = train(now);
    // Wagon 5 carries declarations 5, 29 (also on 22 and 23, found) and none else.
    let expansion = confirm(&train, &movements, Stage::Passage, "BFNGK001", &[5]).unwrap();
    let mrn = |i: usize| movements[i].mrn.clone();
    let mut incidents = expansion.incidents.clone();
    incidents.sort();
    let mut expected = vec![mrn(5), mrn(29)];
    expected.sort();
    assert_eq!(incidents, expected);
    assert_eq!(expansion.passed.len(), 29, "29 had a wagon found");
    assert!(!expansion.passed.contains(&mrn(5)));
    assert!(
        expansion.passed.contains(&mrn(29)),
        "its other wagons crossed"
    );
    let incident = expansion
        .messages
        .iter()
        .find(|m| m.message_type() == MessageType::IncidentNotification && m.mrn() == &mrn(5))
        .unwrap();
    transit_lifecycle::decide(Some(&movements[5]), incident, now).unwrap();
}

#[test]
fn refused_whole_when_the_wagons_do_not_add_up_or_the_office_has_nothing_to_confirm() {
    let now = Utc::now();
    let (movements, train) = train(now);
    let mut unknown = confirmation(Stage::Passage, "BFNGK001", &[]);
    unknown.wagons_missing.push("XX-00000".into());
    assert_eq!(
        expand(&train, &movements, &unknown, now)
            .unwrap_err()
            .pointer,
        "/wagonsMissing"
    );
    let mut unlisted = confirmation(Stage::Passage, "BFNGK001", &[]);
    unlisted.wagons_present.pop();
    let refusal = expand(&train, &movements, &unlisted, now).unwrap_err();
    assert!(
        refusal.reason.contains("neither found nor missing"),
        "{refusal}"
    );
    let elsewhere = confirmation(Stage::Passage, "BFKAN001", &[]);
    assert_eq!(
        expand(&train, &movements, &elsewhere, now)
            .unwrap_err()
            .pointer,
        "/office"
    );
    let empty = Train::build("T999", &movements, &[]);
    assert_eq!(
        expand(&empty, &movements, &unknown, now)
            .unwrap_err()
            .pointer,
        "/train"
    );
}

#[test]
fn at_departure_missing_wagons_are_set_aside_and_leave_the_train() {
    let now = Utc::now();
    let (movements, train) = train(now);
    let expansion = confirm(&train, &movements, Stage::Departure, "CIABJ001", &[23]).unwrap();
    assert!(
        expansion.messages.is_empty(),
        "nothing is sent at departure"
    );
    let mut aside: Vec<(String, String)> = expansion
        .set_aside
        .iter()
        .map(|s| (s.mrn.to_string(), s.wagon.clone()))
        .collect();
    aside.sort();
    let mut expected = vec![
        (movements[23].mrn.to_string(), wagon(23)),
        (movements[29].mrn.to_string(), wagon(23)),
    ];
    expected.sort();
    assert_eq!(aside, expected);
    let amended = Train::build(TRAIN, &movements, &aside);
    assert_eq!(amended.wagons.len(), 23);
    assert_eq!(amended.set_aside.len(), 1);
    assert_eq!(
        amended.declarations().len(),
        29,
        "declaration 23 is off the train"
    );
    // At the border, the train is confirmed without the wagon set aside.
    let mut passage = confirmation(Stage::Passage, "BFNGK001", &[]);
    passage.wagons_present.retain(|w| *w != wagon(23));
    let expansion = expand(&amended, &movements, &passage, now).unwrap();
    assert_eq!(expansion.passed.len(), 29);
}

#[test]
fn arrival_is_confirmed_for_the_declarations_bound_for_the_station() {
    let now = Utc::now();
    let (movements, train) = train(now);
    let expansion = confirm(&train, &movements, Stage::Arrival, "BFOUA001", &[]).unwrap();
    assert_eq!(expansion.passed.len(), 30);
    assert!(expansion
        .messages
        .iter()
        .all(|m| m.message_type() == MessageType::ArrivalAdvice));
}

#[test]
fn at_arrival_a_declaration_with_a_wagon_missing_takes_its_incident_before_it_arrives() {
    let now = Utc::now();
    let (movements, train) = train(now);
    // Declaration 29 is on wagons 5, 22 and 23; wagon 5 is missing at Ouagadougou.
    let mut on_the_road: Vec<Tracked> = movements.clone();
    for m in &mut on_the_road {
        m.route[0].crossed_at = Some(now);
    }
    let expansion = confirm(&train, &on_the_road, Stage::Arrival, "BFOUA001", &[5]).unwrap();
    let mine: Vec<&transit_model::StandardMessage> = expansion
        .messages
        .iter()
        .filter(|m| m.mrn() == &movements[29].mrn)
        .collect();
    assert_eq!(
        mine.iter().map(|m| m.message_type()).collect::<Vec<_>>(),
        [
            MessageType::IncidentNotification,
            MessageType::ArrivalAdvice
        ]
    );
    // Decided in that order, both are taken.
    let after_incident = transit_lifecycle::decide(Some(&on_the_road[29]), mine[0], now)
        .unwrap()
        .movement;
    transit_lifecycle::decide(Some(&after_incident), mine[1], now).unwrap();
}

#[test]
fn a_second_passage_confirms_only_the_declarations_not_yet_passed_there() {
    let now = Utc::now();
    let (mut movements, train) = train(now);
    // Every declaration but 5 passed at Niangoloko (wagon 5 was late, carrying 5 and 29).
    for (i, m) in movements.iter_mut().enumerate() {
        if i != 5 {
            m.route[0].crossed_at = Some(now);
        }
    }
    let again = confirm(&train, &movements, Stage::Passage, "BFNGK001", &[]).unwrap();
    assert_eq!(again.passed, vec![movements[5].mrn.clone()]);
    assert_eq!(again.messages.len(), 1);
    // Once every declaration passed there, another confirmation is refused, saying so.
    movements[5].route[0].crossed_at = Some(now);
    let refusal = confirm(&train, &movements, Stage::Passage, "BFNGK001", &[]).unwrap_err();
    assert!(
        refusal.reason.contains("already been confirmed"),
        "{refusal}"
    );
}

#[test]
fn wagon_numbers_are_checked_and_refusals_name_the_wagon() {
    let now = Utc::now();
    let (movements, train) = train(now);
    let mut blank = confirmation(Stage::Passage, "BFNGK001", &[]);
    blank.wagons_missing.push(" ".into());
    let refusal = expand(&train, &movements, &blank, now).unwrap_err();
    assert_eq!(refusal.pointer, "/wagonsMissing/0");
    let mut twice = confirmation(Stage::Passage, "BFNGK001", &[]);
    twice.wagons_missing.push(wagon(3));
    assert_eq!(
        expand(&train, &movements, &twice, now).unwrap_err().pointer,
        "/wagonsMissing/0"
    );
}
