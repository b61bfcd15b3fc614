//! The tracker's configured rules on the real database. `record_requests = "departure"`: a
//! record request from an office that is not on the route is passed on to the departure, and
//! the movement is diverted only when the departure's answer grants the record — which the hub
//! passes on to the office that asked (the default, the hub answering at once, is in flows.rs
//! and national.rs). `recovery_on_incidents`: an incident of a listed code puts the movement
//! under recovery and tells its guarantor.

use chrono::Utc;
use integration_tests::{consumed, scratch_tracker};
use tracker::intake::BatchProcessor;
use transit_lifecycle::{RecordRequests, Rules};
use transit_model::{CountryCode, OfficeRef, StandardMessage};
use transit_scenario::{Corridor, Movement};
use transit_store::tracker::TrackerStore;

/// The message types queued for `country` about `mrn`, with their recipients.
async fn queued(
    pool: &sqlx::PgPool,
    topics: &transit_kafka::Topics,
    country: &str,
    mrn: &str,
) -> Vec<(String, String)> {
    let rows: Vec<(Vec<u8>,)> = sqlx::query_as(
        "SELECT payload FROM outbox WHERE topic = $1 AND record_key = $2 ORDER BY id",
    )
    .bind(topics.from_hub(CountryCode::parse(country).unwrap()))
    .bind(mrn)
    .fetch_all(pool)
    .await
    .unwrap();
    rows.iter()
        .map(|(payload,)| transit_codec::json::decode(payload).unwrap())
        .map(|m| {
            (
                m.message_type().code().to_owned(),
                m.header().recipient.as_str().to_owned(),
            )
        })
        .collect()
}

async fn destination(pool: &sqlx::PgPool, mrn: &str) -> String {
    sqlx::query_scalar("SELECT movement ->> 'destination_office' FROM movements WHERE mrn = $1")
        .bind(mrn)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The departure's own answer granting the record to `office` (the published IE003 example,
/// moved onto this movement).
fn granted(movement: &Movement) -> StandardMessage {
    let text = std::str::from_utf8(include_bytes!(
        "../../schemas/transit/v1/examples/IE003.json"
    ))
    .unwrap()
    .replace("25CIUJZDE8GXD6NCJ0", movement.mrn.as_str());
    transit_codec::json::decode(text.as_bytes()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_departure_answering_the_movement_is_diverted_on_its_grant() {
    let (pool, topics, schema) = scratch_tracker().await;
    let rules = Rules {
        record_requests: RecordRequests::Departure,
        ..Rules::default()
    };
    let processor =
        BatchProcessor::new(TrackerStore::new(pool.clone()), topics.clone()).with_rules(rules);
    let now = Utc::now();
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), now);
    let mrn = movement.mrn.to_string();
    let bobo = OfficeRef::parse("BFBBD001").unwrap();
    processor
        .process(&[consumed(&topics, "CI", &movement.release(), 0)], now)
        .await
        .unwrap();

    // Bobo-Dioulasso asks: the request goes to Abidjan, no record comes from the hub yet.
    let request = movement.arrival_record_request(&bobo, now);
    processor
        .process(&[consumed(&topics, "BF", &request, 0)], now)
        .await
        .unwrap();
    assert!(queued(&pool, &topics, "CI", &mrn)
        .await
        .contains(&("IE002".into(), "CIABJ001".into())));
    assert!(!queued(&pool, &topics, "BF", &mrn)
        .await
        .iter()
        .any(|(t, _)| t == "IE003"));
    assert_eq!(destination(&pool, &mrn).await, "BFOUA001");

    // Abidjan grants it: the movement is diverted and Bobo-Dioulasso gets the record.
    processor
        .process(&[consumed(&topics, "CI", &granted(&movement), 1)], now)
        .await
        .unwrap();
    assert_eq!(destination(&pool, &mrn).await, "BFBBD001");
    assert!(queued(&pool, &topics, "BF", &mrn)
        .await
        .contains(&("IE003".into(), "BFBBD001".into())));
    transit_store::drop_schema(&pool, &schema).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incident_the_rules_list_starts_recovery_and_tells_the_guarantor() {
    let (pool, topics, schema) = scratch_tracker().await;
    let rules = Rules {
        recovery_on_incidents: vec![2],
        ..Rules::default()
    };
    let processor =
        BatchProcessor::new(TrackerStore::new(pool.clone()), topics.clone()).with_rules(rules);
    let now = Utc::now();
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), now);
    let mrn = movement.mrn.to_string();
    let niangoloko = OfficeRef::parse("BFNGK001").unwrap();
    processor
        .process(&[consumed(&topics, "CI", &movement.release(), 0)], now)
        .await
        .unwrap();
    // Seals found broken (code 2), which this administration treats as a loss.
    processor
        .process(
            &[consumed(
                &topics,
                "BF",
                &movement.incident(&niangoloko, now),
                0,
            )],
            now,
        )
        .await
        .unwrap();
    let state: String = sqlx::query_scalar("SELECT state FROM movements WHERE mrn = $1")
        .bind(&mrn)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(state, "UnderRecovery");
    let events: Vec<(Vec<u8>,)> = sqlx::query_as(
        "SELECT payload FROM outbox WHERE topic = $1 AND record_key = $2 ORDER BY id",
    )
    .bind(topics.guarantees())
    .bind(&mrn)
    .fetch_all(&pool)
    .await
    .unwrap();
    let changes: Vec<String> = events
        .iter()
        .map(|(p,)| serde_json::from_slice::<serde_json::Value>(p).unwrap()["change"].to_string())
        .collect();
    assert_eq!(changes, ["\"Engaged\"", "\"UnderRecovery\""]);
    transit_store::drop_schema(&pool, &schema).await.unwrap();
}
