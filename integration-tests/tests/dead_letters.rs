//! A dead letter replayed once, on the real stack: a border passage that reached the hub
//! before its movement's release is refused (unknown MRN) and kept; once the release is in,
//! an operator finds it (`sigmat dlq list`, the API), replays it, and the hub applies it through
//! the normal path — once, however often the replay is asked for — and the audit log holds each
//! request.

use std::process::Command;

use chrono::Utc;
use integration_tests::{password_of, Stack};
use transit_model::dead_letters::DeadLetterKind;
use transit_scenario::{Corridor, Movement};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passage_refused_before_its_release_is_replayed_once_after_it() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    let operator = stack.operator().await;
    let corridor = Corridor::abidjan_ouagadougou();
    let movement = Movement::new(corridor.clone(), Utc::now());
    let mrn = movement.mrn.to_string();
    let border = &corridor.transit[0]; // Niangoloko

    // The border's system was faster than the port's: the passage comes first, and is refused.
    let passage = movement.passage(border, Utc::now());
    stack
        .adapter("BF")
        .submit(&passage)
        .await
        .expect("taken by the adapter");
    stack
        .wait_for_deliveries("BF", &mrn, "the refusal", |rows| {
            rows.iter().any(|d| d.message_type == "IE906")
        })
        .await;
    stack.national("CI").releases(&movement).await;
    stack.wait_for_state(&mrn, "Released", "the release").await;

    // The operator finds it among the dead letters, with its reason and sender.
    let listed = operator
        .dead_letters(&[("mrn", mrn.clone())])
        .await
        .expect("the operator lists dead letters");
    assert_eq!(listed.len(), 1, "{listed:?}");
    let dead = &listed[0];
    assert_eq!(dead.kind, DeadLetterKind::Refused);
    assert_eq!(dead.sender.as_deref(), Some(border.as_str()));
    assert_eq!(dead.message_type.as_deref(), Some("IE118"));
    assert!(dead.reason.contains("has no movement"), "{}", dead.reason);
    assert!(dead.replay.is_none());
    let shown = operator.dead_letter(&dead.id).await.expect("shown");
    assert!(shown.payload.contains(&mrn));

    // The command line lists it too, as the same operator through the API.
    let cli = Command::new(stack.binary("sigmat"))
        .args([
            "dlq",
            "--api",
            &stack.api_url(),
            "--user",
            "operator",
            "list",
            "--mrn",
            &mrn,
        ])
        .env("SIGMAT_PASSWORD", password_of("operator"))
        .output()
        .expect("sigmat runs");
    let printed = String::from_utf8_lossy(&cli.stdout);
    assert!(
        cli.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert!(
        printed.contains(&dead.id) && printed.contains("IE118"),
        "{printed}"
    );

    // Replayed: the passage is applied through the normal path.
    let first = operator.replay(&dead.id).await.expect("replayed");
    assert_eq!(first.outcome, "published", "{first:?}");
    let patience = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let view = operator
            .movement(&mrn)
            .await
            .unwrap()
            .expect("the movement");
        if view
            .route
            .iter()
            .any(|p| p.office == border.as_str() && p.crossed_at.is_some())
        {
            break;
        }
        assert!(
            std::time::Instant::now() < patience,
            "the replayed passage was not applied: {view:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    // Asked again (a double click, a second operator, the command line): nothing more.
    let second = operator.replay(&dead.id).await.expect("answered");
    assert_eq!(second.outcome, "alreadyReplayed", "{second:?}");
    let cli = Command::new(stack.binary("sigmat"))
        .args([
            "dlq",
            "--api",
            &stack.api_url(),
            "--user",
            "operator",
            "replay",
            &dead.id,
        ])
        .env("SIGMAT_PASSWORD", password_of("operator"))
        .output()
        .expect("sigmat runs");
    assert!(cli.status.success());
    assert!(String::from_utf8_lossy(&cli.stdout).contains("alreadyReplayed"));
    // The next message on the same path — the arrival, from Burkina Faso's adapter, on the
    // topic and partition the replay went to — applied: whatever a replay put there before it
    // has been decided.
    stack
        .national("BF")
        .confirms_arrival(&movement, Utc::now())
        .await;
    stack
        .wait_for_state(&mrn, "Arrived", "the arrival after the replays")
        .await;
    let pool = stack.tracker_pool().await;
    let passages: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM movement_events WHERE mrn = $1 AND message_type = 'IE118' AND outcome = 'accepted'",
    )
    .bind(&mrn)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(passages, 1, "the passage is applied once");
    let still: Vec<_> = operator
        .dead_letters(&[("mrn", mrn.clone())])
        .await
        .unwrap();
    assert_eq!(still.len(), 1, "no new refusal: {still:?}");
    let replay = still[0].replay.as_ref().expect("its replay is shown");
    assert_eq!(replay.requested_by, "operator");
    assert!(replay.published_at.is_some());
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'dead-letter replay' AND target = $1",
    )
    .bind(&mrn)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 3, "each request is audited");
}

/// A message refused because its sender is not of the country whose topic carried it (a
/// compromised adapter of Côte d'Ivoire writing a passage "from" Niangoloko, Burkina Faso) is
/// replayed to the topic it came from — where it is refused again — never to the country its
/// forged sender names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_message_is_replayed_only_to_the_topic_it_came_from() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    let operator = stack.operator().await;
    let movement = stack.release_to_ouagadougou().await;
    let mrn = movement.mrn.to_string();
    let border = &movement.corridor.transit[0];
    let forged = movement.passage(border, Utc::now());
    let ci_topic = stack
        .topics
        .to_hub(transit_model::CountryCode::parse("CI").unwrap());
    stack
        .publish(&[transit_kafka::OutgoingRecord::for_message(
            &ci_topic,
            &forged,
            transit_codec::json::encode(&forged),
        )])
        .await;
    let patience = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let dead = loop {
        let listed = operator
            .dead_letters(&[("mrn", mrn.clone())])
            .await
            .unwrap();
        if let Some(dead) = listed
            .into_iter()
            .find(|d| d.kind == DeadLetterKind::Refused)
        {
            break dead;
        }
        assert!(std::time::Instant::now() < patience, "never refused");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert_eq!(dead.sender.as_deref(), Some(border.as_str()));
    let replayed = operator.replay(&dead.id).await.expect("replayed");
    assert_eq!(
        replayed.topic.as_deref(),
        Some(ci_topic.as_str()),
        "{replayed:?}"
    );
    // Read again from Côte d'Ivoire's topic, it is refused again: a second refusal in the
    // event log (had it gone to Burkina Faso's topic, the passage would have been applied).
    let pool = stack.tracker_pool().await;
    let patience = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let refused: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM movement_events WHERE mrn = $1 AND outcome = 'rejected'",
        )
        .bind(&mrn)
        .fetch_one(&pool)
        .await
        .unwrap();
        if refused >= 2 {
            break;
        }
        assert!(
            std::time::Instant::now() < patience,
            "the replay was not refused again"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let view = operator
        .movement(&mrn)
        .await
        .unwrap()
        .expect("the movement");
    assert!(
        view.route.iter().all(|p| p.crossed_at.is_none()),
        "the forged passage was applied: {view:?}"
    );
}
