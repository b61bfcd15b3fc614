//! A consumer that holds its partitions while its work has stopped is found out: with the
//! hub's `movements` table locked (a wedged transaction, a migration gone wrong), the tracker's
//! intake cannot commit while a release waits. Its readiness turns to "not ready", naming the
//! partition and the records waiting; after twice the limit the tracker exits non-zero so its
//! supervisor starts it afresh; started again once the lock is gone, it processes the release.

use std::time::{Duration, Instant};

use chrono::Utc;
use integration_tests::Stack;
use transit_scenario::{Corridor, Movement};

async fn readiness(url: &str) -> Option<(u16, String)> {
    let answer = reqwest::get(url).await.ok()?;
    Some((answer.status().as_u16(), answer.text().await.ok()?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_intake_is_not_ready_then_exits_and_a_fresh_one_recovers() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    // The same tracker, with a stall limit of two seconds instead of a minute.
    stack.crash("tracker");
    stack.restart_with(
        "tracker",
        &[("SIGMAT_TRACKER__KAFKA__STALL_AFTER_MS", "2000")],
    );
    let health = stack
        .service("tracker")
        .var("SIGMAT_TRACKER__HEALTH__LISTEN")
        .expect("the tracker has a health listener")
        .to_owned();
    let ready = format!("http://{health}/health/ready");
    let started = Instant::now();
    while readiness(&ready).await.map(|(s, _)| s) != Some(200) {
        assert!(started.elapsed() < Duration::from_secs(60), "never ready");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let pool = stack.tracker_pool().await;
    let mut wedge = pool.begin().await.unwrap();
    sqlx::query("LOCK TABLE movements IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *wedge)
        .await
        .unwrap();
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    stack.national("CI").releases(&movement).await;

    // Not ready, saying why.
    let started = Instant::now();
    let reason = loop {
        if let Some((503, reason)) = readiness(&ready).await {
            if reason.contains("intake consumer has stopped working") {
                break reason;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the tracker never said its intake was stuck; log:\n{}",
            stack.service("tracker").log_tail()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(reason.contains("records wait"), "{reason}");

    // Then it gives up, non-zero, for its supervisor to start it afresh (after giving its
    // other tasks their 30 s to finish what they hold).
    let status = stack
        .service("tracker")
        .exited_within(Duration::from_secs(60))
        .await
        .expect("the stuck tracker exits");
    assert!(!status.success(), "{status}");
    assert!(
        stack.service("tracker").log().contains("consumer is stuck"),
        "{}",
        stack.service("tracker").log_tail()
    );

    // The lock goes; the supervisor starts it again; the release goes through.
    wedge.rollback().await.unwrap();
    stack.crash("tracker");
    stack.restart("tracker");
    stack
        .wait_for_deliveries("BF", movement.mrn.as_str(), "the records", |rows| {
            rows.len() == 2
        })
        .await;
}
