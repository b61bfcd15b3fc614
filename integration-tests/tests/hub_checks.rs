//! The hub's own checks hold even where an adapter does not: a message put on another
//! country's topic is refused (IE906, code 14) without claiming its id, so the genuine message
//! with that id, arriving later from its own country, is still applied — and a redelivery of
//! the foreign copy is not refused twice.

use std::time::{Duration, Instant};

use chrono::Utc;
use integration_tests::{Stack, PATIENCE};
use transit_codec::json;
use transit_kafka::OutgoingRecord;
use transit_model::CountryCode;
use transit_scenario::{Corridor, Movement};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_copy_cannot_claim_a_countrys_message_id() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    let release = movement.release();
    let mrn = movement.mrn.to_string();

    // Côte d'Ivoire's release, word for word, put on Burkina Faso's topic first — twice, as a
    // redelivery would.
    let bf_topic = stack.topics.to_hub(CountryCode::parse("BF").unwrap());
    let copy = OutgoingRecord::for_message(bf_topic, &release, json::encode(&release));
    stack.publish(std::slice::from_ref(&copy)).await;
    stack.publish(&[copy]).await;
    let queries = stack.tracker_queries().await;
    let started = Instant::now();
    let refused = loop {
        let timeline = queries.timeline(&mrn).await.unwrap();
        if !timeline.is_empty() {
            break timeline;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "the foreign copy was never refused"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(refused[0].outcome, "rejected");
    assert_eq!(refused[0].error_code, Some(14), "{:?}", refused[0].reason);

    // The genuine release, from Côte d'Ivoire's adapter, with the same id: applied.
    stack
        .adapter("CI")
        .submit(&release)
        .await
        .expect("release accepted by CI's adapter");
    let started = Instant::now();
    loop {
        if let Some(stored) = queries.movement(&mrn).await.unwrap() {
            assert_eq!(stored.movement.state.as_str(), "Released");
            break;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "the genuine release was dropped: its id had been claimed by the foreign copy"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The tracker has counted all three records in — both foreign copies and the genuine
    // release — whichever topic it read first: the redelivered copy has been handled too.
    stack
        .wait_for_metric(
            "tracker",
            "sigmat_tracker_messages_in_total",
            3.0,
            "the two foreign copies and the release",
        )
        .await;
    let timeline = queries.timeline(&mrn).await.unwrap();
    let outcomes: Vec<&str> = timeline.iter().map(|e| e.outcome.as_str()).collect();
    assert_eq!(
        outcomes,
        ["rejected", "accepted"],
        "the redelivered foreign copy was refused twice, or the release applied twice"
    );
}
