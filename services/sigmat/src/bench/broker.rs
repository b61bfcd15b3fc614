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

/// The broker's figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BrokerFigures {
    /// Records passed through.
    pub records: usize,
    /// Bytes per record.
    pub record_bytes: usize,
    /// Records per second through both hops.
    pub passthrough_per_s: f64,
}

/// Passes `count` records of `bytes` through two hops of the broker at `brokers`.
pub async fn measure(brokers: &str, count: usize, bytes: usize) -> anyhow::Result<BrokerFigures> {
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();
    let mut settings = KafkaSettings::new(brokers);
    settings.topic_prefix = format!("bench{run}");
    settings.partitions = 3;
    let topics = Topics::new(&settings.topic_prefix);
    let country = CountryCode::parse("CI")?;
    let (first, second) = (topics.to_hub(country), topics.from_hub(country));
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
    let forwarder = BatchConsumer::subscribe(&settings, &format!("bench{run}-hop"), &[first])?;
    let reader = BatchConsumer::subscribe(
        &settings,
        &format!("bench{run}-end"),
        std::slice::from_ref(&second),
    )?;
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
    Ok(BrokerFigures {
        records: count,
        record_bytes: bytes,
        passthrough_per_s: count as f64 / started.elapsed().as_secs_f64(),
    })
}

struct Hops<'a> {
    publisher: &'a Publisher,
    forwarder: &'a BatchConsumer,
    hop_publisher: &'a Publisher,
    reader: &'a BatchConsumer,
    second: &'a str,
}

impl Hops<'_> {
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
        let hop = async {
            let mut passed = 0;
            while passed < count {
                let batch = self
                    .forwarder
                    .next_batch(500, Duration::from_millis(5), wait)
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
            anyhow::Ok(())
        };
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
