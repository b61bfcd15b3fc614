//! The event log's months made ahead: the log is partitioned by month of receipt (migration
//! 0028), so this month and the next must exist before their events come. At start (before
//! the first batch) and every hour; an error — two trackers making the same month at once,
//! the database away for a moment — is logged and tried again at the next round (until then a
//! month that is missing takes its rows in the default partition: nothing is lost).

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use transit_store::tracker::TrackerStore;

/// How often the months are looked at.
pub const EVERY: Duration = Duration::from_secs(3600);

/// Makes this month and the next if they are missing, as of `now`.
pub async fn make_ahead(store: &TrackerStore, now: DateTime<Utc>) {
    match store
        .ensure_event_months(now, now + chrono::Duration::days(32))
        .await
    {
        Ok(made) if made.is_empty() => {}
        Ok(made) => tracing::info!(?made, "event log months made ahead"),
        Err(err) => tracing::warn!(
            error = %err,
            "could not make the event log's next months; trying again in an hour (meanwhile a missing month's events go to the default partition)"
        ),
    }
}

/// Makes the months ahead every `every` until `stop` turns true.
pub async fn keep_ahead(
    store: TrackerStore,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    while !*stop.borrow() {
        make_ahead(&store, Utc::now()).await;
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => {}
        }
    }
    Ok(())
}
