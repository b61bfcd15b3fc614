//! The notifier: every `[notifications] poll_ms` it matches the hub's new movement events with
//! the traders' and guarantors' subscriptions ([`crate::notify`]), then posts the notifications
//! due, signed with each subscription's secret; a failure is tried again after a doubling wait,
//! and one the receiver keeps refusing (4xx but 408 and 429) is parked after
//! `park_after_refusals`, to be resent on request. Several API instances share the work: each
//! notification is locked while it is posted.

use std::time::Duration;

use chrono::Utc;
use serde::Deserialize;
use tokio::sync::watch;
use transit_http::webhook::{PushError, WebhookClient};
use transit_store::api::subscriptions::{NotificationRow, SendOutcome, SubscriptionRow};
use transit_store::api::ApiStore;

/// How notifications are sent.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifierSettings {
    /// Milliseconds between two rounds (default 500).
    #[serde(default = "default_poll_ms")]
    pub poll_ms: u64,
    /// Time allowed for one post, in milliseconds (default 10,000).
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// First wait after a failed post, doubled on each further failure (default 1,000).
    #[serde(default = "default_initial_backoff_ms")]
    pub initial_backoff_ms: u64,
    /// Longest wait (default 300,000).
    #[serde(default = "default_max_backoff_ms")]
    pub max_backoff_ms: u64,
    /// Refusals in a row after which a notification is parked; 0 never parks (default 5).
    #[serde(default = "default_park_after_refusals")]
    pub park_after_refusals: i32,
    /// Whether a subscription may post to plain `http://` on this machine (a local relay, the
    /// tests); otherwise only `https://` addresses are taken (default false).
    #[serde(default)]
    pub allow_http_to_loopback: bool,
    /// Active subscriptions one account may hold (default 20).
    #[serde(default = "default_max_per_account")]
    pub max_per_account: i64,
}

impl Default for NotifierSettings {
    fn default() -> Self {
        Self {
            poll_ms: default_poll_ms(),
            timeout_ms: default_timeout_ms(),
            initial_backoff_ms: default_initial_backoff_ms(),
            max_backoff_ms: default_max_backoff_ms(),
            park_after_refusals: default_park_after_refusals(),
            allow_http_to_loopback: false,
            max_per_account: default_max_per_account(),
        }
    }
}

fn default_poll_ms() -> u64 {
    500
}
fn default_timeout_ms() -> u64 {
    10_000
}
fn default_initial_backoff_ms() -> u64 {
    1_000
}
fn default_max_backoff_ms() -> u64 {
    300_000
}
fn default_park_after_refusals() -> i32 {
    5
}
fn default_max_per_account() -> i64 {
    20
}

/// Sends the subscriptions' notifications.
#[derive(Debug)]
pub struct Notifier {
    store: ApiStore,
    settings: NotifierSettings,
}

impl Notifier {
    /// A notifier over `store`.
    pub fn new(store: ApiStore, settings: NotifierSettings) -> Self {
        Self { store, settings }
    }

    /// Rounds until `stop` turns true. A database that does not answer is tried again next
    /// round.
    pub async fn run(self, mut stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        // Read as 0 before anything is sent, so that rate() and alerts see them from the start.
        metrics::counter!("sigmat_api_notifications_made_total").increment(0);
        for outcome in ["delivered", "failed", "parked"] {
            metrics::counter!("sigmat_api_notifications_posted_total", "outcome" => outcome)
                .increment(0);
        }
        while !*stop.borrow() {
            if let Err(err) = self.round().await {
                tracing::warn!(error = %err, "notifications not sent this round; trying again");
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(self.settings.poll_ms)) => {}
                _ = stop.changed() => break,
            }
        }
        Ok(())
    }

    async fn round(&self) -> Result<(), transit_store::StoreError> {
        let made = self
            .store
            .match_events(500, Utc::now(), crate::notify::notifications)
            .await?;
        if made > 0 {
            tracing::debug!(made, "notifications made");
            metrics::counter!("sigmat_api_notifications_made_total").increment(made as u64);
        }
        self.store.record_figures();
        for _ in 0..50 {
            let sent = self
                .store
                .send_next_notification(Utc::now(), |n, s| self.post(n, s))
                .await?;
            if !sent {
                break;
            }
        }
        Ok(())
    }

    async fn post(&self, n: NotificationRow, s: SubscriptionRow) -> SendOutcome {
        let client = WebhookClient::new(&s.url, Duration::from_millis(self.settings.timeout_ms))
            .with_secret(s.secret.as_bytes());
        let headers = [
            ("X-Sigmat-Notification-Id", n.id.to_string()),
            ("X-Sigmat-Mrn", n.mrn.clone()),
        ];
        let body = serde_json::to_vec(&n.payload).unwrap_or_default();
        match client.push("application/json", &headers, body).await {
            Ok(()) => {
                tracing::info!(notification = %n.id, subscription = %s.id, mrn = %n.mrn, "notification delivered");
                metrics::counter!("sigmat_api_notifications_posted_total", "outcome" => "delivered")
                    .increment(1);
                SendOutcome::Delivered { at: Utc::now() }
            }
            Err(err) => {
                let refused = matches!(&err, PushError::Answered { status, .. }
                    if (400..500).contains(status) && *status != 408 && *status != 429);
                let refusals = if refused { n.refusals + 1 } else { 0 };
                let park = refused
                    && self.settings.park_after_refusals > 0
                    && refusals >= self.settings.park_after_refusals;
                let doublings = u32::try_from(n.attempts.clamp(0, 20)).unwrap_or(20);
                let wait = self
                    .settings
                    .initial_backoff_ms
                    .saturating_mul(1 << doublings)
                    .min(self.settings.max_backoff_ms);
                tracing::warn!(notification = %n.id, subscription = %s.id, error = %err, park, retry_in_ms = wait, "notification not taken");
                let outcome = if park { "parked" } else { "failed" };
                metrics::counter!("sigmat_api_notifications_posted_total", "outcome" => outcome)
                    .increment(1);
                SendOutcome::Failed {
                    error: err.to_string(),
                    retry_at: Utc::now()
                        + chrono::Duration::milliseconds(i64::try_from(wait).unwrap_or(i64::MAX)),
                    refused,
                    park,
                }
            }
        }
    }
}
