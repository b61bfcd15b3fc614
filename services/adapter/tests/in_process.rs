//! Côte d'Ivoire's adapter in process, on its own: [`adapter::Application::build`] on port 0
//! with a schema, topic prefix and consumer group of this test only (no binary started, no
//! free port guessed). A call without a token is refused and kept; a release submitted with
//! the national system's token is answered 202 only once it is on the country's `to-hub`
//! topic; a message the hub puts on the country's `from-hub` topic waits for the national
//! system until it is acknowledged, and is kept once however often it is read; the adapter
//! keeps at most thirty refusals a minute from one address (429 past them), answers ready and
//! its metrics on a listener of their own (not on the national systems' port), and stops
//! cleanly. Needs the local stack's broker and PostgreSQL (`deploy/local/infra-up`).

use std::time::Duration;

use chrono::Utc;
use sha2::{Digest, Sha256};
use transit_kafka::{header, BatchConsumer, OutgoingRecord, Publisher, Topics};
use transit_model::CountryCode;
use transit_scenario::{Corridor, Movement};
use transit_testkit::{eventually, http_get, Isolated};

const TOKEN: &str = "national-system-of-ci-in-process";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_adapter_takes_in_hands_out_and_refuses_on_its_own() {
    let test = Isolated::new("ad");
    let ci = CountryCode::parse("CI").unwrap();
    let settings: adapter::Settings = serde_json::from_value(serde_json::json!({
        "country": "CI",
        "group_id": test.group("adapter-ci"),
        "http": {"listen": "127.0.0.1:0"},
        "auth": {"clients": [{
            "name": "national-system",
            "token_sha256": hex::encode(Sha256::digest(TOKEN)),
            "rights": ["submit", "read", "ack"]
        }]},
        "kafka": test.kafka(),
        "database": test.database("ci"),
        "link": {"report_every_ms": 60_000},
        "operations": {"listen": "127.0.0.1:0"}
    }))
    .expect("the test's settings");
    let app = adapter::Application::build(settings.clone())
        .await
        .expect("the adapter builds against the local stack (deploy/local/infra-up)");
    let address = app.local_addr().unwrap();
    let operations = app.operations_addr().expect("its own operations listener");
    let base = format!("http://{address}");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::new();
    let topics = Topics::new(test.id());
    let pool = transit_store::connect(&settings.database, transit_store::Component::Adapter)
        .await
        .unwrap();
    let store = transit_store::adapter::AdapterStore::new(pool.clone());

    // Without a token: refused, answered, kept.
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    let release = movement.release();
    let body = transit_codec::json::encode(&release);
    let anonymous = http
        .post(format!("{base}/api/v1/messages"))
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(store.refusal_count().await.unwrap(), 1);

    // With it: 202, and the release is on Côte d'Ivoire's to-hub topic under its MRN.
    let accepted = http
        .post(format!("{base}/api/v1/messages"))
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 202, "{}", accepted.text().await.unwrap());
    let to_hub =
        BatchConsumer::subscribe(&settings.kafka, &test.group("reader"), &[topics.to_hub(ci)])
            .unwrap();
    let release_id = release.header().message_id.to_string();
    eventually(
        "the release on the to-hub topic",
        Duration::from_secs(60),
        || async {
            let batch = to_hub
                .next_batch(10, Duration::from_millis(100), Duration::from_millis(500))
                .await
                .unwrap_or_default();
            batch
                .into_iter()
                .find(|r| r.headers.get(header::MESSAGE_ID) == Some(&release_id))
                .map(|r| assert_eq!(r.key.as_deref(), Some(movement.mrn.as_str())))
        },
    )
    .await;

    // From the hub: a message for Côte d'Ivoire written twice (a relay that crashed after
    // publishing and published again), then another. One partition keeps the order, so once
    // the other is pulled both copies were read: the first is kept once, and waits for the
    // national system until it is acknowledged.
    let advice = movement.arrival(Utc::now());
    let other = movement.invalidation(Utc::now());
    let on_from_hub = |message: &transit_model::StandardMessage| {
        OutgoingRecord::for_message(
            topics.from_hub(ci),
            message,
            transit_codec::json::encode(message),
        )
    };
    Publisher::new(&settings.kafka)
        .unwrap()
        .publish_all(&[
            on_from_hub(&advice),
            on_from_hub(&advice),
            on_from_hub(&other),
        ])
        .await
        .unwrap();
    let pull = || async {
        let pulled: serde_json::Value = http
            .get(format!("{base}/api/v1/deliveries"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        pulled
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["messageId"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let (advice_id, other_id) = (
        advice.header().message_id.to_string(),
        other.header().message_id.to_string(),
    );
    let waiting = eventually("both deliveries", Duration::from_secs(60), || async {
        let waiting = pull().await;
        (waiting.len() >= 2).then_some(waiting)
    })
    .await;
    assert_eq!(
        waiting,
        [advice_id.clone(), other_id.clone()],
        "each once, in order"
    );
    let acked = http
        .post(format!("{base}/api/v1/deliveries/{advice_id}/ack"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert!(acked.status().is_success(), "{}", acked.status());
    assert_eq!(pull().await, [other_id]);
    assert_eq!(store.all().await.unwrap().len(), 2, "kept once each");

    // An address refused again and again: thirty refusals a minute are kept, the rest are
    // answered 429 and not kept.
    let mut statuses = Vec::new();
    for _ in 0..35 {
        let probe = http
            .post(format!("{base}/api/v1/messages"))
            .body("probing")
            .send()
            .await
            .unwrap();
        statuses.push(probe.status().as_u16());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        29,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        6,
        "{statuses:?}"
    );
    assert_eq!(store.refusal_count().await.unwrap(), 30);

    // Metrics and health checks answer on the operations listener only, not on the port the
    // national systems are given.
    let ready = http_get(operations, "/health/ready").await;
    assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");
    let metrics = http_get(operations, "/metrics").await;
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    for path in ["/metrics", "/health/ready", "/health/live"] {
        let answer = http_get(address, path).await;
        assert!(answer.starts_with("HTTP/1.1 404"), "{path}: {answer}");
    }
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(30), running)
        .await
        .expect("the adapter stops within 30 s")
        .unwrap()
        .expect("and cleanly");
    transit_store::drop_schema(&pool, &settings.database.schema)
        .await
        .unwrap();
}
