use transit_kafka::KafkaSettings;
use transit_model::CountryCode;
use transit_store::DatabaseSettings;

/// The tracker's configuration.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The countries in the network, whose topics the tracker creates at start (with
    /// `kafka.create_topics`). It reads every country's `to-hub` topic, these and any made
    /// later: a country onboarded while the hub runs is read without a restart.
    pub countries: Vec<CountryCode>,
    /// The consumer group; every tracker instance of one hub uses the same.
    #[serde(default = "default_group")]
    pub group_id: String,
    /// The broker.
    pub kafka: KafkaSettings,
    /// The database (schema `tracker` by default).
    pub database: DatabaseSettings,
    /// Batching.
    #[serde(default)]
    pub batch: BatchSettings,
    /// The time-limit timer.
    #[serde(default)]
    pub timer: TimerSettings,
    /// The state machine's configurable rules (who answers record requests…).
    #[serde(default)]
    pub rules: transit_lifecycle::Rules,
    /// Risk analysis: how the leg times the rules compare with are read.
    #[serde(default)]
    pub risk: RiskSettings,
    /// Where the health checks listen (`/health/live`, `/health/ready`); none when absent.
    #[serde(default)]
    pub health: Option<HealthSettings>,
    /// Traces: where spans are exported (OTLP), off by default.
    #[serde(default)]
    pub telemetry: transit_runtime::telemetry::TelemetrySettings,
}

/// The tracker's health-check listener.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthSettings {
    /// `host:port`, e.g. `127.0.0.1:18090` (or `0.0.0.0:18090` for a cluster's probes).
    pub listen: String,
}

/// How often overdue movements are looked for, and how long after the time limit.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimerSettings {
    /// Milliseconds between two looks at the due-time index.
    #[serde(default = "default_timer_interval_ms")]
    pub interval_ms: u64,
    /// Hours after the arrival time limit before an enquiry is recommended and the departure
    /// is told (IE095 `EnquiryRecommended`): a grace period for a late arrival advice (0: at
    /// the time limit).
    #[serde(default)]
    pub enquiry_after_hours: u32,
}

impl Default for TimerSettings {
    fn default() -> Self {
        Self {
            interval_ms: default_timer_interval_ms(),
            enquiry_after_hours: 0,
        }
    }
}

fn default_timer_interval_ms() -> u64 {
    30_000
}

/// How the corridor's leg times are read for the risk rules (`network.leg_p90_hours`).
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskSettings {
    /// Seconds between two readings of the leg times from the event log.
    #[serde(default = "default_leg_times_every_s")]
    pub leg_times_every_s: u64,
    /// Days of events the leg times are taken over.
    #[serde(default = "default_leg_times_days")]
    pub leg_times_days: u32,
}

impl Default for RiskSettings {
    fn default() -> Self {
        Self {
            leg_times_every_s: default_leg_times_every_s(),
            leg_times_days: default_leg_times_days(),
        }
    }
}

fn default_leg_times_every_s() -> u64 {
    300
}
fn default_leg_times_days() -> u32 {
    30
}

/// How records are gathered into one transaction.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchSettings {
    /// At most this many records per transaction.
    #[serde(default = "default_max_records")]
    pub max_records: usize,
    /// After the first record, wait at most this long for more.
    #[serde(default = "default_linger_ms")]
    pub linger_ms: u64,
}

impl Default for BatchSettings {
    fn default() -> Self {
        Self {
            max_records: default_max_records(),
            linger_ms: default_linger_ms(),
        }
    }
}

fn default_group() -> String {
    "sigmat-tracker".into()
}
fn default_max_records() -> usize {
    500
}
fn default_linger_ms() -> u64 {
    20
}

#[cfg(test)]
mod reference_tests {
    /// `docs/configuration.md`'s tracker table is what these settings say.
    #[test]
    fn the_configuration_reference_is_current() {
        transit_runtime::config_docs::check_documented::<super::Settings>(
            "SIGMAT_TRACKER",
            "tracker",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
}
