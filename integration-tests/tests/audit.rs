//! The audit log comes first: an officer's action, an operator's fallback, a trader's
//! subscription, or a read of a movement, whose audit entry cannot be written is refused (503)
//! and nothing is done; reads are audited like actions.
//! The API writes it through a role that may only insert into it.

use integration_tests::Stack;
use reqwest::StatusCode;

async fn passage(stack: &Stack, token: &str, mrn: &str, key: &str) -> StatusCode {
    reqwest::Client::new()
        .post(format!(
            "{}/api/v1/movements/{mrn}/actions",
            stack.api_url()
        ))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&serde_json::json!({"action": "passage"}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_done_that_the_audit_log_cannot_show() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("niangoloko", "officer", Some("BFNGK001"), None);
    stack.add_user("op-bf", "operator", None, Some("BF"));
    stack.add_trader("sit", "CI0123456X");
    let movement = stack.release_to_ouagadougou().await;
    let mrn = movement.mrn.to_string();
    let officer = stack.api_as("niangoloko").await;
    let token = officer.token().unwrap().to_owned();
    let (operator, trader) = (
        stack.session_token("op-bf").await,
        stack.session_token("sit").await,
    );

    // The audit log refuses every entry for now.
    let pool = stack.tracker_pool().await;
    for statement in [
        "CREATE FUNCTION audit_log_down() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN RAISE EXCEPTION 'audit log unavailable (test)'; END $$",
        "CREATE TRIGGER audit_log_down BEFORE INSERT ON audit_log \
         FOR EACH ROW EXECUTE FUNCTION audit_log_down()",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    assert_eq!(
        passage(&stack, &token, &mrn, "audit-test-1").await,
        StatusCode::SERVICE_UNAVAILABLE
    );
    let read = officer
        .movement(&mrn)
        .await
        .expect_err("a read went unaudited");
    assert!(read.to_string().contains("audit log"), "{read}");
    assert!(
        !read.to_string().contains("(test)"),
        "the database's own words reached the client: {read}"
    );
    // Every other role's state-changing requests too: a fallback, a subscription.
    let (status, _) = stack
        .api_post(
            "/api/v1/fallbacks",
            &operator,
            &serde_json::json!({"office": "BFNGK001", "reason": "national system down"}),
        )
        .await;
    assert_eq!(status, 503, "a fallback went unaudited");
    let (status, _) = stack
        .api_post(
            "/api/v1/subscriptions",
            &trader,
            &serde_json::json!({"url": "http://127.0.0.1:9/hook"}),
        )
        .await;
    assert_eq!(status, 503, "a subscription went unaudited");
    let (fallbacks, subscriptions): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM fallbacks), (SELECT count(*) FROM subscriptions)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (fallbacks, subscriptions),
        (0, 0),
        "done although not audited"
    );
    // A marker on the passage's path (Burkina Faso's topic, keyed by the MRN) read by the
    // tracker: had the refused passage been published, it would have been decided before it.
    let bf_topic = stack
        .topics
        .to_hub(transit_model::CountryCode::parse("BF").unwrap());
    stack
        .mark_read(&bf_topic, &[&mrn], "after the refused passage")
        .await;
    let queries = stack.tracker_queries().await;
    let stored = queries.movement(&mrn).await.unwrap().unwrap();
    assert!(
        stored.movement.route.iter().all(|p| p.crossed_at.is_none()),
        "the passage was published although its audit entry was not written"
    );

    // The log is back: the same action goes through, and the reads are in it.
    sqlx::query("DROP TRIGGER audit_log_down ON audit_log")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        passage(&stack, &token, &mrn, "audit-test-2").await,
        StatusCode::ACCEPTED
    );
    assert!(officer.movement(&mrn).await.unwrap().is_some());
    let reads: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, outcome FROM audit_log WHERE username = 'niangoloko' AND target = $1 ORDER BY id",
    )
    .bind(&mrn)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        reads.contains(&("read movement".into(), "ok".into())),
        "{reads:?}"
    );
    assert!(
        reads.contains(&("confirm passage".into(), "requested".into())),
        "{reads:?}"
    );

    // Every entry was written by the insert-only role, not by the API's own database role…
    let writers: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT written_by FROM audit_log")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(writers, vec![("sigmat_audit".to_owned(),)]);
    // …which can add an entry and do nothing else: not read the log, not change or erase an
    // entry, not touch any other table.
    let writer = stack.audit_writer_pool().await;
    sqlx::query(
        "INSERT INTO audit_log (at, username, action, outcome) VALUES (now(), 'test', 'probe', 'ok')",
    )
    .execute(&writer)
    .await
    .expect("the audit role may insert");
    for statement in [
        "SELECT count(*) FROM audit_log",
        "UPDATE audit_log SET outcome = 'ok'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "SELECT count(*) FROM movements",
        "UPDATE movements SET state = 'WrittenOff'",
        "DELETE FROM sessions",
        "INSERT INTO users (username, display_name, password_hash, role) VALUES ('x', 'x', 'x', 'operator')",
    ] {
        let refused = sqlx::query(statement)
            .execute(&writer)
            .await
            .expect_err(statement);
        assert!(
            refused.to_string().contains("permission denied"),
            "{statement}: {refused}"
        );
    }
}
