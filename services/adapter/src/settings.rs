use transit_http::HttpSettings;
use transit_kafka::KafkaSettings;
use transit_model::CountryCode;
use transit_store::DatabaseSettings;

/// An adapter's configuration.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The country this adapter serves: it publishes only to that country's `to-hub` topic and
    /// reads only its `from-hub` topic.
    pub country: CountryCode,
    /// The delivery consumer group (default `sigmat-adapter-<country>`).
    #[serde(default)]
    pub group_id: Option<String>,
    /// The HTTP listener.
    pub http: HttpSettings,
    /// The broker.
    pub kafka: KafkaSettings,
    /// The adapter's own database schema, e.g. `adapter_ci`.
    pub database: DatabaseSettings,
}

impl Settings {
    /// Loads from `file` and `SIGMAT_ADAPTER__…` variables.
    pub fn load(
        file: Option<&std::path::Path>,
    ) -> Result<Self, transit_runtime::config::ConfigError> {
        transit_runtime::config::load(file, "SIGMAT_ADAPTER")
    }
}
