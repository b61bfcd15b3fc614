//! Structured logs: fields first, a short sentence, MRN on every line about a movement.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. `SIGMAT_LOG` filters (default `info`); `SIGMAT_LOG_FORMAT=json`
/// switches to one JSON object per line for log shippers. Safe to call more than once.
pub fn init(service: &str) {
    let filter = EnvFilter::try_from_env("SIGMAT_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("SIGMAT_LOG_FORMAT").is_ok_and(|v| v == "json");
    let result = if json {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .json()
            .try_init()
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_target(false)
            .try_init()
    };
    if result.is_ok() {
        tracing::debug!(service, "logging initialised");
    }
}
