//! Positive signals that the stack has handled something, so that a test can then assert that
//! it produced nothing (no delivery, no second event, no refusal) without waiting a fixed time
//! and hoping that was long enough (`tests/test_hygiene.rs` keeps it so).

use std::time::{Duration, Instant};

use transit_kafka::OutgoingRecord;

use crate::{Stack, PATIENCE};

impl Stack {
    /// Publishes one marker record per key of `keys` on `topic` (a country's `to-hub` topic),
    /// after whatever is there already, and waits until the tracker has read every one: bytes
    /// no decoder takes, which the tracker keeps in `undecodable_records`. A key always goes to
    /// the same partition, and the tracker reads a partition in order and stores a batch in one
    /// transaction, so every record published earlier under those keys has then been decided —
    /// with whatever it came to already in the database. (The markers are refusals of their
    /// own: the dead-letter topic and the operator's list of undecodable records show them.)
    pub async fn mark_read(&mut self, topic: &str, keys: &[&str], what: &str) {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let markers: Vec<OutgoingRecord> = keys
            .iter()
            .map(|key| OutgoingRecord {
                topic: topic.to_owned(),
                key: (*key).to_owned(),
                headers: Vec::new(),
                payload: format!("\u{1}sigmat test marker {token} after {key}").into_bytes(),
            })
            .collect();
        let payloads: Vec<Vec<u8>> = markers.iter().map(|m| m.payload.clone()).collect();
        self.publish(&markers).await;
        let pool = self.tracker_pool().await;
        let started = Instant::now();
        loop {
            let read: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM undecodable_records WHERE topic = $1 AND payload = ANY($2)",
            )
            .bind(topic)
            .bind(&payloads)
            .fetch_one(&pool)
            .await
            .expect("counting the markers read");
            if read == payloads.len() as i64 {
                return;
            }
            self.assert_running();
            assert!(
                started.elapsed() < PATIENCE,
                "{what}: the tracker read {read} of the {} markers put on {topic}; its log:\n{}",
                payloads.len(),
                self.service("tracker").log_tail()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The sum of every series of metric `family` (e.g. `sigmat_tracker_messages_in_total`)
    /// that service `name` exposes at `/metrics` now (0 when it has none yet).
    pub async fn metric_sum(&mut self, name: &str, family: &str) -> f64 {
        metric_sum(&self.scrape(name).await, family)
    }

    /// Waits until the series of metric `family` at service `name` add up to at least
    /// `at_least` (a counter of what it has handled); returns the sum.
    pub async fn wait_for_metric(
        &mut self,
        name: &str,
        family: &str,
        at_least: f64,
        what: &str,
    ) -> f64 {
        let started = Instant::now();
        loop {
            let sum = self.metric_sum(name, family).await;
            if sum >= at_least {
                return sum;
            }
            self.assert_running();
            assert!(
                started.elapsed() < PATIENCE,
                "{what}: {name}'s {family} reached {sum}, not {at_least}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The sum of the series of `family` in a Prometheus text exposition.
fn metric_sum(exposition: &str, family: &str) -> f64 {
    exposition
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let rest = line.strip_prefix(family)?;
            if !(rest.starts_with('{') || rest.starts_with(' ')) {
                return None; // another family whose name starts with this one's
            }
            line.rsplit(' ').next()?.parse::<f64>().ok()
        })
        .sum()
}
