//! A fallback day at Niangoloko, reconciled, on the real stack: the operator declares the
//! border post unavailable and its officers are told; one truck's passage is recorded on the
//! phone during the day, another's is synced after the link came back with the time it was
//! recorded; Burkina Faso's national system, back too, sends its own passage for the first
//! truck. Ending the day lists what was recorded, what reached the hub late, and the passage the
//! hub refused — each decided by the normal state machine.

use chrono::Utc;
use integration_tests::Stack;
use serde_json::{json, Value};
use transit_scenario::{Corridor, Movement};

fn mrns(list: &Value) -> Vec<&str> {
    let mut out: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["mrn"].as_str().unwrap())
        .collect();
    out.sort_unstable();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fallback_day_at_niangoloko_is_reconciled() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("operator", "operator", None, None);
    let operator = stack.session_token("operator").await;
    stack.add_user("niangoloko", "officer", Some("BFNGK001"), None);
    let officer = stack.api_as("niangoloko").await;
    let officer_token = officer.token().unwrap().to_owned();
    let corridor = Corridor::abidjan_ouagadougou();
    let (first, second) = (
        Movement::new(corridor.clone(), Utc::now()),
        Movement::new(corridor.clone(), Utc::now()),
    );
    for m in [&first, &second] {
        stack.national("CI").releases(m).await;
        stack
            .wait_for_state(m.mrn.as_str(), "Released", "the release")
            .await;
    }

    // The day starts: Niangoloko's link is down, and its officers are told.
    let (status, fallback) = stack
        .api_post(
            "/api/v1/fallbacks",
            &operator,
            &json!({"office": "BFNGK001", "reason": "network down at the border post"}),
        )
        .await;
    assert_eq!(status, 201, "{fallback}");
    let id = fallback["id"].as_str().unwrap().to_owned();
    let seen = stack.api_get("/api/v1/fallbacks", &officer_token).await;
    assert_eq!(seen[0]["scope"], "BFNGK001");
    assert!(seen[0]["endedAt"].is_null());

    // The first truck's passage goes through during the day (the phone found a signal)…
    let during = Utc::now();
    officer
        .act(
            first.mrn.as_str(),
            &json!({"action": "passage", "at": during}),
            "ngk-1",
        )
        .await
        .expect("passage recorded");
    stack
        .wait_for_deliveries("CI", first.mrn.as_str(), "the passage", |rows| {
            rows.iter().any(|d| d.message_type == "IE118")
        })
        .await;
    // …the second's is recorded on the phone now, and synced only after the day ends.
    let recorded_offline = Utc::now();

    let (status, reconciliation) = stack
        .api_post(
            &format!("/api/v1/fallbacks/{id}/end"),
            &operator,
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "{reconciliation}");
    assert_eq!(mrns(&reconciliation["recorded"]), [first.mrn.as_str()]);

    // The link is back: the phone syncs with the time of the tap; the national system sends
    // its own passage for the first truck, already recorded.
    officer
        .act(
            second.mrn.as_str(),
            &json!({"action": "passage", "at": recorded_offline}),
            "ngk-2",
        )
        .await
        .expect("late passage accepted");
    let border = &corridor.transit[0];
    stack
        .national("BF")
        .confirms_passage(&first, border, during)
        .await;
    stack
        .wait_for_deliveries("BF", first.mrn.as_str(), "the refusal", |rows| {
            rows.iter().any(|d| d.message_type == "IE906")
        })
        .await;
    stack
        .wait_for_deliveries("CI", second.mrn.as_str(), "the late passage", |rows| {
            rows.iter().any(|d| d.message_type == "IE118")
        })
        .await;

    let r = stack
        .api_get(&format!("/api/v1/fallbacks/{id}/reconciliation"), &operator)
        .await;
    let mut both = vec![first.mrn.as_str(), second.mrn.as_str()];
    both.sort_unstable();
    assert_eq!(mrns(&r["recorded"]), both, "{r:#}");
    assert_eq!(mrns(&r["late"]), [second.mrn.as_str()], "{r:#}");
    assert_eq!(mrns(&r["conflicts"]), [first.mrn.as_str()], "{r:#}");
    let conflict = &r["conflicts"][0];
    assert!(
        conflict["reason"]
            .as_str()
            .unwrap()
            .contains("already recorded"),
        "{conflict}"
    );
    assert!(conflict["deadLetter"]
        .as_str()
        .unwrap()
        .starts_with("refused-"));
    assert!(r["summary"].as_str().unwrap().starts_with(
        "fallback ended at BFNGK001: 2 events recorded (1 reached the hub late), 1 refused"
    ));
    // The late passage carries the time of the tap, not of the sync.
    let late_time: chrono::DateTime<Utc> =
        serde_json::from_value(r["late"][0]["eventTime"].clone()).unwrap();
    assert!((late_time - recorded_offline).num_milliseconds().abs() < 1000);
    stack.assert_running();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_national_system_declares_itself_unavailable_through_its_adapter() {
    let stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("operator", "operator", None, None);
    let operator = stack.session_token("operator").await;
    let adapter = |method: reqwest::Method| {
        reqwest::Client::new()
            .request(
                method,
                format!("{}/api/v1/unavailability", stack.adapter("BF").base()),
            )
            .bearer_auth(stack.adapter_token("BF"))
    };
    let refused = adapter(reqwest::Method::POST)
        .json(&json!({"reason": "maintenance", "office": "CIABJ001"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 400, "only its own offices");
    let declared = adapter(reqwest::Method::POST)
        .json(&json!({"reason": "ASYCUDA upgrade tonight"}))
        .send()
        .await
        .unwrap();
    assert_eq!(declared.status().as_u16(), 202);

    // The hub opens the period with the adapter's next report, and closes it after the next.
    let wait = |open: bool| {
        let stack = &stack;
        let operator = operator.clone();
        async move {
            let started = std::time::Instant::now();
            loop {
                let all = stack.api_get("/api/v1/fallbacks", &operator).await;
                let bf = all
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|f| f["startedBy"] == "national system of BF")
                    .cloned();
                if let Some(bf) = bf.filter(|f| f["endedAt"].is_null() == open) {
                    return bf;
                }
                assert!(
                    started.elapsed() < std::time::Duration::from_secs(30),
                    "{all:#}"
                );
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        }
    };
    let open = wait(true).await;
    assert_eq!(
        (open["scopeKind"].as_str(), open["scope"].as_str()),
        (Some("country"), Some("BF"))
    );
    assert_eq!(open["reason"], "ASYCUDA upgrade tonight");
    let back = adapter(reqwest::Method::DELETE).send().await.unwrap();
    assert_eq!(back.status().as_u16(), 202);
    let ended = wait(false).await;
    assert_eq!(ended["id"], open["id"]);
}
