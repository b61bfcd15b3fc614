//! # adapter — one country's door to the hub
//!
//! [`Application::build`] binds the HTTP listener (port 0 allowed: see
//! [`Application::local_addr`]), connects the adapter's own schema, makes sure the country's two
//! topics exist and joins the country's delivery consumer group.
//!
//! - **Who may call** ([`auth`]): every route but `/health` needs a national system's bearer
//!   token with the route's right (`submit`, `read`, `ack`); a refused call is answered in the
//!   national format (401 or 403) and kept in the `refusals` table — at most 30 a minute per
//!   address, for `[refusals] keep_days` ([`refusals`], which also deletes the deliveries
//!   acknowledged more than `[deliveries] keep_acknowledged_days` ago). Submissions are read and translated
//!   a few at a time (`[limits] submission_memory_mib`), a permit taken before the body is read
//!   and let go once it is translated, accepted and its record has room to wait for the broker
//!   (`[limits] publishing_memory_mib`, [`publishing`]); a refused body is kept under it.
//! - **Ingest** (`service::AdapterService`, through the `AdapterPort`): a message from the national system is
//!   decoded and validated; one from another country's office is refused; an accepted one is
//!   published to the country's `to-hub` topic and answered 202 only after the broker
//!   acknowledged it. Every refusal is answered (what, where, why, what to do) and kept in the
//!   `refusals` table.
//! - **Delivery** ([`delivery`]): records from the country's `from-hub` topic are stored, once
//!   per message id, until the national system pulls and acknowledges them; offsets are
//!   committed after the database commit. A national system that is down for hours loses
//!   nothing.
//!
//! - **National formats** (`national_families`): with `family = "asycuda" | "sydam" |
//!   "gainde" | "ncts"` the adapter translates both ways with the country's mapping tables and
//!   answers in the national format; `standard` speaks the standardized JSON. The tables in
//!   force are the reference data's ([`mapping`]): a newer version's table for the country is
//!   taken between two messages, without a restart. With
//!   `official_schemas` (`official_schemas`), NCTS messages are first checked against NCTS's
//!   XSDs with `xmllint`.
//! - **Webhook** ([`push`]): with `[webhook]`, deliveries are pushed in order with
//!   exponential backoff until the national system takes them; one it keeps refusing (4xx) is
//!   parked after `park_after_refusals` so the others go on ([`commands`]:
//!   `adapter deliveries parked|retry`).
//! - **Drop directory** ([`dropdir`]): with `[drop]`, files are ingested like HTTP posts.
//! - **Metrics** (`figures`): `GET /metrics` (no token, like `/health`: keep it on the
//!   operators' network) — submissions and refusals, deliveries, pushes, the backlog.
//! - **Link report** ([`link`]): every `[link] report_every_ms`, the backlog, push failures,
//!   last pull and acknowledgement and the consumer lag go to the hub on the country's
//!   `to-hub` topic, for the operators' link alerts.
//! - **Several instances** ([`instances`]): a country's adapter may run as several processes
//!   behind one address (`[http] reuse_port`, or a load balancer) on one schema and consumer
//!   group; deliveries keep one order, and one of them — the leader — pushes and reports.

pub mod auth;
mod calls;
pub mod commands;
pub mod delivery;
pub mod dropdir;
mod figures;
pub mod instances;
pub mod link;
pub mod mapping;
mod official_schemas;
mod publishing;
pub mod push;
pub mod refusals;
pub mod service;
mod settings;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use transit_kafka::{ensure_topics, watch_progress, BatchConsumer, KafkaError, Publisher, Topics};
use transit_runtime::patience::until_reachable;
use transit_runtime::supervise::Tasks;
use transit_store::adapter::AdapterStore;

pub use settings::{DropSettings, LinkSettings, Settings, WebhookSettings};

/// What the start every service shares (`transit_runtime::service`) reads of the settings, which
/// it loads from `--config` and the `SIGMAT_ADAPTER__…` variables.
impl transit_runtime::service::ServiceSettings for Settings {
    fn telemetry(&self) -> &transit_runtime::telemetry::TelemetrySettings {
        &self.telemetry
    }

    fn attributes(&self) -> Vec<(&'static str, &str)> {
        vec![("country", self.country.as_str())]
    }
}

/// The adapter, built and ready to run.
#[derive(Debug)]
pub struct Application {
    listener: tokio::net::TcpListener,
    /// The process's metrics, served at `/metrics`.
    metrics: transit_runtime::metrics::Metrics,
    service: Arc<service::AdapterService>,
    delivery: delivery::Delivery,
    /// The leader lock if this instance holds it, and who is told whether it does.
    leadership: (
        AdapterStore,
        Option<transit_store::adapter_instances::Leadership>,
        tokio::sync::watch::Sender<bool>,
    ),
    pusher: Option<push::Pusher>,
    drop: Option<dropdir::DropDirectory>,
    reporter: link::LinkReporter,
    tls: Option<transit_http::TlsSettings>,
    /// The delivery consumer, watched for progress (readiness; a restart if it is stuck).
    watched: (BatchConsumer, std::time::Duration),
    /// Days refused calls are kept.
    keep_refusals_days: u32,
    /// Days acknowledged deliveries are kept.
    keep_acknowledged_days: u32,
    /// The operations listener (`/metrics`, `/health/*`), when it has its own port.
    operations: Option<tokio::net::TcpListener>,
    /// The reference data the national mapping in force follows (none for `standard`).
    reference: Option<mapping::ReferenceFeed>,
}

impl Application {
    /// Connects everything.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let country = settings.country;
        settings.deliveries.check()?;
        let metrics =
            transit_runtime::metrics::install("adapter", &[("country", country.as_str())]);
        figures::start_at_zero();
        let official_schemas = settings
            .official_schemas
            .as_deref()
            .map(|dir| official_schemas::OfficialSchemas::open(dir, settings.family))
            .transpose()?;
        let listener = settings.http.bind().await?;
        let operations = match &settings.operations {
            Some(ops) => Some(
                tokio::net::TcpListener::bind(ops.listen)
                    .await
                    .with_context(|| format!("binding the operations listener {}", ops.listen))?,
            ),
            None => None,
        };
        let pool =
            transit_store::connect_patiently(&settings.database, transit_store::Component::Adapter)
                .await
                .context("connecting to PostgreSQL (is it running? deploy/local/status)")?;
        let store = AdapterStore::new(pool);
        let topics = Topics::new(&settings.kafka.topic_prefix);
        let specs = topics.country_specs(country, &settings.kafka);
        until_reachable(
            "creating topics on the broker",
            || ensure_topics(&settings.kafka, &specs),
            KafkaError::is_transient,
        )
        .await
        .context("creating topics on the broker (is it running? deploy/local/status)")?;
        let (translator, reference) = mapping::start(
            settings.family,
            country,
            settings.mapping_file.as_deref(),
            &settings.kafka,
            &topics.reference(),
        )
        .await?;
        let group = settings
            .group_id
            .clone()
            .unwrap_or_else(|| format!("sigmat-adapter-{}", country.to_lowercase()));
        let consumer =
            BatchConsumer::subscribe(&settings.kafka, &group, &[topics.from_hub(country)])?;
        let publisher = Publisher::new(&settings.kafka)?;
        let clients = auth::Clients::new(&settings.auth)?;
        if clients.is_empty() {
            tracing::warn!(
                "no [[auth.clients]] configured: every call to this adapter will be refused; \
                 issue a token with 'adapter tokens new'"
            );
        }
        let activity = Arc::new(link::LinkActivity::default());
        let instance = instances::instance_name();
        let held = instances::first_look(&store).await;
        let (leading, is_leading) = tokio::sync::watch::channel(held.is_some());
        let reporter = link::LinkReporter::new(
            (instance.clone(), is_leading.clone()),
            country,
            topics.clone(),
            publisher.clone(),
            store.clone(),
            consumer.clone(),
            activity.clone(),
            std::time::Duration::from_millis(settings.link.report_every_ms),
        );
        let service = Arc::new(
            service::AdapterService::new(
                country,
                topics,
                publisher,
                store.clone(),
                translator.clone(),
                clients,
                consumer.clone(),
            )
            .recording(activity.clone())
            .admitting(&settings.limits)
            .checking_against(official_schemas),
        );
        let media_type = translator
            .translator()
            .map_or("application/json", |t| t.media_type());
        let pusher = settings
            .webhook
            .as_ref()
            .map(|w| {
                push::Pusher::new(
                    is_leading.clone(),
                    store.clone(),
                    w,
                    media_type,
                    activity.clone(),
                )
            })
            .transpose()?;
        let drop = settings
            .drop
            .as_ref()
            .map(|d| dropdir::DropDirectory::new(d, service.clone()))
            .transpose()?;
        tracing::info!(%country, family = %settings.family, listen = %listener.local_addr()?, %instance, leads = held.is_some(), "adapter ready");
        Ok(Self {
            listener,
            metrics,
            service,
            watched: (
                consumer.clone(),
                std::time::Duration::from_millis(settings.kafka.stall_after_ms),
            ),
            leadership: (store.clone(), held, leading),
            delivery: delivery::Delivery::new(store, consumer, translator),
            pusher,
            drop,
            reporter,
            tls: settings.http.tls.clone(),
            keep_refusals_days: settings.refusals.keep_days,
            keep_acknowledged_days: settings.deliveries.keep_acknowledged_days,
            operations,
            reference,
        })
    }

    /// The address of the operations listener (`/metrics`, `/health/*`), when configured.
    pub fn operations_addr(&self) -> Option<SocketAddr> {
        self.operations.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// The address the HTTP listener is bound to.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves HTTP and stores deliveries until `shutdown` resolves. If one of its tasks ends
    /// by itself, the others are stopped and the error is returned (the process exits non-zero).
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (mut tasks, stop) = Tasks::new();
        tasks.spawn("delivery", self.delivery.run(stop.clone()));
        let (store, held, leading) = self.leadership;
        tasks.spawn(
            "leader",
            instances::lead(store, held, leading, stop.clone()),
        );
        if let Some((reader, in_force)) = self.reference {
            let following = transit_kafka::reference::follow(reader, in_force, stop.clone());
            tasks.spawn("national mapping", async move {
                following.await;
                Ok(())
            });
            tasks.spawn(
                "national mapping rewrite",
                mapping::rewrite::rewrite_in_line(
                    self.service.store.clone(),
                    self.service.translator.clone(),
                    stop.clone(),
                ),
            );
        }
        let (consumer, stall_after) = self.watched;
        let watching = watch_progress(consumer, stall_after, stop.clone());
        tasks.spawn("delivery progress", async move { Ok(watching.await?) });
        if let Some(pusher) = self.pusher {
            tasks.spawn("webhook", pusher.run(stop.clone()));
        }
        tasks.spawn("link report", self.reporter.run(stop.clone()));
        tasks.spawn(
            "retention",
            refusals::retain(
                self.service.store.clone(),
                self.keep_refusals_days,
                self.keep_acknowledged_days,
                stop.clone(),
            ),
        );
        if let Some(drop) = self.drop {
            tasks.spawn("drop-directory", drop.run(stop.clone()));
        }
        let mut http_stop = stop;
        tokio::spawn(self.metrics.clone().upkeep());
        let metrics = self.metrics;
        let operations_routes = transit_http::adapter_health_routes(self.service.clone()).merge(
            transit_http::metrics_routes(Arc::new(move || metrics.render())),
        );
        // With a port of their own, metrics and health checks are not on the national systems'.
        let router = match self.operations {
            Some(listener) => {
                let mut ops_stop = http_stop.clone();
                tasks.spawn("operations", async move {
                    transit_http::serve(listener, operations_routes, async move {
                        while !*ops_stop.borrow() {
                            if ops_stop.changed().await.is_err() {
                                break;
                            }
                        }
                    })
                    .await?;
                    Ok(())
                });
                transit_http::measured(transit_http::adapter_national_routes(self.service))
            }
            None => transit_http::measured(
                transit_http::adapter_national_routes(self.service).merge(operations_routes),
            ),
        };
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
        tracing::info!("adapter stopped");
        Ok(())
    }
}
