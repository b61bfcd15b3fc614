//! # transit-runtime — configuration, logging, shutdown and supervision for every binary
//!
//! - [`config::load`] reads a TOML file, then lets environment variables override any key
//!   (`SIGMAT_TRACKER__KAFKA__BROKERS` sets `kafka.brokers` for the tracker), into a typed struct
//!   that refuses unknown keys — a typo in a config file is an error, not a silent default.
//! - [`telemetry::init`] sets up structured logs (`SIGMAT_LOG=info,tracker=debug`,
//!   `SIGMAT_LOG_FORMAT=json`).
//! - [`metrics::install`] puts the Prometheus recorder behind the `metrics` facade; its
//!   [`metrics::Metrics::render`] is what every service's `/metrics` serves.
//! - [`shutdown::signal`] resolves on Ctrl-C or SIGTERM, for graceful stops.
//! - [`patience::until_reachable`] retries what a service needs at start (PostgreSQL, the
//!   broker) with backoff while it is unreachable, instead of exiting.
//! - [`retry::RetryPolicy`] says how a post that failed is tried again (`timeout_ms`,
//!   `initial_backoff_ms`, `max_backoff_ms`, `park_after_refusals`).
//! - [`start::run`] starts a service: glibc's allocator held to two arenas, then the async
//!   runtime.
//! - [`service::Service`] is the start-up every service binary shares: its command line
//!   (`--config`, `check-config`, its own commands), its settings read, telemetry started, then
//!   the command or the service run until stopped.
//! - [`supervise::Tasks`] runs a service's long-running tasks; the first that ends by itself
//!   stops the service with an error, so that the process exits non-zero and is restarted.
//!
//! ```
//! #[derive(serde::Deserialize)]
//! #[serde(deny_unknown_fields)]
//! struct Settings { port: u16 }
//!
//! let settings: Settings = transit_runtime::config::from_layers("port = 8080", "DOC_EXAMPLE", std::iter::empty()).unwrap();
//! assert_eq!(settings.port, 8080);
//! ```

pub mod config;
pub mod config_docs;
pub mod metrics;
pub mod patience;
pub mod retry;
pub mod service;
pub mod shutdown;
pub mod start;
pub mod supervise;
pub mod telemetry;
