//! The tracker's durable events per second — inbox, movement row locks, state machine, event
//! log, outbox, one transaction per batch of 500, synchronous commit on — against two limits
//! measured in the same run and database: the same rows written again into a fresh schema with
//! nothing read and nothing decided (the limit the target is set against), and one plain row
//! per message (how fast the database takes the messages alone).

use std::time::Instant;

use chrono::Utc;
use tracker::intake::BatchProcessor;
use transit_kafka::{header, ConsumedRecord, Topics};
use transit_model::reference::ReferenceData;
use transit_runtime::config::Secret;
use transit_store::tracker::TrackerStore;
use transit_store::{baseline, Component, DatabaseSettings, PgPool};

use transit_scenario::{Corridor, Movement};

/// Records per batch, as the tracker's default `[batch] max_records`.
pub const BATCH: usize = 500;

/// The tracker's figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TrackerFigures {
    /// Events processed.
    pub events: usize,
    /// Movements they belong to.
    pub movements: usize,
    /// The tracker, events/s.
    pub tracker_events_per_s: f64,
    /// The same rows written without the tracker, events/s.
    pub same_rows_events_per_s: f64,
    /// One plain row per message, events/s.
    pub plain_rows_per_s: f64,
    /// tracker / same rows.
    pub ratio: f64,
    /// What the tracker's schema held on disk after the run (tables, indexes, TOAST), bytes.
    pub hot_store_bytes: i64,
    /// Its largest tables, bytes each (with their indexes and TOAST): where the bytes go.
    pub hot_store_tables: Vec<(String, i64)>,
    /// That, per event processed: the hot store's disk per message.
    pub disk_bytes_per_message: f64,
    /// The server's `synchronous_commit`.
    pub synchronous_commit: String,
    /// The server's version.
    pub postgresql: String,
}

pub(super) async fn scratch(url: &str, name: &str) -> anyhow::Result<(PgPool, String)> {
    let schema = format!(
        "bench_{name}_{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let settings = DatabaseSettings {
        url: Secret::new(url.to_owned()),
        schema: schema.clone(),
        max_connections: 2,
    };
    let pool = transit_store::connect(&settings, Component::Tracker)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "{e}\nThe benchmark needs the local PostgreSQL: run deploy/local/infra-up first."
            )
        })?;
    Ok((pool, schema))
}

/// Every movement's release, each passage and the arrival, on the five corridors in turn, as
/// the tracker would consume them: all releases, then all passages, then all arrivals.
pub(super) fn records(movements: usize, topics: &Topics) -> anyhow::Result<Vec<ConsumedRecord>> {
    let data = ReferenceData::builtin();
    let corridors: Vec<Corridor> = data
        .corridors()
        .iter()
        .filter(|c| c.by_road())
        .map(|c| Corridor::from_reference(&data, &c.id))
        .collect::<Option<_>>()
        .ok_or_else(|| anyhow::anyhow!("a corridor of the reference data has an unknown office"))?;
    let now = Utc::now();
    let scenarios: Vec<Movement> = (0..movements)
        .map(|n| Movement::new(corridors[n % corridors.len()].clone(), now).with_own_vehicle())
        .collect();
    let mut records = Vec::new();
    let mut push = |office: &transit_model::OfficeRef, message: transit_model::StandardMessage| {
        records.push(ConsumedRecord {
            topic: topics.to_hub(office.country()),
            partition: 0,
            offset: i64::try_from(records.len()).unwrap_or(i64::MAX),
            key: Some(message.mrn().to_string()),
            headers: [(
                header::MESSAGE_TYPE.to_owned(),
                message.message_type().code().to_owned(),
            )]
            .into(),
            payload: transit_codec::json::encode(&message),
            written_at_ms: None,
        });
    };
    for m in &scenarios {
        push(&m.corridor.departure, m.release());
    }
    for m in &scenarios {
        for office in &m.corridor.transit {
            push(office, m.passage(office, now));
        }
    }
    for m in &scenarios {
        push(&m.corridor.destination, m.arrival(now));
    }
    Ok(records)
}

/// Measures the tracker on `movements` movements in scratch schemas of the database at `url`.
pub async fn measure(url: &str, movements: usize) -> anyhow::Result<TrackerFigures> {
    let topics = Topics::new("bench");
    let records = records(movements, &topics)?;
    let events = records.len();

    let (pool, schema) = scratch(url, "tracker").await?;
    let processor = BatchProcessor::new(TrackerStore::new(pool.clone()), topics);
    let started = Instant::now();
    for batch in records.chunks(BATCH) {
        processor.process(batch, Utc::now()).await?;
    }
    let tracker_events_per_s = events as f64 / started.elapsed().as_secs_f64();
    let rows = baseline::read_tracker_rows(&pool).await?;
    anyhow::ensure!(
        rows.events() == events,
        "the tracker logged {} of {events} events",
        rows.events()
    );
    let mut hot_store_tables = baseline::schema_bytes(&pool, &schema).await?;
    let hot_store_bytes = hot_store_tables.iter().map(|(_, bytes)| bytes).sum();
    hot_store_tables.truncate(5);
    let synchronous_commit = baseline::synchronous_commit(&pool).await?;
    let postgresql = baseline::server_version(&pool).await?;
    transit_store::drop_schema(&pool, &schema).await?;

    let (pool, schema) = scratch(url, "same_rows").await?;
    let started = Instant::now();
    baseline::insert_same_rows(&pool, &rows, BATCH).await?;
    let same_rows_events_per_s = events as f64 / started.elapsed().as_secs_f64();
    let plain: Vec<(String, uuid::Uuid, serde_json::Value)> = records
        .iter()
        .map(|r| {
            let value: serde_json::Value = serde_json::from_slice(&r.payload)?;
            let id = value["header"]["messageId"]
                .as_str()
                .and_then(|s| uuid::Uuid::parse_str(s).ok())
                .unwrap_or_else(uuid::Uuid::new_v4);
            Ok((r.key.clone().unwrap_or_default(), id, value))
        })
        .collect::<anyhow::Result<_>>()?;
    let started = Instant::now();
    baseline::insert_plain_rows(&pool, &plain, BATCH).await?;
    let plain_rows_per_s = events as f64 / started.elapsed().as_secs_f64();
    transit_store::drop_schema(&pool, &schema).await?;

    Ok(TrackerFigures {
        events,
        movements,
        tracker_events_per_s,
        same_rows_events_per_s,
        plain_rows_per_s,
        ratio: tracker_events_per_s / same_rows_events_per_s,
        hot_store_bytes,
        hot_store_tables,
        disk_bytes_per_message: hot_store_bytes as f64 / events as f64,
        synchronous_commit,
        postgresql,
    })
}
