//! The tracker's consumer group disrupted while traffic flows: members join, one crashes
//! (SIGKILL, mid-batch perhaps) and one leaves cleanly, each rebalance moving partitions
//! between them. Every release must still reach Burkina Faso as exactly its two records, and be
//! logged exactly once.

use std::time::Duration;

use chrono::Utc;
use integration_tests::Stack;
use transit_scenario::{Corridor, Movement};

const MOVEMENTS: usize = 60;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_arrives_once_while_trackers_join_crash_and_leave() {
    let mut stack = Stack::new().with_countries(&["CI", "BF"]).start().await;
    let ci = stack.adapter("CI");
    let movements: Vec<Movement> = (0..MOVEMENTS)
        .map(|_| Movement::new(Corridor::abidjan_ouagadougou(), Utc::now()))
        .collect();
    for (i, movement) in movements.iter().enumerate() {
        match i {
            6 => stack.add_tracker("tracker-2"),
            18 => stack.add_tracker("tracker-3"),
            33 => stack.stop_service("tracker-2", true),
            48 => stack.stop_service("tracker-3", false),
            _ => {}
        }
        ci.submit(&movement.release())
            .await
            .expect("release accepted");
        tokio::time::sleep(Duration::from_millis(120)).await;
    }

    for movement in &movements {
        let mrn = movement.mrn.to_string();
        stack
            .wait_for_deliveries("BF", &mrn, "both records", |rows| rows.len() >= 2)
            .await;
    }
    // A release read again after the crash (its batch stored, its offsets not committed) is
    // read before anything after it on its partition: once a marker put after each release,
    // under its MRN, has been read, every release has been decided as often as it ever will be.
    let mrns: Vec<String> = movements.iter().map(|m| m.mrn.to_string()).collect();
    let keys: Vec<&str> = mrns.iter().map(String::as_str).collect();
    let ci_topic = stack
        .topics
        .to_hub(transit_model::CountryCode::parse("CI").unwrap());
    stack
        .mark_read(&ci_topic, &keys, "after every release")
        .await;
    let queries = stack.tracker_queries().await;
    let bf = stack.adapter_store("BF").await;
    let delivered = bf.all().await.unwrap();
    for movement in &movements {
        let mrn = movement.mrn.to_string();
        let copies = delivered.iter().filter(|d| d.mrn == mrn).count();
        assert_eq!(copies, 2, "{mrn}: {copies} records at BF");
        assert_eq!(
            queries.timeline(&mrn).await.unwrap().len(),
            1,
            "{mrn}: the release was logged more than once"
        );
    }
    stack.assert_running();
}
