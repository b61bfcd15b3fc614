//! The arrival time limit passes with no arrival: the tracker's timer (driven from the
//! database) recommends an enquiry and tells the departure (IE095), the departure asks the
//! destination, the destination proves
//! the arrival, and the movement is written off with its guarantee released.

use chrono::Utc;
use integration_tests::Stack;
use transit_scenario::{Corridor, Movement};

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
    stack.national("CI").releases(&movement).await;

    stack
        .wait_for_state(&mrn, "EnquiryRecommended", "the timer marking it overdue")
        .await;
    let timeline = queries.timeline(&mrn).await.unwrap();
    assert_eq!(
        timeline.last().map(|e| e.message_type),
        Some(transit_model::EventType::TimeLimit)
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_arrival_left_without_control_results_is_listed_overdue() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("operator", "operator", None, None);
    let token = stack
        .api_as("operator")
        .await
        .token()
        .expect("a session token")
        .to_owned();
    // Released three days ago (within its seven-day limit), arrived two days ago (more than
    // the default 24 hours), and a second one that arrived an hour ago.
    let late = Movement::new(
        Corridor::abidjan_ouagadougou(),
        Utc::now() - chrono::Duration::days(3),
    );
    let recent = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    for (movement, arrived) in [
        (&late, Utc::now() - chrono::Duration::days(2)),
        (&recent, Utc::now() - chrono::Duration::hours(1)),
    ] {
        stack.national("CI").releases(movement).await;
        stack
            .national("BF")
            .confirms_arrival(movement, arrived)
            .await;
    }
    for movement in [&late, &recent] {
        stack
            .wait_for_state(movement.mrn.as_str(), "Arrived", "the arrivals")
            .await;
    }
    let listed: Vec<String> = stack
        .api_get("/api/v1/stats/overdue", &token)
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["mrn"].as_str().map(str::to_owned))
        .collect();
    assert!(listed.contains(&late.mrn.to_string()), "{listed:?}");
    assert!(!listed.contains(&recent.mrn.to_string()), "{listed:?}");
}
