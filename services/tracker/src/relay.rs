//! Relay: outbox → broker, then marked published.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{watch, Notify};
use transit_kafka::{header, OutgoingRecord, Publisher, Topics};
use transit_store::tracker::TrackerStore;

/// A span for `record`'s publication, continuing the trace it carries (none without one).
fn hop(record: &OutgoingRecord) -> Option<tracing::Span> {
    let traceparent = record
        .headers
        .iter()
        .find(|(k, _)| k == header::TRACEPARENT)?;
    let span = tracing::info_span!("relay", mrn = %record.key, topic = %record.topic);
    transit_runtime::telemetry::context::continue_trace(&span, Some(&traceparent.1));
    Some(span)
}

/// The most outbox records published in one round.
const RELAY_BATCH: i64 = 500;

/// The relay loop's parts.
#[derive(Debug)]
pub struct Relay {
    store: TrackerStore,
    publisher: Publisher,
    topics: Topics,
    wake: Arc<Notify>,
}

impl Relay {
    pub(crate) fn new(
        store: TrackerStore,
        publisher: Publisher,
        topics: Topics,
        wake: Arc<Notify>,
    ) -> Self {
        Self {
            store,
            publisher,
            topics,
            wake,
        }
    }

    /// Publishes until `stop` turns true. A record is marked published only after the broker
    /// acknowledged it; a failure leaves it for the next round (receivers dedupe by id).
    pub async fn run(self, stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        let mut backoff = Duration::from_millis(100);
        while !*stop.borrow() {
            match self.round().await {
                Ok(0) => {
                    backoff = Duration::from_millis(100);
                    let _ = tokio::time::timeout(Duration::from_millis(250), self.wake.notified())
                        .await;
                }
                Ok(n) => {
                    backoff = Duration::from_millis(100);
                    tracing::debug!(records = n, "outbox published");
                }
                Err(err) => {
                    tracing::warn!(error = %err, "outbox not published; retrying");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                }
            }
        }
        Ok(())
    }

    async fn round(&self) -> anyhow::Result<usize> {
        let batch = self.store.begin_relay(RELAY_BATCH).await?;
        if batch.records.is_empty() {
            return Ok(0);
        }
        let records: Vec<OutgoingRecord> = batch.records.iter().map(|(_, r)| r.clone()).collect();
        // Each record's hop through the relay, in its message's trace (closed once published).
        let hops: Vec<tracing::Span> = records.iter().filter_map(hop).collect();
        let started = std::time::Instant::now();
        let results = self.publisher.publish_each(&records).await;
        drop(hops);
        let took = started.elapsed();
        let (mut published, mut failed, mut retry) = (Vec::new(), Vec::new(), None);
        let mut sent = Vec::new();
        for (((id, record), result), sent_record) in batch.records.iter().zip(results).zip(&records)
        {
            match result {
                Ok(()) => {
                    published.push(*id);
                    sent.push(sent_record);
                }
                // One record the broker will never take must not hold up the others.
                Err(err) if err.is_record_refused() => {
                    tracing::error!(outbox_id = id, topic = %record.topic, key = %record.key, error = %err,
                        "the broker refused this record for good; set aside (tracker outbox failed / retry)");
                    failed.push((*id, err.to_string()));
                }
                Err(err) => {
                    retry.get_or_insert(err);
                }
            }
        }
        batch.settle(&published, &failed, Utc::now()).await?;
        crate::figures::record_published(&self.topics, &sent, took);
        for _ in &failed {
            crate::figures::dead_letter("unpublished");
        }
        match retry {
            Some(err) => Err(err.into()),
            None => Ok(published.len()),
        }
    }
}
