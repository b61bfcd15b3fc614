//! Metrics on the real stack: a border passage the hub refuses, a release whose copies wait
//! while Burkina Faso's national system is down and are pushed once it is back, a national
//! message the adapter cannot read, an operator's request — then every service's `/metrics`
//! is scraped. Each metric of `docs/metrics.md` is there, nothing undocumented is, and the
//! figures say what happened.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use chrono::Utc;
use integration_tests::{national_system, AdapterSpec, Stack};
use transit_national::Family;
use transit_scenario::{Corridor, Movement};

const PATIENCE: Duration = Duration::from_secs(40);
const SERVICES: [&str; 5] = ["tracker", "api", "adapter-ci", "adapter-bf", "telematics"];

/// One sample: name, labels, value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

fn parse(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').expect("a value");
            let (name, labels) = match series.split_once('{') {
                Some((name, rest)) => (name, rest.trim_end_matches('}')),
                None => (series, ""),
            };
            let labels = labels
                .split("\",")
                .filter(|p| !p.is_empty())
                .map(|pair| {
                    let (k, v) = pair.split_once("=\"").expect("label=\"value\"");
                    (k.to_owned(), v.trim_end_matches('"').to_owned())
                })
                .collect();
            Sample {
                name: name.to_owned(),
                labels,
                value: value.parse().expect("a number"),
            }
        })
        .collect()
}

/// The sum of `name`'s samples whose labels include every pair of `with`.
fn sum(samples: &[Sample], name: &str, with: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|s| s.name == name)
        .filter(|s| {
            with.iter()
                .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|s| s.value)
        .sum()
}

/// The metric names `docs/metrics.md` lists.
fn documented() -> BTreeSet<String> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/metrics.md"))
        .expect("docs/metrics.md");
    doc.lines()
        .filter_map(|l| l.strip_prefix("| `sigmat_"))
        .map(|rest| format!("sigmat_{}", rest.split('`').next().unwrap()))
        .collect()
}

/// A sample's metric as documented: a histogram's `_bucket`, `_sum` and `_count` are its own.
fn family(name: &str) -> &str {
    ["_bucket", "_sum", "_count"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .filter(|base| base.ends_with("_seconds"))
        .unwrap_or(name)
}

fn ci_code() -> transit_model::CountryCode {
    transit_model::CountryCode::parse("CI").unwrap()
}

fn bf_code() -> transit_model::CountryCode {
    transit_model::CountryCode::parse("BF").unwrap()
}

async fn scrape_all(stack: &mut Stack) -> BTreeMap<&'static str, Vec<Sample>> {
    let mut all = BTreeMap::new();
    for service in SERVICES {
        all.insert(service, parse(&stack.scrape(service).await));
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_service_exposes_the_documented_metrics_and_they_tell_what_happened() {
    let (bf, bf_spec) = national_system(Family::Asycuda, "BF", true).await;
    let mut stack = Stack::new()
        .with_adapters(&[AdapterSpec::standard("CI"), bf_spec])
        .start()
        .await;
    stack.add_telematics().await;
    let operator = stack.operator().await;
    let corridor = Corridor::abidjan_ouagadougou();

    // The border's passage before its movement exists: refused by the hub (code 90).
    let early = Movement::new(corridor.clone(), Utc::now());
    let sent = bf
        .send(&early.passage(&corridor.transit[0], Utc::now()))
        .await
        .unwrap();
    assert_eq!(
        sent.status,
        202,
        "{}",
        String::from_utf8_lossy(&sent.answer)
    );
    // Down while a release's copies are on their way, then back.
    bf.go_down().await;
    let movement = Movement::new(corridor, Utc::now());
    stack.national("CI").releases(&movement).await;
    // Something Côte d'Ivoire's adapter cannot read.
    let garbled = reqwest::Client::new()
        .post(format!("{}/api/v1/messages", stack.adapter("CI").base()))
        .bearer_auth(stack.adapter_token("CI"))
        .header("content-type", "application/json")
        .body("{\"header\": 1")
        .send()
        .await
        .unwrap();
    assert_eq!(garbled.status(), 400);
    operator.dead_letters(&[]).await.unwrap();

    let started = Instant::now();
    let mut pushed_back = false;
    let scraped = loop {
        let scraped = scrape_all(&mut stack).await;
        let bf_adapter = &scraped["adapter-bf"];
        if !pushed_back && sum(bf_adapter, "sigmat_adapter_push_failures_total", &[]) >= 1.0 {
            bf.come_back().await.unwrap();
            pushed_back = true;
        }
        let tracker = &scraped["tracker"];
        let done = pushed_back
            && sum(
                bf_adapter,
                "sigmat_adapter_deliveries_delivered_total",
                &[("how", "pushed")],
            ) >= 3.0
            && sum(bf_adapter, "sigmat_adapter_deliveries_pending", &[]) == 0.0
            && sum(tracker, "sigmat_tracker_outbox_backlog", &[]) == 0.0
            // The reference data the network was seeded with, in force in the hub's services.
            && sum(tracker, "sigmat_reference_version", &[]) == 1.0
            && sum(&scraped["api"], "sigmat_reference_version", &[]) == 1.0
            && SERVICES
                .iter()
                .all(|s| sum(&scraped[s], "sigmat_kafka_client_brokers_up", &[]) >= 1.0)
            && ["tracker", "adapter-ci", "adapter-bf"].iter().all(|s| {
                scraped[s]
                    .iter()
                    .any(|x| x.name == "sigmat_kafka_consumer_lag")
            });
        if done {
            break scraped;
        }
        stack.assert_running();
        assert!(
            started.elapsed() < PATIENCE,
            "the figures never settled: {:#?}",
            scraped
                .iter()
                .map(|(s, samples)| (
                    s,
                    samples
                        .iter()
                        .filter(|x| x.name.contains("adapter_deliver")
                            || x.name.contains("push")
                            || x.name.contains("brokers_up")
                            || x.name.contains("outbox_backlog"))
                        .collect::<Vec<_>>()
                ))
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    };

    // Documented, all of them; and nothing undocumented.
    let documented = documented();
    let exposed: BTreeSet<String> = scraped
        .values()
        .flatten()
        .map(|s| family(&s.name).to_owned())
        .filter(|n| n.starts_with("sigmat_"))
        .collect();
    let missing: Vec<_> = documented.difference(&exposed).collect();
    let undocumented: Vec<_> = exposed.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "documented but not exposed: {missing:?}"
    );
    assert!(
        undocumented.is_empty(),
        "exposed but not in docs/metrics.md: {undocumented:?}"
    );
    for (service, samples) in &scraped {
        let name = service.split('-').next().unwrap();
        assert!(
            samples
                .iter()
                .all(|s| s.labels.get("service").map(String::as_str) == Some(name)),
            "{service}: a sample without service=\"{name}\""
        );
    }
    assert!(scraped["adapter-bf"]
        .iter()
        .all(|s| s.labels.get("country").map(String::as_str) == Some("BF")));

    // What happened, as the figures say it.
    let tracker = &scraped["tracker"];
    let shown = |samples: &[Sample], prefix: &str| -> String {
        samples
            .iter()
            .filter(|s| s.name.starts_with(prefix))
            .map(|s| format!("{} {:?} {}\n", s.name, s.labels, s.value))
            .collect()
    };
    let seen = shown(tracker, "sigmat_tracker");
    let accepted = [
        ("type", "IE029"),
        ("country", "CI"),
        ("outcome", "accepted"),
    ];
    assert_eq!(
        sum(tracker, "sigmat_tracker_messages_in_total", &accepted),
        1.0,
        "{seen}"
    );
    let refused = [("type", "IE118"), ("country", "BF"), ("outcome", "refused")];
    assert_eq!(
        sum(tracker, "sigmat_tracker_messages_in_total", &refused),
        1.0,
        "{seen}"
    );
    assert_eq!(
        sum(
            tracker,
            "sigmat_tracker_refusals_total",
            &[("code", "90"), ("country", "BF")]
        ),
        1.0
    );
    assert_eq!(
        sum(
            tracker,
            "sigmat_tracker_dead_letters_total",
            &[("kind", "refused")]
        ),
        1.0
    );
    // To Burkina Faso: the refusal and the release's two records.
    assert_eq!(
        sum(
            tracker,
            "sigmat_tracker_messages_out_total",
            &[("country", "BF")]
        ),
        3.0,
        "{seen}"
    );
    assert!(sum(tracker, "sigmat_tracker_message_seconds_count", &[]) >= 2.0);
    let lag_topics: BTreeSet<&str> = tracker
        .iter()
        .filter(|s| s.name == "sigmat_kafka_consumer_lag")
        .map(|s| s.labels["topic"].as_str())
        .collect();
    assert_eq!(
        lag_topics,
        [
            stack.topics.to_hub(ci_code()),
            stack.topics.to_hub(bf_code())
        ]
        .iter()
        .map(String::as_str)
        .collect(),
        "the tracker's lag, per topic it reads"
    );

    let ci = &scraped["adapter-ci"];
    let accepted = [
        ("channel", "http"),
        ("type", "IE029"),
        ("outcome", "accepted"),
    ];
    assert_eq!(
        sum(ci, "sigmat_adapter_messages_in_total", &accepted),
        1.0,
        "{}",
        shown(ci, "sigmat_adapter")
    );
    assert_eq!(
        sum(
            ci,
            "sigmat_adapter_messages_in_total",
            &[("outcome", "refused")]
        ),
        1.0
    );
    assert_eq!(
        sum(
            ci,
            "sigmat_http_requests_total",
            &[("route", "/api/v1/messages"), ("status", "400")]
        ),
        1.0
    );
    let bf_adapter = &scraped["adapter-bf"];
    assert!(sum(bf_adapter, "sigmat_adapter_push_failures_total", &[]) >= 1.0);
    assert!(sum(bf_adapter, "sigmat_adapter_messages_out_total", &[]) >= 3.0);
    assert!(
        sum(
            &scraped["api"],
            "sigmat_http_requests_total",
            &[("route", "/api/v1/dead-letters"), ("status", "200")]
        ) >= 1.0
    );
    assert!(
        sum(
            &scraped["api"],
            "sigmat_db_pool_max_connections",
            &[("pool", "audit")]
        ) >= 1.0
    );
}
