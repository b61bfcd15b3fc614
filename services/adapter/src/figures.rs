//! The adapter's metrics (`docs/metrics.md`); every one carries the adapter's `country` (a
//! label of the whole process). What the national system sent and how it was answered, what
//! the hub sent and how it reached the national system, and — with each link report — the
//! deliveries waiting and the pool.

use std::time::Duration;

use transit_http::ApiError;
use transit_store::adapter::Backlog;

/// Series that must read 0 before anything happens (so that `rate()` and alerts see them
/// from the start), at the adapter's start.
pub(crate) fn start_at_zero() {
    metrics::counter!("sigmat_adapter_push_failures_total").increment(0);
    for how in ["pushed", "acknowledged"] {
        metrics::counter!("sigmat_adapter_deliveries_delivered_total", "how" => how).increment(0);
    }
}

/// A submission from `channel` (`http`, `drop`) decoded as `message_type` (`unknown` when it
/// did not decode) and `outcome` (`accepted`, `refused`, `unavailable`).
pub(crate) fn submission(channel: &str, message_type: &str, outcome: &'static str) {
    metrics::counter!("sigmat_adapter_messages_in_total", "channel" => channel.to_owned(), "type" => message_type.to_owned(), "outcome" => outcome)
        .increment(1);
}

/// A submission or call refused: by its stable error name and NCTS code (`none` when no code
/// applies).
pub(crate) fn refusal(error: &ApiError) {
    let code = error
        .ncts_code
        .map_or_else(|| "none".to_owned(), |c| c.to_string());
    metrics::counter!("sigmat_adapter_refusals_total", "error" => error.name().to_owned(), "code" => code)
        .increment(1);
}

/// How long translating one national message took.
pub(crate) fn translated(took: Duration) {
    metrics::histogram!("sigmat_adapter_translate_seconds").record(took.as_secs_f64());
}

/// How long the broker took to acknowledge one submission.
pub(crate) fn published(took: Duration) {
    metrics::histogram!("sigmat_adapter_publish_seconds").record(took.as_secs_f64());
}

/// Records read from the hub and stored for the national system (redeliveries included), by
/// message type.
pub(crate) fn received<'a>(types: impl Iterator<Item = &'a str>) {
    for message_type in types {
        metrics::counter!("sigmat_adapter_messages_out_total", "type" => message_type.to_owned())
            .increment(1);
    }
}

/// A delivery taken by the national system: `pushed` (webhook) or `acknowledged` (pulled).
pub(crate) fn delivered(how: &'static str) {
    metrics::counter!("sigmat_adapter_deliveries_delivered_total", "how" => how).increment(1);
}

/// A push the national system did not take.
pub(crate) fn push_failed() {
    metrics::counter!("sigmat_adapter_push_failures_total").increment(1);
}

/// The deliveries waiting for the national system, as of the last link report.
pub(crate) fn backlog(backlog: &Backlog, now: chrono::DateTime<chrono::Utc>) {
    metrics::gauge!("sigmat_adapter_deliveries_pending").set(backlog.pending as f64);
    metrics::gauge!("sigmat_adapter_deliveries_parked").set(backlog.parked as f64);
    let age = backlog
        .oldest_pending_at
        .map_or(0.0, |t| (now - t).num_milliseconds().max(0) as f64 / 1000.0);
    metrics::gauge!("sigmat_adapter_oldest_pending_age_seconds").set(age);
}
