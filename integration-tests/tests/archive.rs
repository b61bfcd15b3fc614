//! The archive on the real stack, with the hub running: two movements written off last
//! January and one still on the road from then; `sigmat archive move` takes the two written off
//! (rows, event logs, inbox entries) into January's file and leaves the open one; the API no
//! longer finds them; `list` and `search` read them from the file; a late message for one is
//! refused, not applied; `restore` brings one back by MRN — row and events as they were — and
//! the rest of the month with `--month`, each once.

use std::process::{Command, Output};

use chrono::Utc;
use integration_tests::Stack;
use transit_scenario::{Corridor, Movement};

fn sigmat(stack: &Stack, dir: &std::path::Path, args: &[&str]) -> Output {
    let (url, schema) = stack.tracker_database();
    let out = Command::new(stack.binary("sigmat"))
        .arg("archive")
        .args(args)
        .args([
            "--dir",
            &dir.display().to_string(),
            "--database-url",
            &url,
            "--schema",
            &schema,
        ])
        .output()
        .expect("sigmat runs");
    assert!(
        out.status.success() || args[0] == "search",
        "sigmat archive {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_month_of_written_off_movements_moves_out_and_back_with_the_hub_running() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    let operator = stack.operator().await;
    let corridor = Corridor::abidjan_ouagadougou();
    let border = &corridor.transit[0];
    let t0 = Utc::now();
    let movements: Vec<Movement> = (0..3)
        .map(|_| Movement::new(corridor.clone(), t0))
        .collect();
    for (i, movement) in movements.iter().enumerate() {
        stack.national("CI").releases(movement).await;
        if i == 2 {
            continue; // still on the road
        }
        for message in [
            movement.passage(border, t0),
            movement.arrival(t0),
            movement.control_results(t0),
        ] {
            stack.adapter("BF").submit(&message).await.expect("taken");
        }
    }
    let mrns: Vec<String> = movements.iter().map(|m| m.mrn.to_string()).collect();
    for mrn in &mrns[..2] {
        stack
            .wait_for_state(mrn, "WrittenOff", "the write-off")
            .await;
    }
    stack
        .wait_for_state(&mrns[2], "Released", "the release")
        .await;
    let pool = stack.tracker_pool().await;
    let before: Vec<serde_json::Value> = {
        let mut rows = Vec::new();
        for mrn in &mrns[..2] {
            rows.push(
                sqlx::query_scalar::<_, serde_json::Value>(
                    "SELECT to_jsonb(e) FROM movement_events e WHERE mrn = $1 ORDER BY seq",
                )
                .bind(mrn)
                .fetch_all(&pool)
                .await
                .unwrap()
                .into(),
            );
        }
        rows
    };
    // Last changed in January: all three (the open one too, which must stay).
    sqlx::query("UPDATE movements SET updated_at = '2026-01-15T10:00:00Z' WHERE mrn = ANY($1)")
        .bind(&mrns)
        .execute(&pool)
        .await
        .unwrap();

    let dir = std::env::temp_dir().join(format!("sigmat-archive-{}", uuid::Uuid::new_v4()));
    let moved = sigmat(&stack, &dir, &["move", "--older-than-days", "30"]);
    assert!(text(&moved).contains("2 movements"), "{}", text(&moved));
    let left: Vec<String> = sqlx::query_scalar("SELECT mrn FROM movements WHERE mrn = ANY($1)")
        .bind(&mrns)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(left, [mrns[2].clone()], "only the open movement stays");
    let events: i64 =
        sqlx::query_scalar("SELECT count(*) FROM movement_events WHERE mrn = ANY($1)")
            .bind(&mrns[..2])
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(events, 0);
    for mrn in &mrns[..2] {
        assert!(
            operator.movement(mrn).await.unwrap().is_none(),
            "{mrn} still shown"
        );
    }

    // Read from the file: listed under January, found by MRN with its whole event log.
    let listed = text(&sigmat(&stack, &dir, &["list"]));
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("2026-01") && l.split_whitespace().nth(1) == Some("2")),
        "{listed}"
    );
    let found: serde_json::Value =
        serde_json::from_str(&text(&sigmat(&stack, &dir, &["search", &mrns[0]]))).unwrap();
    assert_eq!(found["state"], "WrittenOff");
    assert_eq!(found["events"], before[0], "the event log as it was");
    let missing = sigmat(&stack, &dir, &["search", &mrns[2]]);
    assert!(
        !missing.status.success(),
        "an open movement is not archived"
    );

    // A late message for an archived movement — the very control results it had, whose inbox
    // entry left with it — is decided again and refused (unknown MRN), not applied to a new row.
    stack
        .adapter("BF")
        .submit(&movements[1].control_results(t0))
        .await
        .expect("taken by the adapter");
    stack
        .wait_for_deliveries("BF", &mrns[1], "the refusal", |rows| {
            rows.iter().any(|d| d.message_type == "IE906")
        })
        .await;
    assert!(operator.movement(&mrns[1]).await.unwrap().is_none());

    // Back by MRN, as it was; then the rest of the month, each once.
    let restored = text(&sigmat(&stack, &dir, &["restore", &mrns[0]]));
    assert!(restored.starts_with("1 movements restored"), "{restored}");
    let shown = operator
        .movement(&mrns[0])
        .await
        .unwrap()
        .expect("shown again");
    assert_eq!(shown.state.as_str(), "WrittenOff");
    let after: serde_json::Value = sqlx::query_scalar::<_, serde_json::Value>(
        "SELECT to_jsonb(e) FROM movement_events e WHERE mrn = $1 ORDER BY seq",
    )
    .bind(&mrns[0])
    .fetch_all(&pool)
    .await
    .unwrap()
    .into();
    assert_eq!(after, before[0], "the event log restored as it was");
    let month = text(&sigmat(&stack, &dir, &["restore", "--month", "2026-01"]));
    assert!(month.starts_with("1 movements restored (1 were"), "{month}");
    assert!(operator.movement(&mrns[1]).await.unwrap().is_some());
    let _ = std::fs::remove_dir_all(&dir);
}
