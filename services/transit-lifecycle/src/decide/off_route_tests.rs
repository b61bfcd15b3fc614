//! An office in a country the declaration does not name: what an insider there can and cannot
//! do to a movement (issue 28). The examples are CIABJ001 → BFNGK001 → BFOUA001, declared
//! through CI and BF; Bamako (MLBKO001, Mali) and Makalondi (NEMKL001, Niger) are off it.

use chrono::{DateTime, TimeZone, Utc};
use transit_model::{Body, FunctionalErrorCode as Code, MessageType, OfficeRef, StandardMessage};

use crate::{decide_with, Movement, MovementState, RecordRequests, Rules};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap()
}

fn example(name: &str) -> serde_json::Value {
    let path = format!(
        "{}/../../schemas/transit/v1/examples/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

/// Example `name` sent by `office`, with every field that names the speaking office set to it
/// (`pointer` in the body) and an id of its own.
fn from(name: &str, office: &str, pointer: &str) -> StandardMessage {
    let mut value = example(name);
    value["header"]["sender"] = office.into();
    let original: StandardMessage =
        transit_codec::json::decode(&serde_json::to_vec(&value).unwrap()).unwrap();
    value["header"]["messageId"] = original.id().derive(office).to_string().into();
    if !pointer.is_empty() {
        value["body"][pointer] = office.into();
    }
    transit_codec::json::decode(&serde_json::to_vec(&value).unwrap()).unwrap()
}

/// The departure's answer granting `office` the record (IE003 or IE115 from Abidjan).
fn granted(name: &str, office: &str) -> StandardMessage {
    let mut value = example(name);
    value["header"]["recipient"] = office.into();
    value["body"]["requestingOffice"] = office.into();
    value["body"]["outcome"] = "Granted".into();
    value["body"]["refusalReason"] = serde_json::Value::Null;
    value["body"]["declaration"] = example("IE029")["body"].clone();
    let mut body = value["body"].as_object().unwrap().clone();
    body.retain(|_, v| !v.is_null());
    value["body"] = body.into();
    transit_codec::json::decode(&serde_json::to_vec(&value).unwrap()).unwrap()
}

fn rules(record_requests: RecordRequests) -> Rules {
    Rules {
        record_requests,
        ..Rules::default()
    }
}

fn released() -> Movement {
    crate::decide(None, &from("IE029", "CIABJ001", ""), now())
        .unwrap()
        .movement
}

/// `next` with the time of the last event `before` had: what is left to compare when only a
/// message was passed on (which updates that time and nothing else).
fn unchanged(next: &Movement, before: &Movement) -> Movement {
    let mut next = next.clone();
    next.last_event_at = before.last_event_at;
    next
}

fn told(outgoing: &[StandardMessage]) -> Vec<(MessageType, String)> {
    outgoing
        .iter()
        .map(|m| (m.message_type(), m.header().recipient.as_str().to_owned()))
        .collect()
}

/// Applies `message` and returns the next movement, or the refusal's code.
fn apply(rules: &Rules, movement: &Movement, message: &StandardMessage) -> Result<Movement, Code> {
    decide_with(rules, Some(movement), message, now())
        .map(|t| t.movement)
        .map_err(|r| r.code)
}

#[test]
fn the_declared_countries_are_departure_transit_destination_and_routing() {
    let Body::ReleaseForTransit(declaration) = from("IE029", "CIABJ001", "").body().clone() else {
        panic!("not a release")
    };
    let countries = declaration.declared_countries();
    let names: Vec<&str> = countries.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        names,
        ["CI", "BF"],
        "departure, transit, destination, routing: each once"
    );
    let mut routed = declaration.clone();
    routed.consignment.itinerary.push(transit_model::Itinerary {
        sequence_numeric: 3,
        routing_country_code: transit_model::CountryCode::parse("NE").unwrap(),
    });
    assert!(routed.names_country(transit_model::CountryCode::parse("NE").unwrap()));
    assert!(!declaration.names_country(transit_model::CountryCode::parse("NE").unwrap()));
}

#[test]
fn an_officer_off_the_declared_countries_never_discharges_a_movement_on_their_word() {
    for rule in [RecordRequests::Hub, RecordRequests::Departure] {
        let rules = rules(rule);
        let movement = released();
        // "The goods are presented here": passed to the departure, nothing granted.
        let request = from("IE002", "MLBKO001", "requestingOffice");
        let t = decide_with(&rules, Some(&movement), &request, now()).unwrap();
        assert_eq!(
            told(&t.outgoing),
            vec![(MessageType::ArrivalRecordRequest, "CIABJ001".into())],
            "{rule:?}: the departure decides, the office gets no record"
        );
        assert_eq!(
            unchanged(&t.movement, &movement),
            movement,
            "{rule:?}: the movement is unchanged"
        );
        let movement = t.movement;
        // Arrival, control and an incident from Bamako are refused.
        let arrival = from("IE006", "MLBKO001", "destinationOffice");
        assert_eq!(
            apply(&rules, &movement, &arrival),
            Err(Code::RuleViolation),
            "{rule:?}"
        );
        let mut arrived = movement.clone();
        arrived.state = MovementState::Arrived;
        let mut control = example("IE018");
        control["header"]["sender"] = "MLBKO001".into();
        control["body"]["destinationOffice"] = "MLBKO001".into();
        control["body"]["controlResultCode"] = "A1".into();
        control["body"]["discrepancies"] = serde_json::json!([]);
        let control = transit_codec::json::decode(&serde_json::to_vec(&control).unwrap()).unwrap();
        assert_eq!(
            apply(&rules, &arrived, &control),
            Err(Code::RuleViolation),
            "{rule:?}"
        );
        let incident = from("IE180", "MLBKO001", "reportingOffice");
        assert_eq!(
            apply(&rules, &movement, &incident),
            Err(Code::RuleViolation),
            "{rule:?}: an incident off the itinerary"
        );
        // The same for a border post off the itinerary asking for the transit record.
        let request = from("IE114", "NEMKL001", "requestingOffice");
        let t = decide_with(&rules, Some(&movement), &request, now()).unwrap();
        assert_eq!(
            told(&t.outgoing),
            vec![(MessageType::TransitRecordRequest, "CIABJ001".into())],
            "{rule:?}"
        );
        assert_eq!(unchanged(&t.movement, &movement), movement);
    }
}

#[test]
fn within_the_declared_countries_the_hub_still_grants_at_once() {
    let movement = released();
    let request = from("IE002", "BFBBD001", "requestingOffice");
    let t = decide_with(
        &rules(RecordRequests::Hub),
        Some(&movement),
        &request,
        now(),
    )
    .unwrap();
    assert_eq!(t.movement.destination_office.as_str(), "BFBBD001");
    assert_eq!(
        told(&t.outgoing),
        vec![
            (MessageType::ArrivalRecordResponse, "BFBBD001".into()),
            (MessageType::ArrivalRecordRequest, "CIABJ001".into()),
        ]
    );
    // An incident anywhere in a declared country is recorded.
    let incident = from("IE180", "BFBBD001", "reportingOffice");
    assert!(apply(&Rules::default(), &movement, &incident).is_ok());
    // Discharged there: no flag, Bobo-Dioulasso is in a declared country.
    let written_off = discharge_at(&t.movement, "BFBBD001");
    assert_eq!(written_off.state, MovementState::WrittenOff);
    assert_eq!(written_off.discharged_off_route, None);
}

/// Arrival then a satisfactory control at `office`, the movement's destination.
fn discharge_at(movement: &Movement, office: &str) -> Movement {
    let arrived = apply(
        &Rules::default(),
        movement,
        &from("IE006", office, "destinationOffice"),
    )
    .unwrap();
    let mut control = example("IE018");
    control["header"]["sender"] = office.into();
    control["body"]["destinationOffice"] = office.into();
    control["body"]["controlResultCode"] = "A1".into();
    control["body"]["discrepancies"] = serde_json::json!([]);
    let control = transit_codec::json::decode(&serde_json::to_vec(&control).unwrap()).unwrap();
    apply(&Rules::default(), &arrived, &control).unwrap()
}

#[test]
fn once_the_departure_grants_it_the_office_may_act_and_the_discharge_is_flagged() {
    for rule in [RecordRequests::Hub, RecordRequests::Departure] {
        let rules = rules(rule);
        let request = from("IE002", "MLBKO001", "requestingOffice");
        let passed = apply(&rules, &released(), &request).unwrap();
        let t = decide_with(&rules, Some(&passed), &granted("IE003", "MLBKO001"), now()).unwrap();
        assert_eq!(
            t.movement.destination_office.as_str(),
            "MLBKO001",
            "{rule:?}"
        );
        assert_eq!(
            told(&t.outgoing),
            vec![(MessageType::ArrivalRecordResponse, "MLBKO001".into())]
        );
        // Mali is now on the itinerary: an incident there is recorded.
        let incident = from("IE180", "MLBKO001", "reportingOffice");
        assert!(apply(&rules, &t.movement, &incident).is_ok(), "{rule:?}");
        let written_off = discharge_at(&t.movement, "MLBKO001");
        assert_eq!(written_off.state, MovementState::WrittenOff);
        let flag = written_off.discharged_off_route.expect("flagged");
        assert_eq!(flag.office, OfficeRef::parse("MLBKO001").unwrap());
        assert_eq!(flag.message_id.to_string().len(), 36);
    }
}
