use std::future::Future;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use uuid::Uuid;

use crate::views::{Delivery, PullQuery, Reply};
use crate::ApiError;

/// What a country adapter does behind its HTTP routes.
pub trait AdapterPort: Send + Sync + 'static {
    /// Translates, validates and publishes a message sent by the national system; the answer
    /// (acceptance or refusal) is in the national format.
    fn submit(&self, body: Bytes) -> impl Future<Output = Reply> + Send;
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
}

/// The adapter's routes:
/// - `POST /api/v1/messages` — submit a standardized message (JSON); 202 with its id.
/// - `GET /api/v1/deliveries?after=&limit=` — pull messages from the hub.
/// - `GET /api/v1/deliveries/{messageId}/national` — one delivery in the national format.
/// - `POST /api/v1/deliveries/{messageId}/ack` — acknowledge one.
/// - `GET /health` — 200 when ready.
pub fn adapter_routes<P: AdapterPort>(port: Arc<P>) -> Router {
    Router::new()
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
        .route("/health", get(adapter_health::<P>))
        .with_state(port)
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

async fn submit<P: AdapterPort>(State(port): State<Arc<P>>, body: Bytes) -> Reply {
    port.submit(body).await
}

async fn national<P: AdapterPort>(
    State(port): State<Arc<P>>,
    Path(message_id): Path<String>,
) -> Result<Reply, ApiError> {
    let id = Uuid::parse_str(&message_id)
        .map_err(|_| ApiError::invalid("/messageId", format!("{message_id:?} is not a UUID")))?;
    port.national(id).await
}

async fn pending<P: AdapterPort>(
    State(port): State<Arc<P>>,
    Query(q): Query<PullQuery>,
) -> Result<Json<Vec<Delivery>>, ApiError> {
    port.pending(q.after.max(0), q.limit.clamp(1, 1000))
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
