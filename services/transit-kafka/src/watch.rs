//! [`watch_progress`] observes a [`BatchConsumer`] in the background with a
//! [`ProgressWatch`], records the stall on it for readiness ([`BatchConsumer::stall`]), and
//! ends with an error once the stall has lasted twice as long, so the service exits and its
//! supervisor starts it afresh.

use std::time::{Duration, Instant};

use crate::consumer::BatchConsumer;
use crate::progress::{ConsumerStuck, ProgressWatch};

/// Observes `consumer` every quarter of `stall_after` (at most 5 s) until `stop` turns true, recording its
/// lag per topic (`sigmat_kafka_consumer_lag`). A stall longer
/// than `stall_after` is reported (the service is then not ready); one that lasts twice as
/// long ends this with an error naming the partition, for the supervisor to stop the service
/// so that whatever runs it starts it afresh (a new consumer, a new group membership).
/// Failed observations (the broker briefly unreachable) are passed over.
pub async fn watch_progress(
    consumer: BatchConsumer,
    stall_after: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Result<(), ConsumerStuck> {
    // Often enough for the lag metric too (an autoscaler follows it).
    let every = (stall_after / 4).clamp(Duration::from_millis(250), Duration::from_secs(5));
    let mut watch = ProgressWatch::default();
    let mut reported = std::collections::BTreeSet::new();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            return Ok(());
        }
        let observed = match consumer.progress(Duration::from_secs(5)).await {
            Ok(observed) => observed,
            Err(err) => {
                tracing::debug!(error = %err, "consumer progress not observed this time");
                continue;
            }
        };
        reported = crate::figures::record_lag(consumer.group(), &observed, &reported);
        let stall = watch
            .observe(&observed, Instant::now())
            .filter(|s| s.lasted >= stall_after);
        if let Some(stall) = &stall {
            tracing::warn!(%stall, "consumer not ready: its work has stopped");
            if stall.lasted >= stall_after * 2 {
                return Err(ConsumerStuck(stall.clone()));
            }
        }
        consumer.stall_report().set(stall);
    }
}
