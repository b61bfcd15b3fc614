//! The national link as this adapter sees it: what the national system did last (pulled,
//! acknowledged, took a push, refused one), and a reporter that sends the hub a
//! [`LinkReport`] every `[link] report_every_ms` on the country's own `to-hub` topic. The hub
//! keeps the latest and the API raises alerts from it; a report that stops coming is itself an
//! alert there. With several instances of the adapter ([`crate::instances`]), each writes what
//! it saw to the database and the leader reports what any of them saw.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use transit_kafka::{BatchConsumer, OutgoingRecord, Publisher, Topics};
use transit_model::link::{DeclaredUnavailability, LinkReport, LINK_STATUS_EVENT};
use transit_model::{CountryCode, MessageId};
use transit_store::adapter::AdapterStore;
use transit_store::adapter_instances::Activity as Seen;

/// What the national system did last, since this adapter started.
#[derive(Debug, Default)]
pub struct LinkActivity {
    inner: Mutex<Activity>,
}

#[derive(Debug, Default, Clone)]
struct Activity {
    last_push_at: Option<DateTime<Utc>>,
    last_pull_at: Option<DateTime<Utc>>,
    last_ack_at: Option<DateTime<Utc>>,
    push_failures_in_a_row: i64,
    last_push_error: Option<String>,
}

impl LinkActivity {
    fn update(&self, change: impl FnOnce(&mut Activity)) {
        change(&mut self.inner.lock().unwrap_or_else(|p| p.into_inner()));
    }

    fn snapshot(&self) -> Activity {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The national system pulled deliveries.
    pub fn pulled(&self, at: DateTime<Utc>) {
        self.update(|a| a.last_pull_at = Some(at));
    }

    /// It acknowledged one.
    pub fn acknowledged(&self, at: DateTime<Utc>) {
        self.update(|a| a.last_ack_at = Some(at));
    }

    /// It took a push.
    pub fn pushed(&self, at: DateTime<Utc>) {
        self.update(|a| {
            a.last_push_at = Some(at);
            a.push_failures_in_a_row = 0;
            a.last_push_error = None;
        });
    }

    /// A push failed.
    pub fn push_failed(&self, error: &str) {
        self.update(|a| {
            a.push_failures_in_a_row += 1;
            a.last_push_error = Some(error.chars().take(300).collect());
        });
    }
}

/// Sends the hub a link report now and then.
#[derive(Debug)]
pub struct LinkReporter {
    instance: String,
    leading: watch::Receiver<bool>,
    country: CountryCode,
    topics: Topics,
    publisher: Publisher,
    store: AdapterStore,
    consumer: BatchConsumer,
    activity: std::sync::Arc<LinkActivity>,
    every: Duration,
}

impl LinkReporter {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        (instance, leading): (String, watch::Receiver<bool>),
        country: CountryCode,
        topics: Topics,
        publisher: Publisher,
        store: AdapterStore,
        consumer: BatchConsumer,
        activity: std::sync::Arc<LinkActivity>,
        every: Duration,
    ) -> Self {
        Self {
            instance,
            leading,
            country,
            topics,
            publisher,
            store,
            consumer,
            activity,
            every,
        }
    }

    /// Writes what this instance saw; the leader then makes the report of what any instance
    /// saw, as of `now` (the others: none).
    async fn report(&self, now: DateTime<Utc>) -> anyhow::Result<Option<LinkReport>> {
        let lag = match self.consumer.progress(Duration::from_secs(2)).await {
            Ok(partitions) => partitions.iter().map(|p| p.waiting()).sum(),
            Err(err) => {
                tracing::debug!(error = %err, "consumer lag unknown for this report");
                0
            }
        };
        let own = self.activity.snapshot();
        self.store
            .note_activity(
                &self.instance,
                &Seen {
                    last_pull_at: own.last_pull_at,
                    last_ack_at: own.last_ack_at,
                    last_push_at: own.last_push_at,
                    lag,
                },
                now,
            )
            .await?;
        if !*self.leading.borrow() {
            return Ok(None);
        }
        let backlog = self.store.backlog().await?;
        crate::figures::backlog(&backlog, now);
        self.store.record_figures();
        // The instances heard from lately (three reports' time): one that stopped is passed over.
        let every = chrono::Duration::from_std(self.every * 3).unwrap_or(chrono::Duration::MAX);
        let seen = self.store.activity(now - every).await?;
        let unavailable = self
            .store
            .unavailability()
            .await?
            .map(|(reason, office, since)| DeclaredUnavailability {
                reason,
                office: office.and_then(|o| transit_model::OfficeRef::parse(&o).ok()),
                since,
            });
        Ok(Some(LinkReport {
            country: self.country,
            reported_at: now,
            pending: backlog.pending,
            oldest_pending_at: backlog.oldest_pending_at,
            parked: backlog.parked,
            // The leader pushes: its own failures are the link's.
            push_failures_in_a_row: own.push_failures_in_a_row,
            last_push_error: own.last_push_error,
            last_push_at: seen.last_push_at,
            last_pull_at: seen.last_pull_at,
            last_ack_at: seen.last_ack_at,
            lag: seen.lag,
            unavailable,
        }))
    }

    async fn send(&self) -> anyhow::Result<()> {
        let now = Utc::now();
        let Some(report) = self.report(now).await? else {
            return Ok(());
        };
        let payload = serde_json::to_vec(&report)?;
        let id = MessageId::from_uuid(uuid::Uuid::new_v4());
        let record = OutgoingRecord::for_event(
            self.topics.to_hub(self.country),
            self.country.as_str(),
            LINK_STATUS_EVENT,
            id,
            payload,
        );
        self.publisher.publish_all(&[record]).await?;
        Ok(())
    }

    /// Reports until `stop` turns true. A report that cannot be made is skipped (the hub
    /// notices the silence); the next one is tried on time.
    pub async fn run(self, mut stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        while !*stop.borrow() {
            if let Err(err) = self.send().await {
                tracing::warn!(error = %err, "link report not sent; the next one is due in {:?}", self.every);
            }
            tokio::select! {
                _ = tokio::time::sleep(self.every) => {}
                _ = stop.changed() => break,
            }
        }
        Ok(())
    }
}
