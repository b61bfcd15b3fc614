//! One trace followed through every hop on the real stack: Côte d'Ivoire's national system
//! sends a release with its own W3C `traceparent`; the adapter continues that trace, the
//! tracker decides in it, the relay publishes in it, Burkina Faso's adapter delivers in it and
//! pushes the national system the same trace id. Every service exports its spans to a
//! stand-in OpenTelemetry collector (OTLP/HTTP, JSON) and logs JSON; every log line about the
//! movement carries the trace id.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::routing::post;
use chrono::Utc;
use integration_tests::{national_system, AdapterSpec, Stack};
use serde_json::Value;
use transit_model::MessageType;
use transit_national::Family;
use transit_scenario::{Corridor, Movement};

const PATIENCE: Duration = Duration::from_secs(40);

/// A collector that keeps every span it is sent: (service, country, span name, trace id,
/// attributes).
#[derive(Clone, Default)]
struct Collector {
    spans: Arc<Mutex<Vec<Span>>>,
}

#[derive(Clone, Debug)]
struct Span {
    service: String,
    country: Option<String>,
    name: String,
    trace_id: String,
}

fn attribute(attributes: &Value, key: &str) -> Option<String> {
    attributes
        .as_array()?
        .iter()
        .find(|a| a["key"] == key)
        .and_then(|a| a["value"]["stringValue"].as_str())
        .map(str::to_owned)
}

impl Collector {
    async fn start() -> (Self, String) {
        let collector = Self::default();
        let kept = collector.clone();
        let app = axum::Router::new().route(
            "/v1/traces",
            post(move |body: axum::body::Bytes| {
                let kept = kept.clone();
                async move {
                    let export: Value = serde_json::from_slice(&body).expect("OTLP JSON");
                    kept.keep(&export);
                    "{}"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (collector, url)
    }

    fn keep(&self, export: &Value) {
        let mut spans = self.spans.lock().unwrap();
        for resource in export["resourceSpans"].as_array().into_iter().flatten() {
            let attributes = &resource["resource"]["attributes"];
            let service = attribute(attributes, "service.name").unwrap_or_default();
            let country = attribute(attributes, "country");
            for scope in resource["scopeSpans"].as_array().into_iter().flatten() {
                for span in scope["spans"].as_array().into_iter().flatten() {
                    spans.push(Span {
                        service: service.clone(),
                        country: country.clone(),
                        name: span["name"].as_str().unwrap_or_default().to_owned(),
                        trace_id: span["traceId"].as_str().unwrap_or_default().to_lowercase(),
                    });
                }
            }
        }
    }

    fn of_trace(&self, trace_id: &str) -> Vec<Span> {
        self.spans
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.trace_id == trace_id)
            .cloned()
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_trace_follows_a_release_from_the_national_system_in_to_the_delivery_out() {
    let (collector, url) = Collector::start().await;
    // The services this test starts inherit its environment: spans to the collector, JSON logs.
    std::env::set_var("SIGMAT_LOG_FORMAT", "json");
    for service in ["TRACKER", "ADAPTER", "API"] {
        std::env::set_var(format!("SIGMAT_{service}__TELEMETRY__OTLP_ENDPOINT"), &url);
    }
    let (bf, bf_spec) = national_system(Family::Asycuda, "BF", true).await;
    let mut stack = Stack::new()
        .with_adapters(&[AdapterSpec::standard("CI"), bf_spec])
        .start()
        .await;

    let trace_id = uuid::Uuid::new_v4().simple().to_string();
    let traceparent = format!("00-{trace_id}-00f067aa0ba902b7-01");
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    let mrn = movement.mrn.to_string();
    let sent = reqwest::Client::new()
        .post(format!("{}/api/v1/messages", stack.adapter("CI").base()))
        .bearer_auth(stack.adapter_token("CI"))
        .header("content-type", "application/json")
        .header("traceparent", &traceparent)
        .body(transit_codec::json::encode(&movement.release()))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 202, "{}", sent.text().await.unwrap());

    // Burkina Faso's national system gets both records pushed in the same trace.
    let record = bf
        .wait_for(&mrn, MessageType::from_code("IE001").unwrap(), PATIENCE)
        .await
        .unwrap();
    let pushed = record.traceparent.expect("a push with its traceparent");
    assert!(
        pushed.starts_with(&format!("00-{trace_id}-")),
        "{pushed} is not in trace {trace_id}; the collector has {:#?}",
        collector.spans.lock().unwrap()
    );
    assert_ne!(pushed, traceparent, "each hop has a span of its own");

    // Every hop exported its span in that trace.
    let started = Instant::now();
    let wanted = [
        ("adapter", Some("CI"), "submission"),
        ("tracker", None, "decide"),
        ("tracker", None, "relay"),
        ("adapter", Some("BF"), "deliver"),
    ];
    loop {
        let spans = collector.of_trace(&trace_id);
        let missing: Vec<_> = wanted
            .iter()
            .filter(|(service, country, name)| {
                !spans.iter().any(|s| {
                    s.service == *service && s.country.as_deref() == *country && s.name == *name
                })
            })
            .collect();
        if missing.is_empty() {
            break;
        }
        stack.assert_running();
        assert!(
            started.elapsed() < PATIENCE,
            "spans missing from trace {trace_id}: {missing:?}; it has {spans:#?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // Every JSON log line about the movement carries its trace id.
    let mut lines_about_it = 0;
    for service in ["adapter-ci", "tracker", "adapter-bf"] {
        for line in stack.service(service).log().lines() {
            let Ok(entry) = serde_json::from_str::<Value>(line) else {
                panic!("{service} logged a line that is not JSON: {line}");
            };
            if line.contains(&mrn) {
                lines_about_it += 1;
                assert!(
                    line.contains(&trace_id),
                    "{service}: a line about {mrn} without its trace id: {entry}"
                );
            }
        }
    }
    assert!(
        lines_about_it >= 2,
        "only {lines_about_it} lines about {mrn}"
    );
}
