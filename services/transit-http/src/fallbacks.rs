//! Fallback periods (`/api/v1/fallbacks…`): an operator declares an office or a country's
//! national system unavailable, everyone logged in sees it, and ending it gives the
//! reconciliation. Behind them, a [`FallbackPort`].

use std::future::Future;
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api_views::Principal;
use crate::request::{bad_json, caller, Remote};
use crate::{ApiError, ApiPort};
use transit_model::EventType;
use transit_model::Mrn;

/// `POST /api/v1/fallbacks`: one of `office` or `country`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FallbackRequest {
    /// An office (`BFNGK001`): its link or its post is down.
    #[serde(default)]
    pub office: Option<String>,
    /// A country (`BF`): its national system is down.
    #[serde(default)]
    pub country: Option<String>,
    /// Why, as the parties will read it.
    pub reason: String,
}

/// A fallback period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FallbackView {
    /// Its id.
    pub id: String,
    /// `office` or `country`.
    pub scope_kind: String,
    /// The office or country.
    pub scope: String,
    /// Why.
    pub reason: String,
    /// Since when.
    pub started_at: DateTime<Utc>,
    /// Declared by.
    pub started_by: String,
    /// Until when (none: still on).
    pub ended_at: Option<DateTime<Utc>>,
    /// Ended by.
    pub ended_by: Option<String>,
}

/// One event of an office in scope during a fallback.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FallbackEventView {
    /// The movement.
    pub mrn: Mrn,
    /// The message's NCTS type.
    pub message_type: EventType,
    /// The office.
    pub office: String,
    /// When it happened, as recorded there.
    pub event_time: DateTime<Utc>,
    /// When the hub received it.
    pub received_at: DateTime<Utc>,
    /// The movement's state after it (accepted events).
    pub state_after: Option<String>,
    /// Why the hub refused it (conflicts).
    pub reason: Option<String>,
    /// Its dead letter, to replay after a fix (conflicts).
    pub dead_letter: Option<String>,
}

/// What happened during a fallback, each event already decided by the state machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReconciliationView {
    /// The period.
    pub fallback: FallbackView,
    /// Accepted events recorded during it, with their original times.
    pub recorded: Vec<FallbackEventView>,
    /// Of those, the ones that reached the hub late (synced after the link came back).
    pub late: Vec<FallbackEventView>,
    /// Events the hub refused (a passage recorded twice, out of sequence…), with the reason.
    pub conflicts: Vec<FallbackEventView>,
    /// The outcome in one sentence.
    pub summary: String,
}

/// What the hub API does about fallback periods.
pub trait FallbackPort: ApiPort {
    /// Declares an office or a national system unavailable (operators).
    fn start_fallback(
        &self,
        who: Principal,
        request: FallbackRequest,
        remote: String,
    ) -> impl Future<Output = Result<FallbackView, ApiError>> + Send;
    /// The periods still on first, then the latest (everyone logged in).
    fn fallbacks(
        &self,
        who: Principal,
    ) -> impl Future<Output = Result<Vec<FallbackView>, ApiError>> + Send;
    /// Ends one and reconciles it (operators).
    fn end_fallback(
        &self,
        who: Principal,
        id: String,
        remote: String,
    ) -> impl Future<Output = Result<ReconciliationView, ApiError>> + Send;
    /// The reconciliation of one, so far if it is still on (operators).
    fn reconciliation(
        &self,
        who: Principal,
        id: String,
    ) -> impl Future<Output = Result<ReconciliationView, ApiError>> + Send;
}

/// The fallback routes.
pub(crate) fn fallback_routes<P: FallbackPort>(port: Arc<P>) -> Router {
    Router::new()
        .route("/api/v1/fallbacks", post(start::<P>).get(list::<P>))
        .route("/api/v1/fallbacks/{id}/end", post(end::<P>))
        .route(
            "/api/v1/fallbacks/{id}/reconciliation",
            get(reconciliation::<P>),
        )
        .with_state(port)
}

async fn start<P: FallbackPort>(
    State(port): State<Arc<P>>,
    Remote(remote): Remote,
    headers: HeaderMap,
    body: Result<Json<FallbackRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<FallbackView>), ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    let Json(request) = body.map_err(bad_json)?;
    let view = port.start_fallback(who, request, remote).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

async fn list<P: FallbackPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
) -> Result<Json<Vec<FallbackView>>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.fallbacks(who).await.map(Json)
}

async fn end<P: FallbackPort>(
    State(port): State<Arc<P>>,
    Remote(remote): Remote,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ReconciliationView>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.end_fallback(who, id, remote).await.map(Json)
}

async fn reconciliation<P: FallbackPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ReconciliationView>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.reconciliation(who, id).await.map(Json)
}
