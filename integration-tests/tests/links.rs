//! National link monitoring on the real stack: Burkina Faso's national system goes down while
//! copies are on their way to it, and the operators' link alerts rise (deliveries waiting too
//! long, pushes failing); it comes back, takes them, and the alerts clear. Then its adapter
//! stops, and the link is reported silent.

use std::time::{Duration, Instant};

use chrono::Utc;
use integration_tests::{national_system, Stack};
use serde_json::Value;
use transit_national::Family;
use transit_scenario::{Corridor, Movement};

const PATIENCE: Duration = Duration::from_secs(30);

/// Waits until Burkina Faso's link shows exactly the alerts `kinds` (in any order).
async fn wait_for_alerts(stack: &Stack, token: &str, kinds: &[&str], what: &str) -> Value {
    let started = Instant::now();
    let mut wanted: Vec<&str> = kinds.to_vec();
    wanted.sort_unstable();
    loop {
        let links = stack.api_get("/api/v1/links", token).await;
        let bf = links
            .as_array()
            .and_then(|all| all.iter().find(|l| l["country"] == "BF"))
            .cloned();
        if let Some(bf) = bf {
            let mut seen: Vec<&str> = bf["alerts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["kind"].as_str().unwrap())
                .collect();
            seen.sort_unstable();
            if seen == wanted {
                return bf;
            }
            assert!(started.elapsed() < PATIENCE, "{what}: BF's link is {bf:#}");
        } else {
            assert!(
                started.elapsed() < PATIENCE,
                "{what}: no report from BF: {links:#}"
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_national_system_down_raises_the_link_alerts_and_back_clears_them() {
    let (ci, ci_spec) = national_system(Family::Sydam, "CI", true).await;
    let (bf, bf_spec) = national_system(Family::Asycuda, "BF", true).await;
    let mut stack = Stack::new()
        .with_adapters(&[ci_spec, bf_spec])
        .start()
        .await;
    stack.add_user("operator", "operator", None, None);
    let token = stack.session_token("operator").await;
    let quiet = wait_for_alerts(&stack, &token, &[], "reports flowing").await;
    assert_eq!(quiet["report"]["pending"], 0);

    // Down: the copies of two releases wait at Burkina Faso's adapter, pushed in vain.
    bf.go_down().await;
    for _ in 0..2 {
        let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
        let sent = ci.send(&movement.release()).await.unwrap();
        assert_eq!(
            sent.status,
            202,
            "{}",
            String::from_utf8_lossy(&sent.answer)
        );
    }
    let down = wait_for_alerts(
        &stack,
        &token,
        &["pushFailing", "undelivered"],
        "the national system down",
    )
    .await;
    assert_eq!(down["report"]["pending"], 4, "{down:#}");
    let messages: Vec<&str> = down["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("4 deliveries wait for BF's national system")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("cannot reach")),
        "{messages:?}"
    );

    // Back: it takes them, and the alerts clear.
    bf.come_back().await.unwrap();
    let back = wait_for_alerts(&stack, &token, &[], "the national system back").await;
    assert_eq!(back["report"]["pending"], 0);
    assert!(back["report"]["lastPushAt"].is_string());
    assert_eq!(bf.received().len(), 4);

    // Its adapter stops: no more reports, and the link is silent.
    stack.stop_service("adapter-bf", false);
    let silent = wait_for_alerts(&stack, &token, &["silent"], "the adapter stopped").await;
    assert!(
        silent["alerts"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no report from BF's adapter"),
        "{silent:#}"
    );
}
