//! Where the MQTT broker is and how to reach it.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use transit_runtime::config::Secret;

use crate::MqttError;

/// The broker.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MqttSettings {
    /// Its host name or address.
    pub host: String,
    /// Its port (1883 plain, 8883 TLS by convention).
    pub port: u16,
    /// The user name at the broker (Mosquitto's password file), if it asks for one.
    #[serde(default)]
    pub username: Option<String>,
    /// Its password.
    #[serde(default)]
    pub password: Option<Secret>,
    /// TLS to the broker; plain TCP when absent (loopback only).
    #[serde(default)]
    pub tls: Option<MqttTls>,
    /// Seconds between keep-alive pings (default 30).
    #[serde(default = "default_keep_alive_s")]
    pub keep_alive_s: u64,
    /// Messages in flight at once, unacknowledged (default 100).
    #[serde(default = "default_inflight")]
    pub inflight: u16,
    /// The largest payload taken, in bytes (default 262,144: a batch of a thousand events).
    #[serde(default = "default_max_payload_bytes")]
    pub max_payload_bytes: usize,
}

/// TLS to the broker.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MqttTls {
    /// The certificate authority that signed the broker's certificate (PEM).
    pub ca_certificate: PathBuf,
}

fn default_keep_alive_s() -> u64 {
    30
}
fn default_inflight() -> u16 {
    100
}
fn default_max_payload_bytes() -> usize {
    262_144
}

/// A rustls client trusting only `tls.ca_certificate` (ring, as everywhere in sigmat).
pub(crate) fn client_config(tls: &MqttTls) -> Result<rustls::ClientConfig, MqttError> {
    let bad = |e: String| MqttError::Settings(format!("{}: {e}", tls.ca_certificate.display()));
    let mut roots = rustls::RootCertStore::empty();
    for certificate in
        CertificateDer::pem_file_iter(&tls.ca_certificate).map_err(|e| bad(e.to_string()))?
    {
        roots
            .add(certificate.map_err(|e| bad(e.to_string()))?)
            .map_err(|e| bad(e.to_string()))?;
    }
    if roots.is_empty() {
        return Err(bad("no certificate in the file".into()));
    }
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| bad(e.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth())
}
