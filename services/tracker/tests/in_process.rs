//! The tracker in process, on its own: [`tracker::Application::build`] with a schema, topic
//! prefix and consumer group of this test only and its health listener on port 0 (no binary
//! started, no free port guessed). A release published to Côte d'Ivoire's `to-hub` topic
//! comes out as the two copies Burkina Faso's offices need on its `from-hub` topic, the health
//! listener says ready, and the tracker stops cleanly when told. Needs the local stack's broker
//! and PostgreSQL (`deploy/local/infra-up`; `SIGMAT_TEST_BROKERS`, `SIGMAT_TEST_DATABASE_URL`).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use chrono::Utc;
use transit_kafka::{header, BatchConsumer, OutgoingRecord, Publisher, Topics};
use transit_model::CountryCode;
use transit_scenario::{Corridor, Movement};
use transit_testkit::{http_get, Isolated};

fn country(code: &str) -> CountryCode {
    CountryCode::parse(code).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_release_in_comes_out_as_the_copies_for_the_offices_en_route() {
    let test = Isolated::new("tp");
    let settings: tracker::Settings = serde_json::from_value(serde_json::json!({
        "countries": ["CI", "BF"],
        "group_id": test.group("tracker"),
        "kafka": test.kafka(),
        "database": test.database("tracker"),
        "health": {"listen": "127.0.0.1:0"}
    }))
    .expect("the test's settings");
    let app = tracker::Application::build(settings.clone())
        .await
        .expect("the tracker builds against the local stack (deploy/local/infra-up)");
    let health = app.health_address().expect("a health listener");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));

    let topics = Topics::new(test.id());
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    let release = movement.release();
    Publisher::new(&settings.kafka)
        .unwrap()
        .publish_all(&[OutgoingRecord::for_message(
            topics.to_hub(country("CI")),
            &release,
            transit_codec::json::encode(&release),
        )])
        .await
        .expect("the release published");

    let reader = BatchConsumer::subscribe(
        &settings.kafka,
        &test.group("reader"),
        &[topics.from_hub(country("BF"))],
    )
    .unwrap();
    let mut copies = BTreeSet::new();
    let patience = Instant::now() + Duration::from_secs(60);
    while copies.len() < 2 {
        assert!(Instant::now() < patience, "copies so far: {copies:?}");
        let batch = reader
            .next_batch(10, Duration::from_millis(100), Duration::from_millis(500))
            .await
            .unwrap_or_default();
        for record in batch {
            assert_eq!(record.key.as_deref(), Some(movement.mrn.as_str()));
            copies.insert(record.headers[header::MESSAGE_TYPE].clone());
        }
    }
    assert_eq!(
        copies,
        BTreeSet::from(["IE001".to_owned(), "IE050".to_owned()])
    );
    let ready = http_get(health, "/health/ready").await;
    assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(30), running)
        .await
        .expect("the tracker stops within 30 s")
        .unwrap()
        .expect("and cleanly");
    let pool = transit_store::connect(&settings.database, transit_store::Component::Tracker)
        .await
        .unwrap();
    transit_store::drop_schema(&pool, &settings.database.schema)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reference_version_this_binary_cannot_use_stops_it_at_start_and_says_which() {
    let test = Isolated::new("tr");
    let settings: tracker::Settings = serde_json::from_value(serde_json::json!({
        "countries": ["CI", "BF"],
        "group_id": test.group("tracker"),
        "kafka": test.kafka(),
        "database": test.database("tracker"),
    }))
    .expect("the test's settings");
    // Version 2 lacks a file this binary needs: what a newer sigmat's import (a file added,
    // a field renamed) looks like to an older tracker started against the same database.
    let pool = transit_store::connect(&settings.database, transit_store::Component::Tracker)
        .await
        .expect("the local stack's PostgreSQL (deploy/local/infra-up)");
    let versions = transit_store::tracker::TrackerStore::new(pool.clone()).reference();
    let topic = Topics::new(test.id()).reference();
    let builtin = transit_model::reference::ReferenceDocument::builtin();
    versions.seed(&builtin, &topic, Utc::now()).await.unwrap();
    let mut unusable = builtin.clone();
    unusable.0.remove("reference/corridors.json");
    versions
        .import(
            1,
            &unusable,
            "test",
            "from a newer sigmat",
            &topic,
            Utc::now(),
        )
        .await
        .unwrap();

    let refused = tracker::Application::build(settings.clone())
        .await
        .expect_err("a tracker must not decide under data it cannot read");
    let said = format!("{refused:#}");
    assert!(
        said.contains("reference data version 2 in the database cannot be used"),
        "{said}"
    );
    assert!(said.contains("reference/corridors.json"), "{said}");
    transit_store::drop_schema(&pool, &settings.database.schema)
        .await
        .unwrap();
}
