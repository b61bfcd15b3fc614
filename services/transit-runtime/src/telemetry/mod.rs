//! Structured logs and traces: fields first, a short sentence, MRN and trace id on every line
//! about a movement; spans exported to an OpenTelemetry collector when one is configured.
//!
//! - [`init`] installs the process's subscriber: logs filtered by `SIGMAT_LOG` (default
//!   `info`), as text or — `SIGMAT_LOG_FORMAT=json` — one JSON object per line with the
//!   fields of the spans around it; and a span layer (OpenTelemetry), so every span of
//!   sigmat's own crates has a W3C trace and span id whatever `SIGMAT_LOG` says.
//! - [`context`]: the `traceparent` carried between services.
//! - [`TelemetrySettings`] (`[telemetry]`): where spans are exported (OTLP over HTTP, JSON),
//!   and what share; nothing is exported unless `otlp_endpoint` is set.

pub mod context;
mod fresh;
mod otlp;

use fresh::Fresh;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::Level;
use tracing_subscriber::filter::{filter_fn, EnvFilter};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// Where traces go (`[telemetry]`).
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TelemetrySettings {
    /// An OpenTelemetry collector's OTLP/HTTP address, e.g. `http://127.0.0.1:4318` (plain
    /// HTTP: a collector beside the service, which forwards over TLS). Spans are posted to
    /// `{otlp_endpoint}/v1/traces` as JSON. None (the default): nothing is exported; trace
    /// context is still carried from service to service and written in the logs.
    #[serde(default)]
    pub otlp_endpoint: Option<String>,
    /// The share of new traces exported, 0 to 1 (default 1); a trace continued from elsewhere
    /// follows its caller's choice.
    #[serde(default = "default_sample_ratio")]
    pub sample_ratio: f64,
}

fn default_sample_ratio() -> f64 {
    1.0
}

impl Default for TelemetrySettings {
    fn default() -> Self {
        Self {
            otlp_endpoint: None,
            sample_ratio: default_sample_ratio(),
        }
    }
}

/// The crates whose spans are traced (the rest — the database driver, HTTP internals — would
/// only add noise to a movement's trace).
const TRACED: &[&str] = &["tracker", "adapter", "api", "transit_", "national_"];

/// The installed tracing; [`Telemetry::shutdown`] sends what is still buffered.
#[derive(Debug)]
pub struct Telemetry {
    provider: SdkTracerProvider,
}

/// Installs the global subscriber for `service`, its spans described by `attributes` too (an
/// adapter's `country`). Safe to call more than once: the first call wins.
pub fn init(service: &str, attributes: &[(&str, &str)], settings: &TelemetrySettings) -> Telemetry {
    let (provider, export_error) = otlp::provider(service, attributes, settings);
    let spans = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer(service.to_owned()))
        .with_filter(Fresh(filter_fn(|m| {
            m.is_span()
                && *m.level() <= Level::INFO
                && TRACED.iter().any(|t| m.target().starts_with(t))
        })));
    let filter = EnvFilter::try_from_env("SIGMAT_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("SIGMAT_LOG_FORMAT").is_ok_and(|v| v == "json");
    let logs = if json {
        tracing_subscriber::fmt::layer()
            .json()
            .with_filter(Fresh(filter))
            .boxed()
    } else {
        tracing_subscriber::fmt::layer()
            .with_target(false)
            .with_filter(Fresh(filter))
            .boxed()
    };
    if tracing_subscriber::registry()
        .with(spans)
        .with(logs)
        .try_init()
        .is_ok()
    {
        tracing::debug!(service, "logging initialised");
        match (&settings.otlp_endpoint, export_error) {
            (_, Some(err)) => {
                tracing::error!(error = %err, "[telemetry] otlp_endpoint cannot be used; no trace is exported")
            }
            (Some(endpoint), None) => tracing::info!(%endpoint, "exporting traces"),
            (None, None) => {}
        }
    }
    Telemetry { provider }
}

impl Telemetry {
    /// Sends the spans still buffered (at most 5 s), then stops exporting.
    pub async fn shutdown(self) {
        let provider = self.provider;
        let flushing = tokio::task::spawn_blocking(move || provider.shutdown());
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), flushing).await;
    }
}

/// A subscriber with the span layer for this thread only (unit tests of trace context).
#[cfg(test)]
pub(crate) fn for_tests() -> tracing::subscriber::DefaultGuard {
    let provider = SdkTracerProvider::builder().build();
    let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("test"));
    tracing_subscriber::registry().with(layer).set_default()
}
