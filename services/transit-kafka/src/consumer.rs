use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::message::{Headers, Message};
use rdkafka::{Offset, TopicPartitionList};

use crate::{KafkaError, KafkaSettings};

/// One consumed record, owned.
#[derive(Clone, Debug)]
pub struct ConsumedRecord {
    /// Its topic.
    pub topic: String,
    /// Its partition.
    pub partition: i32,
    /// Its offset.
    pub offset: i64,
    /// Its key (the MRN), when it has one.
    pub key: Option<String>,
    /// Its headers, as text.
    pub headers: BTreeMap<String, String>,
    /// Its payload.
    pub payload: Vec<u8>,
}

/// A consumer that hands out batches and commits offsets only when asked: after the caller's
/// own transaction has committed. Auto-commit is off, so a crash between the two replays the
/// batch (and the caller's inbox drops what it already has).
#[derive(Clone)]
pub struct BatchConsumer {
    consumer: Arc<StreamConsumer>,
}

impl std::fmt::Debug for BatchConsumer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchConsumer").finish_non_exhaustive()
    }
}

impl BatchConsumer {
    /// Joins consumer group `group` on `topics`. A new group starts at the earliest offset, so
    /// nothing written before the first start is missed.
    pub fn subscribe(
        settings: &KafkaSettings,
        group: &str,
        topics: &[String],
    ) -> Result<Self, KafkaError> {
        let consumer: StreamConsumer = settings
            .client_config()
            .set("group.id", group)
            .set("enable.auto.commit", "false")
            .set("auto.offset.reset", "earliest")
            .set(
                "session.timeout.ms",
                settings.session_timeout_ms.to_string(),
            )
            .set(
                "heartbeat.interval.ms",
                (settings.session_timeout_ms / 4).max(100).to_string(),
            )
            .set("fetch.wait.max.ms", settings.fetch_wait_max_ms.to_string())
            .set("topic.metadata.refresh.interval.ms", "5000")
            .create()
            .map_err(|e| KafkaError::new("creating the consumer", e))?;
        let names: Vec<&str> = topics.iter().map(String::as_str).collect();
        consumer
            .subscribe(&names)
            .map_err(|e| KafkaError::new(format!("subscribing to {}", names.join(", ")), e))?;
        Ok(Self {
            consumer: Arc::new(consumer),
        })
    }

    /// Waits for at least one record, then gathers more for up to `linger`, at most `max`.
    /// Returns an empty batch if nothing arrives within `idle`.
    ///
    /// The client reports what it is retrying by itself (a broker node gone, a coordinator
    /// moving) as errors among the records; those are passed over — librdkafka logs them —
    /// so that a burst of them never holds up the records behind it. An error that needs a
    /// person (rights, configuration) is returned, unless records were already received: the
    /// batch then ends with them, and they are returned. They must be: the client's position
    /// has moved past them, so dropping them would let the next commit skip them for good.
    pub async fn next_batch(
        &self,
        max: usize,
        linger: Duration,
        idle: Duration,
    ) -> Result<Vec<ConsumedRecord>, KafkaError> {
        let mut batch = Vec::new();
        let mut deadline = tokio::time::Instant::now() + idle;
        while batch.len() < max {
            let received = match tokio::time::timeout_at(deadline, self.consumer.recv()).await {
                Err(_) => break,
                Ok(received) => received,
            };
            match received {
                Ok(record) => {
                    if batch.is_empty() {
                        deadline = tokio::time::Instant::now() + linger;
                    }
                    batch.push(owned(&record));
                }
                Err(source) => {
                    let error = KafkaError::new("receiving", source);
                    if error.is_transient() {
                        tracing::debug!(%error, "the broker client is retrying");
                    } else if batch.is_empty() {
                        return Err(error);
                    } else {
                        tracing::warn!(%error, gathered = batch.len(), "the broker client reported an error; handing on the records already received");
                        break;
                    }
                }
            }
        }
        Ok(batch)
    }

    /// Whether the group has given this consumer partitions to read (readiness: a consumer
    /// that lost its assignment, or never got one, is not doing its work).
    pub fn assigned(&self) -> bool {
        self.consumer
            .assignment()
            .is_ok_and(|assignment| assignment.count() > 0)
    }

    /// Commits, for each partition in `batch`, the offset after its last record. Blocks until
    /// the broker confirms.
    pub async fn commit(&self, batch: &[ConsumedRecord]) -> Result<(), KafkaError> {
        let mut next: HashMap<(&str, i32), i64> = HashMap::new();
        for record in batch {
            let entry = next.entry((&record.topic, record.partition)).or_insert(0);
            *entry = (*entry).max(record.offset + 1);
        }
        if next.is_empty() {
            return Ok(());
        }
        let mut list = TopicPartitionList::new();
        for ((topic, partition), offset) in next {
            list.add_partition_offset(topic, partition, Offset::Offset(offset))
                .map_err(|e| KafkaError::new("building the offset list", e))?;
        }
        let consumer = Arc::clone(&self.consumer);
        tokio::task::spawn_blocking(move || consumer.commit(&list, CommitMode::Sync))
            .await
            .map_err(|_| {
                KafkaError::new("committing offsets", rdkafka::error::KafkaError::Canceled)
            })?
            .map_err(|e| KafkaError::new("committing offsets", e))
    }
}

fn owned(message: &rdkafka::message::BorrowedMessage<'_>) -> ConsumedRecord {
    let headers = message
        .headers()
        .map(|h| {
            h.iter()
                .map(|header| {
                    (
                        header.key.to_owned(),
                        String::from_utf8_lossy(header.value.unwrap_or_default()).into_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    ConsumedRecord {
        topic: message.topic().to_owned(),
        partition: message.partition(),
        offset: message.offset(),
        key: message
            .key()
            .map(|k| String::from_utf8_lossy(k).into_owned()),
        headers,
        payload: message.payload().unwrap_or_default().to_vec(),
    }
}
