//! The gateway's configuration: `deploy/local/config/telematics.toml` and/or
//! `SIGMAT_TELEMATICS__SECTION__KEY` variables.

use transit_http::HttpSettings;
use transit_kafka::KafkaSettings;
use transit_mqtt::MqttSettings;

/// The telematics gateway's configuration.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Traces: where spans are exported (OTLP), off by default.
    #[serde(default)]
    pub telemetry: transit_runtime::telemetry::TelemetrySettings,
    /// The HTTPS listener: `POST /telematics/v1/events` for providers that push batches,
    /// `/health/*` and `/metrics`.
    pub http: HttpSettings,
    /// The broker the events go to (`sigmat.hub.telematics`).
    pub kafka: KafkaSettings,
    /// The MQTT broker the providers publish to; absent: HTTPS only.
    #[serde(default)]
    pub mqtt: Option<MqttGateway>,
    /// The tracking providers: their names (the MQTT user names at the broker) and, for
    /// HTTPS, their tokens' SHA-256 (`telematics providers new`).
    #[serde(default)]
    pub providers: Vec<ProviderSettings>,
}

/// The gateway's MQTT session.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MqttGateway {
    /// The broker, and the gateway's own user there (it reads every provider's topic).
    #[serde(flatten)]
    pub broker: MqttSettings,
    /// The gateway's client id: its persistent session, kept by the broker while it is away
    /// (default `sigmat-telematics`; give each replica its own).
    #[serde(default = "default_client_id")]
    pub client_id: String,
    /// What it subscribes to (default `$share/sigmat-telematics/telematics/+/events`: the
    /// replicas share the providers' messages).
    #[serde(default = "default_filter")]
    pub filter: String,
}

fn default_client_id() -> String {
    "sigmat-telematics".into()
}
fn default_filter() -> String {
    "$share/sigmat-telematics/telematics/+/events".into()
}

/// A tracking provider.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderSettings {
    /// Its name: lower-case letters, digits and dashes (`sahel-track`); its MQTT user name
    /// and the second level of its topics (`telematics/<name>/events`).
    pub name: String,
    /// The SHA-256 (hex) of its HTTPS token; absent: it publishes over MQTT only.
    #[serde(default)]
    pub token_sha256: Option<String>,
}

#[cfg(test)]
mod reference_tests {
    /// `docs/configuration.md`'s telematics table is what these settings say.
    #[test]
    fn the_configuration_reference_is_current() {
        transit_runtime::config_docs::check_documented::<super::Settings>(
            "SIGMAT_TELEMATICS",
            "telematics",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
}
