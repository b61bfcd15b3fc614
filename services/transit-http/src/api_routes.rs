//! The hub API's routes: movements, officer actions, operator figures, live updates, the
//! OpenAPI document, and the web applications' assets. Behind them, an [`ApiPort`]
//! (`api_port`); the
//! dead letters' and national links' routes are in `operator_routes`, the traders' and
//! guarantors' subscriptions in `subscriptions`, the fallback periods in
//! `fallbacks`.

use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::api_port::ApiPort;
use crate::api_views::{
    ActionAccepted, CorridorCounts, Exposure, LegTime, LoginRequest, MovementSummary,
    OfficerAction, Page, PeriodQuery, Principal, SearchQuery, SessionView, TicketView,
};
use crate::fallbacks::FallbackPort;
use crate::operator_routes::OperatorPort;
use crate::reference::ReferencePort;
use crate::request::{bad_json, bad_query, caller, token, Remote};
use crate::risk::RiskPort;
use crate::subscriptions::SubscriptionPort;
use crate::views::{MovementView, TimelineEntry};
use crate::ApiError;

/// The published OpenAPI document, served at `/api/v1/openapi.json`.
pub const OPENAPI: &str = include_str!("../../../schemas/openapi/sigmat-api.json");

/// Every API route as (method, path in OpenAPI form); the test suite checks that this table,
/// the router and the published OpenAPI document agree.
pub const API_ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/sessions"),
    ("delete", "/api/v1/sessions"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/movements"),
    ("get", "/api/v1/movements/{mrn}"),
    ("get", "/api/v1/movements/{mrn}/timeline"),
    ("post", "/api/v1/movements/{mrn}/actions"),
    ("post", "/api/v1/movements/{mrn}/lane"),
    ("get", "/api/v1/stats/states"),
    ("get", "/api/v1/stats/overdue"),
    ("get", "/api/v1/stats/legs"),
    ("get", "/api/v1/stats/exposure"),
    ("post", "/api/v1/fallbacks"),
    ("get", "/api/v1/fallbacks"),
    ("post", "/api/v1/fallbacks/{id}/end"),
    ("get", "/api/v1/fallbacks/{id}/reconciliation"),
    ("get", "/api/v1/disclosures"),
    ("post", "/api/v1/subscriptions"),
    ("get", "/api/v1/subscriptions"),
    ("delete", "/api/v1/subscriptions/{id}"),
    ("get", "/api/v1/subscriptions/{id}/notifications"),
    ("post", "/api/v1/notifications/{id}/resend"),
    ("get", "/api/v1/links"),
    ("get", "/api/v1/dead-letters"),
    ("get", "/api/v1/dead-letters/{id}"),
    ("post", "/api/v1/dead-letters/{id}/replay"),
    ("get", "/api/v1/events"),
    ("post", "/api/v1/events/tickets"),
    ("get", "/api/v1/reference"),
    ("get", "/api/v1/reference/document"),
    ("put", "/api/v1/reference/document"),
    ("get", "/api/v1/risk/rules"),
    ("put", "/api/v1/risk/rules"),
    ("get", "/api/v1/risk/figures"),
    ("post", "/api/v1/risk/silences"),
    ("get", "/api/v1/risk/anomalies"),
    ("get", "/api/v1/telematics/trucks"),
    ("get", "/api/v1/telematics/arriving"),
    ("get", "/api/v1/movements/{mrn}/telematics"),
    ("get", "/api/v1/trains/{train}"),
    ("post", "/api/v1/trains/{train}/confirmations"),
    ("get", "/api/v1/openapi.json"),
];

/// The API's routes (see [`API_ROUTES`]), the web applications (`/officer/`,
/// `/dashboard/`, `/assets/…`, `/qr/{mrn}.svg`) and `/health`.
pub fn api_routes<
    P: OperatorPort
        + SubscriptionPort
        + FallbackPort
        + crate::DisclosurePort
        + ReferencePort
        + RiskPort
        + crate::telematics::TelematicsViewPort
        + crate::rail::RailPort,
>(
    port: Arc<P>,
) -> Router {
    // Live updates are long-lived streams: outside the request time limit.
    let live = Router::new()
        .route("/api/v1/events", get(events::<P>))
        .route("/api/v1/events/tickets", post(stream_ticket::<P>))
        .with_state(port.clone());
    let requests =
        Router::new()
            .route("/api/v1/sessions", post(login::<P>).delete(logout::<P>))
            .route("/api/v1/me", get(me::<P>))
            .route("/api/v1/movements", get(search::<P>))
            .route("/api/v1/movements/{mrn}", get(movement::<P>))
            .route("/api/v1/movements/{mrn}/timeline", get(timeline::<P>))
            .route("/api/v1/movements/{mrn}/actions", post(act::<P>))
            .route("/api/v1/stats/states", get(state_counts::<P>))
            .route("/api/v1/stats/overdue", get(overdue::<P>))
            .route("/api/v1/stats/legs", get(legs::<P>))
            .route("/api/v1/stats/exposure", get(exposure::<P>))
            .route("/api/v1/reference", get(reference::<P>))
            .route("/api/v1/openapi.json", get(openapi))
            .route("/health", get(health::<P>))
            .route("/health/ready", get(health::<P>))
            .route("/health/live", get(crate::live))
            .route("/", get(|| async { Redirect::to("/officer/") }))
            .route(
                "/officer/",
                get(|port: State<Arc<P>>| async move {
                    asset_response(port.0.as_ref(), "officer.html")
                }),
            )
            .route(
                "/dashboard/",
                get(|port: State<Arc<P>>| async move {
                    asset_response(port.0.as_ref(), "dashboard.html")
                }),
            )
            .route("/assets/{name}", get(asset::<P>))
            .route(
                "/sw.js",
                get(|port: State<Arc<P>>| async move { asset_response(port.0.as_ref(), "sw.js") }),
            )
            .route("/qr/{file}", get(qr::<P>))
            .with_state(port.clone())
            .merge(crate::operator_routes::operator_routes(port.clone()))
            .merge(crate::subscriptions::subscription_routes(port.clone()))
            .merge(crate::fallbacks::fallback_routes(port.clone()))
            .merge(crate::disclosures::disclosure_routes(port.clone()))
            .merge(crate::reference::reference_routes(port.clone()))
            .merge(crate::risk::risk_routes(port.clone()))
            .merge(crate::telematics::telematics_api_routes(port.clone()))
            .merge(crate::rail::rail_routes(port));
    crate::bounded(requests)
        .merge(live)
        .layer(axum::middleware::map_response(security_headers))
}

/// What every answer of the API listener tells the browser: run only this site's scripts
/// (no inline script), load nothing from elsewhere, never be framed, never sniff a media
/// type, and send no referrer (URLs carry MRNs).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
    worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

async fn security_headers(mut response: axum::response::Response) -> axum::response::Response {
    use axum::http::HeaderValue;
    let headers = response.headers_mut();
    for (name, value) in [
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// The `ticket=` of a query string (EventSource cannot send headers, so the stream is opened
/// with a one-use ticket; a session token never appears in a URL).
fn ticket(query: Option<&str>) -> Option<String> {
    query?
        .split('&')
        .find_map(|p| p.strip_prefix("ticket="))
        .map(str::to_owned)
}

async fn stream_ticket<P: ApiPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<TicketView>), ApiError> {
    let token = token(&headers).ok_or_else(|| ApiError::unauthorized("no bearer token"))?;
    let ticket = port.stream_ticket(token).await?;
    Ok((StatusCode::CREATED, Json(ticket)))
}

async fn login<P: ApiPort>(
    State(port): State<Arc<P>>,
    Remote(remote): Remote,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<SessionView>), ApiError> {
    let Json(request) = body.map_err(bad_json)?;
    let session = port.login(request, remote).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

async fn logout<P: ApiPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    caller(port.as_ref(), &headers).await?;
    let t = token(&headers).unwrap_or_default();
    port.logout(t).await.map(|()| StatusCode::NO_CONTENT)
}

async fn me<P: ApiPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
) -> Result<Json<Principal>, ApiError> {
    caller(port.as_ref(), &headers).await.map(Json)
}

async fn search<P: ApiPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Json<Page<MovementSummary>>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    let Query(query) = query.map_err(bad_query)?;
    port.search(who, query).await.map(Json)
}

async fn movement<P: ApiPort>(
    State(port): State<Arc<P>>,
    Remote(remote): Remote,
    headers: HeaderMap,
    Path(mrn): Path<String>,
) -> Result<Json<MovementView>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.movement(who, mrn, remote).await.map(Json)
}

async fn timeline<P: ApiPort>(
    State(port): State<Arc<P>>,
    Remote(remote): Remote,
    headers: HeaderMap,
    Path(mrn): Path<String>,
) -> Result<Json<Vec<TimelineEntry>>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.timeline(who, mrn, remote).await.map(Json)
}

/// The longest `Idempotency-Key` kept: room for a UUID and a prefix, not for a payload.
const MAX_IDEMPOTENCY_KEY: usize = 100;

async fn act<P: ApiPort>(
    State(port): State<Arc<P>>,
    Remote(remote): Remote,
    headers: HeaderMap,
    Path(mrn): Path<String>,
    body: Result<Json<OfficerAction>, JsonRejection>,
) -> Result<(StatusCode, Json<ActionAccepted>), ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    let Json(action) = body.map_err(bad_json)?;
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if key.as_ref().is_some_and(|k| k.len() > MAX_IDEMPOTENCY_KEY) {
        return Err(ApiError::bad_request(
            "/headers/Idempotency-Key",
            format!(
                "an Idempotency-Key is at most {MAX_IDEMPOTENCY_KEY} characters (a UUID is 36)"
            ),
        ));
    }
    let office = headers
        .get("x-sigmat-office")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let accepted = port.act(who, mrn, action, key, office, remote).await?;
    let status = if accepted.replayed {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((status, Json(accepted)))
}

async fn state_counts<P: ApiPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
) -> Result<Json<Vec<CorridorCounts>>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.state_counts(who).await.map(Json)
}

async fn overdue<P: ApiPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
) -> Result<Json<Vec<MovementSummary>>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.overdue(who).await.map(Json)
}

async fn legs<P: ApiPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
    query: Result<Query<PeriodQuery>, QueryRejection>,
) -> Result<Json<Vec<LegTime>>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    let Query(period) = query.map_err(bad_query)?;
    port.legs(who, period).await.map(Json)
}

async fn exposure<P: ApiPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
) -> Result<Json<Vec<Exposure>>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.exposure(who).await.map(Json)
}

async fn events<P: ApiPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Result<Response, ApiError> {
    let (ticket, token) = (ticket(uri.query()), token(&headers));
    if ticket.is_none() && token.is_none() {
        return Err(ApiError::unauthorized(
            "no ticket: POST /api/v1/events/tickets with the session's bearer token gives one",
        ));
    }
    let receiver = port.open_stream(ticket, token).await?;
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(json) => {
                    let event = Event::default().event("movement").data(json);
                    return Some((Ok::<Event, std::convert::Infallible>(event), receiver));
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

async fn reference<P: ApiPort>(State(port): State<Arc<P>>) -> Json<serde_json::Value> {
    Json(port.reference())
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

async fn health<P: ApiPort>(State(port): State<Arc<P>>) -> Result<&'static str, ApiError> {
    port.ready().await.map(|()| "ok")
}

fn asset_response<P: ApiPort>(port: &P, name: &str) -> Response {
    match port.asset(name) {
        Some((content_type, body)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            body,
        )
            .into_response(),
        None => ApiError::not_found(format!("no asset {name}"), "see /officer/ and /dashboard/")
            .into_response(),
    }
}

async fn asset<P: ApiPort>(State(port): State<Arc<P>>, Path(name): Path<String>) -> Response {
    asset_response(port.as_ref(), &name)
}

async fn qr<P: ApiPort>(State(port): State<Arc<P>>, Path(file): Path<String>) -> Response {
    let mrn = file.strip_suffix(".svg").unwrap_or(&file);
    match transit_model::Mrn::parse(mrn) {
        Ok(mrn) => (
            [(header::CONTENT_TYPE, "image/svg+xml")],
            port.qr_svg(mrn.as_str()),
        )
            .into_response(),
        Err(e) => ApiError::invalid("/mrn", e.to_string()).into_response(),
    }
}
