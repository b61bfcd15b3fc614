//! # tracker — the hub
//!
//! [`Application::build`] connects to PostgreSQL (applying migrations), makes sure the topics
//! exist (waiting, with backoff, while either is unreachable), and joins the tracker's consumer group; [`Application::run_until_stopped`] runs two
//! loops until shutdown:
//!
//! - **intake** ([`intake`]): reads a batch from every country's `to-hub` topic and, in one
//!   database transaction, dedupes each message by id (the inbox), locks its movement, applies
//!   [`transit_lifecycle::decide`], saves the movement, appends to the event log and writes
//!   what must be sent to the outbox. Only after the commit are the offsets committed. A
//!   refused message is answered (IE906 to its sender), kept in the event log and copied to the
//!   dead-letter topic. A record the database refuses for good (a poison record) makes the
//!   batch be stored again record by record, each in a savepoint: it is set aside in
//!   `poison_records`, answered and dead-lettered, and the rest of the batch is stored.
//! - **relay** ([`relay`]): publishes the outbox with an idempotent producer and marks it
//!   published; a record the broker refuses for good is set aside with the reason
//!   (`tracker outbox failed`, `tracker outbox retry`, [`commands`]) so the rest goes on.
//! - **reference data** (`reference`): the version in force, loaded at start (the first
//!   tracker seeds version 1) and replaced, between batches, by each version an operator
//!   imports, read from the reference topic.
//! - **risk** ([`risk`]): every accepted message rescores its movement under the risk rules
//!   of the reference data in force ([`transit_risk`]); the assessment is kept with the
//!   movement and in the event log. The corridor's leg times are read again every few minutes.
//! - **telematics** ([`telematics`]): tracking providers' events from the telematics gateway,
//!   each stored once and applied to its movement's track; automatic passages (IE118) and seal
//!   breaches (IE180) go through the outbox to the office's country's topic, anomalies are
//!   kept for the operators.
//! - **timer** ([`timer`]): movements past their arrival time limit become
//!   `EnquiryRecommended`, read from a due-time index, so a restart loses nothing.
//! - **event log months** ([`event_months`]): the event log is partitioned by month; this
//!   month and the next are made at start and every hour.
//!
//! A crash anywhere replays from the last committed offset or outbox row; ids are
//! deterministic, so every receiver drops the replayed copies as duplicates.

pub mod commands;
pub mod event_months;
pub mod figures;
mod health;
pub mod intake;
mod reference;
pub mod relay;
pub mod risk;
mod settings;
pub mod telematics;
pub mod timer;

use std::future::Future;

use anyhow::Context;
use tokio::sync::Notify;
use transit_kafka::{ensure_topics, watch_progress, BatchConsumer, KafkaError, Publisher, Topics};
use transit_runtime::patience::until_reachable;
use transit_runtime::supervise::Tasks;
use transit_store::tracker::TrackerStore;

pub use settings::{HealthSettings, RiskSettings, Settings};

/// What the start every service shares (`transit_runtime::service`) reads of the settings, which
/// it loads from `--config` and the `SIGMAT_TRACKER__…` variables.
impl transit_runtime::service::ServiceSettings for Settings {
    fn telemetry(&self) -> &transit_runtime::telemetry::TelemetrySettings {
        &self.telemetry
    }
}

/// How often the outbox backlog and the pool are read for the metrics.
const FIGURES_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The tracker, built and ready to run.
#[derive(Debug)]
pub struct Application {
    health: Option<(tokio::net::TcpListener, health::Readiness)>,
    /// The process's metrics, served beside the health checks (`/metrics`).
    metrics: transit_runtime::metrics::Metrics,
    /// What the metrics sampler reads (outbox backlog, pool).
    sampled: TrackerStore,
    /// The intake consumer, watched for progress (readiness; a restart if it is stuck).
    watched: (BatchConsumer, std::time::Duration),
    intake: intake::Intake,
    /// The reference topic and the version in force it updates.
    reference: (
        transit_kafka::reference::CompactedReader,
        tokio::sync::watch::Sender<std::sync::Arc<transit_model::reference::Loaded>>,
    ),
    relay: relay::Relay,
    telematics: telematics::Telematics,
    timer: timer::Timer,
    /// Makes the event log's months ahead.
    months: TrackerStore,
    /// The leg times' reader and where it puts them.
    legs: (
        TrackerStore,
        RiskSettings,
        tokio::sync::watch::Sender<std::sync::Arc<transit_risk::facts::LegTimes>>,
    ),
}

impl Application {
    /// Connects everything. Fails with a message that says what is unreachable.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let metrics = transit_runtime::metrics::install("tracker", &[]);
        figures::start_at_zero();
        let pool =
            transit_store::connect_patiently(&settings.database, transit_store::Component::Tracker)
                .await
                .context("connecting to PostgreSQL (is it running? deploy/local/status)")?;
        let store = TrackerStore::new(pool);
        let topics = Topics::new(&settings.kafka.topic_prefix);
        let specs = topics.all_specs(&settings.countries, &settings.kafka);
        until_reachable(
            "creating topics on the broker",
            || ensure_topics(&settings.kafka, &specs),
            KafkaError::is_transient,
        )
        .await
        .context("creating topics on the broker (is it running? deploy/local/status)")?;
        // Every country's to-hub topic, including those of countries onboarded later: the
        // `countries` setting says which topics to create, not which to read.
        let consumer = BatchConsumer::subscribe(
            &settings.kafka,
            &settings.group_id,
            &[topics.to_hub_pattern()],
        )?;
        let telematics_consumer = BatchConsumer::subscribe(
            &settings.kafka,
            &format!("{}-telematics", settings.group_id),
            &[topics.telematics()],
        )?;
        let publisher = Publisher::new(&settings.kafka)?;
        let loaded = reference::in_force(&store, &topics.reference(), chrono::Utc::now()).await?;
        let (in_force, current) = tokio::sync::watch::channel(std::sync::Arc::new(loaded.clone()));
        let current_telematics = current.clone();
        transit_kafka::reference::put_in_force(&in_force, loaded);
        let reference_reader =
            transit_kafka::reference::CompactedReader::open(&settings.kafka, &topics.reference())?;
        let health = match &settings.health {
            Some(h) => {
                let listener = tokio::net::TcpListener::bind(&h.listen)
                    .await
                    .with_context(|| format!("listening for health checks on {}", h.listen))?;
                let readiness = health::Readiness::new(
                    store.clone(),
                    publisher.clone(),
                    consumer.clone(),
                    topics.reference(),
                );
                Some((listener, readiness))
            }
            None => None,
        };
        // This month's partition of the event log before the first batch.
        event_months::make_ahead(&store, chrono::Utc::now()).await;
        let wake_relay = std::sync::Arc::new(Notify::new());
        let (legs, legs_in_force) = tokio::sync::watch::channel(std::sync::Arc::default());
        tracing::info!(countries = ?settings.countries, group = %settings.group_id, "tracker ready");
        Ok(Self {
            health,
            metrics,
            sampled: store.clone(),
            watched: (
                consumer.clone(),
                std::time::Duration::from_millis(settings.kafka.stall_after_ms),
            ),
            intake: intake::Intake::new(
                store.clone(),
                consumer,
                topics,
                settings.rules.clone(),
                settings.batch.clone(),
                wake_relay.clone(),
                intake::InForce {
                    reference: reference::InForce::new(current),
                    legs: legs_in_force,
                },
            ),
            reference: (reference_reader, in_force),
            relay: relay::Relay::new(
                store.clone(),
                publisher,
                Topics::new(&settings.kafka.topic_prefix),
                wake_relay.clone(),
            ),
            legs: (store.clone(), settings.risk.clone(), legs),
            months: store.clone(),
            telematics: telematics::Telematics::new(
                store.clone(),
                telematics_consumer,
                Topics::new(&settings.kafka.topic_prefix),
                current_telematics,
                wake_relay.clone(),
                settings.batch.max_records,
            ),
            timer: timer::Timer::new(
                store,
                Topics::new(&settings.kafka.topic_prefix),
                &settings.timer,
                wake_relay,
            ),
        })
    }

    /// Where the health checks (and `/metrics`) listen, if they do: the port the system gave
    /// when the settings asked for port 0.
    pub fn health_address(&self) -> Option<std::net::SocketAddr> {
        self.health
            .as_ref()
            .and_then(|(listener, _)| listener.local_addr().ok())
    }

    /// Runs intake, relay and timer until `shutdown` resolves; each finishes its current
    /// batch. If one of them ends by itself (a permanent error), the others are stopped and the
    /// error is returned, so the process exits non-zero and is restarted.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (mut tasks, stop) = Tasks::new();
        tasks.spawn("intake", self.intake.run(stop.clone()));
        let (reader, in_force) = self.reference;
        let following = transit_kafka::reference::follow(reader, in_force, stop.clone());
        tasks.spawn("reference data", async move {
            following.await;
            Ok(())
        });
        tasks.spawn("relay", self.relay.run(stop.clone()));
        tasks.spawn("telematics", self.telematics.run(stop.clone()));
        tasks.spawn(
            "metrics",
            figures::sample(self.sampled, FIGURES_EVERY, stop.clone()),
        );
        tokio::spawn(self.metrics.clone().upkeep());
        let (consumer, stall_after) = self.watched;
        let watching = watch_progress(consumer, stall_after, stop.clone());
        tasks.spawn("intake progress", async move { Ok(watching.await?) });
        if let Some((listener, readiness)) = self.health {
            let mut stopped = stop.clone();
            let metrics = self.metrics;
            let router = transit_http::health_routes(std::sync::Arc::new(readiness)).merge(
                transit_http::metrics_routes(std::sync::Arc::new(move || metrics.render())),
            );
            tasks.spawn("health", async move {
                transit_http::serve(listener, router, async move {
                    while !*stopped.borrow() {
                        if stopped.changed().await.is_err() {
                            break;
                        }
                    }
                })
                .await?;
                Ok(())
            });
        }
        let (store, risk, legs) = self.legs;
        tasks.spawn(
            "leg times",
            risk::follow_leg_times(
                store,
                std::time::Duration::from_secs(risk.leg_times_every_s.max(1)),
                risk.leg_times_days,
                legs,
                stop.clone(),
            ),
        );
        tasks.spawn(
            "event log months",
            event_months::keep_ahead(self.months, event_months::EVERY, stop.clone()),
        );
        tasks.spawn("timer", self.timer.run(stop));
        tasks.run_until(shutdown).await?;
        tracing::info!("tracker stopped");
        Ok(())
    }
}
