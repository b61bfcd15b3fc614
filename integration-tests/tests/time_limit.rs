//! The arrival time limit passes with no arrival: the tracker's timer (driven from the
//! database) recommends an enquiry and tells the departure (IE095), the departure asks the
//! destination, the destination proves
//! the arrival, and the movement is written off with its guarantee released.

use std::time::{Duration, Instant};

use chrono::Utc;
use integration_tests::{Stack, PATIENCE};
use sigmat::scenario::{Corridor, Movement};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enquiry_after_the_time_limit_ends_in_a_write_off() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    let queries = stack.tracker_queries().await;
    // Released eight days ago: the seven-day limit passed yesterday.
    let movement = Movement::new(
        Corridor::abidjan_ouagadougou(),
        Utc::now() - chrono::Duration::days(8),
    );
    let mrn = movement.mrn.to_string();
    stack
        .adapter("CI")
        .submit(&movement.release())
        .await
        .expect("release accepted");

    let started = Instant::now();
    loop {
        let state = queries
            .movement(&mrn)
            .await
            .unwrap()
            .map(|m| m.movement.state.as_str());
        if state == Some("EnquiryRecommended") {
            break;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "the timer never marked {mrn} overdue (state {state:?})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let timeline = queries.timeline(&mrn).await.unwrap();
    assert_eq!(
        timeline.last().map(|e| e.message_type.as_str()),
        Some("TIME-LIMIT")
    );

    // The departure is told, in the same transaction: its status, EnquiryRecommended.
    let told = stack
        .wait_for_deliveries(
            "CI",
            &mrn,
            "the enquiry recommended to the departure",
            |rows| rows.iter().any(|d| d.message_type == "IE095"),
        )
        .await;
    let notice = told.iter().find(|d| d.message_type == "IE095").unwrap();
    assert_eq!(notice.message["body"]["state"], "EnquiryRecommended");
    assert_eq!(notice.recipient, "CIABJ001");

    stack
        .adapter("CI")
        .submit(&movement.enquiry(Utc::now()))
        .await
        .expect("enquiry accepted");
    stack
        .wait_for_deliveries("BF", &mrn, "the enquiry", |rows| {
            rows.iter().any(|d| d.message_type == "IE142")
        })
        .await;
    let arrived = Utc::now() - chrono::Duration::days(2);
    stack
        .adapter("BF")
        .submit(&movement.proof_of_arrival(Utc::now(), arrived))
        .await
        .expect("proof accepted");

    let back = stack
        .wait_for_deliveries("CI", &mrn, "the proof and the write-off", |rows| {
            rows.iter().any(|d| d.message_type == "IE045")
        })
        .await;
    assert!(back.iter().any(|d| d.message_type == "IE144"));
    let write_off = back.iter().find(|d| d.message_type == "IE045").unwrap();
    assert_eq!(write_off.message["body"]["guaranteeReleased"], true);
    assert_eq!(
        write_off.message["body"]["guaranteeReferenceId"],
        "GRN-CI-77881"
    );

    let stored = queries.movement(&mrn).await.unwrap().unwrap().movement;
    assert_eq!(stored.state.as_str(), "WrittenOff");
    assert!(stored.guarantee_released);
    let states: Vec<Option<String>> = queries
        .timeline(&mrn)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.state_after)
        .collect();
    assert_eq!(
        states,
        [
            "Released",
            "EnquiryRecommended",
            "UnderEnquiry",
            "WrittenOff"
        ]
        .map(|s| Some(s.to_owned()))
        .to_vec()
    );
}
