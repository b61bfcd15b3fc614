//! # api — what officers and operators read
//!
//! Reads the tracker's schema (read-only queries) and answers over HTTP through
//! [`transit_http::api_routes`]. Start from [`Application::build`].

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use transit_http::views::{MovementView, PassageView, TimelineEntry};
use transit_http::{ApiError, ApiPort, HttpSettings};
use transit_model::Mrn;
use transit_store::queries::MovementQueries;
use transit_store::DatabaseSettings;

/// The API's configuration.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Where to listen.
    pub http: HttpSettings,
    /// The tracker's database schema.
    pub database: DatabaseSettings,
}

impl Settings {
    /// Loads from `file` and `SIGMAT_API__…` variables.
    pub fn load(
        file: Option<&std::path::Path>,
    ) -> Result<Self, transit_runtime::config::ConfigError> {
        transit_runtime::config::load(file, "SIGMAT_API")
    }
}

/// The API, built and ready to run.
#[derive(Debug)]
pub struct Application {
    listener: tokio::net::TcpListener,
    service: Arc<ApiService>,
}

impl Application {
    /// Binds the listener and connects the database.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind(settings.http.listen)
            .await
            .with_context(|| {
                format!(
                    "binding {} (is another API using that port?)",
                    settings.http.listen
                )
            })?;
        let pool = transit_store::connect(&settings.database, transit_store::Component::Tracker)
            .await
            .context("connecting to PostgreSQL (is it running? deploy/local/status)")?;
        tracing::info!(listen = %listener.local_addr()?, "api ready");
        Ok(Self {
            listener,
            service: Arc::new(ApiService {
                queries: MovementQueries::new(pool),
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
        transit_http::serve(
            self.listener,
            transit_http::api_routes(self.service),
            shutdown,
        )
        .await?;
        Ok(())
    }
}

/// The API's logic.
#[derive(Debug)]
pub struct ApiService {
    queries: MovementQueries,
}

fn parse_mrn(mrn: &str) -> Result<Mrn, ApiError> {
    Mrn::parse(mrn).map_err(|e| ApiError::invalid("/mrn", e.to_string()))
}

fn unavailable(err: transit_store::StoreError) -> ApiError {
    ApiError::unavailable(format!("the hub's database is unreachable: {err}"))
}

impl ApiPort for ApiService {
    async fn movement(&self, mrn: String) -> Result<MovementView, ApiError> {
        let mrn = parse_mrn(&mrn)?;
        let record = self.queries.movement(mrn.as_str()).await.map_err(unavailable)?.ok_or_else(|| {
            ApiError::not_found(
                format!("the hub has no movement {mrn}"),
                "check the MRN on the transit document; a release sent seconds ago may still be on its way",
            )
        })?;
        let m = record.movement;
        Ok(MovementView {
            mrn: m.mrn.to_string(),
            state: m.state.as_str().to_owned(),
            departure_office: m.departure_office.to_string(),
            route: m
                .route
                .iter()
                .map(|p| PassageView {
                    office: p.office.to_string(),
                    crossed_at: p.crossed_at,
                })
                .collect(),
            destination_office: m.destination_office.to_string(),
            arrival_time_limit: m.arrival_time_limit,
            arrived_at: m.arrived_at,
            version: record.version,
            updated_at: record.updated_at,
        })
    }

    async fn timeline(&self, mrn: String) -> Result<Vec<TimelineEntry>, ApiError> {
        let mrn = parse_mrn(&mrn)?;
        let events = self
            .queries
            .timeline(mrn.as_str())
            .await
            .map_err(unavailable)?;
        if events.is_empty() {
            return Err(ApiError::not_found(
                format!("the hub has no messages for {mrn}"),
                "check the MRN",
            ));
        }
        Ok(events
            .into_iter()
            .map(|e| TimelineEntry {
                message_id: e.message_id,
                message_type: e.message_type,
                sender: e.sender,
                event_time: e.event_time,
                received_at: e.received_at,
                outcome: e.outcome,
                state_after: e.state_after,
                error_code: e.error_code,
                reason: e.reason,
            })
            .collect())
    }

    async fn ready(&self) -> Result<(), ApiError> {
        self.queries.ping().await.map_err(unavailable)
    }
}
