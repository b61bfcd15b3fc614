use chrono::{TimeZone, Utc};
use transit_model::{FunctionalErrorCode as Code, MessageType, Participant, StandardMessage};

use super::*;

fn example(name: &str) -> StandardMessage {
    let path = format!(
        "{}/../../schemas/transit/v1/examples/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    transit_codec::json::decode(&bytes).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap()
}

fn released() -> Movement {
    decide(None, &example("IE029"), now()).unwrap().movement
}

fn recipients(outgoing: &[StandardMessage]) -> Vec<(MessageType, String)> {
    outgoing
        .iter()
        .map(|m| (m.message_type(), m.header().recipient.as_str().to_owned()))
        .collect()
}

#[test]
fn release_sends_a_transit_record_to_each_transit_office_and_an_arrival_record_to_destination() {
    let t = decide(None, &example("IE029"), now()).unwrap();
    assert_eq!(t.movement.state, MovementState::Released);
    assert_eq!(
        recipients(&t.outgoing),
        vec![
            (MessageType::AnticipatedTransitRecord, "BFNGK001".into()),
            (MessageType::AnticipatedArrivalRecord, "BFOUA001".into()),
        ]
    );
    let release_id = example("IE029").id();
    for copy in &t.outgoing {
        assert_eq!(copy.header().correlation_id, Some(release_id));
        assert_eq!(copy.header().prepared_at, now());
    }
    // Deciding again gives the same copies, ids included: replays are idempotent downstream.
    assert_eq!(decide(None, &example("IE029"), now()).unwrap(), t);
}

#[test]
fn passage_and_arrival_go_back_to_departure() {
    let movement = released();
    let passage = decide(Some(&movement), &example("IE118"), now()).unwrap();
    assert_eq!(
        recipients(&passage.outgoing),
        vec![(MessageType::NotificationCrossingFrontier, "CIABJ001".into())]
    );
    assert_eq!(passage.outgoing[0].id(), example("IE118").id());
    assert!(passage.movement.route[0].crossed_at.is_some());
    assert_eq!(passage.movement.state, MovementState::Released);

    let arrival = decide(Some(&passage.movement), &example("IE006"), now()).unwrap();
    assert_eq!(arrival.movement.state, MovementState::Arrived);
    assert_eq!(
        recipients(&arrival.outgoing),
        vec![(MessageType::ArrivalAdvice, "CIABJ001".into())]
    );
}

#[test]
fn a_late_passage_after_arrival_is_recorded_not_refused() {
    let arrived = decide(Some(&released()), &example("IE006"), now())
        .unwrap()
        .movement;
    let late = decide(Some(&arrived), &example("IE118"), now()).unwrap();
    assert_eq!(late.movement.state, MovementState::Arrived);
    assert!(late.movement.route[0].crossed_at.is_some());
}

#[test]
fn refusals_carry_their_ncts_code() {
    let movement = released();
    let cases: Vec<(Option<&Movement>, StandardMessage, Code, &str)> = vec![
        (None, example("IE118"), Code::UnknownMrn, "/header/mrn"),
        (
            Some(&movement),
            example("IE029"),
            Code::OutOfSequence,
            "/header/mrn",
        ),
        (
            Some(&movement),
            decide(None, &example("IE029"), now()).unwrap().outgoing[0].clone(),
            Code::RuleViolation,
            "/header/messageType",
        ),
    ];
    for (current, message, code, pointer) in cases {
        let r = decide(current, &message, now()).unwrap_err();
        assert_eq!((r.code, r.pointer.as_str()), (code, pointer), "{r}");
    }

    let twice = decide(Some(&released()), &example("IE118"), now())
        .unwrap()
        .movement;
    let r = decide(Some(&twice), &example("IE118"), now()).unwrap_err();
    assert_eq!(r.code, Code::OutOfSequence);

    let arrived = decide(Some(&released()), &example("IE006"), now())
        .unwrap()
        .movement;
    let r = decide(Some(&arrived), &example("IE006"), now()).unwrap_err();
    assert_eq!(r.code, Code::OutOfSequence);
}

#[test]
fn an_office_may_only_speak_for_itself() {
    let mut header = example("IE118").header().clone();
    header.sender = Participant::parse("BFOUA001").unwrap();
    let forged = StandardMessage::new(header, example("IE118").body().clone()).unwrap();
    let r = decide(Some(&released()), &forged, now()).unwrap_err();
    assert_eq!(
        (r.code, r.pointer.as_str()),
        (Code::RuleViolation, "/header/sender")
    );
}

#[test]
fn nack_answers_the_sender_with_the_code() {
    let refused = example("IE118");
    let r = decide(None, &refused, now()).unwrap_err();
    let nack = r.to_nack(&refused, now());
    assert_eq!(nack.message_type(), MessageType::FunctionalNack);
    assert_eq!(nack.header().recipient.as_str(), "BFNGK001");
    assert_eq!(nack.header().correlation_id, Some(refused.id()));
    let transit_model::Body::FunctionalNack(body) = nack.body() else {
        panic!("not a nack")
    };
    assert_eq!(u8::from(body.errors[0].code), 90);
}

#[test]
fn catalogue_messages_outside_this_slice_are_refused_openly() {
    let movement = released();
    for code in ["IE180", "IE018", "IE010", "IE114"] {
        let r = decide(Some(&movement), &example(code), now()).unwrap_err();
        assert_eq!(r.code, Code::RuleViolation, "{code}");
        assert!(r.reason.contains("does not process"), "{code}: {r}");
    }
    for code in ["IE045", "IE095", "IE181", "IE917"] {
        let r = decide(Some(&movement), &example(code), now()).unwrap_err();
        assert!(r.reason.contains("never to the hub"), "{code}: {r}");
    }
}
