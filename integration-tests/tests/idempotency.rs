//! Idempotency done right: a message the hub refused, sent again, is answered again; a sender's
//! retry that only changes the preparation time is the same message, not a reuse of its id
//! (NCTS 26); and an officer's action retried or double-tapped under one Idempotency-Key is
//! published once as one message, answered "replayed", never refused as a duplicate id.

use chrono::{Duration, Utc};
use integration_tests::{consumed, scratch_tracker, Stack};
use reqwest::StatusCode;
use tracker::intake::BatchProcessor;
use transit_model::{CountryCode, StandardMessage};
use transit_scenario::{Corridor, Movement};
use transit_store::tracker::TrackerStore;

/// The IE906 queued for `country`'s national system about `mrn`, as (message id, NCTS codes).
async fn answers(
    pool: &sqlx::PgPool,
    topics: &transit_kafka::Topics,
    country: &str,
    mrn: &str,
) -> Vec<(uuid::Uuid, Vec<u8>)> {
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
        .filter(|m| m.message_type().code() == "IE906")
        .map(|m| {
            let codes = match m.body() {
                transit_model::Body::FunctionalNack(nack) => {
                    nack.errors.iter().map(|e| u8::from(e.code)).collect()
                }
                _ => vec![],
            };
            (m.id().as_uuid(), codes)
        })
        .collect()
}

fn prepared_later(message: &StandardMessage) -> StandardMessage {
    let mut header = message.header().clone();
    header.prepared_at += Duration::seconds(42);
    StandardMessage::new(header, message.body().clone()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_message_sent_again_is_answered_again() {
    let (pool, topics, schema) = scratch_tracker().await;
    let processor = BatchProcessor::new(TrackerStore::new(pool.clone()), topics.clone());
    let now = Utc::now();
    // An arrival for a movement the hub does not know: refused with 90.
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), now);
    let arrival = movement.arrival(now);
    let mrn = movement.mrn.to_string();
    processor
        .process(&[consumed(&topics, "BF", &arrival, 0)], now)
        .await
        .unwrap();
    let first = answers(&pool, &topics, "BF", &mrn).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].1, vec![90]);

    // The same record read again (a consumer restart): nothing new is said.
    processor
        .process(&[consumed(&topics, "BF", &arrival, 0)], now)
        .await
        .unwrap();
    assert_eq!(answers(&pool, &topics, "BF", &mrn).await.len(), 1);

    // The national system sends it again (it lost the answer), even prepared anew: the same
    // answer again, under a new id so that its adapter delivers it.
    processor
        .process(
            &[consumed(&topics, "BF", &prepared_later(&arrival), 7)],
            now,
        )
        .await
        .unwrap();
    let again = answers(&pool, &topics, "BF", &mrn).await;
    assert_eq!(again.len(), 2, "{again:?}");
    assert_eq!(again[1].1, vec![90], "a different answer: {again:?}");
    assert_ne!(again[0].0, again[1].0);
    transit_store::drop_schema(&pool, &schema).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_prepared_anew_is_the_same_message_not_a_reused_id() {
    let (pool, topics, schema) = scratch_tracker().await;
    let processor = BatchProcessor::new(TrackerStore::new(pool.clone()), topics.clone());
    let now = Utc::now();
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), now);
    let release = movement.release();
    let mrn = movement.mrn.to_string();
    processor
        .process(&[consumed(&topics, "CI", &release, 0)], now)
        .await
        .unwrap();
    processor
        .process(
            &[consumed(&topics, "CI", &prepared_later(&release), 1)],
            now,
        )
        .await
        .unwrap();
    assert!(
        answers(&pool, &topics, "CI", &mrn).await.is_empty(),
        "the retry was refused"
    );
    let (events,): (i64,) = sqlx::query_as("SELECT count(*) FROM movement_events WHERE mrn = $1")
        .bind(&mrn)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(events, 1);
    transit_store::drop_schema(&pool, &schema).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officers_double_tap_is_one_message_answered_replayed() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("niangoloko", "officer", Some("BFNGK001"), None);
    let movement = stack.release_to_ouagadougou().await;
    let mrn = movement.mrn.to_string();
    let officer = stack.api_as("niangoloko").await;
    let token = officer.token().unwrap().to_owned();
    let tap = || {
        reqwest::Client::new()
            .post(format!(
                "{}/api/v1/movements/{mrn}/actions",
                stack.api_url()
            ))
            .bearer_auth(&token)
            .header("Idempotency-Key", "tap-1")
            .json(&serde_json::json!({"action": "passage"}))
            .send()
    };
    // Six taps at once, then one more after a while (a retry of a lost answer).
    let taps = futures_util::future::join_all((0..6).map(|_| tap())).await;
    let mut replayed = 0;
    for answer in taps.into_iter().chain([tap().await]) {
        let answer = answer.unwrap();
        assert!(
            matches!(answer.status(), StatusCode::ACCEPTED | StatusCode::OK),
            "{}",
            answer.status()
        );
        let body: serde_json::Value = answer.json().await.unwrap();
        replayed += usize::from(body["replayed"] == true);
    }
    assert_eq!(replayed, 6, "all but the first are replays");

    // The tracker applied one passage and refused nothing: every tap's message was published
    // before it was answered, on Burkina Faso's topic under the MRN, so once a marker put there
    // after them has been read, each has been decided.
    let bf_topic = stack.topics.to_hub(CountryCode::parse("BF").unwrap());
    stack.mark_read(&bf_topic, &[&mrn], "after the taps").await;
    let pool = stack.tracker_pool().await;
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT message_type, outcome FROM movement_events WHERE mrn = $1 ORDER BY seq",
    )
    .bind(&mrn)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        vec![
            ("IE029".to_owned(), "accepted".to_owned()),
            ("IE118".to_owned(), "accepted".to_owned())
        ]
    );
}
