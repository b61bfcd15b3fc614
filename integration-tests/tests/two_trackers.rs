//! Two tracker instances in one consumer group share the country topics (two partitions each)
//! and the outbox, and every movement is still processed exactly once.

use chrono::Utc;
use integration_tests::Stack;
use transit_scenario::{Corridor, Movement};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_trackers_process_every_movement_exactly_once() {
    let mut stack = Stack::new()
        .with_countries(&["CI", "BF"])
        .with_trackers(2)
        .start()
        .await;
    let (ci, bf) = (stack.adapter("CI"), stack.adapter("BF"));
    let border = Corridor::abidjan_ouagadougou().transit[0].clone();
    let movements: Vec<Movement> = (0..16)
        .map(|_| Movement::new(Corridor::abidjan_ouagadougou(), Utc::now()))
        .collect();

    for m in &movements {
        ci.submit(&m.release()).await.expect("release accepted");
    }
    for m in &movements {
        let mrn = m.mrn.to_string();
        stack
            .wait_for_deliveries("BF", &mrn, "both records", |rows| rows.len() >= 2)
            .await;
        bf.submit(&m.passage(&border, Utc::now())).await.unwrap();
        bf.submit(&m.arrival(Utc::now())).await.unwrap();
    }
    let queries = stack.tracker_queries().await;
    for m in &movements {
        let mrn = m.mrn.to_string();
        let back = stack
            .wait_for_deliveries("CI", &mrn, "both confirmations", |rows| rows.len() >= 2)
            .await;
        assert_eq!(
            back.len(),
            2,
            "{mrn}: {:?}",
            back.iter().map(|d| &d.message_type).collect::<Vec<_>>()
        );
        let bf_rows = stack
            .wait_for_deliveries("BF", &mrn, "both records", |rows| rows.len() >= 2)
            .await;
        assert_eq!(bf_rows.len(), 2, "{mrn}: a record was delivered twice");
        let stored = queries.movement(&mrn).await.unwrap().unwrap();
        assert_eq!(
            (stored.movement.state.as_str(), stored.version),
            ("Arrived", 3),
            "{mrn}"
        );
        assert_eq!(
            queries.timeline(&mrn).await.unwrap().len(),
            3,
            "{mrn}: an event was logged twice"
        );
    }
    stack.assert_running();
}
