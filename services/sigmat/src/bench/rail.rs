//! A train's passage: 30 declarations on a train of 24 wagons, confirmed with one tap, against
//! the same 30 passages tapped one by one — both on the tracker's own storage
//! (`BatchProcessor`), in scratch schemas of the same database, in the same run. The train:
//! its confirmation stored in one transaction (claimed, train locked and built, each
//! declaration's IE118 queued in the outbox), then those 30 queued IE118, as the tracker wrote
//! them, decided in the one batch the intake takes them in. The limit: 30 officer taps, each
//! its own record and transaction — taps come one by one as the officer walks the train.

use std::time::Instant;

use chrono::Utc;
use tracker::intake::BatchProcessor;
use transit_kafka::{header, ConsumedRecord, Topics};
use transit_model::{MessageId, OfficeRef, StandardMessage};
use transit_rail::{Stage, TrainConfirmation, TRAIN_CONFIRMATION_EVENT};
use transit_scenario::{Corridor, Movement};
use transit_store::queries::MovementQueries;
use transit_store::tracker::TrackerStore;

use super::tracker::scratch;

/// Declarations on the train.
pub const DECLARATIONS: usize = 30;
/// Its wagons.
pub const WAGONS: usize = 24;

/// The train's figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RailFigures {
    /// Declarations on the train.
    pub declarations: usize,
    /// Its wagons.
    pub wagons: usize,
    /// Officer taps for the whole train.
    pub taps: usize,
    /// Tracker transactions that store the train's confirmation.
    pub confirmation_transactions: usize,
    /// The confirmation's transaction, ms.
    pub confirmation_ms: f64,
    /// Its 30 passages decided in one batch, ms.
    pub passages_ms: f64,
    /// The same 30 passages tapped one by one, one transaction each, ms.
    pub one_by_one_ms: f64,
    /// (confirmation + passages) / one by one.
    pub ratio: f64,
}

fn record(
    topic: String,
    offset: usize,
    key: String,
    headers: Vec<(&str, String)>,
    payload: Vec<u8>,
) -> ConsumedRecord {
    ConsumedRecord {
        topic,
        partition: 0,
        offset: i64::try_from(offset).unwrap_or(i64::MAX),
        key: Some(key),
        headers: headers
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        payload,
        written_at_ms: None,
    }
}

fn message(topics: &Topics, offset: usize, m: &StandardMessage) -> ConsumedRecord {
    let country = m
        .header()
        .sender
        .office()
        .map(OfficeRef::country)
        .unwrap_or_else(|| unreachable!("an office's message"));
    record(
        topics.to_hub(country),
        offset,
        m.mrn().to_string(),
        vec![(header::MESSAGE_TYPE, m.message_type().code().to_owned())],
        transit_codec::json::encode(m),
    )
}

/// The 30 declarations released in a fresh scratch schema: its processor and queries.
async fn released(
    url: &str,
    name: &str,
    topics: &Topics,
    movements: &[Movement],
) -> anyhow::Result<(
    BatchProcessor,
    MovementQueries,
    transit_store::PgPool,
    String,
)> {
    let (pool, schema) = scratch(url, name).await?;
    let processor = BatchProcessor::new(TrackerStore::new(pool.clone()), topics.clone());
    let releases: Vec<ConsumedRecord> = movements
        .iter()
        .enumerate()
        .map(|(i, m)| message(topics, i, &m.release()))
        .collect();
    processor.process(&releases, Utc::now()).await?;
    Ok((processor, MovementQueries::new(pool.clone()), pool, schema))
}

async fn all_passed(queries: &MovementQueries, movements: &[Movement]) -> anyhow::Result<()> {
    for m in movements {
        let record = queries
            .movement(m.mrn.as_str())
            .await?
            .ok_or_else(|| anyhow::anyhow!("{} was not released", m.mrn))?;
        anyhow::ensure!(
            record.movement.route.iter().all(|p| p.crossed_at.is_some()),
            "{} did not pass",
            m.mrn
        );
    }
    Ok(())
}

/// Measures a train's passage in scratch schemas of the database at `url`.
pub async fn measure(url: &str) -> anyhow::Result<RailFigures> {
    let topics = Topics::new("bench");
    let now = Utc::now();
    let train = format!("T-BENCH-{}", now.timestamp());
    let wagon = |i: usize| format!("CI-SR-{:05}", i % WAGONS);
    let movements: Vec<Movement> = (0..DECLARATIONS)
        .map(|i| Movement::new(Corridor::abidjan_ouagadougou(), now).on_train(&train, &[&wagon(i)]))
        .collect();
    let border = Corridor::abidjan_ouagadougou().transit[0].clone();

    // The train, confirmed once.
    let (processor, queries, pool, schema) =
        released(url, "rail_train", &topics, &movements).await?;
    let confirmation = TrainConfirmation {
        confirmation_id: MessageId::from_uuid(uuid::Uuid::new_v4()),
        train: train.clone(),
        office: border.clone(),
        stage: Stage::Passage,
        at: Utc::now(),
        wagons_present: (0..WAGONS).map(wagon).collect(),
        wagons_missing: Vec::new(),
    };
    let tap = record(
        topics.to_hub(border.country()),
        DECLARATIONS,
        train.clone(),
        vec![(header::EVENT_TYPE, TRAIN_CONFIRMATION_EVENT.to_owned())],
        serde_json::to_vec(&confirmation)?,
    );
    let started = Instant::now();
    processor.process(&[tap], Utc::now()).await?;
    let confirmation_ms = started.elapsed().as_secs_f64() * 1000.0;
    // What the tracker queued for the confirmation — each declaration's IE118 on Burkina
    // Faso's to-hub topic — decided as the intake takes them: one batch.
    let queued = transit_store::baseline::read_tracker_rows(&pool).await?;
    let to_hub = topics.to_hub(border.country());
    let passages: Vec<ConsumedRecord> = queued
        .outbox()
        .filter(|(topic, _, _)| *topic == to_hub)
        .enumerate()
        .map(|(i, (topic, key, payload))| {
            record(
                topic.to_owned(),
                DECLARATIONS + 1 + i,
                key.to_owned(),
                vec![(header::MESSAGE_TYPE, "IE118".to_owned())],
                payload.to_vec(),
            )
        })
        .collect();
    anyhow::ensure!(
        passages.len() == DECLARATIONS,
        "the tracker queued {} passages for the train, not {DECLARATIONS}",
        passages.len()
    );
    let started = Instant::now();
    processor.process(&passages, Utc::now()).await?;
    let passages_ms = started.elapsed().as_secs_f64() * 1000.0;
    all_passed(&queries, &movements).await?;
    transit_store::drop_schema(&pool, &schema).await?;

    // The limit: the same passages tapped one by one.
    let (processor, queries, pool, schema) =
        released(url, "rail_taps", &topics, &movements).await?;
    let taps: Vec<ConsumedRecord> = movements
        .iter()
        .enumerate()
        .map(|(i, m)| message(&topics, DECLARATIONS + i, &m.passage(&border, Utc::now())))
        .collect();
    let started = Instant::now();
    for tap in &taps {
        processor
            .process(std::slice::from_ref(tap), Utc::now())
            .await?;
    }
    let one_by_one_ms = started.elapsed().as_secs_f64() * 1000.0;
    all_passed(&queries, &movements).await?;
    transit_store::drop_schema(&pool, &schema).await?;

    Ok(RailFigures {
        declarations: DECLARATIONS,
        wagons: WAGONS,
        taps: 1,
        confirmation_transactions: 1,
        confirmation_ms,
        passages_ms,
        one_by_one_ms,
        ratio: (confirmation_ms + passages_ms) / one_by_one_ms,
    })
}

impl RailFigures {
    /// The table's row.
    pub fn table_row(&self) -> String {
        format!(
            "{:<52} {:>11.1} ms {:>11.1} ms {:>7.2}\n",
            format!(
                "train of {} declarations, 1 tap (limit: {} taps)",
                self.declarations, self.declarations
            ),
            self.confirmation_ms + self.passages_ms,
            self.one_by_one_ms,
            self.ratio
        )
    }

    /// What the stage is, for the Markdown.
    pub fn describe(&self) -> String {
        format!(
            "- **train passage**: {} declarations released on one train of {} wagons in a scratch \
             schema; the officer at Niangoloko confirms the train with one tap: the tracker stores \
             the confirmation in {} transaction ({:.1} ms: claimed once, the train locked and built \
             from its declarations, each declaration's IE118 queued) and decides the {} IE118 in the \
             one batch the intake then takes them in ({:.1} ms). Limit: the same {} passages tapped \
             one by one, one record and one transaction each ({:.1} ms), in another scratch schema.\n",
            self.declarations,
            self.wagons,
            self.confirmation_transactions,
            self.confirmation_ms,
            self.declarations,
            self.passages_ms,
            self.declarations,
            self.one_by_one_ms
        )
    }
}
