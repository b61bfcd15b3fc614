//! The hub API over the real stack: every endpoint's success and its error answers (400, 401,
//! 403, 404, 409, 422), as tables of requests each with its snapshot body (ids, MRNs, times
//! and tokens scrubbed); rights for each forbidden case; idempotent officer actions that reach
//! the departure country; the audit log; live updates.

use std::time::Duration;

use chrono::Utc;
use integration_tests::{password_of, read_stream, Stack};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use transit_scenario::{Corridor, Movement};

/// (who, what, on what, outcome, from where) of an audit entry.
type AuditLine = (String, String, Option<String>, String, Option<String>);

/// Scrubs what changes from run to run.
fn scrub(text: &str, mrn: &str) -> String {
    let text = text.replace(mrn, "[mrn]").replace(&mrn[4..16], "[serial]");
    let uuid =
        regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").unwrap();
    let time = regex::Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
        .unwrap();
    let token = regex::Regex::new(r#""token": "[0-9a-f]{64,}""#).unwrap();
    let mrns = regex::Regex::new(r"\b\d{2}[A-Z]{2}[A-Z0-9]{12}[J-M]\d\b").unwrap();
    let text = uuid.replace_all(&text, "[uuid]");
    let text = time.replace_all(&text, "[time]");
    let text = token.replace_all(&text, r#""token": "[token]""#);
    mrns.replace_all(&text, "[other-mrn]").into_owned()
}

/// One request of a table, and the name of the snapshot its answer must match.
struct Case<'a> {
    name: &'a str,
    method: Method,
    path: &'a str,
    token: Option<&'a str>,
    headers: Vec<(&'a str, &'a str)>,
    body: Option<Value>,
}

fn request<'a>(method: Method, name: &'a str, path: &'a str, token: Option<&'a str>) -> Case<'a> {
    Case {
        name,
        method,
        path,
        token,
        headers: Vec::new(),
        body: None,
    }
}

fn get<'a>(name: &'a str, path: &'a str, token: Option<&'a str>) -> Case<'a> {
    request(Method::GET, name, path, token)
}

fn post<'a>(name: &'a str, path: &'a str, token: Option<&'a str>, body: Value) -> Case<'a> {
    Case {
        body: Some(body),
        ..request(Method::POST, name, path, token)
    }
}

impl<'a> Case<'a> {
    fn header(mut self, name: &'a str, value: &'a str) -> Self {
        self.headers.push((name, value));
        self
    }
}

struct Api {
    base: String,
    http: reqwest::Client,
    mrn: String,
}

impl Api {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    fn snapshot(&self, name: &str, status: StatusCode, body: &Value) {
        let text = format!(
            "{}\n{}",
            status.as_u16(),
            serde_json::to_string_pretty(body).unwrap()
        );
        insta::assert_snapshot!(name, scrub(&text, &self.mrn));
    }

    /// Each request of `cases`, in order, and the snapshot its answer must match.
    async fn answers(&self, cases: Vec<Case<'_>>) {
        for case in cases {
            let (status, answer) = self
                .call(case.method, case.path, case.token, &case.headers, case.body)
                .await;
            self.snapshot(case.name, status, &answer);
        }
    }

    async fn login(&self, username: &str) -> String {
        let (status, body) = self
            .call(
                Method::POST,
                "/api/v1/sessions",
                None,
                &[],
                Some(json!({"username": username, "password": password_of(username)})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_answers_success_and_errors() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("operator", "operator", None, None);
    stack.add_user("operator-ne", "operator", None, Some("NE"));
    stack.add_user("niangoloko", "officer", Some("BFNGK001"), None);
    stack.add_user("ouagadougou", "officer", Some("BFOUA001"), None);
    stack.add_user("adapter-bf", "adapter", None, Some("BF"));

    let corridor = Corridor::abidjan_ouagadougou();
    let movement = Movement::new(corridor.clone(), Utc::now());
    let mrn = movement.mrn.to_string();
    stack.national("CI").releases(&movement).await;
    stack
        .wait_for_deliveries("BF", &mrn, "the records", |rows| rows.len() == 2)
        .await;
    // A second movement stays on the road: it is what the operator figures count as open.
    let open = Movement::new(corridor.clone(), Utc::now());
    stack.national("CI").releases(&open).await;
    let open_mrn = open.mrn.to_string();
    stack
        .wait_for_deliveries("BF", &open_mrn, "the records", |rows| rows.len() == 2)
        .await;

    let api = Api {
        base: stack.api_url(),
        http: reqwest::Client::new(),
        mrn: mrn.clone(),
    };
    let operator = api.login("operator").await;
    let operator_ne = api.login("operator-ne").await;
    let niangoloko = api.login("niangoloko").await;
    let ouagadougou = api.login("ouagadougou").await;
    let adapter_bf = api.login("adapter-bf").await;
    let movement_path = format!("/api/v1/movements/{mrn}");
    let actions = format!("{movement_path}/actions");

    // Sessions.
    api.answers(vec![
        post(
            "login_401_wrong_password",
            "/api/v1/sessions",
            None,
            json!({"username": "operator", "password": "wrong-password"}),
        ),
        post(
            "login_400_no_password",
            "/api/v1/sessions",
            None,
            json!({"username": "operator"}),
        ),
        post(
            "login_201",
            "/api/v1/sessions",
            None,
            json!({"username": "niangoloko", "password": password_of("niangoloko")}),
        ),
        get("me_200", "/api/v1/me", Some(&niangoloko)),
        get("me_401_no_token", "/api/v1/me", None),
        get("me_401_unknown_token", "/api/v1/me", Some("not-a-session")),
    ])
    .await;

    // Movements.
    api.answers(vec![
        get("movement_200", &movement_path, Some(&niangoloko)),
        get(
            "movement_400_check_digit",
            "/api/v1/movements/25CIUJZDE8GXD6NCJ1",
            Some(&operator),
        ),
        get(
            "movement_404",
            "/api/v1/movements/25CIUJZDE8GXD6NCJ0",
            Some(&operator),
        ),
        get(
            "movement_404_outside_scope",
            &movement_path,
            Some(&operator_ne),
        ),
        get(
            "timeline_200",
            &format!("{movement_path}/timeline"),
            Some(&operator),
        ),
    ])
    .await;
    let (s, b) = api
        .call(
            Method::GET,
            "/api/v1/movements?vehicle=AB-1234-CI&corridor=abidjan-ouagadougou",
            Some(&operator),
            &[],
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        b["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["mrn"] == mrn.as_str()),
        "{b}"
    );
    let (s, b) = api
        .call(
            Method::GET,
            &format!(
                "/api/v1/movements?container=MSCU1234566&seal=CI-S-0002&state=Released&from={}",
                (Utc::now() - chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%M:%SZ")
            ),
            Some(&niangoloko),
            &[],
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let found: Vec<&Value> = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["mrn"] == mrn.as_str())
        .collect();
    api.snapshot(
        "search_200_officer",
        s,
        &json!({"items": found, "page": b["page"], "pageSize": b["pageSize"]}),
    );
    api.answers(vec![
        get(
            "search_400_page_size",
            "/api/v1/movements?pageSize=500",
            Some(&operator),
        ),
        get(
            "search_400_corridor",
            "/api/v1/movements?corridor=nowhere",
            Some(&operator),
        ),
        get(
            "search_403_outside_scope",
            "/api/v1/movements?country=CI",
            Some(&operator_ne),
        ),
    ])
    .await;

    // Officer actions.
    let passage = json!({"action": "passage"});
    let (s, b) = api
        .call(
            Method::POST,
            &actions,
            Some(&niangoloko),
            &[("Idempotency-Key", "k-1")],
            Some(passage.clone()),
        )
        .await;
    api.snapshot("action_202_passage", s, &b);
    let (s2, b2) = api
        .call(
            Method::POST,
            &actions,
            Some(&niangoloko),
            &[("Idempotency-Key", "k-1")],
            Some(passage.clone()),
        )
        .await;
    api.snapshot("action_200_replayed", s2, &b2);
    assert_eq!(b["messageId"], b2["messageId"]);
    api.answers(vec![
        post(
            "action_409_key_reused",
            &actions,
            Some(&niangoloko),
            json!({"action": "arrival"}),
        )
        .header("Idempotency-Key", "k-1"),
        post(
            "action_403_other_office",
            &actions,
            Some(&niangoloko),
            json!({"action": "arrival"}),
        )
        .header("X-Sigmat-Office", "BFOUA001"),
        post(
            "action_403_operator",
            &actions,
            Some(&operator),
            passage.clone(),
        ),
        post(
            "action_403_adapter_other_country",
            &actions,
            Some(&adapter_bf),
            passage.clone(),
        )
        .header("X-Sigmat-Office", "CIABJ001"),
        post(
            "action_422_not_on_route",
            &actions,
            Some(&ouagadougou),
            passage.clone(),
        ),
        post(
            "action_400_unknown_action",
            &actions,
            Some(&niangoloko),
            json!({"action": "teleport"}),
        ),
        post(
            "action_400_incident_code",
            &actions,
            Some(&niangoloko),
            json!({"action": "incident", "code": 9, "place": "x", "description": "y"}),
        ),
        post(
            "action_404",
            "/api/v1/movements/25CIUJZDE8GXD6NCJ0/actions",
            Some(&niangoloko),
            passage.clone(),
        ),
        post("action_401", &actions, None, passage.clone()),
    ])
    .await;

    // The passage reached the tracker and Côte d'Ivoire, as if BF's adapter had sent it.
    stack
        .wait_for_deliveries("CI", &mrn, "the passage", |rows| {
            rows.iter().any(|d| d.message_type == "IE118")
        })
        .await;
    // Arrival by BF's adapter identity for Ouagadougou, then control results by the officer.
    let (s, _) = api
        .call(
            Method::POST,
            &actions,
            Some(&adapter_bf),
            &[("X-Sigmat-Office", "BFOUA001")],
            Some(json!({"action": "arrival"})),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    stack
        .wait_for_deliveries("CI", &mrn, "the arrival", |rows| {
            rows.iter().any(|d| d.message_type == "IE006")
        })
        .await;
    let (s, _) = api
        .call(
            Method::POST,
            &actions,
            Some(&ouagadougou),
            &[("Idempotency-Key", "ctl-1")],
            Some(json!({"action": "control", "sealsIntact": true})),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    stack
        .wait_for_deliveries("CI", &mrn, "the write-off", |rows| {
            rows.iter().any(|d| d.message_type == "IE045")
        })
        .await;
    let (s, b) = api
        .call(
            Method::POST,
            &actions,
            Some(&ouagadougou),
            &[],
            Some(json!({"action": "arrival"})),
        )
        .await;
    api.snapshot("action_422_already_written_off", s, &b);

    // Operator figures.
    for (name, path) in [
        ("stats_states", "/api/v1/stats/states"),
        ("stats_overdue", "/api/v1/stats/overdue"),
        ("stats_legs", "/api/v1/stats/legs"),
        ("stats_exposure", "/api/v1/stats/exposure"),
    ] {
        let (s, b) = api
            .call(Method::GET, path, Some(&operator), &[], None)
            .await;
        assert_eq!(s, StatusCode::OK, "{path}: {b}");
        if name != "stats_legs" {
            api.snapshot(&format!("{name}_200"), s, &b);
        } else {
            let legs = b.as_array().unwrap();
            assert!(
                legs.iter()
                    .any(|l| l["fromOffice"] == "CIABJ001" && l["toOffice"] == "BFNGK001"),
                "{b}"
            );
            assert!(
                legs.iter()
                    .any(|l| l["fromOffice"] == "BFNGK001" && l["toOffice"] == "BFOUA001"),
                "{b}"
            );
        }
    }
    api.answers(vec![
        get(
            "stats_403_officer",
            "/api/v1/stats/states",
            Some(&niangoloko),
        ),
        get(
            "stats_legs_400_period",
            "/api/v1/stats/legs?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z",
            Some(&operator),
        ),
        get(
            "stats_legs_400_date",
            "/api/v1/stats/legs?from=yesterday",
            Some(&operator),
        ),
    ])
    .await;
    let (s, b) = api
        .call(Method::GET, "/api/v1/reference", None, &[], None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["offices"].as_array().unwrap().len(), 24);

    // Logout ends the session.
    let (s, _) = api
        .call(
            Method::DELETE,
            "/api/v1/sessions",
            Some(&niangoloko),
            &[],
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = api
        .call(Method::GET, "/api/v1/me", Some(&niangoloko), &[], None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // The audit log: who, what, when, from where — and it cannot be rewritten.
    let pool = stack.tracker_pool().await;
    let rows: Vec<AuditLine> = sqlx::query_as(
        "SELECT coalesce(username, ''), action, target, outcome, remote FROM audit_log ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        rows.iter().any(|r| r.0 == "niangoloko"
            && r.1 == "confirm passage"
            && r.3 == "ok"
            && r.4.as_deref() == Some("127.0.0.1")),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.0 == "niangoloko" && r.1 == "confirm arrival" && r.3 == "refused"),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.0 == "operator" && r.1 == "login" && r.3 == "refused"),
        "{rows:?}"
    );
    let rewrite = sqlx::query("UPDATE audit_log SET outcome = 'ok'")
        .execute(&pool)
        .await;
    assert!(rewrite.unwrap_err().to_string().contains("append-only"));
    let erase = sqlx::query("DELETE FROM audit_log").execute(&pool).await;
    assert!(erase.is_err());
    // Passwords are argon2id hashes.
    let (hash,): (String,) =
        sqlx::query_as("SELECT password_hash FROM users WHERE username = 'operator'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    // An expired session is refused.
    sqlx::query("UPDATE sessions SET expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    let (s, b) = api
        .call(Method::GET, "/api/v1/me", Some(&operator), &[], None)
        .await;
    api.snapshot("me_401_expired", s, &b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_updates_announce_a_new_movement_to_those_who_may_read_it() {
    let stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("operator", "operator", None, None);
    stack.add_user("operator-ne", "operator", None, Some("NE"));
    let mut stream = stack.live_updates("operator").await;
    let mut out_of_scope = stack.live_updates("operator-ne").await;
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    stack.national("CI").releases(&movement).await;
    let mrn = movement.mrn.to_string();
    let seen = read_stream(&mut stream, Duration::from_secs(30), |s| s.contains(&mrn)).await;
    assert!(seen.contains(&mrn), "{seen}");
    assert!(seen.contains("event: movement"), "{seen}");
    // Niger's operator hears nothing of a Côte d'Ivoire → Burkina Faso movement: only of the
    // next one, bound for Niamey — and of it after the first was considered for them (the hub
    // tells each stream its movements in order).
    let mut to_niamey = Corridor::abidjan_ouagadougou();
    to_niamey.destination = transit_model::OfficeRef::parse("NENIA001").unwrap();
    let later = Movement::new(to_niamey, Utc::now());
    stack.national("CI").releases(&later).await;
    let heard = read_stream(&mut out_of_scope, Duration::from_secs(30), |s| {
        s.contains(later.mrn.as_str())
    })
    .await;
    assert!(heard.contains(later.mrn.as_str()), "{heard}");
    assert!(!heard.contains(movement.mrn.as_str()), "{heard}");
    // The stream opens with a one-use ticket; a ticket opens one stream, and a session token
    // in the URL opens none.
    let ticket = stack.stream_ticket("operator").await;
    assert_eq!(stack.open_stream(&ticket).await.status(), StatusCode::OK);
    assert_eq!(
        stack.open_stream(&ticket).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let token = stack.api_as("operator").await.token().unwrap().to_owned();
    let in_url = reqwest::Client::new()
        .get(format!("{}/api/v1/events?token={token}", stack.api_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(in_url.status(), StatusCode::UNAUTHORIZED);
}
