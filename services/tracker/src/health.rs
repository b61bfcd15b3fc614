//! The tracker's readiness: the database and the broker answer, and its consumer has
//! partitions to read and is getting through them.

use transit_http::{ApiError, ReadinessPort};
use transit_kafka::{BatchConsumer, Publisher};
use transit_store::tracker::TrackerStore;

/// What `/health/ready` checks.
#[derive(Debug)]
pub(crate) struct Readiness {
    store: TrackerStore,
    publisher: Publisher,
    consumer: BatchConsumer,
    /// The topic whose metadata says the broker answers (the reference data's).
    topic: String,
}

impl Readiness {
    pub(crate) fn new(
        store: TrackerStore,
        publisher: Publisher,
        consumer: BatchConsumer,
        topic: String,
    ) -> Self {
        Self {
            store,
            publisher,
            consumer,
            topic,
        }
    }
}

impl ReadinessPort for Readiness {
    async fn ready(&self) -> Result<(), ApiError> {
        if let Err(err) = self.store.ping().await {
            tracing::warn!(error = %err, "not ready: the database does not answer");
            return Err(ApiError::unavailable("the database does not answer"));
        }
        if let Err(err) = self.publisher.reachable(&self.topic).await {
            tracing::warn!(error = %err, "not ready: the broker does not answer");
            return Err(ApiError::unavailable("the broker does not answer"));
        }
        if let Some(why) = self.consumer.not_working() {
            return Err(ApiError::unavailable(format!("the intake consumer {why}")));
        }
        Ok(())
    }
}
