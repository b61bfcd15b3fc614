//! Several instances of one country's adapter on one schema, on the local stack's PostgreSQL:
//! batches stored at once by several instances are numbered in commit order (a national system
//! reading "after number N" as they come misses none); one instance at a time holds the leader
//! lock, and another gets it when the holder goes; the link's activity is what any instance
//! heard from lately saw.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::{Duration, SubsecRound, Utc};
use transit_store::adapter::{AdapterStore, NewDelivery};
use transit_store::adapter_instances::Activity;
use transit_store::{Component, DatabaseSettings};
use transit_testkit::Isolated;
use uuid::Uuid;

async fn store_of_its_own(test: &Isolated) -> AdapterStore {
    let settings: DatabaseSettings =
        serde_json::from_value(test.database("adapter")).expect("the test's [database] section");
    let pool = transit_store::connect(&settings, Component::Adapter)
        .await
        .expect("the local stack's PostgreSQL (deploy/local/infra-up)");
    AdapterStore::new(pool)
}

fn delivery(message_id: Uuid) -> NewDelivery {
    NewDelivery {
        message_id,
        message_type: "IE001".into(),
        mrn: "26CI00000000000001".into(),
        recipient: "BFOUA001".into(),
        message: "{}".into(),
        format: "standard".into(),
        national: None,
        national_note: None,
        traceparent: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn batches_from_several_instances_are_numbered_in_the_order_they_commit() {
    let test = Isolated::new("ai");
    let store = store_of_its_own(&test).await;
    let done = Arc::new(AtomicBool::new(false));
    // Four instances storing batches of five at once.
    let mut writers = Vec::new();
    let mut written = HashSet::new();
    for _ in 0..4 {
        let batches: Vec<Vec<NewDelivery>> = (0..40)
            .map(|_| (0..5).map(|_| delivery(Uuid::new_v4())).collect())
            .collect();
        written.extend(batches.iter().flatten().map(|d| d.message_id));
        let store = store.clone();
        writers.push(tokio::spawn(async move {
            for batch in batches {
                store.store_deliveries(&batch, Utc::now()).await.unwrap();
            }
        }));
    }
    // A national system reading after the last number it saw, all the while.
    let reader = {
        let (store, done) = (store.clone(), done.clone());
        tokio::spawn(async move {
            let (mut after, mut seen) = (0_i64, HashSet::new());
            loop {
                let finished = done.load(Ordering::SeqCst);
                for row in store.pending(after, 1000).await.unwrap() {
                    after = after.max(row.seq);
                    seen.insert(row.message_id);
                }
                if finished {
                    return seen;
                }
            }
        })
    };
    for writer in writers {
        writer.await.unwrap();
    }
    done.store(true, Ordering::SeqCst);
    let seen = reader.await.unwrap();
    let missed = written.difference(&seen).count();
    assert_eq!(
        missed, 0,
        "a reader following the numbers missed {missed} deliveries"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_instance_leads_and_another_takes_over_when_it_goes() {
    let test = Isolated::new("al");
    let store = store_of_its_own(&test).await;
    let mut first = store.try_lead().await.unwrap().expect("the first leads");
    assert!(first.holds().await);
    assert!(store.try_lead().await.unwrap().is_none(), "two leaders");
    drop(first);
    // The lock goes with the connection, which the server sees closed a moment later.
    let started = std::time::Instant::now();
    let second = loop {
        if let Some(lock) = store.try_lead().await.unwrap() {
            break lock;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "never taken over"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    drop(second);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_is_what_any_instance_heard_from_lately_saw() {
    let test = Isolated::new("aa");
    let store = store_of_its_own(&test).await;
    // PostgreSQL keeps microseconds.
    let now = Utc::now().trunc_subsecs(6);
    let at = |minutes| Some(now - Duration::minutes(minutes));
    let saw = |pull, ack, push, lag| Activity {
        last_pull_at: pull,
        last_ack_at: ack,
        last_push_at: push,
        lag,
    };
    store
        .note_activity("a", &saw(at(1), at(5), None, 3), now)
        .await
        .unwrap();
    store
        .note_activity("b", &saw(at(4), at(2), at(3), 4), now)
        .await
        .unwrap();
    // An instance gone quiet an hour ago: passed over.
    store
        .note_activity(
            "gone",
            &saw(at(0), at(0), at(0), 100),
            now - Duration::hours(1),
        )
        .await
        .unwrap();
    let seen = store.activity(now - Duration::minutes(1)).await.unwrap();
    assert_eq!(seen, saw(at(1), at(2), at(3), 7));
}
