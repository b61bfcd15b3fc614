//! The broker itself, through sigmat's own publisher and batch consumer: how long a new
//! consumer group waits for its first record (the "first fetch"), and records per second
//! produced and consumed, for records of a standardized message's size. Needs the local
//! stack's broker (`deploy/local/infra-up`):
//!
//! ```sh
//! cargo bench -p transit-kafka --bench broker
//! ```
//!
//! `SIGMAT_BENCH_RECORDS` sets the number of records (default 3000), `SIGMAT_BENCH_BROKERS`
//! the broker (default `127.0.0.1:19092`). Each run uses a topic and a group of its own.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use transit_kafka::{
    ensure_topics, BatchConsumer, KafkaSettings, OutgoingRecord, Publisher, Topics,
};
use transit_model::CountryCode;

/// About the size of a standardized release (IE029) with a few goods items.
const PAYLOAD_BYTES: usize = 2_048;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let brokers =
        std::env::var("SIGMAT_BENCH_BROKERS").unwrap_or_else(|_| "127.0.0.1:19092".into());
    let count: usize = std::env::var("SIGMAT_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();
    let mut settings = KafkaSettings::new(&brokers);
    settings.topic_prefix = format!("bench{run}");
    settings.partitions = 3;
    let topics = Topics::new(&settings.topic_prefix);
    let country = CountryCode::parse("CI")?;
    let topic = topics.to_hub(country);
    ensure_topics(&settings, &topics.country_specs(country, &settings))
        .await
        .map_err(|e| {
            format!("{e}\nThe benchmark needs the local broker: run deploy/local/infra-up first.")
        })?;

    let records: Vec<OutgoingRecord> = (0..count)
        .map(|n| OutgoingRecord {
            topic: topic.clone(),
            key: format!("26CIBENCH{n:09}"),
            headers: vec![("sigmat-message-id".into(), format!("bench-{n}"))],
            payload: vec![b'x'; PAYLOAD_BYTES],
        })
        .collect();
    let publisher = Publisher::new(&settings)?;
    let started = Instant::now();
    for chunk in records.chunks(500) {
        publisher.publish_all(chunk).await?;
    }
    let produced = started.elapsed();

    let consumer = BatchConsumer::subscribe(&settings, &format!("bench{run}-reader"), &[topic])?;
    let started = Instant::now();
    let (mut first, mut read) = (None, 0);
    while read < count {
        let batch = consumer
            .next_batch(1000, Duration::from_millis(10), Duration::from_secs(60))
            .await?;
        if batch.is_empty() {
            return Err(format!("only {read} of {count} records came back within a minute").into());
        }
        first.get_or_insert_with(|| started.elapsed());
        read += batch.len();
    }
    let consumed = started.elapsed();
    let first = first.unwrap_or_default();

    let rate = |d: Duration| count as f64 / d.as_secs_f64().max(1e-9);
    println!("broker {brokers}: {count} records of {PAYLOAD_BYTES} bytes, 3 partitions, acks=all, idempotent");
    println!(
        "  produce          {:>9.0} records/s ({:.2} s)",
        rate(produced),
        produced.as_secs_f64()
    );
    println!(
        "  first record     {:>9.0} ms after a new group subscribed",
        first.as_secs_f64() * 1000.0
    );
    println!(
        "  consume (all)    {:>9.0} records/s ({:.2} s, group join included)",
        rate(consumed),
        consumed.as_secs_f64()
    );
    println!(
        "  consume (after the first record) {:.0} records/s",
        (count - 1) as f64 / (consumed - first).as_secs_f64().max(1e-9)
    );
    Ok(())
}
