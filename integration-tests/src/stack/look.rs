//! Looking at what the stack did: its databases (the tracker's queries, an adapter's
//! deliveries), waits for a state or a delivery, and its topics.

use std::time::{Duration, Instant};

use transit_kafka::{BatchConsumer, ConsumedRecord};
use transit_runtime::config::Secret;
use transit_store::adapter::{AdapterStore, DeliveryRow};
use transit_store::queries::MovementQueries;
use transit_store::{Component, DatabaseSettings};

use crate::{audit_database_url, Stack, PATIENCE};

impl Stack {
    pub(crate) fn database(&self, schema: String) -> DatabaseSettings {
        DatabaseSettings {
            url: Secret::new(self.database_url.clone()),
            schema,
            max_connections: 2,
        }
    }

    /// Read access to the tracker's tables.
    pub async fn tracker_queries(&self) -> MovementQueries {
        let pool = transit_store::connect(
            &self.database(format!("{}_tracker", self.id)),
            Component::Tracker,
        )
        .await
        .expect("connecting to the tracker schema");
        MovementQueries::new(pool)
    }

    /// The tracker's database: its URL and schema (for `sigmat archive`).
    pub fn tracker_database(&self) -> (String, String) {
        (self.database_url.clone(), format!("{}_tracker", self.id))
    }

    /// A pool on the tracker's schema (for direct checks).
    pub async fn tracker_pool(&self) -> transit_store::PgPool {
        transit_store::connect(
            &self.database(format!("{}_tracker", self.id)),
            Component::Tracker,
        )
        .await
        .expect("connecting to the tracker schema")
    }

    /// A pool on the tracker's schema signed in as the audit log's insert-only role, as the
    /// API's audit writer is.
    pub async fn audit_writer_pool(&self) -> transit_store::PgPool {
        let settings = transit_store::AuditSettings {
            url: Secret::new(audit_database_url()),
            max_connections: 1,
        };
        transit_store::connect_audit_writer(&settings, &format!("{}_tracker", self.id))
            .await
            .expect("connecting as the audit log's writer")
    }

    /// A pool on a country adapter's schema (for direct checks).
    pub async fn adapter_pool(&self, country: &str) -> transit_store::PgPool {
        let schema = format!("{}_{}", self.id, country.to_ascii_lowercase());
        transit_store::connect(&self.database(schema), Component::Adapter)
            .await
            .expect("connecting to an adapter schema")
    }

    /// A country adapter's tables.
    pub async fn adapter_store(&self, country: &str) -> AdapterStore {
        let schema = format!("{}_{}", self.id, country.to_ascii_lowercase());
        let pool = transit_store::connect(&self.database(schema), Component::Adapter)
            .await
            .expect("connecting to an adapter schema");
        AdapterStore::new(pool)
    }

    /// Polls the tracker's movement `mrn` until it is in `state` (`what` names the wait).
    pub async fn wait_for_state(&mut self, mrn: &str, state: &str, what: &str) {
        let queries = self.tracker_queries().await;
        let started = Instant::now();
        loop {
            let now = queries
                .movement(mrn)
                .await
                .expect("reading the movement")
                .map(|m| m.movement.state.as_str().to_owned());
            if now.as_deref() == Some(state) {
                return;
            }
            self.assert_running();
            assert!(
                started.elapsed() < PATIENCE,
                "{what}: {mrn} never became {state} (it is {now:?})"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the tracker says reference data `version` is in force (it logs so when the
    /// version reaches it): every batch it starts from then on decides under that version.
    pub async fn wait_for_reference_version(&mut self, version: i64) {
        let said = format!("reference data version {version} in force");
        let started = Instant::now();
        while !self.service("tracker").log().contains(&said) {
            self.assert_running();
            assert!(
                started.elapsed() < PATIENCE,
                "the tracker never took up reference data version {version}:\n{}",
                self.service("tracker").log_tail()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Polls an adapter's deliveries until `done` holds for those of `mrn`, then returns them.
    pub async fn wait_for_deliveries(
        &mut self,
        country: &str,
        mrn: &str,
        what: &str,
        done: impl Fn(&[DeliveryRow]) -> bool,
    ) -> Vec<DeliveryRow> {
        let store = self.adapter_store(country).await;
        let started = Instant::now();
        loop {
            let rows: Vec<DeliveryRow> = store
                .all()
                .await
                .expect("reading deliveries")
                .into_iter()
                .filter(|d| d.mrn == mrn)
                .collect();
            if done(&rows) {
                return rows;
            }
            self.assert_running();
            if started.elapsed() > PATIENCE {
                let types: Vec<&str> = rows.iter().map(|d| d.message_type.as_str()).collect();
                panic!(
                    "{country}'s adapter never got {what} for {mrn}; it has {types:?}. Tracker log:\n{}",
                    self.services[0].log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Publishes records straight to the broker, as a misbehaving or compromised adapter
    /// could (to test the hub's own checks).
    pub async fn publish(&self, records: &[transit_kafka::OutgoingRecord]) {
        transit_kafka::Publisher::new(&self.kafka)
            .expect("creating a producer")
            .publish_all(records)
            .await
            .expect("publishing");
    }

    /// Reads `topic` from the beginning in a fresh consumer group until `enough` holds for the
    /// records read so far and no more arrive for a second.
    pub async fn read_topic(
        &self,
        topic: &str,
        enough: impl Fn(&[ConsumedRecord]) -> bool,
    ) -> Vec<ConsumedRecord> {
        let group = format!("{}-reader-{}", self.id, uuid::Uuid::new_v4().simple());
        let consumer = BatchConsumer::subscribe(&self.kafka, &group, &[topic.to_owned()])
            .expect("subscribing");
        let started = Instant::now();
        let mut records = Vec::new();
        loop {
            let batch = consumer
                .next_batch(1000, Duration::from_millis(50), Duration::from_secs(1))
                .await
                .expect("reading a topic");
            let idle = batch.is_empty();
            records.extend(batch);
            if idle && enough(&records) {
                return records;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "topic {topic} never had the expected records; read {}",
                records.len()
            );
        }
    }
}
