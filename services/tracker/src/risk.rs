//! Risk analysis at the hub: the rules intake scores under — those of the reference data
//! version in force (`risk/rules.json`), compiled once per version — and the corridor's leg
//! times, read again every few minutes from the event log ([`follow_leg_times`]).

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;
use transit_model::reference::Loaded;
use transit_risk::facts::LegTimes;
use transit_risk::{RuleBook, RuleSet};
use transit_store::tracker::TrackerStore;

/// What intake scores under.
#[derive(Clone, Debug)]
pub struct Scoring {
    /// The rules in force.
    pub book: Arc<RuleBook>,
    /// The latest leg times.
    pub legs: Arc<LegTimes>,
}

impl Default for Scoring {
    /// No rules: every movement green (the benchmarks' tracker without rules).
    fn default() -> Self {
        Self {
            book: Arc::new(RuleBook::none(0)),
            legs: Arc::new(LegTimes::default()),
        }
    }
}

impl Scoring {
    /// Scoring under the starter rules published with sigmat, as reference version `version`.
    pub fn starter(version: i64) -> Self {
        Self {
            book: Arc::new(
                RuleBook::compile(RuleSet::starter(), version)
                    .unwrap_or_else(|e| panic!("the starter rules do not compile: {e}")),
            ),
            ..Self::default()
        }
    }
}

/// The rules of `loaded`, compiled; a version without rules scores nothing. `None` when they
/// cannot be used (the API refuses such an import, so only a hand-written row gets here): the
/// caller keeps scoring under the rules it has.
pub(crate) fn book_of(loaded: &Loaded) -> Option<Arc<RuleBook>> {
    let version = loaded.version.version;
    let Some(json) = loaded.version.document.risk_rules() else {
        return Some(Arc::new(RuleBook::none(version)));
    };
    match RuleSet::from_json(json).and_then(|set| RuleBook::compile(set, version)) {
        Ok(book) => {
            tracing::info!(
                version,
                rules = book.set.rules.len(),
                "risk rules of reference data version {version} in force"
            );
            Some(Arc::new(book))
        }
        Err(err) => {
            tracing::error!(version, error = %err, "the risk rules of this reference data version cannot be used; scoring under the previous rules until a corrected version is imported (sigmat rules import)");
            None
        }
    }
}

/// Reads the leg times of the last `days` days every `every`, until `stop`. A failed read is
/// logged and retried at the next turn; the times in force stay.
pub(crate) async fn follow_leg_times(
    store: TrackerStore,
    every: Duration,
    days: u32,
    legs: watch::Sender<Arc<LegTimes>>,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    while !*stop.borrow() {
        let since = Utc::now() - chrono::Duration::days(i64::from(days));
        match store.leg_times(since).await {
            Ok(times) => {
                tracing::debug!(legs = times.len(), "leg times read");
                if let Err(err) = store.keep_leg_times(&times, Utc::now()).await {
                    tracing::warn!(error = %err, "cannot keep the leg times for the dashboard's anomalies");
                }
                legs.send_replace(Arc::new(times));
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the leg times; keeping the last ones")
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => {}
        }
    }
    Ok(())
}
