//! A guarantee followed to the end on the real stack: a release engages it in every country of
//! the route (the operators' exposure counts it in Côte d'Ivoire and in Burkina Faso), an
//! invalidation releases it (the exposure falls to nothing), and the guarantors' topic carries
//! both changes, once each and in order, as the published schema describes them.

use chrono::Utc;
use integration_tests::Stack;
use serde_json::Value;
use transit_kafka::header;
use transit_lifecycle::{GuaranteeChange, GuaranteeEvent};
use transit_model::Body;
use transit_scenario::{Corridor, Movement};

async fn exposure(stack: &Stack, token: &str) -> Vec<Value> {
    let answer = stack.api_get("/api/v1/stats/exposure", token).await;
    answer.as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancellation_releases_the_guarantee_and_the_guarantor_is_told() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("operator", "operator", None, None);
    let token = stack
        .api_as("operator")
        .await
        .token()
        .expect("a session token")
        .to_owned();
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    let mrn = movement.mrn.to_string();
    let release = movement.release();
    let Body::ReleaseForTransit(declaration) = release.body() else {
        panic!("a release carries its declaration");
    };
    let amount = declaration
        .obligation_guarantee
        .as_ref()
        .and_then(|g| g.amount_amount.clone())
        .expect("a release carries the guarantee's amount");

    stack
        .adapter("CI")
        .submit(&release)
        .await
        .expect("release accepted");
    stack
        .wait_for_deliveries("BF", &mrn, "the records", |rows| {
            rows.iter().any(|d| d.message_type == "IE001")
        })
        .await;
    let open = exposure(&stack, &token).await;
    let countries: Vec<(&str, &str, i64)> = open
        .iter()
        .map(|e| {
            (
                e["country"].as_str().unwrap(),
                e["amount"].as_str().unwrap(),
                e["movements"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        countries,
        [("BF", amount.as_str(), 1), ("CI", amount.as_str(), 1)],
        "the guarantee covers the duties of the transit country too: {open:?}"
    );

    stack
        .adapter("CI")
        .submit(&movement.invalidation(Utc::now()))
        .await
        .expect("invalidation accepted");
    stack
        .wait_for_deliveries("BF", &mrn, "the invalidation", |rows| {
            rows.iter().any(|d| d.message_type == "IE010")
        })
        .await;
    let stored = stack
        .tracker_queries()
        .await
        .movement(&mrn)
        .await
        .unwrap()
        .unwrap()
        .movement;
    assert_eq!(stored.state.as_str(), "Cancelled");
    assert!(
        stored.guarantee_released,
        "a cancellation releases the guarantee"
    );
    assert_eq!(exposure(&stack, &token).await, Vec::<Value>::new());

    let records = stack
        .read_topic(&stack.topics.guarantees(), |records| {
            records
                .iter()
                .filter(|r| r.key.as_deref() == Some(mrn.as_str()))
                .count()
                >= 2
        })
        .await;
    let events: Vec<GuaranteeEvent> = records
        .iter()
        .filter(|r| r.key.as_deref() == Some(mrn.as_str()))
        .map(|r| {
            assert_eq!(
                r.headers.get(header::EVENT_TYPE).map(String::as_str),
                Some("guarantee")
            );
            serde_json::from_slice(&r.payload).expect("a guarantee event")
        })
        .collect();
    let changes: Vec<(GuaranteeChange, &str)> = events
        .iter()
        .map(|e| (e.change, e.state.as_str()))
        .collect();
    assert_eq!(
        changes,
        [
            (GuaranteeChange::Engaged, "Released"),
            (GuaranteeChange::Released, "Cancelled")
        ]
    );
    let route: Vec<&str> = events[1].countries.iter().map(|c| c.as_str()).collect();
    assert_eq!(route, ["CI", "BF"]);
    assert_eq!(events[1].guarantee.amount_amount, Some(amount));
}
