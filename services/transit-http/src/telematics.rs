//! Telematics over HTTP: the gateway's door for tracking providers, and what the hub API tells
//! operators and officers about tracked trucks ([`TelematicsViewPort`]: the trucks on the road,
//! those arriving soon at an office, a movement's seals and track).
//!
//! The telematics gateway's HTTPS door, for tracking providers that push batches:
//! `POST /telematics/v1/events` with `Authorization: Bearer <provider token>` and one event or
//! a JSON array of events (`schemas/telematics/v1/event.schema.json`). The answer says how many
//! were taken and, for each refused one, where and why; a body that is not events at all is
//! answered 422 and kept too. Health checks and metrics are served beside it.

use std::future::Future;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::{ApiError, Bytes};
use transit_model::Mrn;

/// The largest batch body read, in bytes (a thousand events take about 250 KiB).
pub const MAX_TELEMATICS_BODY_BYTES: usize = 1024 * 1024;

/// One event the gateway refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefusedEvent {
    /// Where (a JSON pointer into the body: `/3/latitude`).
    pub pointer: String,
    /// What is wrong and what to do.
    pub reason: String,
}

/// The answer to a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TakenEvents {
    /// Events passed on to the hub.
    pub accepted: usize,
    /// Events refused (kept at the hub all the same), each with where and why.
    pub refused: Vec<RefusedEvent>,
}

/// What the gateway does behind its HTTP route.
pub trait TelematicsPort: Send + Sync + 'static {
    /// The provider a bearer token names, or 401.
    fn provider(&self, token: Option<&str>) -> Result<String, ApiError>;
    /// Takes a body from `provider`: the good events passed on, the refused ones kept; an
    /// error only when nothing could be kept (the broker is away: 503, send it again).
    fn take(
        &self,
        provider: &str,
        body: Bytes,
    ) -> impl Future<Output = Result<TakenEvents, ApiError>> + Send;
}

/// `POST /telematics/v1/events`.
pub fn telematics_routes<P: TelematicsPort>(port: Arc<P>) -> Router {
    let router = Router::new()
        .route("/telematics/v1/events", post(take::<P>))
        .layer(DefaultBodyLimit::max(MAX_TELEMATICS_BODY_BYTES))
        .with_state(port);
    crate::bounded(router)
}

async fn take<P: TelematicsPort>(State(port): State<Arc<P>>, request: Request) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    let provider = match port.provider(token.as_deref()) {
        Ok(provider) => provider,
        Err(refusal) => return refusal.into_response(),
    };
    let body = match axum::body::to_bytes(request.into_body(), MAX_TELEMATICS_BODY_BYTES).await {
        Ok(body) => body,
        Err(_) => {
            return ApiError::invalid(
                "",
                format!("the body is over {MAX_TELEMATICS_BODY_BYTES} bytes; send smaller batches"),
            )
            .into_response()
        }
    };
    match port.take(&provider, body).await {
        Ok(taken) if taken.accepted == 0 && !taken.refused.is_empty() => {
            (StatusCode::UNPROCESSABLE_ENTITY, Json(taken)).into_response()
        }
        Ok(taken) => (StatusCode::OK, Json(taken)).into_response(),
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------------------------------------
// What the hub API tells operators and officers about tracked trucks.

/// Where a truck was, when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PositionView {
    /// When (event time).
    pub at: chrono::DateTime<chrono::Utc>,
    /// WGS 84 latitude.
    pub latitude: f64,
    /// WGS 84 longitude.
    pub longitude: f64,
}

/// An electronic seal's last status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SealView {
    /// Its number, as declared.
    pub id: String,
    /// Its manufacturer.
    pub manufacturer: String,
    /// `sealed`, `opened`, `tampered` or `deactivated`.
    pub status: String,
    /// Since when.
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A truck on the road, for the corridor map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TruckView {
    /// Its movement.
    pub mrn: Mrn,
    /// Its registration.
    pub vehicle: String,
    /// The movement's office of departure.
    pub departure_office: String,
    /// Its office of destination.
    pub destination_office: String,
    /// The next office on its route.
    pub heading_to: String,
    /// Where it was last.
    pub last: PositionView,
    /// Its latest positions, oldest first, as `[longitude, latitude]`.
    pub track: Vec<[f64; 2]>,
    /// Its seals.
    pub seals: Vec<SealView>,
    /// Whether it is off its road now.
    pub off_route: bool,
}

/// `GET /api/v1/telematics/trucks`: the tracked trucks on the road, as the operator may see them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrucksView {
    /// The trucks heard from in the last six hours, latest first (at most 500).
    pub trucks: Vec<TruckView>,
}

/// `GET /api/v1/telematics/arriving`: which office, how soon.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArrivingQuery {
    /// The office (an officer's own by default; operators name one).
    pub office: Option<String>,
    /// Minutes ahead (default 30, at most 1,440).
    pub within_minutes: Option<i64>,
}

/// A tracked truck heading for an office.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArrivingTruckView {
    /// Its movement.
    pub mrn: Mrn,
    /// Its registration.
    pub vehicle: String,
    /// Minutes until it is at the office (0: inside the office's zone).
    pub eta_minutes: i64,
    /// Kilometres from the office in a straight line.
    pub distance_km: f64,
    /// Whether it is inside the office's zone now.
    pub in_zone: bool,
    /// Where it was last.
    pub last: PositionView,
    /// Whether one of its seals reported opened or tampered.
    pub seal_breached: bool,
}

/// Tracked trucks due at an office soon, soonest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArrivingView {
    /// The office.
    pub office: String,
    /// Minutes ahead.
    pub within_minutes: i64,
    /// The trucks.
    pub trucks: Vec<ArrivingTruckView>,
}

/// One thing tracking concluded about a movement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConclusionView {
    /// `passage`, `arrival-expected`, `seal-breach`, `off-route`, `long-stop`.
    pub kind: String,
    /// The office it concerns, if any.
    pub office: Option<String>,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
    /// What, in a line.
    pub detail: String,
}

/// `GET /api/v1/movements/{mrn}/telematics`: a movement's tracking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MovementTelematicsView {
    /// Whether any tracking event was applied to it.
    pub tracked: bool,
    /// Where its truck was last.
    pub last: Option<PositionView>,
    /// Its latest positions, oldest first, as `[longitude, latitude]`.
    pub track: Vec<[f64; 2]>,
    /// Its seals' last status.
    pub seals: Vec<SealView>,
    /// What tracking concluded, oldest first.
    pub conclusions: Vec<ConclusionView>,
}

/// What the hub API tells about tracked trucks.
pub trait TelematicsViewPort: crate::ApiPort {
    /// The trucks on the road, as the operator `who` may see them.
    fn trucks(
        &self,
        who: crate::api_views::Principal,
    ) -> impl Future<Output = Result<TrucksView, ApiError>> + Send;
    /// Trucks due at an office soon.
    fn arriving(
        &self,
        who: crate::api_views::Principal,
        query: ArrivingQuery,
    ) -> impl Future<Output = Result<ArrivingView, ApiError>> + Send;
    /// A movement's tracking, for those who may see the movement (officers, operators).
    fn movement_telematics(
        &self,
        who: crate::api_views::Principal,
        mrn: String,
    ) -> impl Future<Output = Result<MovementTelematicsView, ApiError>> + Send;
}

/// The hub API's telematics routes.
pub(crate) fn telematics_api_routes<P: TelematicsViewPort>(port: Arc<P>) -> Router {
    use axum::extract::{Path, Query};
    use axum::routing::get;
    async fn trucks<P: TelematicsViewPort>(
        State(port): State<Arc<P>>,
        headers: axum::http::HeaderMap,
    ) -> Result<Json<TrucksView>, ApiError> {
        let who = crate::request::caller(port.as_ref(), &headers).await?;
        port.trucks(who).await.map(Json)
    }
    async fn arriving<P: TelematicsViewPort>(
        State(port): State<Arc<P>>,
        headers: axum::http::HeaderMap,
        query: Result<Query<ArrivingQuery>, axum::extract::rejection::QueryRejection>,
    ) -> Result<Json<ArrivingView>, ApiError> {
        let who = crate::request::caller(port.as_ref(), &headers).await?;
        let Query(query) = query.map_err(crate::request::bad_query)?;
        port.arriving(who, query).await.map(Json)
    }
    async fn movement<P: TelematicsViewPort>(
        State(port): State<Arc<P>>,
        Path(mrn): Path<String>,
        headers: axum::http::HeaderMap,
    ) -> Result<Json<MovementTelematicsView>, ApiError> {
        let who = crate::request::caller(port.as_ref(), &headers).await?;
        port.movement_telematics(who, mrn).await.map(Json)
    }
    Router::new()
        .route("/api/v1/telematics/trucks", get(trucks::<P>))
        .route("/api/v1/telematics/arriving", get(arriving::<P>))
        .route("/api/v1/movements/{mrn}/telematics", get(movement::<P>))
        .with_state(port)
}
