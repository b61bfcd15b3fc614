use std::future::Future;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use uuid::Uuid;

use crate::views::{Delivery, PullQuery, Reply};
use crate::ApiError;

/// What a national system may do at its adapter. Each of its credentials carries a set.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Deserialize,
    serde::Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum AdapterRight {
    /// Submit messages (`POST /api/v1/messages`).
    Submit,
    /// Read deliveries (`GET /api/v1/deliveries…`).
    Read,
    /// Acknowledge deliveries (`POST /api/v1/deliveries/{id}/ack`).
    Ack,
}

impl AdapterRight {
    /// Its name in configuration files: `submit`, `read`, `ack`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Read => "read",
            Self::Ack => "ack",
        }
    }
}

/// What a country adapter does behind its HTTP routes.
pub trait AdapterPort: Send + Sync + 'static {
    /// The largest submission the adapter reads, in bytes: one over its message limit, so that
    /// an oversized message reaches the translator and is refused in the national format
    /// (anything larger is answered 413 before it is read).
    const MAX_BODY_BYTES: usize;
    /// Submissions read and translated at once: a permit is taken before a submission's body
    /// is read and handed to [`Self::submit`], which holds it while the body is in memory
    /// (translated, and kept if it is refused), so that the bodies and translations in memory
    /// stay within what the adapter is given, however many national systems post at once (the
    /// others wait, within the request time limit). An adapter may let it go once what is
    /// left of a submission is counted elsewhere (an accepted record waiting for the broker).
    fn submissions(&self) -> Arc<tokio::sync::Semaphore>;
    /// Whether the bearer `token` presented (if any) may exercise `right`: the caller's name,
    /// or the refusal — 401 without a valid token, 403 without the right.
    fn authorize(&self, token: Option<&str>, right: AdapterRight) -> Result<String, ApiError>;
    /// Whether a refused call from `remote` is to be kept: an address refused too often
    /// recently is answered this error (429) instead, and its call is not kept.
    fn refusal_kept(&self, remote: Option<std::net::IpAddr>) -> Result<(), ApiError>;
    /// Keeps a refused call (what was asked, and the body of a submission) and answers it,
    /// in the national format.
    fn refuse_call(
        &self,
        refusal: ApiError,
        request: String,
        body: Bytes,
    ) -> impl Future<Output = Reply> + Send;
    /// Translates, validates and publishes a message sent by the national system; the answer
    /// (acceptance or refusal) is in the national format. `traceparent` is the request's W3C
    /// trace context, when the national system sent one: the message's trace continues it.
    /// `admitted` is the [`Self::submissions`] permit the body was read under.
    fn submit(
        &self,
        body: Bytes,
        traceparent: Option<String>,
        admitted: tokio::sync::OwnedSemaphorePermit,
    ) -> impl Future<Output = Reply> + Send;
    /// One delivery in the national format.
    fn national(&self, message_id: Uuid) -> impl Future<Output = Result<Reply, ApiError>> + Send;
    /// Unacknowledged deliveries after a position.
    fn pending(
        &self,
        after: i64,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<Delivery>, ApiError>> + Send;
    /// Marks a delivery received by the national system.
    fn acknowledge(&self, message_id: Uuid) -> impl Future<Output = Result<(), ApiError>> + Send;
    /// Whether the adapter can work (database reachable).
    fn ready(&self) -> impl Future<Output = Result<(), ApiError>> + Send;
    /// The national system declares itself (or one of its offices) unavailable: the hub opens
    /// a fallback period with the adapter's next link report.
    fn declare_unavailable(
        &self,
        notice: UnavailabilityNotice,
    ) -> impl Future<Output = Result<(), ApiError>> + Send;
    /// It is available again: the fallback it opened ends.
    fn declare_available(&self) -> impl Future<Output = Result<(), ApiError>> + Send;
}

/// `POST /api/v1/unavailability` at an adapter.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UnavailabilityNotice {
    /// Why, as the other parties will read it.
    pub reason: String,
    /// One office of the country (its reference), or none: the whole national system.
    #[serde(default)]
    pub office: Option<String>,
}

/// Every adapter route as (method, path), the metrics route included (served beside them by
/// the adapter binary); the authorization matrix (`docs/authorization.md`) has a row for each.
pub const ADAPTER_ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/messages"),
    ("get", "/api/v1/deliveries"),
    ("get", "/api/v1/deliveries/{message_id}/national"),
    ("post", "/api/v1/deliveries/{message_id}/ack"),
    ("post", "/api/v1/unavailability"),
    ("delete", "/api/v1/unavailability"),
    ("get", "/health"),
    ("get", "/health/ready"),
    ("get", "/health/live"),
    ("get", "/metrics"),
];

/// The adapter's routes ([`ADAPTER_ROUTES`]):
/// - `POST /api/v1/messages` — submit a standardized message (JSON); 202 with its id.
/// - `GET /api/v1/deliveries?after=&limit=` — pull messages from the hub (at most
///   200 (`MAX_PULL`) at once).
/// - `GET /api/v1/deliveries/{messageId}/national` — one delivery in the national format.
/// - `POST /api/v1/deliveries/{messageId}/ack` — acknowledge one.
/// - `POST /api/v1/unavailability` (`{"reason", "office"?}`) / `DELETE` — the national system
///   declares itself unavailable, then available again (fallback at the hub).
/// - `GET /health/ready` (and `/health`) — 200 when the database and the broker answer and the
///   consumer has its partitions; `GET /health/live` — 200 while the process serves.
///
/// Every route but the health checks needs `Authorization: Bearer <token>` with the route's
/// [`AdapterRight`]; a refused call is answered by [`AdapterPort::refuse_call`].
pub fn adapter_routes<P: AdapterPort>(port: Arc<P>) -> Router {
    adapter_national_routes(port.clone()).merge(adapter_health_routes(port))
}

/// The health checks of an adapter (`/health`, `/health/ready`, `/health/live`), for a
/// listener of their own beside [`adapter_national_routes`].
pub fn adapter_health_routes<P: AdapterPort>(port: Arc<P>) -> Router {
    Router::new()
        .route("/health", get(adapter_health::<P>))
        .route("/health/ready", get(adapter_health::<P>))
        .route("/health/live", get(crate::live))
        .with_state(port)
}

/// The routes a national system calls, without the health checks ([`adapter_routes`] has both).
pub fn adapter_national_routes<P: AdapterPort>(port: Arc<P>) -> Router {
    let router = Router::new()
        .route("/api/v1/messages", post(submit::<P>))
        .route("/api/v1/deliveries", get(pending::<P>))
        .route(
            "/api/v1/deliveries/{message_id}/national",
            get(national::<P>),
        )
        .route(
            "/api/v1/deliveries/{message_id}/ack",
            post(acknowledge::<P>),
        )
        .route(
            "/api/v1/unavailability",
            post(unavailable::<P>).delete(available::<P>),
        )
        .route_layer(middleware::from_fn_with_state(port.clone(), authorize::<P>))
        .layer(DefaultBodyLimit::max(P::MAX_BODY_BYTES))
        .with_state(port);
    crate::bounded(router)
}

/// The right a route needs.
fn right_of(method: &Method, route: &str) -> AdapterRight {
    match (method, route) {
        (&Method::POST, "/api/v1/messages") => AdapterRight::Submit,
        (_, "/api/v1/unavailability") => AdapterRight::Submit,
        (&Method::POST, _) => AdapterRight::Ack,
        _ => AdapterRight::Read,
    }
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(request: &Request) -> Option<&str> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// How much of a refused call's body is read and kept: enough to see what was sent, while a
/// caller without the right cannot make the adapter read, hold or store megabytes.
const KEPT_BODY_LIMIT: usize = 64 * 1024;

/// The first `limit` bytes of `body`; the rest is never read.
async fn first_bytes(body: axum::body::Body, limit: usize) -> Bytes {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut kept = Vec::new();
    while kept.len() < limit {
        match stream.next().await {
            Some(Ok(chunk)) => {
                let room = limit - kept.len();
                kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            _ => break,
        }
    }
    Bytes::from(kept)
}

async fn authorize<P: AdapterPort>(
    State(port): State<Arc<P>>,
    request: Request,
    next: Next,
) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or_else(
        || request.uri().path().to_owned(),
        |m| m.as_str().to_owned(),
    );
    let right = right_of(request.method(), &route);
    let refusal = match port.authorize(bearer(&request), right) {
        Ok(caller) => {
            tracing::debug!(%caller, right = right.as_str(), %route, "call authorized");
            return next.run(request).await;
        }
        Err(refusal) => refusal,
    };
    let remote = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    if let Err(throttled) = port.refusal_kept(remote) {
        return throttled.into_response();
    }
    let what = format!("{} {}", request.method(), request.uri().path());
    let body = if right == AdapterRight::Submit {
        first_bytes(request.into_body(), KEPT_BODY_LIMIT).await
    } else {
        Bytes::new()
    };
    let unauthenticated = refusal.kind == crate::ErrorKind::Unauthorized;
    let mut response = port.refuse_call(refusal, what, body).await.into_response();
    if unauthenticated {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"sigmat-adapter\""),
        );
    }
    response
}

impl axum::response::IntoResponse for Reply {
    fn into_response(self) -> axum::response::Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (
            status,
            [(axum::http::header::CONTENT_TYPE, self.content_type)],
            self.body,
        )
            .into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
        }
        response
    }
}

async fn submit<P: AdapterPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let traceparent = headers
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // The body is read only once a permit is held: waiting submissions stay in the
    // connections' buffers, not in the adapter's memory.
    let Ok(admitted) = port.submissions().acquire_owned().await else {
        return ApiError::unavailable("the adapter is stopping").into_response();
    };
    let body = match axum::body::to_bytes(body, P::MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(err) => {
            return ApiError::too_large(format!(
                "the body could not be read within {} bytes: {err}",
                P::MAX_BODY_BYTES
            ))
            .into_response()
        }
    };
    port.submit(body, traceparent, admitted)
        .await
        .into_response()
}

async fn national<P: AdapterPort>(
    State(port): State<Arc<P>>,
    Path(message_id): Path<String>,
) -> Result<Reply, ApiError> {
    let id = Uuid::parse_str(&message_id)
        .map_err(|_| ApiError::invalid("/messageId", format!("{message_id:?} is not a UUID")))?;
    port.national(id).await
}

/// The most deliveries one pull returns: each may carry a declaration in two forms (tens of
/// KB), so a page of 1,000 held 30 MB in an adapter at once; 200 keeps it a few MB.
pub const MAX_PULL: i64 = 200;

async fn pending<P: AdapterPort>(
    State(port): State<Arc<P>>,
    Query(q): Query<PullQuery>,
) -> Result<Json<Vec<Delivery>>, ApiError> {
    port.pending(q.after.max(0), q.limit.clamp(1, MAX_PULL))
        .await
        .map(Json)
}

async fn acknowledge<P: AdapterPort>(
    State(port): State<Arc<P>>,
    Path(message_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = Uuid::parse_str(&message_id)
        .map_err(|_| ApiError::invalid("/messageId", format!("{message_id:?} is not a UUID")))?;
    port.acknowledge(id).await.map(|()| StatusCode::NO_CONTENT)
}

async fn unavailable<P: AdapterPort>(
    State(port): State<Arc<P>>,
    body: Result<axum::Json<UnavailabilityNotice>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let axum::Json(notice) = body.map_err(|r| ApiError::bad_request("/", r.body_text()))?;
    port.declare_unavailable(notice).await?;
    Ok(StatusCode::ACCEPTED)
}

async fn available<P: AdapterPort>(State(port): State<Arc<P>>) -> Result<StatusCode, ApiError> {
    port.declare_available().await?;
    Ok(StatusCode::ACCEPTED)
}

async fn adapter_health<P: AdapterPort>(
    State(port): State<Arc<P>>,
) -> Result<&'static str, ApiError> {
    port.ready().await.map(|()| "ok")
}

/// Serves `router` on `listener` until `shutdown` resolves, then finishes requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
