//! # api — the hub's API, for officers, operators and adapter identities
//!
//! [`Application::build`] binds the listener, connects the tracker's schema (adding the API's
//! tables: users, sessions, audit log, officer actions) and the broker, and starts the live
//! update poller. Routes are in [`transit_http::api_routes`]; the logic behind them in
//! [`service::ApiService`], which implements one port per concern, each in its own file:
//! [`sessions`] (`SessionPort`), [`movements`] (`MovementPort`), [`acting`] (`ActionPort`),
//! [`figures`] (`FiguresPort`), [`live`] (`LivePort`), [`site`] (`SitePort`), and the
//! operators', fallback, subscription and reference ports in theirs:
//!
//! - movements by MRN, search, timeline; corridor figures for operators;
//! - officer actions (passage, arrival, control results, incident) that become the
//!   standardized message an adapter would have sent, published to the office's country's
//!   `to-hub` topic — checked first against the movement's state machine, idempotent by
//!   `Idempotency-Key`;
//! - sessions with expiry, argon2id passwords ([`auth`]) verified off the async workers,
//!   failed logins throttled per account and per address ([`throttle`]), an append-only
//!   audit log;
//! - live updates by server-sent events ([`live`]);
//! - dead letters, listed and replayed once ([`dead_letters`]), and the national links with
//!   their alerts ([`links`]);
//! - fallback periods for an office or a national system, and their reconciliation
//!   ([`fallbacks`]);
//! - the network's reference data: the version in force, followed without a restart, and
//!   operators' imports of the next one ([`reference`](mod@reference));
//! - traders' and guarantors' webhook subscriptions ([`subscriptions`]), matched with the
//!   movement events ([`notify`]) and sent signed, retried and parked ([`notifier`]);
//! - the officers' app and the dashboard (crate `web`), served by this binary;
//! - `GET /metrics` for Prometheus: requests by route, notifications, the pools (no session:
//!   let the ingress route only the apps' and `/api` paths to the outside:
//!   `deploy/k8s/base/api.yaml`).
//!
//! Accounts are created with `api users add` ([`users`]).

pub mod account_checks;
pub mod acting;
pub mod actions;
pub mod answers;
pub mod auth;
pub mod dead_letters;
pub mod disclosures;
pub mod fallbacks;
pub mod figures;
pub mod links;
pub mod live;
pub mod movements;
pub mod notifier;
pub mod notify;
pub mod rail;
pub mod reference;
pub mod risk;
pub mod service;
pub mod sessions;
pub mod settings;
pub mod site;
pub mod subscriptions;
pub mod telematics;
pub mod throttle;
pub mod users;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use transit_kafka::{Publisher, Topics};
use transit_store::api::ApiStore;
use transit_store::queries::MovementQueries;

pub use service::ApiService;
pub use settings::{LinkThresholds, Settings};

/// What the start every service shares (`transit_runtime::service`) reads of the settings, which
/// it loads from `--config` and the `SIGMAT_API__…` variables.
impl transit_runtime::service::ServiceSettings for Settings {
    fn telemetry(&self) -> &transit_runtime::telemetry::TelemetrySettings {
        &self.telemetry
    }
}

/// The audit log's writer, signed in as its insert-only role (after the tracker's migrations,
/// which create the role and its rights).
pub async fn audit_writer(settings: &Settings) -> anyhow::Result<transit_store::PgPool> {
    transit_store::connect_audit_writer(&settings.audit, &settings.database.schema)
        .await
        .context(
            "connecting to PostgreSQL as the audit log's writer ([audit] url, role sigmat_audit; \
             docs/security.md, \"The audit log's role\")",
        )
}

/// The API, built and ready to run.
#[derive(Debug)]
pub struct Application {
    listener: tokio::net::TcpListener,
    /// The process's metrics, served at `/metrics`.
    metrics: transit_runtime::metrics::Metrics,
    service: Arc<ApiService>,
    notifier: notifier::Notifier,
    /// The reference topic and the version in force it updates.
    reference: (
        transit_kafka::reference::CompactedReader,
        tokio::sync::watch::Sender<Arc<transit_model::reference::Loaded>>,
    ),
    tls: Option<transit_http::TlsSettings>,
    trusted_proxies: transit_http::TrustedProxies,
}

impl Application {
    /// Binds the listener and connects the database and the broker.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let metrics = transit_runtime::metrics::install("api", &[]);
        let listener = settings.http.bind().await?;
        let pool =
            transit_store::connect_patiently(&settings.database, transit_store::Component::Tracker)
                .await
                .context("connecting to PostgreSQL (is it running? deploy/local/status)")?;
        let audit = audit_writer(&settings).await?;
        let publisher = Publisher::new(&settings.kafka).context("creating the broker producer")?;
        let store = ApiStore::new(pool.clone(), audit);
        let topics = Topics::new(&settings.kafka.topic_prefix);
        let loaded = reference::in_force_at_start(&store).await;
        let (in_force, current) = tokio::sync::watch::channel(Arc::new(loaded.clone()));
        transit_kafka::reference::put_in_force(&in_force, loaded);
        let reference_reader =
            transit_kafka::reference::CompactedReader::open(&settings.kafka, &topics.reference())
                .context("reading the reference data topic")?;
        let live = live::start(
            store.clone(),
            Duration::from_millis(settings.live_interval_ms),
        );
        let egress = Arc::new(
            settings
                .notifications
                .egress()
                .map_err(anyhow::Error::msg)?,
        );
        tracing::info!(listen = %listener.local_addr()?, "api ready");
        Ok(Self {
            listener,
            metrics,
            notifier: notifier::Notifier::new(
                store.clone(),
                settings.notifications.clone(),
                egress.clone(),
            ),
            reference: (reference_reader, in_force),
            tls: settings.http.tls.clone(),
            trusted_proxies: transit_http::TrustedProxies(Arc::new(
                settings.http.trusted_proxies.clone(),
            )),
            service: Arc::new(ApiService {
                queries: MovementQueries::new(pool),
                store,
                publisher,
                topics,
                reference: current,
                live,
                streams: Arc::new(tokio::sync::Semaphore::new(settings.live_streams_max)),
                session_hours: settings.session_hours,
                control_overdue: chrono::Duration::hours(settings.control_overdue_hours),
                link_thresholds: settings.links.clone(),
                notifications: settings.notifications.clone(),
                egress,
                throttle: std::sync::Mutex::new(throttle::Throttle::new(
                    throttle::Policy::default(),
                )),
                dummy_hash: auth::hash_password("no such user: a hash to verify against")?,
                verifiers: tokio::sync::Semaphore::new(4),
            }),
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (mut tasks, stop) = transit_runtime::supervise::Tasks::new();
        tasks.spawn("notifier", self.notifier.run(stop.clone()));
        let (reader, in_force) = self.reference;
        let following = transit_kafka::reference::follow(reader, in_force, stop.clone());
        tasks.spawn("reference data", async move {
            following.await;
            Ok(())
        });
        let mut http_stop = stop;
        tokio::spawn(self.metrics.clone().upkeep());
        let metrics = self.metrics;
        let router = transit_http::measured(
            self.trusted_proxies
                .apply(transit_http::api_routes(self.service))
                .merge(transit_http::metrics_routes(Arc::new(move || {
                    metrics.render()
                }))),
        );
        let (listener, tls) = (self.listener, self.tls);
        tasks.spawn("http", async move {
            transit_http::serve_configured(listener, tls.as_ref(), router, async move {
                while !*http_stop.borrow() {
                    if http_stop.changed().await.is_err() {
                        break;
                    }
                }
            })
            .await?;
            Ok(())
        });
        tasks.run_until(shutdown).await?;
        Ok(())
    }
}

#[cfg(test)]
mod reference_tests {
    /// `docs/configuration.md`'s api table is what these settings say.
    #[test]
    fn the_configuration_reference_is_current() {
        transit_runtime::config_docs::check_documented::<super::Settings>("SIGMAT_API", "api")
            .unwrap_or_else(|e| panic!("{e}"));
    }
}
