//! The notifier: every `[notifications] poll_ms` it matches the hub's new movement events with
//! the traders' and guarantors' subscriptions ([`crate::notify`]), then posts the notifications
//! due, signed with each subscription's secret; a failure is tried again after a doubling wait,
//! and one the receiver keeps refusing (4xx but 408 and 429) is parked after
//! `park_after_refusals`, to be resent on request. Several API instances share the work: each
//! notification is locked while it is posted.

use std::time::Duration;

use chrono::Utc;
use serde::Deserialize;
use std::sync::Arc;
use tokio::sync::watch;

use transit_http::egress::EgressPolicy;
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
    /// How a post is tried again (`timeout_ms`, `initial_backoff_ms`, `max_backoff_ms`,
    /// `park_after_refusals`); a parked notification is resent on request.
    #[serde(flatten)]
    pub retry: NotificationRetry,
    /// Whether a subscription may post to this machine (loopback), over plain `http://` too: a
    /// local relay, the tests. Otherwise only `https://` to public addresses is taken, and
    /// every address a receiver's name resolves to is checked again at each post (default
    /// false).
    #[serde(default)]
    pub allow_http_to_loopback: bool,
    /// Ranges notifications are never posted to, besides loopback, private, link-local,
    /// shared (CGNAT), multicast and reserved addresses, which are always refused: the
    /// cluster's pod and service ranges (CIDR, e.g. `["10.96.0.0/12"]`; default none).
    #[serde(default)]
    pub blocked_ranges: Vec<String>,
    /// Active subscriptions one account may hold (default 20).
    #[serde(default = "default_max_per_account")]
    pub max_per_account: i64,
}

/// How a notification is tried again: after a second first, then doubling up to 5 minutes.
pub type NotificationRetry = transit_runtime::retry::RetryPolicy<1_000, 300_000>;

impl Default for NotifierSettings {
    fn default() -> Self {
        Self {
            poll_ms: default_poll_ms(),
            retry: NotificationRetry::default(),
            allow_http_to_loopback: false,
            blocked_ranges: Vec::new(),
            max_per_account: default_max_per_account(),
        }
    }
}

fn default_poll_ms() -> u64 {
    500
}
fn default_max_per_account() -> i64 {
    20
}

impl NotifierSettings {
    /// Where subscriptions may post: public addresses, minus `blocked_ranges`, plus loopback
    /// where allowed. A malformed range is a configuration error.
    pub fn egress(&self) -> Result<EgressPolicy, String> {
        Ok(EgressPolicy::new(&self.blocked_ranges)
            .map_err(|e| format!("[notifications] blocked_ranges: {e}"))?
            .allowing_loopback(self.allow_http_to_loopback))
    }
}

/// Sends the subscriptions' notifications.
#[derive(Debug)]
pub struct Notifier {
    store: ApiStore,
    settings: NotifierSettings,
    egress: Arc<EgressPolicy>,
}

impl Notifier {
    /// A notifier over `store`, posting where `egress` allows.
    pub fn new(store: ApiStore, settings: NotifierSettings, egress: Arc<EgressPolicy>) -> Self {
        Self {
            store,
            settings,
            egress,
        }
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
        let timeout = self.settings.retry.timeout;
        let client = match WebhookClient::guarded(&s.url, timeout, self.egress.clone()) {
            Ok(client) => client.with_secret(s.secret.as_bytes()),
            Err(refused) => return self.failed(&n, &s, PushError::Refused(refused)),
        };
        let headers = [
            ("X-Sigmat-Notification-Id", n.id.to_string()),
            ("X-Sigmat-Mrn", n.mrn.to_string()),
        ];
        let body = serde_json::to_vec(&n.payload).unwrap_or_default();
        match client.push("application/json", &headers, body).await {
            Ok(()) => {
                tracing::info!(notification = %n.id, subscription = %s.id, mrn = %n.mrn, "notification delivered");
                metrics::counter!("sigmat_api_notifications_posted_total", "outcome" => "delivered")
                    .increment(1);
                SendOutcome::Delivered { at: Utc::now() }
            }
            Err(err) => self.failed(&n, &s, err),
        }
    }

    /// A post that failed: tried again after a doubling wait, parked after repeated refusals.
    /// What the subscriber is shown is the status or a fixed reason — never the receiver's
    /// answer, so a subscription cannot be used to read what an address answers.
    fn failed(&self, n: &NotificationRow, s: &SubscriptionRow, err: PushError) -> SendOutcome {
        let refused = !err.is_transient();
        let retry = &self.settings.retry;
        let count = |n: i32| u32::try_from(n).unwrap_or(0);
        let park = refused && retry.parks_after(count(n.refusals) + 1);
        let wait = retry.delay(count(n.attempts));
        let retry_at =
            Utc::now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX);
        // The operator's log has the whole error; the subscriber is shown a fixed text.
        tracing::warn!(notification = %n.id, subscription = %s.id, error = %err, park, retry_in_ms = wait.as_millis(), "notification not taken");
        let outcome = if park { "parked" } else { "failed" };
        metrics::counter!("sigmat_api_notifications_posted_total", "outcome" => outcome)
            .increment(1);
        SendOutcome::Failed {
            error: shown_to_subscriber(&err),
            retry_at,
            refused,
            park,
        }
    }
}

/// What a subscriber is told of a failed post: the status the receiver answered, or one fixed
/// reason — not the body, not the transport's own words.
fn shown_to_subscriber(err: &PushError) -> String {
    match err {
        PushError::Answered { status, .. } => {
            format!("the receiver answered HTTP {status} (redirects are not followed)")
        }
        PushError::Refused(_) => {
            "refused: the address is not a public one (loopback, private, link-local and the hub's own ranges are never posted to)".into()
        }
        PushError::Unreachable { source, .. } if source.is_timeout() => {
            "the receiver did not answer in time".into()
        }
        PushError::Unreachable { .. } => "the receiver could not be reached".into(),
    }
}
