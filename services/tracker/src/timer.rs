//! Timer: movements whose arrival time limit (plus `enquiry_after_hours`) has passed become
//! `EnquiryRecommended`, and their departure is told in the same transaction (IE095 through the
//! outbox), so that it starts the enquiry.
//!
//! Driven from the database (the `movements_due` index), not from in-memory sleeps: a restart
//! loses nothing, and several trackers share the work (`FOR UPDATE SKIP LOCKED`).

use std::time::Duration;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::{watch, Notify};
use transit_codec::json;
use transit_kafka::{OutgoingRecord, Topics};
use transit_lifecycle::status_notice;
use transit_model::MessageId;
use transit_store::tracker::{NewEvent, Outcome, QueuedRecord, TrackerStore};
use transit_store::StoreError;

use crate::settings::TimerSettings;
use transit_model::EventType;
use transit_model::Participant;

/// At most this many movements are expired in one transaction.
const BATCH: i64 = 500;

/// The timer loop's parts.
#[derive(Debug)]
pub struct Timer {
    store: TrackerStore,
    topics: Topics,
    interval: Duration,
    /// How long after the time limit an enquiry is recommended.
    grace: chrono::Duration,
    wake_relay: Arc<Notify>,
}

impl Timer {
    pub(crate) fn new(
        store: TrackerStore,
        topics: Topics,
        settings: &TimerSettings,
        wake_relay: Arc<Notify>,
    ) -> Self {
        Self {
            store,
            topics,
            interval: Duration::from_millis(settings.interval_ms),
            grace: chrono::Duration::hours(i64::from(settings.enquiry_after_hours)),
            wake_relay,
        }
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

    /// Marks every movement overdue at `now`, in one transaction, and tells each departure;
    /// returns how many.
    pub async fn expire_due(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let cutoff = now - self.grace;
        let mut tx = self.store.begin().await?;
        let due = tx.overdue_for_update(cutoff, BATCH).await?;
        let mut expired = Vec::new();
        let mut events = Vec::new();
        let mut notices = Vec::new();
        for movement in due {
            let Some(next) = movement.expire(cutoff) else {
                continue;
            };
            let id = MessageId::from_uuid(uuid::Uuid::new_v5(
                &uuid::Uuid::NAMESPACE_OID,
                format!("{}/time-limit/notice", next.mrn).as_bytes(),
            ));
            let notice = status_notice(&next, id, now);
            let topic = self.topics.from_hub(next.departure_office.country());
            notices.push((
                id.as_uuid(),
                OutgoingRecord::for_message(topic, &notice, json::encode(&notice)),
            ));
            events.push(NewEvent {
                mrn: next.mrn.clone(),
                message_id: uuid::Uuid::new_v5(
                    &uuid::Uuid::NAMESPACE_OID,
                    format!("{}/time-limit", next.mrn).as_bytes(),
                ),
                message_type: EventType::TimeLimit,
                sender: Participant::Hub,
                topic: None,
                risk: None,
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
        // The timer does not rescore: the assessment stored stays until the next message.
        let changed: Vec<_> = expired.iter().map(|m| (m, 1, None)).collect();
        let queued: Vec<QueuedRecord<'_>> = notices
            .iter()
            .map(|(id, record)| QueuedRecord {
                message_id: *id,
                record,
            })
            .collect();
        tx.save_movements(&changed, now).await?;
        tx.append_events(&events).await?;
        tx.enqueue_all(&queued, now).await?;
        tx.commit().await?;
        if !queued.is_empty() {
            self.wake_relay.notify_one();
        }
        Ok(expired.len())
    }
}
