//! The tracker's durable events per second — inbox, movement row locks, state machine, event
//! log, outbox, one transaction per batch of 500, synchronous commit on — against two limits
//! measured in the same run and database: the same rows written again into a fresh schema with
//! nothing read and nothing decided (the limit the target is set against), and one plain row
//! per message (how fast the database takes the messages alone); each taken several times.
//! The same traffic then through one, two and four tracker instances sharing its partitions
//! (what scaling out costs in coordination on one database), and into a schema already holding
//! a year of traffic (does the write path slow down as data grows?).

use std::time::Instant;

use chrono::Utc;
use tracker::intake::BatchProcessor;
use transit_kafka::{header, ConsumedRecord, Topics};
use transit_model::reference::ReferenceData;
use transit_runtime::config::Secret;
use transit_store::baseline::year;
use transit_store::tracker::TrackerStore;
use transit_store::{baseline, Component, DatabaseSettings, PgPool};

use super::profile::{CpuProfile, Probe};
use super::spread::{self, Spread};

use transit_scenario::{Corridor, Movement};

/// Records per batch, as the tracker's default `[batch] max_records`.
pub const BATCH: usize = 500;

/// The tracker's figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TrackerFigures {
    /// Events processed per run.
    pub events: usize,
    /// Movements they belong to.
    pub movements: usize,
    /// The tracker, events/s, into an empty schema.
    pub tracker_events_per_s: Spread,
    /// The same rows written without the tracker, events/s.
    pub same_rows_events_per_s: Spread,
    /// One plain row per message, events/s.
    pub plain_rows_per_s: Spread,
    /// tracker / same rows (medians).
    pub ratio: f64,
    /// tracker / one plain row per message (medians).
    pub plain_ratio: f64,
    /// What the tracker's schema held on disk after the first run (tables, indexes, TOAST),
    /// bytes.
    pub hot_store_bytes: i64,
    /// Its largest tables, bytes each (with their indexes and TOAST): where the bytes go.
    pub hot_store_tables: Vec<(String, i64)>,
    /// That, per event processed: the hot store's disk per message.
    pub disk_bytes_per_message: f64,
    /// Where the tracker runs' time went: cores busy in the tracker, in the database, idle
    /// (means over the runs; none where `/proc` cannot be read).
    pub profile: Option<CpuProfile>,
    /// The same traffic into an empty schema as it was before each step of the narrow write
    /// path (the step undone), taken in the same runs.
    pub before_narrowing: Vec<BeforeStep>,
    /// The same traffic through one, two and four tracker instances sharing its partitions.
    pub scale_out: Vec<ScaleOut>,
    /// The same traffic into a schema holding a year of traffic (none: not asked for).
    pub year: Option<YearFigures>,
    /// The server's `synchronous_commit`.
    pub synchronous_commit: String,
    /// The server's version.
    pub postgresql: String,
}

/// The tracker before a step of the narrow write path, against after it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BeforeStep {
    /// The step (its migration).
    pub step: &'static str,
    /// Events/s with the step (and those after it) undone.
    pub events_per_s: Spread,
    /// Its hot-store disk per message.
    pub disk_bytes_per_message: Spread,
}

/// The traffic through several tracker instances at once, each taking its share of the
/// partitions, as a consumer group shares them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScaleOut {
    /// Instances.
    pub instances: usize,
    /// All of them together, events/s.
    pub events_per_s: Spread,
    /// Against one instance on the same partitions (medians).
    pub ratio_to_one: f64,
}

/// The traffic into a schema already holding a year of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct YearFigures {
    /// What the schema held before the measured runs.
    pub stored: year::Stored,
    /// Its size on disk then (tables, indexes, TOAST), bytes.
    pub bytes: i64,
    /// The tracker, events/s, with that stored.
    pub events_per_s: Spread,
    /// Against the empty schema (medians): the degradation ratio.
    pub ratio_to_empty: f64,
}

/// What `sigmat bench`'s tracker stage is asked for.
#[derive(Debug, Clone, Copy)]
pub struct TrackerRuns {
    /// Movements per run.
    pub movements: usize,
    /// Runs of each figure.
    pub repeats: usize,
    /// Movements of a year of traffic (0: not measured).
    pub year_movements: u64,
}

/// Partitions the scale-out runs share among their instances.
const PARTITIONS: usize = 4;

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

/// One run into an empty schema: the tracker, the same rows, one plain row per message.
struct Run {
    tracker: f64,
    profile: Option<CpuProfile>,
    /// Per step of the narrow write path: events/s and disk per message with it undone.
    before: Vec<(f64, f64)>,
    same_rows: f64,
    plain: f64,
    hot_store_tables: Vec<(String, i64)>,
}

async fn run_once(url: &str, records: &[ConsumedRecord], topics: &Topics) -> anyhow::Result<Run> {
    let events = records.len();
    let (pool, schema) = scratch(url, "tracker").await?;
    let probe = Probe::start();
    let tracker = process(&pool, records, topics).await?;
    let profile = probe.and_then(Probe::finish);
    let rows = baseline::read_tracker_rows(&pool).await?;
    anyhow::ensure!(
        rows.events() == events,
        "the tracker logged {} of {events} events",
        rows.events()
    );
    let hot_store_tables = baseline::schema_bytes(&pool, &schema).await?;
    transit_store::drop_schema(&pool, &schema).await?;

    let mut before = Vec::new();
    for step in 0..baseline::NARROWING_STEPS.len() {
        let (pool, schema) = scratch(url, "before").await?;
        baseline::undo_narrowing(&pool, step).await?;
        let store = TrackerStore::new(pool.clone());
        let store = if step <= baseline::DECLARATIONS_APART_STEP {
            store.writing_whole_documents()
        } else {
            store
        };
        let per_s = process_into(store, records, topics).await?;
        let bytes: i64 = baseline::schema_bytes(&pool, &schema)
            .await?
            .iter()
            .map(|(_, b)| b)
            .sum();
        before.push((per_s, bytes as f64 / events as f64));
        transit_store::drop_schema(&pool, &schema).await?;
    }

    let (pool, schema) = scratch(url, "same_rows").await?;
    let started = Instant::now();
    baseline::insert_same_rows(&pool, &rows, BATCH).await?;
    let same_rows = events as f64 / started.elapsed().as_secs_f64();
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
    let plain = events as f64 / started.elapsed().as_secs_f64();
    transit_store::drop_schema(&pool, &schema).await?;
    Ok(Run {
        tracker,
        profile,
        before,
        same_rows,
        plain,
        hot_store_tables,
    })
}

/// Events/s of `records` through one tracker on the pool's schema, batches of [`BATCH`].
async fn process(
    pool: &PgPool,
    records: &[ConsumedRecord],
    topics: &Topics,
) -> anyhow::Result<f64> {
    process_into(TrackerStore::new(pool.clone()), records, topics).await
}

/// `records` through the tracker's intake into `store`, in batches: events/s.
async fn process_into(
    store: TrackerStore,
    records: &[ConsumedRecord],
    topics: &Topics,
) -> anyhow::Result<f64> {
    let processor = BatchProcessor::new(store, topics.clone());
    let started = Instant::now();
    for batch in records.chunks(BATCH) {
        processor.process(batch, Utc::now()).await?;
    }
    Ok(records.len() as f64 / started.elapsed().as_secs_f64())
}

/// Events/s of `records` through `instances` trackers at once on one scratch schema, each
/// taking the records of its share of [`PARTITIONS`] partitions (by MRN), in order.
async fn scaled(
    url: &str,
    records: &[ConsumedRecord],
    topics: &Topics,
    instances: usize,
) -> anyhow::Result<f64> {
    let (pool, schema) = scratch(url, &format!("scale{instances}")).await?;
    let mut shares: Vec<Vec<ConsumedRecord>> = vec![Vec::new(); instances];
    for record in records {
        let partition = partition_of(record.key.as_deref().unwrap_or(""));
        let mut record = record.clone();
        record.partition = i32::try_from(partition).unwrap_or(0);
        shares[partition % instances].push(record);
    }
    let mut pools = Vec::new();
    for _ in 0..instances {
        pools.push(connect(url, &schema).await?);
    }
    let started = Instant::now();
    let mut running = tokio::task::JoinSet::new();
    for (share, pool) in shares.into_iter().zip(pools) {
        let topics = topics.clone();
        running.spawn(async move { process(&pool, &share, &topics).await });
    }
    while let Some(done) = running.join_next().await {
        done??;
    }
    let per_s = records.len() as f64 / started.elapsed().as_secs_f64();
    let logged = baseline::read_tracker_rows(&pool).await?.events();
    anyhow::ensure!(
        logged == records.len(),
        "{instances} trackers logged {logged} of {} events",
        records.len()
    );
    transit_store::drop_schema(&pool, &schema).await?;
    Ok(per_s)
}

/// The partition a record keyed `key` goes to (FNV-1a, as stable as the producer's own).
fn partition_of(key: &str) -> usize {
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    usize::try_from(hash % PARTITIONS as u64).unwrap_or(0)
}

/// A pool on an existing scratch schema.
async fn connect(url: &str, schema: &str) -> anyhow::Result<PgPool> {
    let settings = DatabaseSettings {
        url: Secret::new(url.to_owned()),
        schema: schema.to_owned(),
        max_connections: 2,
    };
    Ok(transit_store::connect(&settings, Component::Tracker).await?)
}

/// The tracker into a schema grown to a year of traffic, `runs.repeats` times, fresh
/// movements each time.
async fn with_a_year(
    url: &str,
    runs: TrackerRuns,
    topics: &Topics,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<(year::Stored, i64, Spread)> {
    let (pool, schema) = scratch(url, "year").await?;
    let since = Utc::now() - chrono::Duration::seconds(1);
    process(&pool, &records(runs.movements, topics)?, topics).await?;
    let stored = year::grow_to_a_year(&pool, since, runs.year_movements, |held| {
        progress.set_message(format!(
            "tracker: a year of traffic stored, {held} of {} movements",
            runs.year_movements
        ));
    })
    .await?;
    let bytes = baseline::schema_bytes(&pool, &schema)
        .await?
        .iter()
        .map(|(_, b)| b)
        .sum();
    let mut per_s = Vec::new();
    for _ in 0..runs.repeats.max(1) {
        per_s.push(process(&pool, &records(runs.movements, topics)?, topics).await?);
    }
    transit_store::drop_schema(&pool, &schema).await?;
    Ok((stored, bytes, Spread::of(per_s)))
}

/// Measures the tracker in scratch schemas of the database at `url`: each figure
/// `runs.repeats` times, the scale-out, and (if asked) the year of traffic.
pub async fn measure(
    url: &str,
    runs: TrackerRuns,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<TrackerFigures> {
    let topics = Topics::new("bench");
    let records = records(runs.movements, &topics)?;
    let events = records.len();
    let (records, topics) = (&records, &topics);
    let all = spread::repeat(runs.repeats, move |run| {
        progress.set_message(format!("tracker: run {} of {}", run + 1, runs.repeats));
        run_once(url, records, topics)
    })
    .await?;
    let tracker_events_per_s = spread::over(&all, |r| r.tracker);
    let same_rows_events_per_s = spread::over(&all, |r| r.same_rows);
    let plain_rows_per_s = spread::over(&all, |r| r.plain);
    let before_narrowing = baseline::NARROWING_STEPS
        .iter()
        .enumerate()
        .map(|(i, (step, _))| BeforeStep {
            step,
            events_per_s: spread::over(&all, |r| r.before[i].0),
            disk_bytes_per_message: spread::over(&all, |r| r.before[i].1),
        })
        .collect();
    let profile = mean_profile(&all);
    let mut hot_store_tables = all[0].hot_store_tables.clone();
    let hot_store_bytes = hot_store_tables.iter().map(|(_, bytes)| bytes).sum();
    hot_store_tables.truncate(5);

    let mut scale_out: Vec<ScaleOut> = Vec::new();
    for instances in [1, 2, PARTITIONS] {
        let per_s = spread::repeat(runs.repeats, move |run| {
            progress.set_message(format!(
                "tracker: {instances} instance(s) sharing {PARTITIONS} partitions, run {} of {}",
                run + 1,
                runs.repeats
            ));
            scaled(url, records, topics, instances)
        })
        .await?;
        let events_per_s = Spread::of(per_s);
        let one = scale_out
            .first()
            .map_or(events_per_s.median, |s| s.events_per_s.median);
        scale_out.push(ScaleOut {
            instances,
            ratio_to_one: events_per_s.median / one,
            events_per_s,
        });
    }

    let year = if runs.year_movements > 0 {
        let (stored, bytes, events_per_s) = with_a_year(url, runs, topics, progress).await?;
        Some(YearFigures {
            stored,
            bytes,
            ratio_to_empty: events_per_s.median / tracker_events_per_s.median,
            events_per_s,
        })
    } else {
        None
    };

    let (pool, schema) = scratch(url, "server").await?;
    let synchronous_commit = baseline::synchronous_commit(&pool).await?;
    let postgresql = baseline::server_version(&pool).await?;
    transit_store::drop_schema(&pool, &schema).await?;
    Ok(TrackerFigures {
        events,
        movements: runs.movements,
        ratio: tracker_events_per_s.median / same_rows_events_per_s.median,
        plain_ratio: tracker_events_per_s.median / plain_rows_per_s.median,
        tracker_events_per_s,
        same_rows_events_per_s,
        plain_rows_per_s,
        hot_store_bytes,
        hot_store_tables,
        disk_bytes_per_message: hot_store_bytes as f64 / events as f64,
        profile,
        before_narrowing,
        scale_out,
        year,
        synchronous_commit,
        postgresql,
    })
}

/// Each share's mean over the runs, so that they still add up to the machine's cores (none if
/// a run has no profile).
fn mean_profile(runs: &[Run]) -> Option<CpuProfile> {
    let profiles: Vec<CpuProfile> = runs.iter().map(|r| r.profile).collect::<Option<_>>()?;
    let mean = |share: fn(&CpuProfile) -> f64| {
        profiles.iter().map(share).sum::<f64>() / profiles.len().max(1) as f64
    };
    Some(CpuProfile {
        own: mean(|p| p.own),
        database: mean(|p| p.database),
        other: mean(|p| p.other),
        idle: mean(|p| p.idle),
    })
}
