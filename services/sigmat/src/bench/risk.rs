//! Risk scoring's cost, each against its own limit in the same run: the tracker scoring every
//! event under the starter rules against the same tracker with no rules (same records, fresh
//! schemas, best of two each, taken in turn so that the machine's noise falls on both); and one
//! rule (`seals-broken`) evaluated over many movements' histories — the facts built from each
//! movement and the CEL condition run — against the same check written in Rust.

use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, Utc};
use tracker::intake::BatchProcessor;
use tracker::risk::Scoring;
use transit_kafka::Topics;
use transit_lifecycle::{decide, Movement};
use transit_model::{IncidentCode, OfficeRef};
use transit_risk::{assess, NetworkFacts, RuleBook, RuleSet};
use transit_scenario::{Corridor, Movement as Trip};
use transit_store::tracker::TrackerStore;

use super::tracker::{records, scratch, BATCH};

/// Risk scoring's figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RiskFigures {
    /// The tracker under the starter rules, events/s.
    pub with_rules_events_per_s: f64,
    /// The same tracker with no rules, events/s.
    pub without_rules_events_per_s: f64,
    /// with / without.
    pub ratio: f64,
    /// The rule evaluated over histories.
    pub rule: String,
    /// Evaluations made (cycling over `histories` distinct movements).
    pub evaluations: usize,
    /// Distinct movements' histories.
    pub histories: usize,
    /// Seconds the evaluations took.
    pub seconds: f64,
    /// Evaluations per second, facts built and condition run.
    pub evaluations_per_s: f64,
    /// The same check in Rust, per second (the limit).
    pub native_per_s: f64,
}

async fn tracker_rate(url: &str, movements: usize, scoring: Scoring) -> anyhow::Result<f64> {
    let topics = Topics::new("bench");
    let records = records(movements, &topics)?;
    let (pool, schema) = scratch(url, "risk").await?;
    let processor =
        BatchProcessor::new(TrackerStore::new(pool.clone()), topics).with_scoring(scoring);
    let started = Instant::now();
    for batch in records.chunks(BATCH) {
        processor.process(batch, Utc::now()).await?;
    }
    let rate = records.len() as f64 / started.elapsed().as_secs_f64();
    transit_store::drop_schema(&pool, &schema).await?;
    Ok(rate)
}

/// `histories` movements played through the state machine on the five corridors: every third
/// has its seals broken at its first border post, every other has crossed it.
fn histories(histories: usize) -> anyhow::Result<Vec<Movement>> {
    let data = transit_model::reference::ReferenceData::builtin();
    let corridors: Vec<Corridor> = data
        .corridors()
        .iter()
        .filter(|c| c.by_road())
        .filter_map(|c| Corridor::from_reference(&data, &c.id))
        .filter(|c| !c.transit.is_empty())
        .collect();
    let start = Utc::now() - Duration::hours(12);
    (0..histories)
        .map(|n| {
            let trip = Trip::new(corridors[n % corridors.len()].clone(), start).with_own_vehicle();
            let border: &OfficeRef = &trip.corridor.transit[0];
            let mut movement = decide(None, &trip.release(), start)
                .map_err(|e| anyhow::anyhow!("{e:?}"))?
                .movement;
            let mut events = Vec::new();
            if n % 3 == 0 {
                events.push(trip.incident(border, start + Duration::hours(2)));
            }
            if n % 2 == 0 {
                events.push(trip.passage(border, start + Duration::hours(3)));
            }
            for message in events {
                movement = decide(Some(&movement), &message, start + Duration::hours(4))
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?
                    .movement;
            }
            Ok(movement)
        })
        .collect()
}

/// Measures the tracker with and without the starter rules on `movements` movements, and the
/// `seals-broken` rule over `evaluations` histories (cycling over at most 1,000 distinct ones).
pub async fn measure(
    url: &str,
    movements: usize,
    evaluations: usize,
) -> anyhow::Result<RiskFigures> {
    let (mut with_rules, mut without_rules) = (0.0_f64, 0.0_f64);
    for _ in 0..2 {
        without_rules = without_rules.max(tracker_rate(url, movements, Scoring::default()).await?);
        with_rules = with_rules.max(tracker_rate(url, movements, Scoring::starter(1)).await?);
    }

    let rule = "seals-broken";
    let mut set = RuleSet::starter();
    set.rules.retain(|r| r.id == rule);
    let book = Arc::new(RuleBook::compile(set, 1).map_err(|e| anyhow::anyhow!("{e}"))?);
    let distinct = evaluations.clamp(1, 1_000);
    let movements = histories(distinct)?;
    let now = Utc::now();
    let started = Instant::now();
    let mut fired = 0usize;
    for n in 0..evaluations {
        let a = assess(
            &book,
            &movements[n % distinct],
            NetworkFacts::default(),
            now,
        );
        fired += a.fired.len();
    }
    let seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut native = 0usize;
    for n in 0..evaluations {
        let m = std::hint::black_box(&movements[n % distinct]);
        native += usize::from(
            m.incidents
                .iter()
                .any(|i| i.code == IncidentCode::SealsBroken),
        );
    }
    let native_seconds = started.elapsed().as_secs_f64().max(1e-9);
    anyhow::ensure!(
        fired == native,
        "the rule fired {fired} times and the same check in Rust {native}: they disagree"
    );
    Ok(RiskFigures {
        with_rules_events_per_s: with_rules,
        without_rules_events_per_s: without_rules,
        ratio: with_rules / without_rules,
        rule: rule.into(),
        evaluations,
        histories: distinct,
        seconds,
        evaluations_per_s: evaluations as f64 / seconds.max(1e-9),
        native_per_s: evaluations as f64 / native_seconds,
    })
}
