//! The tracker's commands for the hub's operators (`tracker outbox failed|retry`).

use anyhow::Context;
use transit_store::tracker::TrackerStore;

use crate::Settings;

async fn store(settings: &Settings) -> anyhow::Result<TrackerStore> {
    let pool = transit_store::connect(&settings.database, transit_store::Component::Tracker)
        .await
        .context("connecting to PostgreSQL (is it running? deploy/local/status)")?;
    Ok(TrackerStore::new(pool))
}

/// Prints the outbox records the broker refused for good, with its reason; returns how many.
pub async fn outbox_failed(settings: &Settings, limit: i64) -> anyhow::Result<usize> {
    let failed = store(settings).await?.failed_outbox(limit).await?;
    if failed.is_empty() {
        println!("no outbox record is set aside: everything was published or is in line");
        return Ok(0);
    }
    println!(
        "{:>8}  {:<20}  {:<32}  {:<18}  reason",
        "id", "set aside", "topic", "key"
    );
    for record in &failed {
        println!(
            "{:>8}  {:<20}  {:<32}  {:<18}  {}",
            record.id,
            record
                .failed_at
                .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default(),
            record.topic,
            record.record_key,
            record.failure.as_deref().unwrap_or("-")
        );
    }
    println!(
        "\nafter fixing the cause (topic created, rights granted, broker limit raised), put them \
         back in line with: tracker outbox retry ID… (or --all)"
    );
    Ok(failed.len())
}

/// Puts failed outbox records back in line; prints and returns how many.
pub async fn outbox_retry(settings: &Settings, ids: Option<&[i64]>) -> anyhow::Result<u64> {
    let count = store(settings).await?.retry_outbox(ids).await?;
    println!(
        "{count} outbox record(s) back in line; the running tracker publishes them within a second"
    );
    Ok(count)
}

/// Creates the network's topics — every country's `to-hub` and `from-hub`, the hub's
/// dead-letter and guarantee topics — with the configured partitions, replication and
/// retention, and returns how many it made sure of. For a cluster where the services may not
/// create topics: run it once with an administrator's identity (`deploy/cluster/up` does).
pub async fn create_topics(settings: &Settings) -> anyhow::Result<usize> {
    let mut kafka = settings.kafka.clone();
    kafka.create_topics = true;
    let topics = transit_kafka::Topics::new(&kafka.topic_prefix);
    let specs = topics.all_specs(&settings.countries, &kafka);
    transit_kafka::ensure_topics(&kafka, &specs)
        .await
        .context("creating the topics (is the broker reachable, with the right to create?)")?;
    println!(
        "{} topics in place under the prefix {}",
        specs.len(),
        kafka.topic_prefix
    );
    Ok(specs.len())
}
