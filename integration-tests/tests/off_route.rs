//! The insider's sequence of issue 28, on the real stack under the demo's rule
//! (`record_requests = "hub"`): an officer at Bamako (Mali), a country the declaration
//! Abidjan → Ouagadougou never names, says the goods are presented there, then sends an
//! arrival, a satisfactory control and an incident. The request goes to the departure and
//! nothing else is taken: the movement stays on its road, and every refusal reads exactly as
//! for an MRN the hub never had. When Abidjan grants the record, Bamako may act, and the
//! discharge there is flagged to the departure's operators.

use chrono::Utc;
use integration_tests::Stack;
use serde_json::json;
use transit_http::client::{ClientError, HubClient};
use transit_model::{MessageType, OfficeRef};
use transit_scenario::{Corridor, Movement};

/// The refusal of `action` on `mrn`, with the MRN blanked so two refusals compare.
async fn refusal(officer: &HubClient, mrn: &str, action: serde_json::Value, key: &str) -> String {
    match officer.act(mrn, &action, key).await {
        Err(ClientError::Refused { answer, .. }) => {
            assert_eq!(answer.status(), 404, "{action}: {answer:?}");
            format!("{} | {}", answer.reason, answer.hint).replace(mrn, "[mrn]")
        }
        other => panic!("{action} was not refused: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_off_the_declared_countries_cannot_discharge_a_movement() {
    let mut stack = Stack::start(&["CI", "BF", "ML"]).await;
    stack.add_user("bamako", "officer", Some("MLBKO001"), None);
    let bamako = stack.api_as("bamako").await;
    let movement = stack.release_to_ouagadougou().await;
    let mrn = movement.mrn.to_string();

    // "The goods are presented here": accepted, and passed to the departure.
    bamako
        .act(
            &mrn,
            &json!({"action": "diversion", "text": "the goods are presented here"}),
            "bko-1",
        )
        .await
        .expect("the request is taken");
    stack
        .wait_for_deliveries("CI", &mrn, "the request at Abidjan", |rows| {
            rows.iter().any(|d| {
                d.message_type == "IE002" && d.message["body"]["requestingOffice"] == "MLBKO001"
            })
        })
        .await;
    // Decided in the same transaction as that copy: the hub granted nothing.
    let queries = stack.tracker_queries().await;
    let stored = queries.movement(&mrn).await.unwrap().unwrap().movement;
    assert_eq!(
        (stored.state.as_str(), stored.destination_office.as_str()),
        ("Released", "BFOUA001")
    );

    // Everything else Bamako tries is refused, word for word as for an unknown MRN.
    let unknown = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now())
        .mrn
        .to_string();
    let as_unknown = refusal(&bamako, &unknown, json!({"action": "arrival"}), "bko-0").await;
    for (action, key) in [
        (json!({"action": "arrival"}), "bko-2"),
        (json!({"action": "control", "sealsIntact": true}), "bko-3"),
        (
            json!({"action": "incident", "code": 3, "place": "Bamako", "description": "transhipped",
                   "replacementVehicle": {"id": "ML-0001-X", "nationality": "ML", "mode": 3}}),
            "bko-4",
        ),
        (json!({"action": "passage"}), "bko-5"),
    ] {
        assert_eq!(refusal(&bamako, &mrn, action, key).await, as_unknown);
    }
    assert!(
        bamako.movement(&mrn).await.unwrap().is_none(),
        "Bamako reads it"
    );
    let stored = queries.movement(&mrn).await.unwrap().unwrap();
    assert_eq!(stored.movement.state.as_str(), "Released");
    assert!(stored.movement.incidents.is_empty());
    assert_eq!(
        stored
            .movement
            .declaration
            .border_transport_means
            .as_ref()
            .map(|m| m.id.as_str()),
        Some("AB-1234-CI")
    );

    // Abidjan grants the record: Bamako is the destination now, and may act there.
    let bamako_office = OfficeRef::parse("MLBKO001").unwrap();
    stack
        .adapter("CI")
        .submit(&movement.record_granted(
            MessageType::ArrivalRecordRequest,
            &bamako_office,
            Utc::now(),
        ))
        .await
        .expect("the departure's grant accepted");
    stack
        .wait_for_deliveries("ML", &mrn, "the record at Bamako", |rows| {
            rows.iter().any(|d| d.message_type == "IE003")
        })
        .await;
    bamako
        .act(&mrn, &json!({"action": "arrival"}), "bko-6")
        .await
        .expect("arrival after the grant");
    stack
        .wait_for_state(&mrn, "Arrived", "the arrival at Bamako")
        .await;
    bamako
        .act(
            &mrn,
            &json!({"action": "control", "sealsIntact": true}),
            "bko-7",
        )
        .await
        .expect("control after the grant");
    stack
        .wait_for_state(&mrn, "WrittenOff", "the discharge at Bamako")
        .await;

    // Côte d'Ivoire's operators see where it was discharged, and by which message.
    stack.add_user("operator-ci", "operator", None, Some("CI"));
    let view = stack
        .api_as("operator-ci")
        .await
        .movement(&mrn)
        .await
        .unwrap()
        .expect("the departure's operator reads it");
    let flag = view
        .discharged_off_route
        .expect("flagged as discharged off route");
    assert_eq!(flag.office, "MLBKO001");
    let control = stack
        .wait_for_deliveries("CI", &mrn, "the control results", |rows| {
            rows.iter().any(|d| d.message_type == "IE018")
        })
        .await;
    assert!(control.iter().any(|d| d.message_type == "IE018"
        && d.message["header"]["messageId"] == flag.message_id.to_string()));
}
