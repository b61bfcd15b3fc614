//! Durable events per second through the tracker's storage path — inbox dedupe, movement row
//! lock, state machine, event log, outbox, one transaction per batch of 500, synchronous commit
//! on — beside a plain batched insert of the same messages into the same database, in the same
//! run. Needs the local stack's PostgreSQL (`deploy/local/infra-up`):
//!
//! ```sh
//! cargo bench -p tracker --bench throughput
//! ```
//!
//! `SIGMAT_BENCH_MOVEMENTS` sets the number of movements (3 events each; default 3000).

use std::time::Instant;

use chrono::Utc;
use sigmat::scenario::{Corridor, Movement};
use tracker::intake::BatchProcessor;
use transit_kafka::{header, ConsumedRecord, Topics};
use transit_runtime::config::Secret;
use transit_store::tracker::TrackerStore;
use transit_store::{baseline, Component, DatabaseSettings};

const BATCH: usize = 500;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("SIGMAT_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://sigmat@127.0.0.1:55432/sigmat".into());
    let movements: usize = std::env::var("SIGMAT_BENCH_MOVEMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let schema = format!("bench_{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let settings = DatabaseSettings {
        url: Secret::new(url),
        schema: schema.clone(),
        max_connections: 4,
    };
    let pool = transit_store::connect(&settings, Component::Tracker)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "{e}\nThe benchmark needs the local PostgreSQL: run deploy/local/infra-up first."
            )
        })?;

    // Every movement's release, passage and arrival, as the tracker would consume them.
    let topics = Topics::new("bench");
    let border = Corridor::abidjan_ouagadougou().transit[0].clone();
    let scenarios: Vec<Movement> = (0..movements)
        .map(|_| Movement::new(Corridor::abidjan_ouagadougou(), Utc::now()))
        .collect();
    let mut records = Vec::with_capacity(movements * 3);
    let mut plain = Vec::with_capacity(movements * 3);
    for phase in 0..3 {
        for m in &scenarios {
            let (country, message) = match phase {
                0 => ("CI", m.release()),
                1 => ("BF", m.passage(&border, Utc::now())),
                _ => ("BF", m.arrival(Utc::now())),
            };
            let payload = transit_codec::json::encode(&message);
            plain.push((
                m.mrn.to_string(),
                message.id().as_uuid(),
                serde_json::from_slice(&payload)?,
            ));
            records.push(ConsumedRecord {
                topic: topics.to_hub(transit_model::CountryCode::parse(country)?),
                partition: 0,
                offset: i64::try_from(records.len())?,
                key: Some(m.mrn.to_string()),
                headers: [(
                    header::MESSAGE_TYPE.to_owned(),
                    message.message_type().code().to_owned(),
                )]
                .into(),
                payload,
            });
        }
    }
    let events = records.len() as f64;

    let started = Instant::now();
    baseline::insert_plain_rows(&pool, &plain, BATCH).await?;
    let plain_rate = events / started.elapsed().as_secs_f64();

    let processor = BatchProcessor::new(TrackerStore::new(pool.clone()), topics);
    let started = Instant::now();
    for batch in records.chunks(BATCH) {
        processor.process(batch, Utc::now()).await?;
    }
    let tracker_rate = events / started.elapsed().as_secs_f64();

    let queries = transit_store::queries::MovementQueries::new(pool.clone());
    let processed = queries.processed_count().await?;
    let synchronous = baseline::synchronous_commit(&pool).await?;
    baseline::drop_schema(&pool, &schema).await?;
    anyhow::ensure!(
        processed as f64 == events,
        "the tracker processed {processed} of {events} events"
    );

    println!("sigmat tracker benchmark — {events} events ({movements} movements × release, passage, arrival), batches of {BATCH}, synchronous_commit = {synchronous}");
    println!("{:<58} {:>12} {:>10}", "", "events/s", "ratio");
    println!(
        "{:<58} {:>12.0} {:>10.2}",
        "plain batched insert of the same messages (baseline)", plain_rate, 1.0
    );
    println!(
        "{:<58} {:>12.0} {:>10.2}",
        "tracker: inbox, row lock, decide, event log, outbox",
        tracker_rate,
        tracker_rate / plain_rate
    );
    Ok(())
}
