//! Telematics at the hub: the tracking providers' events (`sigmat.hub.telematics`, written by
//! the telematics gateway) read by a consumer group of their own and, one transaction per
//! batch, each event stored once, matched to the movement its seal or vehicle is on, and
//! applied to the movement's track ([`transit_telematics::apply`], or the whole track replayed
//! in event-time order when the event is late). Each conclusion is kept once; an automatic
//! passage (IE118 marked automatic) and a seal breach (IE180) go through the outbox to the
//! office's country's `to-hub` topic, so intake decides them like any office's message and the
//! departure's national system receives them. Offsets are committed after the commit.
//!
//! - `batch`: one batch's statements;
//! - `in_force`: the geography and rules of the reference data version in force.

mod batch;
mod in_force;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{watch, Notify};
use transit_kafka::{BatchConsumer, Topics};
use transit_model::reference::Loaded;
use transit_store::tracker::TrackerStore;

pub use batch::{store_batch, Counted};
pub use in_force::Judgement;

/// The telematics loop's parts.
#[derive(Debug)]
pub struct Telematics {
    store: TrackerStore,
    consumer: BatchConsumer,
    topics: Topics,
    reference: watch::Receiver<Arc<Loaded>>,
    wake_relay: Arc<Notify>,
    max_records: usize,
}

impl Telematics {
    pub(crate) fn new(
        store: TrackerStore,
        consumer: BatchConsumer,
        topics: Topics,
        reference: watch::Receiver<Arc<Loaded>>,
        wake_relay: Arc<Notify>,
        max_records: usize,
    ) -> Self {
        Self {
            store,
            consumer,
            topics,
            reference,
            wake_relay,
            max_records,
        }
    }

    /// Runs until `stop`; a permanent database error stops the tracker (the batch is not
    /// committed, so a restart replays it), a transient one is retried on the same batch.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        let mut judgement = Judgement::of(&self.reference.borrow_and_update());
        while !*stop.borrow() {
            let batch = tokio::select! {
                batch = self.consumer.next_batch(self.max_records, Duration::from_millis(20), Duration::from_millis(500)) => batch,
                _ = stop.changed() => break,
            };
            let batch = match batch {
                Ok(batch) if batch.is_empty() => continue,
                Ok(batch) => batch,
                Err(err) => {
                    tracing::warn!(error = %err, "cannot read telematics events from the broker; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if self.reference.has_changed().unwrap_or(false) {
                judgement = Judgement::of(&self.reference.borrow_and_update());
            }
            let mut backoff = Duration::from_millis(100);
            loop {
                let stored = async {
                    let mut tx = self.store.begin().await?;
                    let counted =
                        store_batch(&self.topics, &judgement, &mut tx, &batch, Utc::now()).await?;
                    tx.commit().await?;
                    Ok::<_, transit_store::StoreError>(counted)
                }
                .await;
                match stored {
                    Ok(counted) => {
                        counted.record();
                        break;
                    }
                    Err(err) if err.is_transient() => {
                        tracing::warn!(error = %err, records = batch.len(), "telematics batch not stored; retrying the same batch");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(Duration::from_secs(10));
                    }
                    Err(err) => {
                        tracing::error!(error = %err, "telematics batch cannot be stored; stopping so that it is replayed after a fix");
                        return Err(err.into());
                    }
                }
            }
            self.wake_relay.notify_one();
            if let Err(err) = self.consumer.commit(&batch).await {
                tracing::warn!(error = %err, "telematics offsets not committed; the batch will be redelivered and deduplicated");
            }
        }
        Ok(())
    }
}
