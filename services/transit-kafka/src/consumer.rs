use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::message::{Headers, Message};
use rdkafka::{Offset, TopicPartitionList};

use crate::figures::Figures;
use crate::progress::StallReport;
use crate::{KafkaError, KafkaSettings, PartitionProgress, Stall};

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
    /// When its producer wrote it (milliseconds since the epoch), when the broker says.
    pub written_at_ms: Option<i64>,
}

/// A consumer that hands out batches and commits offsets only when asked: after the caller's
/// own transaction has committed. Auto-commit is off, so a crash between the two replays the
/// batch (and the caller's inbox drops what it already has).
#[derive(Clone)]
pub struct BatchConsumer {
    consumer: Arc<StreamConsumer<Figures>>,
    /// The consumer group (a label of its metrics).
    group: Arc<str>,
    stall: StallReport,
    gap: Duration,
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
        let mut config = settings.client_config();
        // Bounded read-ahead: librdkafka would hold up to 64 MB of fetched records per
        // consumer (and fetch 50 MB at once); a batch is at most 500 records of a few KB, so
        // 8 MB ahead keeps every batch full while a service's memory stays small. Overridable
        // under [kafka.properties].
        for (key, value) in CONSUMER_BOUNDS {
            if !settings.properties.contains_key(key) {
                config.set(key, value);
            }
        }
        let consumer: StreamConsumer<Figures> = config
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
            .create_with_context(Figures::of(group))
            .map_err(|e| KafkaError::new("creating the consumer", e))?;
        let names: Vec<&str> = topics.iter().map(String::as_str).collect();
        consumer
            .subscribe(&names)
            .map_err(|e| KafkaError::new(format!("subscribing to {}", names.join(", ")), e))?;
        Ok(Self {
            consumer: Arc::new(consumer),
            group: group.into(),
            stall: StallReport::default(),
            gap: GAP,
        })
    }

    /// The same consumer, filling every batch for the whole linger instead of ending it when
    /// no record is at hand (benchmarks measuring the broker's own limit use this).
    pub fn lingering(mut self) -> Self {
        self.gap = Duration::MAX;
        self
    }

    /// Waits for at least one record, then gathers more for up to `linger`, at most `max`,
    /// ending early when no further record comes within a couple of milliseconds (so light
    /// traffic is handed on at once and heavy traffic still fills batches from what was
    /// fetched). Returns an empty batch if nothing arrives within `idle`.
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
        let consumer = &self.consumer;
        gather(
            || async move {
                consumer
                    .recv()
                    .await
                    .map(|record| owned(&record))
                    .map_err(|source| KafkaError::new("receiving", source))
            },
            max,
            linger,
            self.gap,
            idle,
        )
        .await
    }

    /// The consumer group it belongs to.
    pub fn group(&self) -> &str {
        &self.group
    }

    /// Whether the group has given this consumer partitions to read (readiness: a consumer
    /// that lost its assignment, or never got one, is not doing its work).
    pub fn assigned(&self) -> bool {
        self.consumer
            .assignment()
            .is_ok_and(|assignment| assignment.count() > 0)
    }

    /// The stall [`crate::watch_progress`] has seen on this consumer: records waiting behind a
    /// committed position that has not moved for longer than its limit (readiness: the
    /// consumer holds partitions but its work has stopped).
    pub fn stall(&self) -> Option<Stall> {
        self.stall.current()
    }

    /// Why this consumer is not doing its work, if it is not: no partitions (still joining its
    /// group, or one member more than the topic has partitions), or a stall. What readiness
    /// reports, after the consumer's name.
    pub fn not_working(&self) -> Option<String> {
        if !self.assigned() {
            return Some(
                "has no partitions (joining its group, or more members than partitions)".into(),
            );
        }
        // Readiness is answered to anyone who asks: the partition is named in the log only.
        self.stall().map(|stall| {
            format!(
                "has stopped working: no progress for {} s while {} records wait (the log names the partition)",
                stall.lasted.as_secs(),
                stall.waiting
            )
        })
    }

    pub(crate) fn stall_report(&self) -> &StallReport {
        &self.stall
    }

    /// The group's committed position and the extent of every partition assigned to this
    /// consumer (asks the broker; up to `timeout` per question).
    pub async fn progress(&self, timeout: Duration) -> Result<Vec<PartitionProgress>, KafkaError> {
        let consumer = Arc::clone(&self.consumer);
        tokio::task::spawn_blocking(move || {
            let assignment = consumer
                .assignment()
                .map_err(|e| KafkaError::new("reading the assignment", e))?;
            let committed = consumer
                .committed_offsets(assignment, timeout)
                .map_err(|e| KafkaError::new("reading the committed offsets", e))?;
            let mut observed = Vec::new();
            for element in committed.elements() {
                let (start, end) = consumer
                    .fetch_watermarks(element.topic(), element.partition(), timeout)
                    .map_err(|e| KafkaError::new("reading a partition's offsets", e))?;
                observed.push(PartitionProgress {
                    topic: element.topic().to_owned(),
                    partition: element.partition(),
                    committed: match element.offset() {
                        Offset::Offset(n) => Some(n),
                        _ => None,
                    },
                    start,
                    end,
                });
            }
            Ok(observed)
        })
        .await
        .map_err(|_| KafkaError::new("reading progress", rdkafka::error::KafkaError::Canceled))?
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
        written_at_ms: message.timestamp().to_millis(),
    }
}

/// [`BatchConsumer::next_batch`]'s rule, over any source of records (the tests give their own).
/// The consumer's read-ahead bounds (see [`BatchConsumer::subscribe`]).
const CONSUMER_BOUNDS: [(&str, &str); 4] = [
    ("queued.max.messages.kbytes", "8192"),
    ("queued.min.messages", "2000"),
    ("fetch.max.bytes", "8388608"),
    // A full queue pauses fetching for this long (1 s by default, which starves a busy
    // consumer once its queue is bounded).
    ("fetch.queue.backoff.ms", "5"),
];

/// How long a batch waits for one more record once none is at hand: records already fetched
/// come at once, so a batch takes everything waiting, and light traffic is not held for the
/// whole linger.
const GAP: Duration = Duration::from_millis(2);

async fn gather<F, Fut>(
    mut receive: F,
    max: usize,
    linger: Duration,
    gap: Duration,
    idle: Duration,
) -> Result<Vec<ConsumedRecord>, KafkaError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<ConsumedRecord, KafkaError>>,
{
    let mut batch = Vec::new();
    let mut deadline = tokio::time::Instant::now() + idle;
    while batch.len() < max {
        let wait_until = if batch.is_empty() {
            deadline
        } else {
            deadline.min(
                tokio::time::Instant::now()
                    .checked_add(gap)
                    .unwrap_or(deadline),
            )
        };
        let received = match tokio::time::timeout_at(wait_until, receive()).await {
            Err(_) => break,
            Ok(received) => received,
        };
        match received {
            Ok(record) => {
                if batch.is_empty() {
                    deadline = tokio::time::Instant::now() + linger;
                }
                batch.push(record);
            }
            Err(error) if error.is_transient() => {
                tracing::debug!(%error, "the broker client is retrying");
            }
            Err(error) if batch.is_empty() => return Err(error),
            Err(error) => {
                tracing::warn!(%error, gathered = batch.len(), "the broker client reported an error; handing on the records already received");
                break;
            }
        }
    }
    Ok(batch)
}

#[cfg(test)]
mod gather_tests {
    use std::collections::VecDeque;
    use std::sync::Mutex;

    use rdkafka::error::KafkaError as Raw;
    use rdkafka::types::RDKafkaErrorCode as Code;

    use super::*;

    fn record(offset: i64) -> Result<ConsumedRecord, KafkaError> {
        Ok(ConsumedRecord {
            topic: "sigmat.bf.to-hub".into(),
            partition: 0,
            offset,
            key: None,
            headers: BTreeMap::new(),
            payload: Vec::new(),
            written_at_ms: None,
        })
    }

    fn error(code: Code) -> Result<ConsumedRecord, KafkaError> {
        Err(KafkaError::new("receiving", Raw::MessageConsumption(code)))
    }

    /// Gathers from `script`, then waits forever (as a quiet topic does).
    async fn gather_from(
        script: Vec<Result<ConsumedRecord, KafkaError>>,
    ) -> Result<Vec<i64>, KafkaError> {
        let script = Mutex::new(VecDeque::from(script));
        let receive = || {
            let next = script.lock().unwrap().pop_front();
            async move {
                match next {
                    Some(item) => item,
                    None => std::future::pending().await,
                }
            }
        };
        let batch = gather(
            receive,
            100,
            Duration::from_millis(50),
            GAP,
            Duration::from_millis(50),
        )
        .await?;
        Ok(batch.iter().map(|r| r.offset).collect())
    }

    #[tokio::test(start_paused = true)]
    async fn a_batch_ends_when_no_record_comes_within_the_gap_not_after_the_whole_linger() {
        let started = tokio::time::Instant::now();
        let offsets = gather_from(vec![record(1), record(2)]).await.unwrap();
        assert_eq!(offsets, vec![1, 2]);
        assert_eq!(
            started.elapsed(),
            GAP,
            "handed on one gap after the last record"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn records_received_before_an_error_are_handed_on_never_dropped() {
        let got = gather_from(vec![
            record(0),
            record(1),
            error(Code::TopicAuthorizationFailed),
            record(2),
        ])
        .await
        .unwrap();
        assert_eq!(got, vec![0, 1], "records before the error were lost");
    }

    #[tokio::test(start_paused = true)]
    async fn errors_the_client_retries_are_passed_over() {
        let got = gather_from(vec![
            error(Code::BrokerTransportFailure),
            record(5),
            error(Code::AllBrokersDown),
            record(6),
        ])
        .await
        .unwrap();
        assert_eq!(got, vec![5, 6]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_error_that_needs_a_person_with_nothing_gathered_is_returned() {
        let refused = gather_from(vec![error(Code::TopicAuthorizationFailed), record(0)]).await;
        assert!(refused.is_err_and(|e| e.is_refused_access()));
    }
}
