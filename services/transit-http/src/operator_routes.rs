//! What operators watch beside the movements: the dead letters — what the hub refused or set
//! aside, one by one, and replaying one after a fix (`/api/v1/dead-letters…`) — and each
//! country's national link with its alerts (`/api/v1/links`). Behind them, an [`OperatorPort`].

use std::future::Future;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use transit_model::dead_letters::{DeadLetter, Replay};

use crate::api_views::Principal;
use crate::request::{bad_query, caller, Remote};
use crate::{ApiError, ApiPort};

/// Which dead letters to list (`?kind=refused&mrn=…&pending=true&limit=50`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadLetterQuery {
    /// `refused`, `poison`, `undecodable` or `unpublished`.
    pub kind: Option<String>,
    /// One movement's.
    pub mrn: Option<String>, // raw text: the request's, parsed by the service (400, NCTS 93)
    /// Only those not replayed.
    #[serde(default)]
    pub pending: bool,
    /// At most this many (default 100, at most 1,000).
    pub limit: Option<i64>,
}

/// One dead letter with the record as received.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetterDetail {
    /// The dead letter.
    #[serde(flatten)]
    pub dead_letter: DeadLetter,
    /// The record's bytes as text (invalid UTF-8 shown as �).
    pub payload: String,
}

/// What a replay did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplayOutcome {
    /// The dead letter.
    pub id: String,
    /// `published` (on its way through the normal path), `requeued` (a copy back in the outbox's
    /// line), `alreadyReplayed` (nothing done) or
    /// `acceptedSince` (its sender sent it again and it was accepted: nothing to replay).
    pub outcome: String,
    /// Where it was published.
    pub topic: Option<String>,
    /// The replay (the earlier one, when already replayed).
    pub replay: Option<Replay>,
    /// What happens next, in words.
    pub note: String,
}

/// An alert on a national link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkAlert {
    /// `silent` (no report from the adapter), `undelivered` (deliveries wait too long),
    /// `pushFailing`, `lagging` or `parked`.
    pub kind: String,
    /// What is wrong and what to look at, in words.
    pub message: String,
}

/// A country's national link: its adapter's latest report and the alerts it raises.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkView {
    /// The country.
    pub country: String,
    /// When the hub received the report.
    pub received_at: DateTime<Utc>,
    /// The report (`schemas/events/v1/link-status.schema.json`).
    pub report: transit_model::link::LinkReport,
    /// Its alerts against the configured thresholds; none when all is well.
    pub alerts: Vec<LinkAlert>,
}

/// What the hub API does about dead letters and national links (operators only).
pub trait OperatorPort: ApiPort {
    /// Each country's national link, with its alerts.
    fn links(&self, who: Principal)
        -> impl Future<Output = Result<Vec<LinkView>, ApiError>> + Send;
    /// Dead letters, newest first.
    fn dead_letters(
        &self,
        who: Principal,
        query: DeadLetterQuery,
    ) -> impl Future<Output = Result<Vec<DeadLetter>, ApiError>> + Send;
    /// One dead letter, with its record.
    fn dead_letter(
        &self,
        who: Principal,
        id: String,
    ) -> impl Future<Output = Result<DeadLetterDetail, ApiError>> + Send;
    /// Replays a dead letter through the normal path, at most once (audited).
    fn replay(
        &self,
        who: Principal,
        id: String,
        remote: String,
    ) -> impl Future<Output = Result<ReplayOutcome, ApiError>> + Send;
}

/// The dead-letter routes.
pub(crate) fn operator_routes<P: OperatorPort>(port: Arc<P>) -> Router {
    Router::new()
        .route("/api/v1/links", get(links::<P>))
        .route("/api/v1/dead-letters", get(list::<P>))
        .route("/api/v1/dead-letters/{id}", get(show::<P>))
        .route("/api/v1/dead-letters/{id}/replay", post(replay::<P>))
        .with_state(port)
}

async fn links<P: OperatorPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
) -> Result<Json<Vec<LinkView>>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.links(who).await.map(Json)
}

async fn list<P: OperatorPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
    query: Result<Query<DeadLetterQuery>, QueryRejection>,
) -> Result<Json<Vec<DeadLetter>>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    let Query(query) = query.map_err(bad_query)?;
    port.dead_letters(who, query).await.map(Json)
}

async fn show<P: OperatorPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<DeadLetterDetail>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.dead_letter(who, id).await.map(Json)
}

async fn replay<P: OperatorPort>(
    State(port): State<Arc<P>>,
    Remote(remote): Remote,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<ReplayOutcome>), ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    let outcome = port.replay(who, id, remote).await?;
    let status = if matches!(outcome.outcome.as_str(), "published" | "requeued") {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(outcome)))
}
