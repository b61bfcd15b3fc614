//! The broker's own limit for the pipeline's shape: records of a standardized release's size
//! produced to one topic, read and produced again to a second topic with no processing (the
//! tracker's hop), and read from there (the destination adapter's hop) — two hops, as a
//! national message takes from one adapter to another — all three running at once, through
//! sigmat's own publisher and batch consumer (acks=all, idempotent, offsets committed).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use transit_kafka::{
    ensure_topics, BatchConsumer, KafkaSettings, OutgoingRecord, Publisher, Topics,
};
use transit_model::CountryCode;

use super::spread::{self, Spread};

/// The broker's figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BrokerFigures {
    /// Records passed through.
    pub records: usize,
    /// Bytes per record.
    pub record_bytes: usize,
    /// Records per second through both hops.
    pub passthrough_per_s: Spread,
    /// One record at a time through both hops, produce → read at the end, p99, milliseconds.
    pub round_trip_p99_ms: Spread,
}

/// Passes `count` records of `bytes` through two hops of the broker at `brokers`, `repeats`
/// times, fresh topics each time.
pub async fn measure(
    brokers: &str,
    count: usize,
    bytes: usize,
    repeats: usize,
) -> anyhow::Result<BrokerFigures> {
    let runs = spread::repeat(repeats, |_| once(brokers, count, bytes)).await?;
    Ok(BrokerFigures {
        records: runs[0].0,
        record_bytes: bytes,
        passthrough_per_s: spread::over(&runs, |r| r.1),
        round_trip_p99_ms: spread::over(&runs, |r| r.2),
    })
}

/// One run: records passed, records/s, round-trip p99 (ms).
async fn once(brokers: &str, count: usize, bytes: usize) -> anyhow::Result<(usize, f64, f64)> {
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();
    let mut settings = KafkaSettings::new(brokers);
    settings.topic_prefix = format!("bench{run}");
    settings.partitions = 3;
    let topics = Topics::new(&settings.topic_prefix);
    let country = CountryCode::parse("CI")?;
    let (first, second) = (topics.to_hub(country), topics.from_hub(country));
    let first_topic = first.clone();
    ensure_topics(&settings, &topics.country_specs(country, &settings))
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "{e}\nThe benchmark needs the local broker: run deploy/local/infra-up first."
            )
        })?;
    let records: Vec<OutgoingRecord> = (0..count)
        .map(|n| OutgoingRecord {
            topic: first.clone(),
            key: format!("26CIBENCH{n:09}"),
            headers: vec![("sigmat-message-id".into(), format!("bench-{n}"))],
            payload: vec![b'x'; bytes],
        })
        .collect();
    // Full batches for the whole linger: the broker's limit, not the services' latency tactic.
    let forwarder =
        BatchConsumer::subscribe(&settings, &format!("bench{run}-hop"), &[first])?.lingering();
    let reader = BatchConsumer::subscribe(
        &settings,
        &format!("bench{run}-end"),
        std::slice::from_ref(&second),
    )?
    .lingering();
    let publisher = Publisher::new(&settings)?;
    let hop_publisher = Publisher::new(&settings)?;
    let parts = Hops {
        publisher: &publisher,
        forwarder: &forwarder,
        hop_publisher: &hop_publisher,
        reader: &reader,
        second: &second,
    };
    // One record first, so that both groups have joined before the clock starts.
    parts.pass(&records[..1]).await?;
    let started = Instant::now();
    parts.pass(&records[1..]).await?;
    let count = count - 1;
    let passthrough = started.elapsed();
    let round_trip_p99_ms = parts
        .round_trips(&first_topic, 300, Duration::from_millis(5), bytes)
        .await?;
    Ok((
        count,
        count as f64 / passthrough.as_secs_f64(),
        round_trip_p99_ms,
    ))
}

struct Hops<'a> {
    publisher: &'a Publisher,
    forwarder: &'a BatchConsumer,
    hop_publisher: &'a Publisher,
    reader: &'a BatchConsumer,
    second: &'a str,
}

impl Hops<'_> {
    /// Sends `n` records one at a time, `every` apart, through both hops; the p99 of produce →
    /// read at the end, milliseconds. Each record carries its send time.
    async fn round_trips(
        &self,
        topic: &str,
        n: usize,
        every: Duration,
        bytes: usize,
    ) -> anyhow::Result<f64> {
        let clock = Instant::now();
        let produce = async {
            for k in 0..n {
                let mut payload = vec![b'x'; bytes.max(16)];
                payload[..16].copy_from_slice(&clock.elapsed().as_nanos().to_le_bytes());
                let record = OutgoingRecord {
                    topic: topic.to_owned(),
                    key: format!("26CIROUND{k:09}"),
                    headers: Vec::new(),
                    payload,
                };
                self.publisher
                    .publish_all(std::slice::from_ref(&record))
                    .await?;
                tokio::time::sleep(every).await;
            }
            anyhow::Ok(())
        };
        let hop = self.forward(n, Duration::ZERO);
        let read = async {
            let mut latencies = Vec::with_capacity(n);
            while latencies.len() < n {
                let batch = self
                    .reader
                    .next_batch(500, Duration::ZERO, Duration::from_secs(60))
                    .await?;
                anyhow::ensure!(
                    !batch.is_empty(),
                    "round trips: {} of {n} came back within a minute",
                    latencies.len()
                );
                let now = clock.elapsed().as_nanos();
                for record in &batch {
                    let mut sent = [0u8; 16];
                    sent.copy_from_slice(&record.payload[..16]);
                    latencies.push((now - u128::from_le_bytes(sent)) as f64 / 1e6);
                }
                self.reader.commit(&batch).await?;
            }
            latencies.sort_by(f64::total_cmp);
            anyhow::Ok(latencies[(latencies.len() * 99).div_ceil(100).max(1) - 1])
        };
        let ((), (), p99) = tokio::try_join!(produce, hop, read)?;
        Ok(p99)
    }

    /// Reads `count` records at the hop, batches gathered for up to `linger`, and produces
    /// them to the second topic.
    async fn forward(&self, count: usize, linger: Duration) -> anyhow::Result<()> {
        let mut passed = 0;
        while passed < count {
            let batch = self
                .forwarder
                .next_batch(500, linger, Duration::from_secs(60))
                .await?;
            anyhow::ensure!(
                !batch.is_empty(),
                "the hop read {passed} of {count} records within a minute"
            );
            let out: Vec<OutgoingRecord> = batch
                .iter()
                .map(|r| OutgoingRecord {
                    topic: self.second.to_owned(),
                    key: r.key.clone().unwrap_or_default(),
                    headers: Vec::new(),
                    payload: r.payload.clone(),
                })
                .collect();
            self.hop_publisher.publish_all(&out).await?;
            self.forwarder.commit(&batch).await?;
            passed += batch.len();
        }
        Ok(())
    }

    /// Produces `records`, passes them over the hop and reads them at the end, all at once.
    async fn pass(&self, records: &[OutgoingRecord]) -> anyhow::Result<()> {
        let count = records.len();
        let wait = Duration::from_secs(60);
        let produce = async {
            for chunk in records.chunks(500) {
                self.publisher.publish_all(chunk).await?;
            }
            anyhow::Ok(())
        };
        let hop = self.forward(count, Duration::from_millis(5));
        let read = async {
            let mut read = 0;
            while read < count {
                let batch = self
                    .reader
                    .next_batch(500, Duration::from_millis(5), wait)
                    .await?;
                anyhow::ensure!(
                    !batch.is_empty(),
                    "the end read {read} of {count} records within a minute"
                );
                self.reader.commit(&batch).await?;
                read += batch.len();
            }
            anyhow::Ok(())
        };
        tokio::try_join!(produce, hop, read)?;
        Ok(())
    }
}
