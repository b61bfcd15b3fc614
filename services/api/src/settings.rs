//! The API's configuration (`api.toml`, `SIGMAT_API__…`), one section per capability that
//! has settings; docs/configuration.md is generated from these types.

use serde::Deserialize;
use transit_http::HttpSettings;
use transit_kafka::KafkaSettings;
use transit_store::{AuditSettings, DatabaseSettings};

/// The API's configuration.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Where to listen (and TLS, if it terminates HTTPS itself).
    pub http: HttpSettings,
    /// The tracker's database schema.
    pub database: DatabaseSettings,
    /// The audit log's insert-only role (`[audit] url`).
    pub audit: AuditSettings,
    /// Traces: where spans are exported (OTLP), off by default.
    #[serde(default)]
    pub telemetry: transit_runtime::telemetry::TelemetrySettings,
    /// The broker, for officer actions.
    pub kafka: KafkaSettings,
    /// How long a session lasts, in hours (default 12: one shift).
    #[serde(default = "default_session_hours")]
    pub session_hours: i64,
    /// How often live updates look for changes, in milliseconds (default 1000).
    #[serde(default = "default_live_ms")]
    pub live_interval_ms: u64,
    /// Live-update streams one API instance carries at once (default 256); more are refused
    /// (503) until one closes.
    #[serde(default = "default_live_streams_max")]
    pub live_streams_max: usize,
    /// Hours after which an arrived movement with no control result is listed as overdue
    /// beside those past their time limit (default 24).
    #[serde(default = "default_control_overdue_hours")]
    pub control_overdue_hours: i64,
    /// When a country's national link raises an alert.
    #[serde(default)]
    pub links: LinkThresholds,
    /// How traders' and guarantors' notifications are sent.
    #[serde(default)]
    pub notifications: crate::notifier::NotifierSettings,
}

fn default_control_overdue_hours() -> i64 {
    24
}

fn default_session_hours() -> i64 {
    12
}

fn default_live_ms() -> u64 {
    1000
}

fn default_live_streams_max() -> usize {
    256
}

/// When a national link raises an alert.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkThresholds {
    /// Seconds without a report from the adapter (it reports every `[link] report_every_ms`,
    /// 15 s by default) before it is "silent": down, or cut off from the broker (default 120).
    #[serde(default = "default_silent_after_secs")]
    pub silent_after_secs: i64,
    /// Seconds the oldest delivery may wait for the national system (default 1,800).
    #[serde(default = "default_undelivered_after_secs")]
    pub undelivered_after_secs: i64,
    /// Pushes failed in a row (default 5).
    #[serde(default = "default_push_failures")]
    pub push_failures: i64,
    /// Records on the country's from-hub topic the adapter has not stored (default 1,000).
    #[serde(default = "default_lag_records")]
    pub lag_records: i64,
}

impl Default for LinkThresholds {
    fn default() -> Self {
        Self {
            silent_after_secs: default_silent_after_secs(),
            undelivered_after_secs: default_undelivered_after_secs(),
            push_failures: default_push_failures(),
            lag_records: default_lag_records(),
        }
    }
}

fn default_silent_after_secs() -> i64 {
    120
}
fn default_undelivered_after_secs() -> i64 {
    1800
}
fn default_push_failures() -> i64 {
    5
}
fn default_lag_records() -> i64 {
    1000
}
