use std::time::Duration;

use futures::future::join_all;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::util::Timeout;

use crate::figures::Figures;
use crate::{KafkaError, KafkaSettings, OutgoingRecord};

/// An idempotent producer: retries inside the client never duplicate or reorder a record, and
/// a publish returns only when every record is acknowledged by all in-sync replicas.
#[derive(Clone)]
pub struct Publisher {
    producer: FutureProducer<Figures>,
    timeout: Duration,
}

impl std::fmt::Debug for Publisher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publisher").finish_non_exhaustive()
    }
}

impl Publisher {
    /// Connects a producer.
    pub fn new(settings: &KafkaSettings) -> Result<Self, KafkaError> {
        let producer = settings
            .client_config()
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("linger.ms", "5")
            .set("compression.type", "none")
            .set("message.timeout.ms", "30000")
            // Topics are made by the services with their settings (ensure_topics), never by a
            // broker that allows it from a write or a readiness question with its defaults.
            .set("allow.auto.create.topics", "false")
            .create_with_context(Figures::of("producer"))
            .map_err(|e| KafkaError::new("creating the producer", e))?;
        Ok(Self {
            producer,
            timeout: Duration::from_secs(30),
        })
    }

    /// Whether the broker answers: asks it for the metadata of `topic`, one the service
    /// uses (at most 2 s, off the async workers: the client's call blocks). One topic, not
    /// the whole cluster's: readiness is asked every few seconds by every instance of every
    /// service, and the cluster's metadata grows with every topic on it (an answer about
    /// thousands of partitions, each time, is work and memory a loaded broker does not have).
    pub async fn reachable(&self, topic: &str) -> Result<(), KafkaError> {
        let producer = self.producer.clone();
        let topic = topic.to_owned();
        tokio::task::spawn_blocking(move || {
            producer
                .client()
                .fetch_metadata(Some(&topic), Duration::from_secs(2))
                .map(|_| ())
        })
        .await
        .unwrap_or(Err(rdkafka::error::KafkaError::Canceled))
        .map_err(|e| KafkaError::new("asking the broker for its metadata", e))
    }

    /// Publishes every record and waits for all acknowledgements. On error, some records may
    /// have been written: callers retry the whole set, and receivers dedupe by message id.
    pub async fn publish_all(&self, records: &[OutgoingRecord]) -> Result<(), KafkaError> {
        self.publish_each(records).await.into_iter().collect()
    }

    /// Publishes every record and says, for each in order, whether the broker took it: a
    /// caller can set aside a record refused for good ([`KafkaError::is_record_refused`])
    /// and keep the others.
    pub async fn publish_each(&self, records: &[OutgoingRecord]) -> Vec<Result<(), KafkaError>> {
        let sends = records.iter().map(|record| {
            let mut headers = OwnedHeaders::new_with_capacity(record.headers.len());
            for (key, value) in &record.headers {
                headers = headers.insert(Header {
                    key,
                    value: Some(value.as_bytes()),
                });
            }
            let future_record = FutureRecord::to(&record.topic)
                .key(&record.key)
                .payload(&record.payload)
                .headers(headers);
            self.producer
                .send(future_record, Timeout::After(self.timeout))
        });
        join_all(sends)
            .await
            .into_iter()
            .zip(records)
            .map(|(result, record)| {
                result.map(|_| ()).map_err(|(err, _)| {
                    KafkaError::new(
                        format!("publishing {} to {}", record.key, record.topic),
                        err,
                    )
                })
            })
            .collect()
    }
}
