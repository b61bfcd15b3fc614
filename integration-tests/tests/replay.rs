//! Replaying a movement's event log from the database rebuilds exactly the stored movement, over
//! sixty movements with random histories (passages, diversions, incidents, arrivals,
//! cancellations, enquiries, duplicates, refused messages, overdue time limits) through the
//! real services.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::Utc;
use integration_tests::{Stack, PATIENCE};
use transit_lifecycle::{replay, LoggedEvent};
use transit_model::{OfficeRef, StandardMessage};
use transit_scenario::{Corridor, Movement};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_equals_stored_state() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    let (ci, bf) = (stack.adapter("CI"), stack.adapter("BF"));
    let office = |c: &str| OfficeRef::parse(c).unwrap();
    let (border, yendere, bobo) = (office("BFNGK001"), office("BFYEN001"), office("BFBBD001"));
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut submitted: HashSet<String> = HashSet::new();
    for n in 0..60u32 {
        // Every fifth movement was released eight days ago: the timer finds it overdue.
        let released_at = if n % 5 == 0 {
            Utc::now() - chrono::Duration::days(8)
        } else {
            Utc::now()
        };
        let m = Movement::new(Corridor::abidjan_ouagadougou(), released_at);
        let mut sent: Vec<(bool, StandardMessage)> = vec![(true, m.release())];
        for _ in 0..(next() % 6) {
            let (from_ci, message) = match next() % 10 {
                0 => (false, m.passage(&border, Utc::now())),
                1 => (false, m.arrival(Utc::now())),
                2 => (false, m.incident(&border, Utc::now())),
                3 => (true, m.invalidation(Utc::now())),
                4 => (true, m.enquiry(Utc::now())),
                5 => (false, m.transit_record_request(&yendere, Utc::now())),
                6 => (false, m.passage(&yendere, Utc::now())),
                7 => (false, m.arrival_record_request(&bobo, Utc::now())),
                8 => (false, m.arrival_at(&bobo, Utc::now())),
                _ => sent[(next() % sent.len() as u64) as usize].clone(), // a duplicate
            };
            sent.push((from_ci, message));
        }
        for (from_ci, message) in &sent {
            let adapter = if *from_ci { &ci } else { &bf };
            adapter
                .submit(message)
                .await
                .expect("the adapter publishes; the hub judges");
            submitted.insert(message.id().to_string());
        }
    }

    let queries = stack.tracker_queries().await;
    let started = Instant::now();
    while queries.processed_count().await.unwrap() < submitted.len() as i64 {
        stack.assert_running();
        assert!(
            started.elapsed() < PATIENCE,
            "the tracker did not process every message"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The timer has taken its look: no movement left past its time limit and not marked so.
    let pool = stack.tracker_pool().await;
    let started = Instant::now();
    loop {
        let due: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM movements WHERE state = 'Released' AND arrival_time_limit < now()",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        if due == 0 {
            break;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "{due} movements past their time limit not marked overdue"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let mrns = queries.mrns().await.unwrap();
    assert_eq!(mrns.len(), 60);
    let mut overdue = 0;
    for mrn in &mrns {
        let log = queries.accepted_log(mrn).await.unwrap();
        let events: Vec<LoggedEvent> = log
            .into_iter()
            .map(|(message_type, message, received_at)| {
                if message_type == "TIME-LIMIT" {
                    overdue += 1;
                    LoggedEvent::TimeLimitPassed(received_at)
                } else {
                    let bytes = serde_json::to_vec(&message).unwrap();
                    LoggedEvent::Message(
                        Box::new(
                            transit_codec::json::decode(&bytes).expect("logged messages decode"),
                        ),
                        received_at,
                    )
                }
            })
            .collect();
        let rebuilt = replay(&events).expect("replay accepts what was accepted");
        let stored = queries.movement(mrn).await.unwrap().map(|r| r.movement);
        assert_eq!(
            rebuilt, stored,
            "{mrn}: replay differs from the stored movement"
        );
    }
    assert!(overdue > 0, "no overdue movement was replayed");
}
