use std::path::PathBuf;

use transit_http::HttpSettings;
use transit_kafka::KafkaSettings;
use transit_model::CountryCode;
use transit_national::Family;
use transit_store::DatabaseSettings;

/// An adapter's configuration.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The country this adapter serves: it publishes only to that country's `to-hub` topic and
    /// reads only its `from-hub` topic.
    pub country: CountryCode,
    /// Traces: where spans are exported (OTLP), off by default.
    #[serde(default)]
    pub telemetry: transit_runtime::telemetry::TelemetrySettings,
    /// The national system's family: `standard` (the standardized JSON, the default),
    /// `asycuda`, `sydam`, `gainde` or `ncts`.
    #[serde(default)]
    pub family: Family,
    /// The country's mapping tables to start with; default: the table published for the
    /// country (`schemas/national/mapping/<cc>.json`). From then on the reference data's table
    /// for the country is in force whenever an import brings a different one
    /// (`sigmat reference import`, no restart); a country published with none waits for it.
    #[serde(default)]
    pub mapping_file: Option<PathBuf>,
    /// The folder of the family's official schemas (`ncts`: NCTS phase 5's XSDs 51.8.6, the
    /// folder holding `cd/CD050C.xsd`): every national message is checked against them, with
    /// `xmllint`, before it is translated, and refused naming the element that breaks them.
    /// Absent: the translator's own checks only.
    #[serde(default)]
    pub official_schemas: Option<PathBuf>,
    /// The delivery consumer group (default `sigmat-adapter-<country>`).
    #[serde(default)]
    pub group_id: Option<String>,
    /// The HTTP listener.
    pub http: HttpSettings,
    /// Who may call it: the national systems' tokens and rights. None: every call is refused.
    #[serde(default)]
    pub auth: crate::auth::AuthSettings,
    /// The broker.
    pub kafka: KafkaSettings,
    /// The adapter's own database schema, e.g. `adapter_ci`.
    pub database: DatabaseSettings,
    /// Push deliveries to the national system's webhook (otherwise it pulls them).
    #[serde(default)]
    pub webhook: Option<WebhookSettings>,
    /// Take national messages from files dropped in a directory too.
    #[serde(default)]
    pub drop: Option<DropSettings>,
    /// Reporting the national link's state to the hub.
    #[serde(default)]
    pub link: LinkSettings,
    /// How much memory submissions may take at once.
    #[serde(default)]
    pub limits: LimitSettings,
    /// How long refused calls are kept.
    #[serde(default)]
    pub refusals: RefusalSettings,
    /// How long acknowledged deliveries are kept.
    #[serde(default)]
    pub deliveries: DeliverySettings,
    /// A listener of its own for `/metrics` and `/health/*`, apart from the national systems'
    /// routes (absent: both on `[http] listen`).
    #[serde(default)]
    pub operations: Option<OperationsSettings>,
}

/// The operators' listener: metrics and health checks, for Prometheus and the orchestrator,
/// on a port the national systems are not given.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationsSettings {
    /// `ip:port` (e.g. `0.0.0.0:8090`); port 0 picks a free one.
    pub listen: std::net::SocketAddr,
}

/// How long refused calls are kept.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefusalSettings {
    /// Days a refused call (what was asked, the first 64 KiB of its body) is kept before it
    /// is deleted (default 90).
    #[serde(default = "default_keep_days")]
    pub keep_days: u32,
}

impl Default for RefusalSettings {
    fn default() -> Self {
        Self {
            keep_days: default_keep_days(),
        }
    }
}

fn default_keep_days() -> u32 {
    90
}

/// How long deliveries the national system has acknowledged are kept.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverySettings {
    /// Days an acknowledged delivery is kept before it is deleted (default 30; at least 8,
    /// longer than the topics keep records, so that a record the broker delivers again is
    /// still recognised and not delivered twice). Pending and parked deliveries are kept
    /// until acknowledged.
    #[serde(default = "default_keep_acknowledged_days")]
    pub keep_acknowledged_days: u32,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            keep_acknowledged_days: default_keep_acknowledged_days(),
        }
    }
}

fn default_keep_acknowledged_days() -> u32 {
    30
}

/// The fewest days `[deliveries] keep_acknowledged_days` may say.
pub const MIN_KEEP_ACKNOWLEDGED_DAYS: u32 = 8;

impl DeliverySettings {
    /// Refuses a retention shorter than [`MIN_KEEP_ACKNOWLEDGED_DAYS`], saying why.
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.keep_acknowledged_days >= MIN_KEEP_ACKNOWLEDGED_DAYS,
            "[deliveries] keep_acknowledged_days = {}: keep acknowledged deliveries at least {MIN_KEEP_ACKNOWLEDGED_DAYS} days, longer than the topics keep records, so that a record delivered again is recognised and not delivered twice",
            self.keep_acknowledged_days
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acknowledged_deliveries_are_kept_longer_than_the_topics_keep_records() {
        assert!(DeliverySettings::default().check().is_ok());
        let short = DeliverySettings {
            keep_acknowledged_days: 7,
        };
        let refused = short.check().unwrap_err().to_string();
        assert!(refused.contains("at least 8 days"), "{refused}");
    }
}

/// How much memory the submissions being read and translated may take at once.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitSettings {
    /// Mebibytes for submissions read and translated at once (default 96: with the pods'
    /// 256 MiB, the rest is for the runtime, the database pool and the broker client). Each
    /// submission is given 48 (a 4 MiB body and the most its translation can build, as
    /// measured), so the default lets two be read and translated at once, one per core;
    /// others wait their turn.
    #[serde(default = "default_submission_memory_mib")]
    pub submission_memory_mib: u64,
    /// Mebibytes for translated submissions waiting for the broker to take them (default
    /// 32). Once translated and accepted, a submission's record takes its room here (twice
    /// its size: ours and the broker client's copy) before the submission lets the next one be
    /// read, so many small releases wait on the broker at once while large ones, once the
    /// room is full, keep their submission permits and hold up the reading of more.
    #[serde(default = "default_publishing_memory_mib")]
    pub publishing_memory_mib: u64,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            submission_memory_mib: default_submission_memory_mib(),
            publishing_memory_mib: default_publishing_memory_mib(),
        }
    }
}

fn default_submission_memory_mib() -> u64 {
    96
}

fn default_publishing_memory_mib() -> u64 {
    32
}

/// What one submission may take while it is read and translated, in MiB: its body (4 MiB at
/// most), what the translator builds from it within the parsers' caps (about 45 for the
/// costliest ASYCUDA document: 100,000 elements under 250-byte paths) and the refusal kept
/// (`integration-tests/tests/hostile_bodies.rs` measures the adapter's peak).
pub const SUBMISSION_MIB: u64 = 48;

impl LimitSettings {
    /// Submissions read and translated at once: at least one.
    pub fn concurrent_submissions(&self) -> usize {
        usize::try_from((self.submission_memory_mib / SUBMISSION_MIB).max(1)).unwrap_or(1)
    }

    /// Kibibytes of records that may wait for the broker at once: at least one.
    pub fn publishing_kib(&self) -> u32 {
        u32::try_from(self.publishing_memory_mib.saturating_mul(1024))
            .unwrap_or(u32::MAX)
            .max(1)
    }
}

/// How often the adapter tells the hub how its national link is doing.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkSettings {
    /// Milliseconds between two link reports (default 15,000). The API's `[links]
    /// silent_after_secs` must be well above it.
    #[serde(default = "default_report_every_ms")]
    pub report_every_ms: u64,
}

impl Default for LinkSettings {
    fn default() -> Self {
        Self {
            report_every_ms: default_report_every_ms(),
        }
    }
}

fn default_report_every_ms() -> u64 {
    15_000
}

/// Where and how to push deliveries.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    /// The national system's URL; each delivery is POSTed there in the national format.
    pub url: String,
    /// A certificate authority (PEM) to trust for an `https` URL, besides the public ones.
    #[serde(default)]
    pub ca_certificate: Option<PathBuf>,
    /// A secret shared with the national system: every push is then signed with it
    /// (`X-Sigmat-Timestamp`, `X-Sigmat-Signature: sha256=<HMAC-SHA256 of "timestamp.body">`;
    /// docs/security.md shows how to check it). Put a long random string here.
    #[serde(default)]
    pub secret: Option<transit_runtime::config::Secret>,
    /// How a push is tried again (`timeout_ms`, `initial_backoff_ms`, `max_backoff_ms`,
    /// `park_after_refusals`); a parked delivery is listed and put back in line with `adapter
    /// deliveries parked|retry`.
    #[serde(flatten)]
    pub retry: PushRetry,
}

/// How a push is tried again: after 200 ms first, then doubling up to 30 s.
pub type PushRetry = transit_runtime::retry::RetryPolicy<200, 30_000>;

/// A watched drop directory.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DropSettings {
    /// The directory; accepted files move to `processed/`, refused ones to `rejected/` with
    /// an `.error` file beside them. Files named `.*`, `*.tmp` or `*.part` are left alone
    /// (write there, then rename).
    pub directory: PathBuf,
    /// How often to look, in milliseconds (default 500).
    #[serde(default = "default_poll_ms")]
    pub poll_ms: u64,
}

fn default_poll_ms() -> u64 {
    500
}

#[cfg(test)]
mod reference_tests {
    /// `docs/configuration.md`'s adapter table is what these settings say.
    #[test]
    fn the_configuration_reference_is_current() {
        transit_runtime::config_docs::check_documented::<super::Settings>(
            "SIGMAT_ADAPTER",
            "adapter",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
}
