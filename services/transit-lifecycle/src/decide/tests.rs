use std::collections::{HashMap, HashSet};

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use transit_model::{FunctionalErrorCode as Code, MessageType, Participant, StandardMessage};

use super::*;
use MovementState as S;

fn example(name: &str) -> StandardMessage {
    let path = format!(
        "{}/../../schemas/transit/v1/examples/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    transit_codec::json::decode(&bytes).unwrap()
}

/// An example with its body edited as JSON (and a fresh id, so it is another message).
fn edited(name: &str, id_salt: &str, edit: impl FnOnce(&mut serde_json::Value)) -> StandardMessage {
    let mut value = serde_json::to_value(example(name)).unwrap();
    edit(&mut value["body"]);
    let id = example(name).id().derive(id_salt);
    value["header"]["messageId"] = id.to_string().into();
    transit_codec::json::decode(&serde_json::to_vec(&value).unwrap()).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap()
}

fn released() -> Movement {
    decide(None, &example("IE029"), now()).unwrap().movement
}

fn in_state(state: MovementState) -> Movement {
    let mut movement = released();
    movement.state = state;
    if !state.is_en_route() && state != S::Cancelled {
        movement.arrived_at = Some(now());
    }
    movement.guarantee_released = matches!(state, S::WrittenOff | S::Cancelled);
    movement
}

fn recipients(outgoing: &[StandardMessage]) -> Vec<(MessageType, String)> {
    outgoing
        .iter()
        .map(|m| (m.message_type(), m.header().recipient.as_str().to_owned()))
        .collect()
}

/// What each example does in each state: `Ok(next state)` or the NCTS code of the refusal.
/// The examples are one movement: CIABJ001 → BFNGK001 → BFOUA001; IE002 comes from BFBBD001 and
/// IE114 from BFYEN001 (undeclared offices), IE018 reports major discrepancies, IE143 says the
/// goods did not arrive and IE144 that they did.
#[test]
fn every_state_and_message_type() {
    type Row = (
        &'static str,
        fn(MovementState) -> Result<MovementState, Code>,
    );
    let en_route = |s: MovementState| s.is_en_route();
    let rows: [Row; 25] = [
        ("IE001", |_| Err(Code::RuleViolation)),
        ("IE002", |s| {
            if s.is_en_route() {
                Ok(s)
            } else {
                Err(Code::OutOfSequence)
            }
        }),
        ("IE003", Ok),
        ("IE006", |s| {
            if s.is_en_route() {
                Ok(S::Arrived)
            } else {
                Err(Code::OutOfSequence)
            }
        }),
        ("IE010", |s| {
            if s.is_en_route() {
                Ok(S::Cancelled)
            } else {
                Err(Code::OutOfSequence)
            }
        }),
        ("IE018", |s| {
            if matches!(s, S::Arrived | S::UnderDiscrepancy) {
                Ok(S::UnderDiscrepancy)
            } else {
                Err(Code::OutOfSequence)
            }
        }),
        ("IE029", |_| Err(Code::OutOfSequence)),
        ("IE045", |_| Err(Code::RuleViolation)),
        ("IE050", |_| Err(Code::RuleViolation)),
        ("IE094", Ok),
        ("IE095", |_| Err(Code::RuleViolation)),
        // A border post syncing after the goods arrived is recorded, not refused.
        ("IE114", |s| {
            if s != S::Cancelled {
                Ok(s)
            } else {
                Err(Code::OutOfSequence)
            }
        }),
        ("IE115", Ok),
        ("IE118", Ok),
        ("IE142", |s| {
            if matches!(s, S::Released | S::EnquiryRecommended) {
                Ok(S::UnderEnquiry)
            } else {
                Err(Code::OutOfSequence)
            }
        }),
        ("IE143", |s| {
            if s == S::UnderEnquiry {
                Ok(s)
            } else {
                Err(Code::OutOfSequence)
            }
        }),
        ("IE144", |s| {
            if s == S::UnderEnquiry {
                Ok(S::WrittenOff)
            } else {
                Err(Code::OutOfSequence)
            }
        }),
        ("IE145", |s| {
            if s == S::UnderEnquiry {
                Ok(s)
            } else {
                Err(Code::OutOfSequence)
            }
        }),
        ("IE150", |s| {
            if s.is_en_route() || s == S::UnderDiscrepancy {
                Ok(S::UnderRecovery)
            } else {
                Err(Code::OutOfSequence)
            }
        }),
        ("IE151", |s| {
            if s == S::UnderRecovery {
                Ok(s)
            } else {
                Err(Code::OutOfSequence)
            }
        }),
        ("IE152", |s| {
            if s == S::UnderRecovery {
                Ok(s)
            } else {
                Err(Code::OutOfSequence)
            }
        }),
        ("IE180", |s| {
            if s.is_en_route() {
                Ok(s)
            } else {
                Err(Code::OutOfSequence)
            }
        }),
        ("IE181", |_| Err(Code::RuleViolation)),
        ("IE906", |_| Err(Code::RuleViolation)),
        ("IE917", |_| Err(Code::RuleViolation)),
    ];
    assert!(en_route(S::Released));
    let covered: HashSet<&str> = rows.iter().map(|(code, _)| *code).collect();
    assert_eq!(
        covered.len(),
        MessageType::ALL.len(),
        "a message type has no row"
    );
    for (code, expected) in rows {
        for state in MovementState::ALL {
            let outcome = decide(Some(&in_state(state)), &example(code), now());
            let got = outcome
                .as_ref()
                .map(|t| t.movement.state)
                .map_err(|r| r.code);
            assert_eq!(got, expected(state), "{code} in {state:?}: {outcome:?}");
            if state.is_terminal() {
                if let Ok(t) = &outcome {
                    assert_eq!(
                        t.movement.state, state,
                        "{code}: terminal {state:?} must absorb"
                    );
                }
            }
        }
    }
}

#[test]
fn release_sends_a_transit_record_to_each_transit_office_and_an_arrival_record_to_destination() {
    let t = decide(None, &example("IE029"), now()).unwrap();
    assert_eq!(t.movement.state, S::Released);
    assert_eq!(
        recipients(&t.outgoing),
        vec![
            (MessageType::AnticipatedTransitRecord, "BFNGK001".into()),
            (MessageType::AnticipatedArrivalRecord, "BFOUA001".into()),
        ]
    );
    for copy in &t.outgoing {
        assert_eq!(copy.header().correlation_id, Some(example("IE029").id()));
    }
    assert_eq!(
        decide(None, &example("IE029"), now()).unwrap(),
        t,
        "deciding twice gives the same copies"
    );
    for code in ["IE118", "IE006", "IE094"] {
        let r = decide(None, &example(code), now()).unwrap_err();
        assert_eq!(r.code, Code::UnknownMrn, "{code}");
    }
}

#[test]
fn passage_arrival_and_satisfactory_control_write_off_and_release_the_guarantee() {
    let passage = decide(Some(&released()), &example("IE118"), now()).unwrap();
    assert_eq!(
        recipients(&passage.outgoing),
        vec![(MessageType::NotificationCrossingFrontier, "CIABJ001".into())]
    );
    assert_eq!(
        passage.outgoing[0].id(),
        example("IE118").id(),
        "the departure sees the border's own id"
    );
    let arrival = decide(Some(&passage.movement), &example("IE006"), now()).unwrap();
    assert_eq!(arrival.movement.state, S::Arrived);

    let satisfactory = edited("IE018", "A1", |b| {
        b["controlResultCode"] = "A1".into();
        b["sealsIntact"] = true.into();
        b["discrepancies"] = serde_json::json!([]);
    });
    let control = decide(Some(&arrival.movement), &satisfactory, now()).unwrap();
    assert_eq!(control.movement.state, S::WrittenOff);
    assert!(control.movement.guarantee_released);
    assert_eq!(
        recipients(&control.outgoing),
        vec![
            (MessageType::DestinationControlResults, "CIABJ001".into()),
            (MessageType::WriteOffNotification, "CIABJ001".into()),
        ]
    );

    // Major discrepancies first, solved by a later satisfactory control.
    let discrepancy = decide(Some(&arrival.movement), &example("IE018"), now()).unwrap();
    assert_eq!(
        (
            discrepancy.movement.state,
            discrepancy.movement.guarantee_released
        ),
        (S::UnderDiscrepancy, false)
    );
    let solved = decide(Some(&discrepancy.movement), &satisfactory, now()).unwrap();
    assert_eq!(solved.movement.state, S::WrittenOff);
}

#[test]
fn a_late_passage_is_recorded_in_any_state_but_only_once() {
    for state in MovementState::ALL {
        let late = decide(Some(&in_state(state)), &example("IE118"), now()).unwrap();
        assert_eq!(late.movement.state, state);
        assert!(late.movement.route[0].crossed_at.is_some());
        let again = decide(Some(&late.movement), &example("IE118"), now()).unwrap_err();
        assert_eq!(again.code, Code::OutOfSequence);
    }
}

#[test]
fn diversion_at_a_border_adds_the_office_and_its_passage_is_then_accepted() {
    let refused = edited("IE118", "yen", |b| b["transitOffice"] = "BFYEN001".into());
    let mut header = refused.header().clone();
    header.sender = Participant::parse("BFYEN001").unwrap();
    let at_yendere = StandardMessage::new(header, refused.body().clone()).unwrap();
    assert_eq!(
        decide(Some(&released()), &at_yendere, now())
            .unwrap_err()
            .code,
        Code::RuleViolation
    );

    let request = decide(Some(&released()), &example("IE114"), now()).unwrap();
    assert_eq!(
        recipients(&request.outgoing),
        vec![
            (MessageType::TransitRecordResponse, "BFYEN001".into()),
            (MessageType::TransitRecordRequest, "CIABJ001".into()),
        ]
    );
    assert!(request
        .movement
        .route
        .iter()
        .any(|p| p.office.as_str() == "BFYEN001" && !p.declared));
    let passage = decide(Some(&request.movement), &at_yendere, now()).unwrap();
    assert_eq!(
        recipients(&passage.outgoing),
        vec![(MessageType::NotificationCrossingFrontier, "CIABJ001".into())]
    );
}

#[test]
fn diversion_at_destination_moves_the_destination() {
    let request = decide(Some(&released()), &example("IE002"), now()).unwrap();
    assert_eq!(request.movement.destination_office.as_str(), "BFBBD001");
    assert_eq!(
        request.movement.diverted_from.as_ref().map(|o| o.as_str()),
        Some("BFOUA001")
    );
    assert_eq!(
        recipients(&request.outgoing)[0],
        (MessageType::ArrivalRecordResponse, "BFBBD001".into())
    );
    // The declared destination no longer receives arrival; the new one does.
    assert_eq!(
        decide(Some(&request.movement), &example("IE006"), now())
            .unwrap_err()
            .code,
        Code::RuleViolation
    );
    let at_bobo = edited("IE006", "bobo", |b| {
        b["destinationOffice"] = "BFBBD001".into()
    });
    let mut header = at_bobo.header().clone();
    header.sender = Participant::parse("BFBBD001").unwrap();
    let at_bobo = StandardMessage::new(header, at_bobo.body().clone()).unwrap();
    assert_eq!(
        decide(Some(&request.movement), &at_bobo, now())
            .unwrap()
            .movement
            .state,
        S::Arrived
    );
}

#[test]
fn invalidation_reaches_every_office_holding_a_copy() {
    let diverted = decide(Some(&released()), &example("IE002"), now())
        .unwrap()
        .movement;
    let t = decide(Some(&diverted), &example("IE010"), now()).unwrap();
    assert_eq!(t.movement.state, S::Cancelled);
    let mut to: Vec<String> = recipients(&t.outgoing)
        .into_iter()
        .map(|(_, office)| office)
        .collect();
    to.sort();
    assert_eq!(to, vec!["BFBBD001", "BFNGK001", "BFOUA001"]);
}

#[test]
fn an_incident_goes_to_the_departure_and_the_offices_ahead() {
    let t = decide(Some(&released()), &example("IE180"), now()).unwrap();
    assert_eq!(t.movement.incidents.len(), 1);
    assert_eq!(
        recipients(&t.outgoing),
        vec![
            (MessageType::IncidentNotification, "CIABJ001".into()),
            (MessageType::IncidentForwarded, "BFOUA001".into()),
        ]
    );
}

#[test]
fn the_time_limit_recommends_an_enquiry_and_proof_of_arrival_writes_off() {
    let movement = released();
    assert_eq!(movement.expire(movement.arrival_time_limit), None);
    let overdue = movement
        .expire(movement.arrival_time_limit + Duration::seconds(1))
        .unwrap();
    assert_eq!(overdue.state, S::EnquiryRecommended);
    let enquiry = decide(Some(&overdue), &example("IE142"), now()).unwrap();
    assert_eq!(
        recipients(&enquiry.outgoing),
        vec![(MessageType::EnquiryRequest, "BFOUA001".into())]
    );
    let negative = decide(Some(&enquiry.movement), &example("IE143"), now()).unwrap();
    assert_eq!(negative.movement.state, S::UnderEnquiry);
    let proof = decide(Some(&negative.movement), &example("IE144"), now()).unwrap();
    assert_eq!(
        (proof.movement.state, proof.movement.guarantee_released),
        (S::WrittenOff, true)
    );
    assert!(recipients(&proof.outgoing)
        .contains(&(MessageType::WriteOffNotification, "CIABJ001".into())));
}

#[test]
fn status_is_answered_by_the_hub() {
    let t = decide(Some(&released()), &example("IE094"), now()).unwrap();
    assert_eq!(
        recipients(&t.outgoing),
        vec![(MessageType::StatusResponse, "BFOUA001".into())]
    );
    assert_eq!(t.outgoing[0].header().sender, Participant::Hub);
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
    let mut header = example("IE010").header().clone();
    header.sender = Participant::parse("BFOUA001").unwrap();
    let forged = StandardMessage::new(header, example("IE010").body().clone()).unwrap();
    assert_eq!(
        decide(Some(&released()), &forged, now()).unwrap_err().code,
        Code::RuleViolation
    );
}

#[test]
fn nack_answers_the_sender_with_the_code() {
    let refused = example("IE118");
    let r = decide(None, &refused, now()).unwrap_err();
    let nack = r.to_nack(&refused, now());
    assert_eq!(nack.message_type(), MessageType::FunctionalNack);
    assert_eq!(nack.header().recipient.as_str(), "BFNGK001");
    let transit_model::Body::FunctionalNack(body) = nack.body() else {
        panic!("not a nack")
    };
    assert_eq!(u8::from(body.errors[0].code), 90);
}

/// The messages a random sequence is drawn from: every example the movement can receive, a
/// satisfactory control, and the passage at a diverted border.
fn pool() -> Vec<StandardMessage> {
    let mut pool: Vec<StandardMessage> = [
        "IE029", "IE118", "IE006", "IE018", "IE010", "IE142", "IE143", "IE144", "IE145", "IE150",
        "IE151", "IE152", "IE180", "IE114", "IE002", "IE094", "IE003", "IE115", "IE050",
    ]
    .iter()
    .map(|c| example(c))
    .collect();
    pool.push(edited("IE018", "A1", |b| {
        b["controlResultCode"] = "A1".into();
        b["discrepancies"] = serde_json::json!([]);
    }));
    pool
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_sequences_keep_the_invariants(picks in proptest::collection::vec(0usize..40, 1..40)) {
        let pool = pool();
        let mut movement: Option<Movement> = None;
        let mut inbox: HashMap<String, StandardMessage> = HashMap::new();
        let mut accepted: Vec<StandardMessage> = Vec::new();
        let mut delivered: HashSet<(String, String)> = HashSet::new();
        let mut terminal: Option<MovementState> = None;
        for pick in picks {
            // Indexes past the pool replay an earlier message: duplicates and reorderings.
            let message = pool[pick % pool.len()].clone();
            let id = message.id().to_string();
            if inbox.insert(id, message.clone()).is_some() {
                continue; // the inbox drops a redelivery
            }
            // A refused message changes nothing.
            if let Ok(t) = decide(movement.as_ref(), &message, now()) {
                // The guarantor hears of every change to the cover, and of nothing else.
                let event = crate::guarantee_event(movement.as_ref(), &t.movement, &message, now());
                let released_now = t.movement.guarantee_released
                    && movement.as_ref().is_some_and(|m| !m.guarantee_released);
                prop_assert_eq!(
                    event.as_ref().map(|e| e.change) == Some(crate::GuaranteeChange::Released),
                    released_now,
                    "{} released the guarantee: {}", message.message_type(), released_now
                );
                prop_assert_eq!(
                    event.as_ref().map(|e| e.change) == Some(crate::GuaranteeChange::Engaged),
                    movement.is_none()
                );
                for out in &t.outgoing {
                    let key = (out.header().recipient.as_str().to_owned(), out.id().to_string());
                    prop_assert!(delivered.insert(key.clone()), "{key:?} sent twice");
                }
                if let Some(state) = terminal {
                    prop_assert_eq!(t.movement.state, state, "terminal state left by {}", message.message_type());
                }
                if t.movement.state.is_terminal() {
                    terminal = Some(t.movement.state);
                }
                accepted.push(message);
                movement = Some(t.movement);
            }
            if let Some(m) = &movement {
                prop_assert_eq!(
                    m.guarantee_released,
                    matches!(m.state, MovementState::WrittenOff | MovementState::Cancelled)
                );
            }
        }
        // Replaying the event log from nothing rebuilds the stored movement.
        let mut replayed: Option<Movement> = None;
        for message in &accepted {
            replayed = Some(decide(replayed.as_ref(), message, now()).expect("replay accepts what was accepted").movement);
        }
        prop_assert_eq!(replayed, movement);
    }
}

#[test]
fn unknown_offices_and_codes_are_refused_with_error_12() {
    type Case = (&'static str, fn(&mut serde_json::Value), &'static str);
    let cases: [Case; 4] = [
        (
            "IE029",
            |b| b["destinationOfficeId"] = "BFZZZ999".into(),
            "/body/destinationOfficeId",
        ),
        (
            "IE029",
            |b| b["obligationGuarantee"]["currencyCode"] = "XYZ".into(),
            "/body/obligationGuarantee/currencyCode",
        ),
        (
            "IE029",
            |b| {
                b["goodsShipment"]["governmentAgencyGoodsItem"][0]["packaging"][0]["typeCode"] =
                    "Q9".into()
            },
            "/body/goodsShipment/governmentAgencyGoodsItem/0/packaging/0/typeCode",
        ),
        (
            "IE180",
            |b| b["countryCode"] = "QQ".into(),
            "/body/countryCode",
        ),
    ];
    for (code, edit, pointer) in cases {
        let message = edited(code, pointer, edit);
        let current = if code == "IE029" {
            None
        } else {
            Some(released())
        };
        let r = decide(current.as_ref(), &message, now()).unwrap_err();
        assert_eq!(
            (r.code, r.pointer.as_str()),
            (Code::CodeListViolation, pointer),
            "{r}"
        );
    }
}

#[test]
fn an_invalidation_releases_the_guarantee_and_tells_the_guarantor() {
    let movement = released();
    let cause = example("IE010");
    let t = decide(Some(&movement), &cause, now()).unwrap();
    assert_eq!(t.movement.state, S::Cancelled);
    assert!(t.movement.guarantee_released);
    let event = crate::guarantee_event(Some(&movement), &t.movement, &cause, now()).unwrap();
    assert_eq!(event.change, crate::GuaranteeChange::Released);
    assert_eq!(event.state, S::Cancelled);
    assert_eq!(event.caused_by_type, MessageType::InvalidationNotification);
    assert_eq!(event.event_id, cause.id().derive("guarantee"));
}

#[test]
fn a_release_engages_the_guarantee_in_every_country_of_the_route() {
    let release = example("IE029");
    let t = decide(None, &release, now()).unwrap();
    let event = crate::guarantee_event(None, &t.movement, &release, now()).unwrap();
    assert_eq!(event.change, crate::GuaranteeChange::Engaged);
    let countries: Vec<&str> = event.countries.iter().map(|c| c.as_str()).collect();
    assert_eq!(countries, ["CI", "BF"]);
    assert_eq!(Some(event.holder), t.movement.declaration.declarant);
}

#[test]
fn a_passage_changes_nothing_for_the_guarantor() {
    let movement = released();
    let passage = example("IE118");
    let t = decide(Some(&movement), &passage, now()).unwrap();
    assert_eq!(
        crate::guarantee_event(Some(&movement), &t.movement, &passage, now()),
        None
    );
}

#[test]
fn a_transhipment_with_new_seals_changes_the_declaration_and_keeps_what_it_replaced() {
    let movement = released();
    let t = decide(Some(&movement), &example("IE180"), now()).unwrap();
    let declaration = &t.movement.declaration;
    assert_eq!(
        declaration
            .border_transport_means
            .as_ref()
            .unwrap()
            .id
            .as_str(),
        "11-JK-2233-BF"
    );
    let seals: Vec<&str> = declaration.goods_shipment.consignment.transport_equipment[0]
        .seal
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(seals, ["BF-S-7781"]);
    let record = t.movement.incidents.last().unwrap();
    let replaced: Vec<&str> = record
        .replaced_seal_ids
        .iter()
        .map(|s| s.as_str())
        .collect();
    assert_eq!(replaced, ["CI-S-0001", "CI-S-0002"]);
    assert_eq!(
        record
            .previous_transport_means
            .as_ref()
            .map(|m| m.id.as_str()),
        Some("AB-1234-CI")
    );
}

#[test]
fn new_seals_on_several_containers_stay_on_the_incident_record() {
    let mut movement = released();
    let equipment = &mut movement
        .declaration
        .goods_shipment
        .consignment
        .transport_equipment;
    let mut second = equipment[0].clone();
    second.sequence_numeric = 2;
    equipment.push(second);
    let before = movement.declaration.clone();
    let broken_seals = edited("IE180", "seals", |b| {
        b["incidentCode"] = 2.into();
        b.as_object_mut()
            .unwrap()
            .remove("replacementTransportMeans");
    });
    let t = decide(Some(&movement), &broken_seals, now()).unwrap();
    assert_eq!(
        t.movement.declaration, before,
        "which container the seals close is not said"
    );
    let record = t.movement.incidents.last().unwrap();
    assert_eq!(record.new_seal_ids.len(), 1);
    assert!(record.replaced_seal_ids.is_empty());
    assert_eq!(record.previous_transport_means, None);
}

#[test]
fn a_late_undeclared_border_after_arrival_is_recorded_and_its_passage_accepted() {
    let arrived = in_state(S::WrittenOff);
    let request = decide(Some(&arrived), &example("IE114"), now()).unwrap();
    assert_eq!(request.movement.state, S::WrittenOff);
    assert!(request
        .movement
        .route
        .iter()
        .any(|p| p.office.as_str() == "BFYEN001" && !p.declared));
    let passage = edited("IE118", "late-yendere", |b| {
        b["transitOffice"] = "BFYEN001".into();
    });
    let mut header = passage.header().clone();
    header.sender = Participant::Office(OfficeRef::parse("BFYEN001").unwrap());
    let passage = StandardMessage::new(header, passage.body().clone()).unwrap();
    let t = decide(Some(&request.movement), &passage, now()).unwrap();
    assert!(t
        .movement
        .route
        .iter()
        .any(|p| p.office.as_str() == "BFYEN001" && p.crossed_at.is_some()));
}

#[test]
fn an_arrival_at_the_office_diverted_to_is_forwarded_to_the_declared_destination() {
    let diverted = decide(Some(&released()), &example("IE002"), now())
        .unwrap()
        .movement;
    let declared = diverted.diverted_from.clone().expect("diverted");
    let arrival = edited("IE006", "diverted-arrival", |b| {
        b["destinationOffice"] = diverted.destination_office.as_str().into();
    });
    let mut header = arrival.header().clone();
    header.sender = Participant::Office(diverted.destination_office.clone());
    let arrival = StandardMessage::new(header, arrival.body().clone()).unwrap();
    let t = decide(Some(&diverted), &arrival, now()).unwrap();
    assert_eq!(
        recipients(&t.outgoing),
        vec![
            (MessageType::ArrivalAdvice, "CIABJ001".into()),
            (MessageType::ArrivalAdvice, declared.as_str().to_owned()),
        ]
    );
}

#[test]
fn goods_turning_up_during_an_enquiry_close_it_at_the_departure() {
    for state in [S::EnquiryRecommended, S::UnderEnquiry] {
        let t = decide(Some(&in_state(state)), &example("IE006"), now()).unwrap();
        assert_eq!(t.movement.state, S::Arrived);
        assert_eq!(
            recipients(&t.outgoing),
            vec![
                (MessageType::ArrivalAdvice, "CIABJ001".into()),
                (MessageType::StatusResponse, "CIABJ001".into()),
            ],
            "{state:?}"
        );
    }
    let on_time = decide(Some(&released()), &example("IE006"), now()).unwrap();
    assert_eq!(on_time.outgoing.len(), 1, "no enquiry to close");
}

#[test]
fn with_the_departure_answering_record_requests_the_movement_changes_on_its_granted_answer() {
    let rules = crate::Rules {
        record_requests: crate::RecordRequests::Departure,
        ..crate::Rules::default()
    };
    let movement = released();
    let request = example("IE002");
    let passed = crate::decide_with(&rules, Some(&movement), &request, now()).unwrap();
    assert_eq!(
        recipients(&passed.outgoing),
        vec![(MessageType::ArrivalRecordRequest, "CIABJ001".into())],
        "passed on to the departure, no record from the hub"
    );
    assert_eq!(
        passed.movement.destination_office,
        movement.destination_office
    );
    // The departure grants it (IE003 from Abidjan): the movement is diverted, the office told.
    let answer = example("IE003");
    let granted = crate::decide_with(&rules, Some(&passed.movement), &answer, now()).unwrap();
    assert_eq!(granted.movement.destination_office.as_str(), "BFBBD001");
    assert_eq!(
        granted.movement.diverted_from.as_ref().map(|o| o.as_str()),
        Some("BFOUA001")
    );
    assert_eq!(
        recipients(&granted.outgoing),
        vec![(MessageType::ArrivalRecordResponse, "BFBBD001".into())]
    );
    // A refused answer changes nothing (IE115 refused in the examples).
    let refused =
        crate::decide_with(&rules, Some(&passed.movement), &example("IE115"), now()).unwrap();
    assert!(refused
        .movement
        .route
        .iter()
        .all(|p| p.office.as_str() != "BFYEN001"));
}

#[test]
fn an_incident_the_rules_list_puts_the_movement_under_recovery_and_tells_the_guarantor() {
    let movement = released();
    let incident = example("IE180"); // code 3, transhipment
    let plain = decide(Some(&movement), &incident, now()).unwrap();
    assert_eq!(plain.movement.state, S::Released, "no rule: recorded only");
    let rules = crate::Rules {
        recovery_on_incidents: vec![3],
        ..crate::Rules::default()
    };
    let t = crate::decide_with(&rules, Some(&movement), &incident, now()).unwrap();
    assert_eq!(t.movement.state, S::UnderRecovery);
    let event = crate::guarantee_event(Some(&movement), &t.movement, &incident, now()).unwrap();
    assert_eq!(event.change, crate::GuaranteeChange::UnderRecovery);
}

#[test]
fn a_record_is_refused_where_the_guarantee_is_not_honoured_and_the_route_stays() {
    let day = now().date_naive();
    // Burkina Faso's guarantor left the scheme the day before.
    let cover = transit_model::reference::GuaranteeCover::from_json(&format!(
        r#"{{"version": "t", "note": "t", "countries": [
            {{"country": "CI", "validFrom": "2026-01-01"}},
            {{"country": "BF", "validFrom": "2026-01-01", "validTo": "{}"}}]}}"#,
        day.pred_opt().unwrap()
    ))
    .unwrap();
    let movement = released();
    for record_requests in [crate::RecordRequests::Hub, crate::RecordRequests::Departure] {
        let rules = crate::Rules {
            record_requests,
            guarantee_cover: cover.clone(),
            ..crate::Rules::default()
        };
        for (request, answer_type, office) in [
            (
                example("IE002"),
                MessageType::ArrivalRecordResponse,
                "BFBBD001",
            ),
            (
                example("IE114"),
                MessageType::TransitRecordResponse,
                "BFYEN001",
            ),
        ] {
            let t = crate::decide_with(&rules, Some(&movement), &request, now()).unwrap();
            assert_eq!(t.movement, movement, "{record_requests:?}: nothing changes");
            assert_eq!(
                recipients(&t.outgoing),
                vec![(answer_type, office.into())],
                "{record_requests:?}: only the office that asked is answered"
            );
            let (Body::ArrivalRecordResponse(r) | Body::TransitRecordResponse(r)) =
                t.outgoing[0].body()
            else {
                panic!("not a record response")
            };
            assert_eq!(r.outcome, transit_model::RecordOutcome::Refused);
            assert!(r.declaration.is_none());
            let reason = r.refusal_reason.as_ref().unwrap().as_str();
            assert!(
                reason.contains("is not honoured in BF on") && reason.contains("BFOUA001"),
                "{reason}"
            );
        }
    }
    // With the built-in cover (every country of the network) the same request is granted.
    let granted = decide(Some(&movement), &example("IE002"), now()).unwrap();
    assert_eq!(granted.movement.destination_office.as_str(), "BFBBD001");
}

/// The reference data published with sigmat, plus `extra` offices (JSON objects as in
/// `schemas/reference/offices.json`).
fn reference_with(extra: &[serde_json::Value]) -> transit_model::reference::ReferenceData {
    let root = format!("{}/../../schemas", env!("CARGO_MANIFEST_DIR"));
    let read = |path: &str| std::fs::read_to_string(format!("{root}/{path}")).unwrap();
    let mut offices: serde_json::Value =
        serde_json::from_str(&read("reference/offices.json")).unwrap();
    offices["offices"]
        .as_array_mut()
        .unwrap()
        .extend(extra.iter().cloned());
    transit_model::reference::ReferenceData::from_json(
        &offices.to_string(),
        &read("reference/corridors.json"),
        [
            &read("codelists/iso3166-1-alpha2.json"),
            &read("codelists/iso4217.json"),
            &read("codelists/unece-rec19.json"),
            &read("codelists/unece-rec21-subset.json"),
            &read("codelists/hs-chapters.json"),
        ],
    )
    .unwrap()
}

#[test]
fn offices_are_checked_against_the_reference_data_the_rules_carry() {
    let to_dedougou = edited("IE029", "to Dédougou", |body| {
        body["destinationOfficeId"] = "BFDDG001".into();
    });
    // Not in the published list: refused, error 12.
    let refused = decide(None, &to_dedougou, now()).unwrap_err();
    assert_eq!(refused.code, Code::CodeListViolation);
    assert!(refused.reason.contains("BFDDG001"), "{}", refused.reason);
    // Listed in the data the rules carry: released.
    let dedougou = serde_json::json!({
        "code": "BFDDG001", "name": "Dédougou", "country": "BF", "roles": ["destination"],
        "latitude": 12.46, "longitude": -3.46, "utcOffset": "+00:00"
    });
    let rules = crate::Rules {
        reference: crate::SharedReference(std::sync::Arc::new(reference_with(&[dedougou]))),
        ..crate::Rules::default()
    };
    let released = crate::decide_with(&rules, None, &to_dedougou, now()).unwrap();
    assert_eq!(released.movement.state, S::Released);
    assert_eq!(released.movement.destination_office.as_str(), "BFDDG001");
}

#[test]
fn an_office_is_refused_outside_its_dates() {
    let to_dedougou = edited("IE029", "to Dédougou", |body| {
        body["destinationOfficeId"] = "BFDDG001".into();
    });
    let today = now().date_naive();
    let dated = |from: chrono::NaiveDate| {
        serde_json::json!({
            "code": "BFDDG001", "name": "Dédougou", "country": "BF", "roles": ["destination"],
            "latitude": 12.46, "longitude": -3.46, "utcOffset": "+00:00",
            "validFrom": from.to_string()
        })
    };
    let rules = |from| crate::Rules {
        reference: crate::SharedReference(std::sync::Arc::new(reference_with(&[dated(from)]))),
        ..crate::Rules::default()
    };
    // Opens tomorrow: refused today, with its date.
    let tomorrow = today.succ_opt().unwrap();
    let refused = crate::decide_with(&rules(tomorrow), None, &to_dedougou, now()).unwrap_err();
    assert_eq!(refused.code, Code::CodeListViolation);
    assert!(
        refused.reason.contains(&format!("from {tomorrow}")),
        "{}",
        refused.reason
    );
    // Opened today: released.
    let released = crate::decide_with(&rules(today), None, &to_dedougou, now()).unwrap();
    assert_eq!(released.movement.state, S::Released);
}

#[test]
fn a_rail_release_lists_its_wagons_and_loads_containers_only_on_them() {
    let rail = |edit: &dyn Fn(&mut serde_json::Value)| {
        let text = include_str!("../../../../schemas/rail/v1/examples/IE029.json");
        let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
        edit(&mut value);
        transit_codec::json::decode(&serde_json::to_vec(&value).unwrap()).unwrap()
    };
    let at = |m: &StandardMessage| decide(None, m, now());
    assert!(at(&rail(&|_| ())).is_ok(), "the rail example is released");
    let consignment = "/body/goodsShipment/consignment";
    let no_wagons = rail(&|v| {
        v.pointer_mut(consignment).unwrap()["departureTransportMeans"] = serde_json::json!([]);
        v.pointer_mut(consignment).unwrap()["transportEquipment"] = serde_json::json!([]);
    });
    assert_eq!(at(&no_wagons).unwrap_err().code, Code::MissingConditional);
    let unknown_wagon = rail(&|v| {
        v.pointer_mut(&format!("{consignment}/transportEquipment/0"))
            .unwrap()["wagonId"] = serde_json::json!("XX-0000");
    });
    let refused = at(&unknown_wagon).unwrap_err();
    assert_eq!(
        refused.pointer,
        "/body/goodsShipment/consignment/transportEquipment/0/wagonId"
    );
    let by_road = rail(&|v| v["body"]["borderTransportMeans"]["modeCode"] = serde_json::json!(3));
    assert_eq!(at(&by_road).unwrap_err().code, Code::NotAllowed);
}
