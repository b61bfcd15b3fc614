//! An incident changes the movement on the real stack: a broken seal replaced at the border
//! becomes the seal the destination officer sees in the declaration, a seal search finds the
//! movement by its new seal and no longer by the broken one, and the incident keeps the seal it
//! replaced.

use std::time::Instant;

use chrono::Utc;
use integration_tests::{Stack, PATIENCE};
use serde_json::Value;
use transit_model::OfficeRef;
use transit_scenario::{Corridor, Movement};

/// The MRNs a seal search finds, as `token`'s officer.
async fn found_by_seal(stack: &Stack, token: &str, seal: &str) -> Vec<String> {
    let page = stack
        .api_get(&format!("/api/v1/movements?seal={seal}"), token)
        .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["mrn"].as_str().map(str::to_owned))
        .collect()
}

fn seals(declaration: &Value) -> Vec<String> {
    declaration["goodsShipment"]["consignment"]["transportEquipment"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["seal"].as_array().unwrap().iter())
        .filter_map(|s| s["id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seal_replaced_at_the_border_is_what_the_destination_sees_and_finds() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("ouagadougou", "officer", Some("BFOUA001"), None);
    let officer = stack.api_as("ouagadougou").await;
    let token = officer.token().expect("a session token").to_owned();
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    let mrn = movement.mrn.to_string();
    stack.national("CI").releases(&movement).await;
    stack
        .wait_for_deliveries("BF", &mrn, "the records", |rows| {
            rows.iter().any(|d| d.message_type == "IE001")
        })
        .await;
    let declared = officer.movement(&mrn).await.unwrap().expect("the movement");
    assert_eq!(seals(&declared.declaration), ["CI-S-0001", "CI-S-0002"]);
    assert_eq!(
        found_by_seal(&stack, &token, "CI-S-0002").await,
        std::slice::from_ref(&mrn)
    );

    // Niangoloko finds CI-S-0002 broken and affixes BF-S-7781 (IE180).
    let niangoloko = OfficeRef::parse("BFNGK001").unwrap();
    stack
        .adapter("BF")
        .submit(&movement.incident(&niangoloko, Utc::now()))
        .await
        .expect("incident accepted");
    let started = Instant::now();
    let now = loop {
        let view = officer.movement(&mrn).await.unwrap().expect("the movement");
        if view.version > declared.version {
            break view;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "the incident never reached the movement"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(seals(&now.declaration), ["BF-S-7781"]);
    assert_eq!(
        found_by_seal(&stack, &token, "BF-S-7781").await,
        std::slice::from_ref(&mrn)
    );
    assert!(found_by_seal(&stack, &token, "CI-S-0002").await.is_empty());

    let stored = stack
        .tracker_queries()
        .await
        .movement(&mrn)
        .await
        .unwrap()
        .unwrap()
        .movement;
    let record = stored.incidents.last().expect("the incident is recorded");
    let replaced: Vec<&str> = record
        .replaced_seal_ids
        .iter()
        .map(|s| s.as_str())
        .collect();
    assert_eq!(replaced, ["CI-S-0001", "CI-S-0002"]);
}
