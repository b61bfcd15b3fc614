//! The reference topic (`<prefix>.hub.reference`, compacted, one partition, key `reference`):
//! every process reads it from its start without a consumer group, so each instance of each
//! service gets the latest version of the reference data when it starts and every version
//! imported after, with nothing to commit and no group rights to grant.

use std::sync::Arc;
use std::time::Duration;

use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};
use tokio::sync::watch;
use transit_model::reference::{Loaded, ReferenceVersion};

use crate::{KafkaError, KafkaSettings};

/// Reads a compacted topic's single partition from its start, in this process only.
pub struct CompactedReader {
    consumer: StreamConsumer,
    topic: String,
}

impl std::fmt::Debug for CompactedReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompactedReader")
            .field("topic", &self.topic)
            .finish()
    }
}

impl CompactedReader {
    /// Assigns partition 0 of `topic` from its first record. librdkafka wants a `group.id` even
    /// for assigned partitions; it is never sent to the cluster, since this reader neither
    /// subscribes nor commits.
    pub fn open(settings: &KafkaSettings, topic: &str) -> Result<Self, KafkaError> {
        let consumer: StreamConsumer = settings
            .client_config()
            .set("group.id", format!("{topic}.reader"))
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("topic.metadata.refresh.interval.ms", "5000")
            // One record per import: its client figures would say nothing (and without a
            // context to take them, librdkafka's statistics would be logged whole).
            .set("statistics.interval.ms", "0")
            .create()
            .map_err(|e| KafkaError::new("creating the reference reader", e))?;
        let mut partitions = TopicPartitionList::new();
        partitions
            .add_partition_offset(topic, 0, Offset::Beginning)
            .map_err(|e| KafkaError::new(format!("assigning {topic}"), e))?;
        consumer
            .assign(&partitions)
            .map_err(|e| KafkaError::new(format!("assigning {topic}"), e))?;
        Ok(Self {
            consumer,
            topic: topic.to_owned(),
        })
    }

    /// The value of the topic's last record as it stands now, reading up to it (none when the
    /// topic is empty, or cannot be asked within `wait`: the caller goes on with what it has
    /// and [`follow`] catches up). What a process starting up decides under from its first
    /// message, rather than under what was compiled in.
    pub async fn latest(&self, wait: Duration) -> Option<Vec<u8>> {
        let (low, high) = self
            .consumer
            .fetch_watermarks(&self.topic, 0, wait)
            .map_err(|e| tracing::warn!(topic = %self.topic, error = %e, "cannot ask the reference data topic how far it goes; starting with the data built in"))
            .ok()?;
        if high <= low {
            return None;
        }
        let mut last = None;
        let until = tokio::time::Instant::now() + wait;
        loop {
            let record = tokio::time::timeout_at(until, self.consumer.recv()).await;
            let Ok(Ok(record)) = record else {
                tracing::warn!(topic = %self.topic, "the reference data topic was not read to its end in time; starting with what was read");
                return last;
            };
            if let Some(value) = record.payload() {
                last = Some(value.to_vec());
            }
            if record.offset() >= high - 1 {
                return last;
            }
        }
    }

    /// The next record's value (records without one, deletions, are passed over).
    pub async fn next(&self) -> Result<Vec<u8>, KafkaError> {
        loop {
            let record = self
                .consumer
                .recv()
                .await
                .map_err(|e| KafkaError::new(format!("reading {}", self.topic), e))?;
            if let Some(value) = record.payload() {
                return Ok(value.to_vec());
            }
        }
    }
}

/// Puts every newer version read from `reader` in force in `current`, until `stop`. A version
/// no newer than the one in force (read again at start, or already loaded from the database)
/// is passed over; one that cannot be used is logged and passed over too — the service goes on
/// under the version in force, which is what it decided under so far.
pub async fn follow(
    reader: CompactedReader,
    current: watch::Sender<Arc<Loaded>>,
    mut stop: watch::Receiver<bool>,
) {
    while !*stop.borrow() {
        let read = tokio::select! {
            read = reader.next() => read,
            _ = stop.changed() => break,
        };
        let payload = match read {
            Ok(payload) => payload,
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the reference data topic; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let in_force = current.borrow().version.version;
        // Versions no newer than the one in force (the whole topic is read at start) are passed
        // over before their files are checked.
        let loaded = match serde_json::from_slice::<ReferenceVersion>(&payload) {
            Ok(version) if version.version <= in_force => continue,
            Ok(version) => version.load().map_err(|e| e.to_string()),
            Err(err) => Err(err.to_string()),
        };
        match loaded {
            Ok(loaded) => put_in_force(&current, loaded),
            Err(err) => tracing::error!(
                topic = %reader.topic,
                error = %err,
                in_force,
                "a reference data version on the topic cannot be used; still deciding under the version in force"
            ),
        }
    }
}

/// Makes `loaded` the version in force, says so in the log and the metrics.
pub fn put_in_force(current: &watch::Sender<Arc<Loaded>>, loaded: Loaded) {
    let version = &loaded.version;
    tracing::info!(
        version = version.version,
        imported_by = %version.imported_by,
        imported_at = %version.imported_at,
        offices = loaded.data.offices().count(),
        "reference data version {} in force",
        version.version
    );
    metrics::gauge!("sigmat_reference_version").set(version.version as f64);
    current.send_replace(Arc::new(loaded));
}
