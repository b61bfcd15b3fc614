//! Webhook delivery: pending deliveries are POSTed to the national system in order, each
//! retried with exponential backoff until it answers 2xx, then marked acknowledged. A national
//! system that is down for hours receives everything when it returns; nothing is skipped.
//! One delivery it refuses (4xx) push after push is parked after `park_after_refusals`, with
//! its answer, so that the deliveries behind it go on; an operator puts it back in line.
//!
//! Delivery is at least once: if the acknowledgement cannot be stored after a successful push,
//! the message is pushed again — the national system drops it by its `X-Sigmat-Message-Id`.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;
use transit_http::webhook::{PushError, WebhookClient};
use transit_store::adapter::{AdapterStore, DeliveryRow};

use crate::settings::{PushRetry, WebhookSettings};

/// The push loop's parts.
#[derive(Debug)]
pub struct Pusher {
    /// Whether this instance leads (only the leader pushes: [`crate::instances`]).
    leading: watch::Receiver<bool>,
    store: AdapterStore,
    client: WebhookClient,
    media_type: String,
    retry: PushRetry,
    activity: std::sync::Arc<crate::link::LinkActivity>,
}

impl Pusher {
    pub(crate) fn new(
        leading: watch::Receiver<bool>,
        store: AdapterStore,
        settings: &WebhookSettings,
        media_type: &str,
        activity: std::sync::Arc<crate::link::LinkActivity>,
    ) -> anyhow::Result<Self> {
        let timeout = settings.retry.timeout;
        let client = match &settings.ca_certificate {
            Some(path) => {
                let pem = std::fs::read(path).map_err(|e| {
                    anyhow::anyhow!("reading the webhook CA certificate {}: {e}", path.display())
                })?;
                WebhookClient::with_ca(&settings.url, timeout, &pem).map_err(anyhow::Error::msg)?
            }
            None => WebhookClient::new(&settings.url, timeout),
        };
        let client = match &settings.secret {
            Some(secret) => client.with_secret(secret.expose().as_bytes()),
            None => {
                tracing::warn!("[webhook] has no secret: pushes are not signed, and the national system cannot tell them from anyone else's");
                client
            }
        };
        Ok(Self {
            leading,
            store,
            client,
            media_type: media_type.to_owned(),
            retry: settings.retry,
            activity,
        })
    }

    /// What is pushed of `row`: its national form in the family's media type, or the
    /// standardized JSON.
    fn body(&self, row: &DeliveryRow, national: Option<&[u8]>) -> (&str, Vec<u8>) {
        match national {
            Some(bytes) => (self.media_type.as_str(), bytes.to_vec()),
            None => (
                "application/json",
                serde_json::to_vec(&row.message).unwrap_or_default(),
            ),
        }
    }

    /// Runs until `stop` turns true.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        tracing::info!(url = %self.client.loggable_url(), "pushing deliveries to the national system (while this instance leads)");
        while !*stop.borrow() {
            if !crate::instances::until_leading(&mut self.leading, &mut stop).await {
                break;
            }
            let rows = match self.store.pending(0, 100).await {
                Ok(rows) => rows,
                Err(err) => {
                    tracing::warn!(error = %err, "cannot read pending deliveries; retrying");
                    Vec::new()
                }
            };
            if rows.is_empty() {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(200)) => {}
                    _ = stop.changed() => break,
                }
                continue;
            }
            for row in rows {
                if !self.push_until_taken(&row, &mut stop).await {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Pushes one delivery until the national system takes it; `false` if stopped first.
    async fn push_until_taken(&self, row: &DeliveryRow, stop: &mut watch::Receiver<bool>) -> bool {
        let mut national = row.national.clone();
        let (mut content_type, mut body) = self.body(row, national.as_deref());
        let mut headers = vec![
            ("X-Sigmat-Message-Id", row.message_id.to_string()),
            ("X-Sigmat-Message-Type", row.message_type.clone()),
            ("X-Sigmat-Mrn", row.mrn.clone()),
            ("X-Sigmat-Format", row.format.clone()),
        ];
        // The message's trace, for a national system that follows it on.
        if let Some(traceparent) = &row.traceparent {
            headers.push(("traceparent", traceparent.clone()));
        }
        let trace_id = row
            .traceparent
            .as_deref()
            .and_then(transit_runtime::telemetry::context::trace_id_in);
        let mut failures = 0;
        let mut refusals = 0;
        loop {
            if *stop.borrow() {
                return false;
            }
            match self.client.push(content_type, &headers, body.clone()).await {
                Ok(()) => {
                    self.activity.pushed(Utc::now());
                    if let Err(err) = self.store.acknowledge(row.message_id, Utc::now()).await {
                        tracing::warn!(error = %err, message_id = %row.message_id, "pushed but not marked; it will be pushed again");
                    } else {
                        crate::figures::delivered("pushed");
                        tracing::info!(mrn = %row.mrn, trace_id, message_id = %row.message_id, message_type = %row.message_type, "delivered to the national system");
                    }
                    return true;
                }
                Err(err) => {
                    self.activity.push_failed(&err.to_string());
                    crate::figures::push_failed();
                    let backoff = self.retry.delay(failures);
                    failures = failures.saturating_add(1);
                    tracing::warn!(error = %err, mrn = %row.mrn, trace_id, message_id = %row.message_id, retry_in_ms = backoff.as_millis(), "national system did not take the delivery");
                    let _ = self
                        .store
                        .note_push_failure(row.message_id, &err.to_string())
                        .await;
                    if refused(&err) {
                        refusals += 1;
                        if self.retry.parks_after(refusals) {
                            match self
                                .store
                                .park(
                                    row.message_id,
                                    national.as_deref(),
                                    &err.to_string(),
                                    Utc::now(),
                                )
                                .await
                            {
                                // Written again with a new mapping meanwhile: back to the
                                // pending list, pushed in its new form.
                                Ok(false) => return true,
                                Ok(true) => {
                                    tracing::error!(message_id = %row.message_id, message_type = %row.message_type, mrn = %row.mrn, trace_id, refusals, error = %err,
                                        "the national system keeps refusing this delivery; parked so the others go on (adapter deliveries parked / retry)");
                                    return true;
                                }
                                Err(store) => {
                                    tracing::warn!(error = %store, "cannot park the delivery; trying it again")
                                }
                            }
                        }
                    } else {
                        refusals = 0;
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = stop.changed() => return false,
                    }
                    // A new national mapping may have written it again while it waited: the
                    // next try sends what is stored now, with its own count of refusals.
                    if let Ok(Some(stored)) = self.store.delivery(row.message_id).await {
                        if stored.national != national {
                            national = stored.national;
                            (content_type, body) = self.body(row, national.as_deref());
                            refusals = 0;
                        }
                    }
                }
            }
        }
    }
}

/// Whether the national system refused the delivery itself (4xx), rather than being down,
/// overloaded (429) or slow (408).
fn refused(err: &PushError) -> bool {
    !err.is_transient()
}
