//! Traders' and guarantors' subscriptions on the real stack: Côte d'Ivoire's guarantor follows
//! a guarantee reference and receives the guarantee's release exactly once — signed with its
//! secret, after its receiver refused the first try — while the trader who declared the
//! movement hears of each step, may follow only its own TIN, and sees how each delivery went.
//! A receiver that answers with a redirect to another port of this machine is not followed,
//! and what it answered is not shown to the subscriber.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use integration_tests::Stack;
use serde_json::{json, Value};
use transit_http::webhook::{receiver_routes, verify, Push, WebhookReceiver};
use transit_model::Body;
use transit_scenario::{Corridor, Movement};

const PATIENCE: Duration = Duration::from_secs(30);

/// A receiver that checks each notification's signature, refuses the first one (503) and
/// keeps the rest.
#[derive(Default)]
struct Receiver {
    secret: Mutex<Option<String>>,
    tries: Mutex<usize>,
    taken: Mutex<Vec<(String, Value)>>,
}

impl WebhookReceiver for Receiver {
    async fn receive(&self, push: Push) -> u16 {
        let secret = self.secret.lock().unwrap().clone().unwrap_or_default();
        if verify(
            secret.as_bytes(),
            push.timestamp.as_deref(),
            push.signature.as_deref(),
            &push.body,
            Utc::now().timestamp(),
            300,
        )
        .is_err()
        {
            return 401;
        }
        let mut tries = self.tries.lock().unwrap();
        *tries += 1;
        if *tries == 1 {
            return 503;
        }
        let body: Value = serde_json::from_slice(&push.body).unwrap();
        self.taken
            .lock()
            .unwrap()
            .push((push.message_id.unwrap_or_default(), body));
        200
    }
}

async fn listen<R: WebhookReceiver>(receiver: Arc<R>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(transit_http::serve(
        listener,
        receiver_routes(receiver),
        std::future::pending(),
    ));
    format!("http://{address}/webhook")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guarantor_receives_the_guarantee_release_exactly_once() {
    let stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("ci-guarantor", "guarantor", None, Some("CI"));
    stack.add_trader("sit", "CI0123456X");
    let (guarantor, trader) = (
        stack.session_token("ci-guarantor").await,
        stack.session_token("sit").await,
    );
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    let mrn = movement.mrn.to_string();
    let release = movement.release();
    let Body::ReleaseForTransit(declaration) = release.body() else {
        panic!("a release carries its declaration")
    };
    let reference = declaration.guarantee_reference().to_owned();

    // The guarantor follows the guarantee's release; the trader everything it declares.
    let at_guarantor = Arc::new(Receiver::default());
    let url = listen(at_guarantor.clone()).await;
    let (status, subscribed) = stack
        .api_post(
            "/api/v1/subscriptions",
            &guarantor,
            &json!({"party": reference, "url": url, "events": ["guaranteeReleased"]}),
        )
        .await;
    assert_eq!(status, 201, "{subscribed}");
    *at_guarantor.secret.lock().unwrap() = Some(subscribed["secret"].as_str().unwrap().to_owned());
    let at_trader = Arc::new(Receiver::default());
    let url = listen(at_trader.clone()).await;
    let (status, refused) = stack
        .api_post(
            "/api/v1/subscriptions",
            &trader,
            &json!({"party": "BF9999999Z", "url": url}),
        )
        .await;
    assert_eq!(status, 403, "a trader follows its own TIN only: {refused}");
    let (status, mine) = stack
        .api_post("/api/v1/subscriptions", &trader, &json!({"url": url}))
        .await;
    assert_eq!(status, 201, "{mine}");
    assert_eq!(mine["party"], "CI0123456X");
    *at_trader.secret.lock().unwrap() = Some(mine["secret"].as_str().unwrap().to_owned());
    stack.add_trader("other", "BF9999999Z");
    let other = stack.session_token("other").await;
    let listed = stack.api_get("/api/v1/subscriptions", &trader).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(
        listed[0].get("secret").is_none(),
        "the secret is shown once"
    );

    // The movement goes to its end: released, passed, arrived, controlled, written off.
    let t0 = Utc::now();
    stack.adapter("CI").submit(&release).await.expect("release");
    let border = &movement.corridor.transit[0];
    stack
        .national("BF")
        .confirms_passage(&movement, border, t0)
        .await;
    stack.national("BF").confirms_arrival(&movement, t0).await;
    stack
        .adapter("BF")
        .submit(&movement.control_results(t0))
        .await
        .expect("control");

    let started = Instant::now();
    while at_guarantor.taken.lock().unwrap().is_empty() || at_trader.taken.lock().unwrap().len() < 4
    {
        assert!(
            started.elapsed() < PATIENCE,
            "guarantor {:?}, trader {:?}",
            at_guarantor.taken.lock().unwrap(),
            at_trader.taken.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Nothing more comes: exactly once, though the first try was refused. The trader's last
    // notice is of the movement's last events, so every event has been matched; and the hub
    // has marked each notification delivered, after which it posts it no more.
    for (token, subscription, notices) in [(&guarantor, &subscribed, 1), (&trader, &mine, 4)] {
        let path = format!(
            "/api/v1/subscriptions/{}/notifications",
            subscription["id"].as_str().unwrap()
        );
        let started = Instant::now();
        let notes = loop {
            let notes = stack.api_get(&path, token).await;
            let all = notes.as_array().unwrap();
            if !all.is_empty() && all.iter().all(|n| n["deliveredAt"].is_string()) {
                break notes;
            }
            assert!(started.elapsed() < PATIENCE, "not all delivered: {notes:#}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(notes.as_array().unwrap().len(), notices, "{notes:#}");
    }
    let taken = at_guarantor.taken.lock().unwrap().clone();
    assert_eq!(taken.len(), 1, "{taken:?}");
    let (_, release_note) = &taken[0];
    assert_eq!(release_note["mrn"], mrn.as_str());
    assert_eq!(release_note["events"], json!(["guaranteeReleased"]));
    assert_eq!(release_note["state"], "WrittenOff");
    assert_eq!(release_note["guarantee"]["referenceId"], reference.as_str());
    let kinds: Vec<Value> = at_trader
        .taken
        .lock()
        .unwrap()
        .iter()
        .map(|(_, n)| n["events"].clone())
        .collect();
    assert_eq!(
        kinds,
        [
            json!(["release"]),
            json!(["passage"]),
            json!(["arrival"]),
            json!(["control", "writeOff", "guaranteeReleased"])
        ]
    );

    // The trader reads its own movement; another trader may not.
    let own = stack
        .api_get(&format!("/api/v1/movements/{mrn}"), &trader)
        .await;
    assert_eq!(own["state"], "WrittenOff");
    let denied = reqwest::Client::new()
        .get(format!("{}/api/v1/movements/{mrn}", stack.api_url()))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status().as_u16(), 404, "as if there were none");
    // Neither a trader nor a guarantor may list the network's movements (search is for
    // officers and operators): each reads its own, one by one.
    for who in [&trader, &guarantor] {
        let search = reqwest::Client::new()
            .get(format!("{}/api/v1/movements", stack.api_url()))
            .bearer_auth(who)
            .send()
            .await
            .unwrap();
        assert_eq!(
            search.status().as_u16(),
            403,
            "{}",
            search.text().await.unwrap()
        );
    }

    // The guarantor sees how it went: taken on the second try.
    let notes = stack
        .api_get(
            &format!(
                "/api/v1/subscriptions/{}/notifications",
                subscribed["id"].as_str().unwrap()
            ),
            &guarantor,
        )
        .await;
    assert_eq!(notes.as_array().unwrap().len(), 1, "{notes:#}");
    assert_eq!(notes[0]["attempts"], 2, "{notes:#}");
    assert!(notes[0]["deliveredAt"].is_string());
    assert!(notes[0]["lastError"].is_null());

    // Resent on request (a receiver that lost it): the same notification, under the same id.
    let (status, again) = stack
        .api_post(
            &format!(
                "/api/v1/notifications/{}/resend",
                notes[0]["id"].as_str().unwrap()
            ),
            &guarantor,
            &json!({}),
        )
        .await;
    assert_eq!(status, 202, "{again}");
    let started = Instant::now();
    while at_guarantor.taken.lock().unwrap().len() < 2 {
        assert!(started.elapsed() < PATIENCE, "the resend never came");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let taken = at_guarantor.taken.lock().unwrap().clone();
    assert_eq!(taken[1].1["notificationId"], taken[0].1["notificationId"]);
}

/// A receiver that answers every push 307 (the location and a body are added around it).
struct Redirecting;

impl WebhookReceiver for Redirecting {
    async fn receive(&self, _: Push) -> u16 {
        307
    }
}

/// Counts the pushes it is sent.
#[derive(Default)]
struct Counting {
    pushes: Mutex<usize>,
}

impl WebhookReceiver for Counting {
    async fn receive(&self, _: Push) -> u16 {
        *self.pushes.lock().unwrap() += 1;
        200
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_redirects_is_not_followed_and_its_answer_is_not_shown() {
    let stack = Stack::start(&["CI", "BF"]).await;
    stack.add_trader("sit", "CI0123456X");
    let trader = stack.session_token("sit").await;
    // Another port of this machine, which a redirect would have the hub call.
    let inside = Arc::new(Counting::default());
    let to = listen(inside.clone()).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = receiver_routes(Arc::new(Redirecting)).layer(axum::middleware::map_response(
        move |mut response: axum::response::Response| {
            let to = to.clone();
            async move {
                response.headers_mut().insert(
                    axum::http::header::LOCATION,
                    axum::http::HeaderValue::from_str(&to).unwrap(),
                );
                *response.body_mut() = axum::body::Body::from("internal secret 0xDEADBEEF");
                response
            }
        },
    ));
    tokio::spawn(transit_http::serve(
        listener,
        router,
        std::future::pending(),
    ));
    let (status, subscribed) = stack
        .api_post(
            "/api/v1/subscriptions",
            &trader,
            &json!({"url": format!("http://{address}/webhook")}),
        )
        .await;
    assert_eq!(status, 201, "{subscribed}");

    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    stack.national("CI").releases(&movement).await;
    let path = format!(
        "/api/v1/subscriptions/{}/notifications",
        subscribed["id"].as_str().unwrap()
    );
    let started = Instant::now();
    let note = loop {
        let notes = stack.api_get(&path, &trader).await;
        if let Some(note) = notes
            .as_array()
            .and_then(|n| n.first())
            .filter(|n| n["lastError"].is_string())
        {
            break note.clone();
        }
        assert!(started.elapsed() < PATIENCE, "never tried: {notes:#}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let shown = note["lastError"].as_str().unwrap();
    assert!(shown.contains("307"), "{shown}");
    assert!(
        !shown.contains("DEADBEEF"),
        "the receiver's answer is shown: {shown}"
    );
    assert!(note["deliveredAt"].is_null(), "{note:#}");
    // A redirect followed would have reached the inside receiver before the try it belongs to
    // was recorded: wait for the hub's second try to be recorded too.
    let started = Instant::now();
    loop {
        let notes = stack.api_get(&path, &trader).await;
        if notes[0]["attempts"].as_i64().unwrap_or(0) >= 2 {
            break;
        }
        assert!(started.elapsed() < PATIENCE, "never tried again: {notes:#}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        *inside.pushes.lock().unwrap(),
        0,
        "the redirect was followed"
    );
}
