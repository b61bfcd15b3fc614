//! Every adapter route but `/health` needs the national system's token and the route's right:
//! no token → 401 (with `WWW-Authenticate`), a token without the right → 403, both answered in
//! the national format and kept in the adapter's `refusals` table; nothing refused reaches the
//! broker.

use integration_tests::{AdapterSpec, Stack};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use reqwest::{Client, Method};

const RELEASE: &str = include_str!("../../schemas/national/asycuda/examples/IE029.xml");
/// A passage at Niangoloko, Burkina Faso's border office: what BF's system sends.
const PASSAGE: &str = include_str!("../../schemas/national/asycuda/examples/IE118.xml");

struct Call {
    status: u16,
    content_type: String,
    challenge: Option<String>,
    body: String,
}

async fn call(method: Method, url: &str, token: Option<&str>, body: &str) -> Call {
    let mut request = Client::new()
        .request(method, url)
        .header(CONTENT_TYPE, "application/xml")
        .body(body.to_owned());
    if let Some(token) = token {
        request = request.header(AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = request.send().await.expect("the adapter answers");
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    Call {
        status: response.status().as_u16(),
        content_type: header(CONTENT_TYPE).unwrap_or_default(),
        challenge: header(WWW_AUTHENTICATE),
        body: response.text().await.unwrap_or_default(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adapter_calls_need_a_token_with_the_right() {
    let ci = AdapterSpec::national("CI", "sydam");
    let bf = AdapterSpec::national("BF", "asycuda");
    let (token, reader) = (bf.token.clone(), bf.reader_token());
    let mut stack = Stack::new().with_adapters(&[ci, bf]).start().await;
    let base = stack.adapter_anonymous("BF").base().to_owned();
    let messages = format!("{base}/api/v1/messages");
    let deliveries = format!("{base}/api/v1/deliveries");
    let ack = format!("{base}/api/v1/deliveries/8f0c7a8e-2f3b-4c1e-9d64-0b1f3f2a6c11/ack");
    let store = stack.adapter_store("BF").await;

    // No token, or one the adapter does not know: 401, in ASYCUDA XML, kept.
    for presented in [None, Some("sigmat_not-a-real-token")] {
        let answer = call(Method::POST, &messages, presented, RELEASE).await;
        assert_eq!(answer.status, 401, "{presented:?}: {}", answer.body);
        assert_eq!(
            answer.challenge.as_deref(),
            Some("Bearer realm=\"sigmat-adapter\"")
        );
        assert!(
            answer.content_type.contains("xml"),
            "{}",
            answer.content_type
        );
        assert!(answer.body.contains("<ASYCUDA"), "{}", answer.body);
        assert!(answer.body.contains("token"), "{}", answer.body);
    }
    let answer = call(Method::GET, &deliveries, None, "").await;
    assert_eq!(answer.status, 401, "{}", answer.body);
    let answer = call(Method::POST, &ack, None, "").await;
    assert_eq!(answer.status, 401, "{}", answer.body);

    // A token that may only read: it reads, but may neither submit nor acknowledge.
    let answer = call(Method::GET, &deliveries, Some(&reader), "").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let answer = call(Method::POST, &messages, Some(&reader), RELEASE).await;
    assert_eq!(answer.status, 403, "{}", answer.body);
    assert!(
        answer.body.contains("reader may not submit"),
        "{}",
        answer.body
    );
    let answer = call(Method::POST, &ack, Some(&reader), "").await;
    assert_eq!(answer.status, 403, "{}", answer.body);

    // Every refusal was kept, the submissions with their bytes.
    let refusals = store.refusals().await.expect("reading refusals");
    assert_eq!(refusals.len(), 6, "{refusals:?}");
    assert!(refusals.iter().all(|r| r.channel == "http"));
    assert!(refusals
        .iter()
        .any(|r| r.reason.starts_with("POST /api/v1/messages") && r.payload == RELEASE.as_bytes()));
    assert!(refusals.iter().any(
        |r| r.reason.starts_with("GET /api/v1/deliveries") && r.reason.contains("unauthorized")
    ));

    // The national system's own token does everything; health needs none.
    let answer = call(Method::POST, &messages, Some(&token), PASSAGE).await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    let answer = call(Method::GET, &format!("{base}/health"), None, "").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    stack.assert_running();
}

/// A national system that checks signatures refuses pushes signed with another secret; the
/// adapter keeps them and says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_signed_with_another_secret_is_refused_by_the_national_system() {
    use chrono::Utc;
    use national_sim::Simulator;
    use transit_model::CountryCode;
    use transit_national::Family;
    use transit_scenario::{Corridor, Movement};

    let bf_system = Simulator::new(
        Family::Asycuda,
        CountryCode::parse("BF").unwrap(),
        "http://127.0.0.1:9",
    )
    .unwrap()
    .verifying_pushes_with("the-secret-bf-was-given");
    bf_system
        .listen("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let bf = AdapterSpec::national("BF", "asycuda")
        .pushing_to(bf_system.webhook_url())
        .signing_with("a-secret-someone-else-chose");
    let mut stack = Stack::new()
        .with_adapters(&[AdapterSpec::standard("CI"), bf])
        .start()
        .await;
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    stack.national("CI").releases(&movement).await;
    let mrn = movement.mrn.to_string();
    let rows = stack
        .wait_for_deliveries("BF", &mrn, "a refused push", |rows| {
            rows.iter().any(|d| {
                d.last_push_error
                    .as_deref()
                    .is_some_and(|e| e.contains("401"))
            })
        })
        .await;
    assert!(rows.iter().all(|d| d.acked_at.is_none()), "{rows:?}");
    assert!(bf_system.received().is_empty());
    assert!(
        bf_system
            .errors()
            .iter()
            .any(|e| e.contains("signature does not match")),
        "{:?}",
        bf_system.errors()
    );
}
