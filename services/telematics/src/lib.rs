//! # telematics — the gateway of the tracking providers
//!
//! Trucks' trackers and electronic seals report through their providers; the gateway takes
//! what the providers send and passes it to the hub, deciding nothing:
//!
//! - **MQTT** ([`mqtt`]): a persistent session on `telematics/+/events` at the broker
//!   (Mosquitto locally; any MQTT 3.1.1/5 broker with TLS and one user per provider, whose ACL
//!   lets it write only under `telematics/<its name>/`). Messages are acknowledged to the
//!   broker only once the hub's Kafka has them.
//! - **HTTPS** (`transit_http::telematics_routes`): `POST /telematics/v1/events` with the
//!   provider's bearer token, for providers that push batches.
//! - **Checking and passing on** ([`gateway`]): each event checked against
//!   `schemas/telematics/v1/event.schema.json`'s rules (`transit_telematics::Event`), the good
//!   ones published to `sigmat.hub.telematics` (keyed by vehicle or seal) with the provider its
//!   credentials named; a body with anything refused is kept on `sigmat.hub.telematics-refused`
//!   and answered (HTTPS: in the response; MQTT: on `telematics/<name>/refused`).
//! - **Providers** ([`providers`]): names and token hashes, `telematics providers new`.

pub mod gateway;
pub mod mqtt;
pub mod providers;
mod settings;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use transit_kafka::{ensure_topics, KafkaError, Publisher, Topics};
use transit_runtime::patience::until_reachable;
use transit_runtime::supervise::Tasks;

pub use settings::{MqttGateway, ProviderSettings, Settings};

/// What the start every service shares (`transit_runtime::service`) reads of the settings, which
/// it loads from `--config` and the `SIGMAT_TELEMATICS__…` variables.
impl transit_runtime::service::ServiceSettings for Settings {
    fn telemetry(&self) -> &transit_runtime::telemetry::TelemetrySettings {
        &self.telemetry
    }

    /// The providers too: valid names, each once, well-formed token hashes.
    fn check(&self) -> anyhow::Result<()> {
        providers::Providers::new(&self.providers).map(drop)
    }
}

/// The gateway, built and ready to run.
#[derive(Debug)]
pub struct Application {
    listener: tokio::net::TcpListener,
    metrics: transit_runtime::metrics::Metrics,
    gateway: gateway::Gateway,
    subscription: Option<transit_mqtt::Subscription>,
    tls: Option<transit_http::TlsSettings>,
}

impl Application {
    /// Binds the listener, makes sure the telematics topics exist, connects the producer and
    /// prepares the MQTT session.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let metrics = transit_runtime::metrics::install("telematics", &[]);
        gateway::start_at_zero();
        let providers = providers::Providers::new(&settings.providers)?;
        if providers.is_empty() {
            tracing::warn!("no [[providers]] configured: every event will be refused");
        }
        let listener = tokio::net::TcpListener::bind(settings.http.listen)
            .await
            .with_context(|| format!("binding {}", settings.http.listen))?;
        let topics = Topics::new(&settings.kafka.topic_prefix);
        let specs = topics.telematics_specs(&settings.kafka);
        until_reachable(
            "creating the telematics topics on the broker",
            || ensure_topics(&settings.kafka, &specs),
            KafkaError::is_transient,
        )
        .await
        .context("creating topics on the broker (is it running? deploy/local/status)")?;
        let publisher = Publisher::new(&settings.kafka)?;
        let subscription = settings
            .mqtt
            .as_ref()
            .map(|m| {
                transit_mqtt::Subscription::new(
                    &m.broker,
                    &m.client_id,
                    std::slice::from_ref(&m.filter),
                )
            })
            .transpose()?;
        tracing::info!(
            listen = %listener.local_addr()?,
            mqtt = ?settings.mqtt.as_ref().map(|m| format!("{}:{}", m.broker.host, m.broker.port)),
            providers = providers.len(),
            "telematics gateway ready"
        );
        Ok(Self {
            listener,
            metrics,
            gateway: gateway::Gateway::new(providers, publisher, topics),
            subscription,
            tls: settings.http.tls.clone(),
        })
    }

    /// The HTTP listener's address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves, or one of its tasks ends by itself (an error).
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (mut tasks, stop) = Tasks::new();
        if let Some(subscription) = self.subscription {
            tasks.spawn(
                "mqtt",
                mqtt::run(self.gateway.clone(), subscription, stop.clone()),
            );
        }
        tokio::spawn(self.metrics.clone().upkeep());
        let metrics = self.metrics;
        let gateway = Arc::new(self.gateway);
        let router = transit_http::measured(
            transit_http::telematics_routes(gateway.clone())
                .merge(transit_http::health_routes(gateway))
                .merge(transit_http::metrics_routes(Arc::new(move || {
                    metrics.render()
                }))),
        );
        let (listener, tls, mut http_stop) = (self.listener, self.tls, stop);
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
        tracing::info!("telematics gateway stopped");
        Ok(())
    }
}
