//! Timer: movements whose arrival time limit has passed become `EnquiryRecommended`.
//!
//! Driven from the database (the `movements_due` index), not from in-memory sleeps: a restart
//! loses nothing, and several trackers share the work (`FOR UPDATE SKIP LOCKED`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use transit_store::tracker::{NewEvent, Outcome, TrackerStore};
use transit_store::StoreError;

/// At most this many movements are expired in one transaction.
const BATCH: i64 = 500;

/// The timer loop's parts.
#[derive(Debug)]
pub struct Timer {
    store: TrackerStore,
    interval: Duration,
}

impl Timer {
    pub(crate) fn new(store: TrackerStore, interval: Duration) -> Self {
        Self { store, interval }
    }

    /// Looks for overdue movements every `interval` until `stop` turns true.
    pub async fn run(self, mut stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        while !*stop.borrow() {
            loop {
                match self.expire_due(Utc::now()).await {
                    Ok(n) if n < BATCH as usize => break,
                    Ok(_) => continue,
                    Err(err) => {
                        tracing::warn!(error = %err, "overdue movements not updated; retrying later");
                        break;
                    }
                }
            }
            tokio::select! {
                () = tokio::time::sleep(self.interval) => {}
                _ = stop.changed() => {}
            }
        }
        Ok(())
    }

    /// Marks every movement overdue at `now`, in one transaction; returns how many.
    pub async fn expire_due(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut tx = self.store.begin().await?;
        let due = tx.overdue_for_update(now, BATCH).await?;
        let mut expired = Vec::new();
        let mut events = Vec::new();
        for movement in due {
            let Some(next) = movement.expire(now) else {
                continue;
            };
            events.push(NewEvent {
                mrn: next.mrn.to_string(),
                message_id: uuid::Uuid::new_v5(
                    &uuid::Uuid::NAMESPACE_OID,
                    format!("{}/time-limit", next.mrn).as_bytes(),
                ),
                message_type: "TIME-LIMIT",
                sender: "HUB".into(),
                event_time: next.arrival_time_limit,
                received_at: now,
                outcome: Outcome::Accepted {
                    state_after: next.state.as_str(),
                },
                message: serde_json::json!({
                    "event": "arrival time limit passed without arrival; an enquiry is recommended",
                    "arrivalTimeLimit": next.arrival_time_limit,
                })
                .to_string(),
            });
            tracing::info!(mrn = %next.mrn, limit = %next.arrival_time_limit, "arrival time limit passed; enquiry recommended");
            expired.push(next);
        }
        let changed: Vec<_> = expired.iter().map(|m| (m, 1)).collect();
        tx.save_movements(&changed, now).await?;
        tx.append_events(&events).await?;
        tx.commit().await?;
        Ok(expired.len())
    }
}
