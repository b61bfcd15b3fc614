//! The authorization matrix (`docs/authorization.md`): every route of the hub API and of an
//! adapter, called as every kind of caller on the real stack, answers what its cell says; and
//! every route of the published OpenAPI document and of the adapter's route table has a row,
//! so a route added without deciding who may call it fails here.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use integration_tests::Stack;
use serde_json::{json, Value};
use transit_model::OfficeRef;
use transit_scenario::{Corridor, Movement};

/// One table of the matrix: its callers, and for each (method, path) the expected cells.
struct Table {
    callers: Vec<String>,
    rows: BTreeMap<(String, String), Vec<String>>,
}

/// The table under the heading that starts with `heading` in `docs/authorization.md`.
fn table(heading: &str) -> Table {
    let text = include_str!("../../docs/authorization.md");
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with(heading))
        .unwrap_or_else(|| panic!("no section {heading:?} in docs/authorization.md"));
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().trim_matches('`').to_owned())
            .collect()
    };
    let mut lines = section.lines().filter(|l| l.starts_with('|'));
    let header = cells(lines.next().expect("a header row"));
    assert_eq!(&header[..2], ["method", "path"]);
    let mut rows = BTreeMap::new();
    for line in lines.filter(|l| !l.starts_with("|---")) {
        let row = cells(line);
        assert_eq!(row.len(), header.len(), "{line}");
        let previous = rows.insert((row[0].clone(), row[1].clone()), row[2..].to_vec());
        assert!(previous.is_none(), "two rows for {} {}", row[0], row[1]);
    }
    Table {
        callers: header[2..].to_vec(),
        rows,
    }
}

/// (method, path) of every operation in the published OpenAPI document.
fn openapi_routes() -> BTreeSet<(String, String)> {
    let document: Value = serde_json::from_str(transit_http::OPENAPI).unwrap();
    let mut routes = BTreeSet::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            if ["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                routes.insert((method.clone(), path.clone()));
            }
        }
    }
    routes
}

/// What a cell expects of an answer's status.
fn matches(cell: &str, status: u16) -> bool {
    match cell {
        "ok" => (200..300).contains(&status) || [400, 409, 413, 422].contains(&status),
        code => code.parse::<u16>().ok() == Some(status),
    }
}

#[test]
fn every_route_has_its_row() {
    let api = table("Hub API");
    let documented: BTreeSet<_> = api.rows.keys().cloned().collect();
    assert_eq!(
        documented,
        openapi_routes(),
        "docs/authorization.md's Hub API rows and the OpenAPI document's operations differ"
    );
    let adapter = table("An adapter");
    let documented: BTreeSet<_> = adapter.rows.keys().cloned().collect();
    let routes: BTreeSet<_> = transit_http::ADAPTER_ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(
        documented, routes,
        "docs/authorization.md's adapter rows and transit_http::ADAPTER_ROUTES differ"
    );
}

/// One caller of the Hub API table: its column, and the account it signs in as.
struct Caller {
    column: &'static str,
    name: &'static str,
    role: &'static str,
    office: Option<&'static str>,
    country: Option<&'static str>,
    /// A trader's TIN.
    party: Option<&'static str>,
}

const fn caller(
    column: &'static str,
    name: &'static str,
    role: &'static str,
    office: Option<&'static str>,
    country: Option<&'static str>,
    party: Option<&'static str>,
) -> Caller {
    Caller {
        column,
        name,
        role,
        office,
        country,
        party,
    }
}

const CALLERS: &[Caller] = &[
    caller(
        "off-rt",
        "niangoloko",
        "officer",
        Some("BFNGK001"),
        None,
        None,
    ),
    caller("off-out", "bamako", "officer", Some("MLBKO001"), None, None),
    caller("op-all", "operator", "operator", None, None, None),
    caller("op-bf", "op-bf", "operator", None, Some("BF"), None),
    caller("op-sn", "op-sn", "operator", None, Some("SN"), None),
    caller("trader", "sit", "trader", None, None, Some("CI0123456X")),
    caller("trader2", "sahel", "trader", None, None, Some("BF9999999Z")),
    caller(
        "guar-ci",
        "guarantor-ci",
        "guarantor",
        None,
        Some("CI"),
        None,
    ),
    caller("ad-bf", "adapter-bf", "adapter", None, Some("BF"), None),
    caller("ad-sn", "adapter-sn", "adapter", None, Some("SN"), None),
];

/// The train of the stage's rail declaration.
const TRAIN: &str = "T-MATRIX";

/// The body a call sends: one that, once the caller's rights are accepted, is refused for its
/// content (or changes nothing that another cell depends on).
fn body(method: &str, path: &str, column: &str) -> Option<Value> {
    match (method, path) {
        ("post", "/api/v1/sessions") => {
            Some(json!({"username": format!("nobody-{column}"), "password": "not it"}))
        }
        ("post", "/api/v1/movements/{mrn}/actions") => Some(json!({"action": "arrival"})),
        // No reason: refused for its content once the caller may set the lane.
        ("post", "/api/v1/movements/{mrn}/lane") => Some(json!({"lane": "green", "reason": ""})),
        ("post", "/api/v1/fallbacks") => Some(json!({"office": "BFNGK001", "reason": ""})),
        ("post", "/api/v1/subscriptions") => Some(json!({"url": "ftp://receiver.example.org/"})),
        // Well formed, and empty: refused for its content (no files) once the caller may import.
        ("put", "/api/v1/reference/document") => {
            Some(json!({"basedOn": 0, "note": "matrix test", "document": {}}))
        }
        // Based on a version that is not the latest: refused (409) once the caller may import.
        ("put", "/api/v1/risk/rules") => Some(json!({"basedOn": 0, "note": "matrix test",
            "rules": {"lanes": {"yellowFrom": 30, "redFrom": 60}, "rules": []}})),
        // No reason (and, for a hub operator, no country): refused for its content once the
        // caller may silence.
        ("post", "/api/v1/risk/silences") => Some(json!({"rule": "seals-broken", "reason": ""})),
        // No such stage: refused for its content once the caller may confirm the train.
        ("post", "/api/v1/trains/{train}/confirmations") => {
            Some(json!({"stage": "shunting", "wagonsPresent": [], "wagonsMissing": []}))
        }
        ("post", "/api/v1/messages") => Some(json!({})),
        ("post", "/api/v1/unavailability") => Some(json!({"reason": ""})),
        _ => None,
    }
}

async fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> u16 {
    let client = reqwest::Client::new();
    let mut request = client.request(method.to_uppercase().parse().unwrap(), url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    // A live-update stream answers its status and then streams: the status is all we read.
    request
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_caller_as_the_matrix_says() {
    let api_table = table("Hub API");
    let adapter_table = table("An adapter");
    let mut stack = Stack::start(&["CI", "BF"]).await;
    for c in CALLERS {
        match c.party {
            Some(tin) => stack.add_trader(c.name, tin),
            None => stack.add_user(c.name, c.role, c.office, c.country),
        }
    }
    let mut tokens = BTreeMap::new();
    for c in CALLERS {
        tokens.insert(c.column, stack.session_token(c.name).await);
    }

    // The trader's subscription (made before the release, so it is notified of it).
    let (status, subscription) = stack
        .api_post(
            "/api/v1/subscriptions",
            &tokens["trader"],
            &json!({"url": "http://127.0.0.1:9/hook"}),
        )
        .await;
    assert_eq!(status, 201, "{subscription}");
    let subscription = subscription["id"].as_str().unwrap().to_owned();
    let movement = stack.release_to_ouagadougou().await;
    let mrn = movement.mrn.to_string();
    let niangoloko = OfficeRef::parse("BFNGK001").unwrap();
    // A dead letter in Burkina Faso: a passage for an MRN the hub does not know.
    let ghost = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    stack
        .national("BF")
        .confirms_passage(&ghost, &niangoloko, Utc::now())
        .await;
    let ghost_mrn = ghost.mrn.to_string();
    let dead_letter = first_id(
        &stack,
        &format!("/api/v1/dead-letters?mrn={ghost_mrn}"),
        &tokens["op-all"],
    )
    .await;
    // A fallback at Niangoloko, declared by the hub's operator.
    let (status, fallback) = stack
        .api_post(
            "/api/v1/fallbacks",
            &tokens["op-all"],
            &json!({"office": "BFNGK001", "reason": "matrix test"}),
        )
        .await;
    assert_eq!(status, 201, "{fallback}");
    let fallback = fallback["id"].as_str().unwrap().to_owned();
    // The trader's notification of the release.
    let notification = first_id(
        &stack,
        &format!("/api/v1/subscriptions/{subscription}/notifications"),
        &tokens["trader"],
    )
    .await;
    let delivery = stack
        .wait_for_deliveries("BF", &mrn, "a delivery", |rows| !rows.is_empty())
        .await[0]
        .message_id
        .to_string();

    // A train (one declaration, same route) for the train routes, released last so the
    // trader's notification above is the road movement's.
    let rail = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now())
        .on_train(TRAIN, &["CI-SR-00001"]);
    stack.national("CI").releases(&rail).await;
    stack
        .wait_for_deliveries("BF", rail.mrn.as_str(), "the train's records", |rows| {
            rows.len() == 2
        })
        .await;

    let mut wrong = Vec::new();
    let api_url = stack.api_url();
    for ((method, path), cells) in &api_table.rows {
        let id = if path.contains("subscriptions/{id}") {
            &subscription
        } else if path.contains("notifications/{id}") {
            &notification
        } else if path.contains("fallbacks/{id}") {
            &fallback
        } else {
            &dead_letter
        };
        let url = format!(
            "{api_url}{}",
            path.replace("{mrn}", &mrn)
                .replace("{id}", id)
                .replace("{train}", TRAIN)
        );
        for (column, cell) in api_table.callers.iter().zip(cells) {
            let token = match (column.as_str(), method.as_str(), path.as_str()) {
                ("anon", ..) => None,
                // Logging out ends the session: a session of its own.
                (_, "delete", "/api/v1/sessions") => {
                    let name = CALLERS.iter().find(|c| c.column == column).unwrap().name;
                    Some(stack.session_token(name).await)
                }
                _ => Some(tokens[column.as_str()].clone()),
            };
            let office: &[(&str, &str)] = match column.as_str() {
                "ad-bf" => &[("X-Sigmat-Office", "BFNGK001")],
                "ad-sn" => &[("X-Sigmat-Office", "SNDKR001")],
                _ => &[],
            };
            let status = call(
                method,
                &url,
                token.as_deref(),
                office,
                body(method, path, column),
            )
            .await;
            if !matches(cell, status) {
                wrong.push(format!(
                    "{method} {path} as {column}: expected {cell}, answered {status}"
                ));
            }
        }
    }
    let adapter_url = stack.adapter_anonymous("BF").base().to_owned();
    for ((method, path), cells) in &adapter_table.rows {
        let url = format!("{adapter_url}{}", path.replace("{message_id}", &delivery));
        for (column, cell) in adapter_table.callers.iter().zip(cells) {
            let token = match column.as_str() {
                "bf" => Some(stack.adapter_token("BF")),
                "ci" => Some(stack.adapter_token("CI")),
                _ => None,
            };
            let status = call(
                method,
                &url,
                token.as_deref(),
                &[],
                body(method, path, column),
            )
            .await;
            if !matches(cell, status) {
                wrong.push(format!(
                    "adapter {method} {path} as {column}: expected {cell}, answered {status}"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} cells of docs/authorization.md do not hold:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The `id` of the first item `path` lists for `token`, once there is one (30 s at most).
async fn first_id(stack: &Stack, path: &str, token: &str) -> String {
    let patience = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if let Some(id) = stack.api_get(path, token).await[0]["id"].as_str() {
            return id.to_owned();
        }
        assert!(
            std::time::Instant::now() < patience,
            "{path} never listed anything"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}
