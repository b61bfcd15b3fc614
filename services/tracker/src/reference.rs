//! The reference data the tracker decides under: the network's latest version from PostgreSQL
//! at start (the first tracker seeds version 1 from the files published with sigmat), then
//! every version imported after, read from the reference topic while the tracker runs
//! ([`transit_kafka::reference::follow`]). Intake takes the version in force before each batch.

use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};
use tokio::sync::watch;
use transit_lifecycle::{Rules, SharedReference};
use transit_model::reference::{Loaded, ReferenceDocument};
use transit_store::tracker::TrackerStore;

/// Seeds the network's reference data if it has none, and loads its latest version.
pub(crate) async fn in_force(
    store: &TrackerStore,
    topic: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Loaded> {
    let versions = store.reference();
    if versions
        .seed(&ReferenceDocument::builtin(), topic, now)
        .await
        .context("seeding the reference data")?
    {
        tracing::info!("reference data seeded as version 1 from the files published with sigmat");
    }
    let latest = versions
        .latest()
        .await
        .context("reading the reference data")?
        .context("no reference data version after seeding")?;
    let version = latest.version;
    latest.load().with_context(|| {
        format!("reference data version {version} in the database cannot be used; import a corrected version (sigmat reference import)")
    })
}

/// The rules of the version in force, taken by intake before each batch.
#[derive(Debug)]
pub(crate) struct InForce(watch::Receiver<Arc<Loaded>>);

impl InForce {
    /// Follows `current`; the first batch takes the version it holds.
    pub(crate) fn new(mut current: watch::Receiver<Arc<Loaded>>) -> Self {
        current.mark_changed();
        Self(current)
    }

    /// `rules` and the risk rules under the version in force, if it changed since last asked
    /// (the first time, always). Risk rules that cannot be used leave `None`: the caller keeps
    /// its own.
    pub(crate) fn changed_rules(
        &mut self,
        rules: &Rules,
    ) -> Option<(Rules, Option<Arc<transit_risk::RuleBook>>)> {
        if !self.0.has_changed().unwrap_or(false) {
            return None;
        }
        let loaded = self.0.borrow_and_update().clone();
        let book = crate::risk::book_of(&loaded);
        Some((
            Rules {
                reference: SharedReference(loaded.data.clone()),
                guarantee_cover: loaded.cover.clone(),
                agreements: loaded.agreements.clone(),
                ..rules.clone()
            },
            book,
        ))
    }
}
