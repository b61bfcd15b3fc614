//! Health checks for a service that has no other HTTP routes (the tracker).

use std::future::Future;
use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::Router;

use crate::ApiError;

/// What a service's readiness check asks.
pub trait ReadinessPort: Send + Sync + 'static {
    /// Whether the service can do its work now (database, broker, consumer assigned).
    fn ready(&self) -> impl Future<Output = Result<(), ApiError>> + Send;
}

/// `GET /health/live` (the process serves), `GET /health/ready` and `GET /health` (it can
/// work: 503 with the reason otherwise).
pub fn health_routes<P: ReadinessPort>(port: Arc<P>) -> Router {
    let router = Router::new()
        .route("/health", get(ready::<P>))
        .route("/health/ready", get(ready::<P>))
        .route("/health/live", get(crate::live))
        .with_state(port);
    crate::bounded(router)
}

async fn ready<P: ReadinessPort>(State(port): State<Arc<P>>) -> Result<&'static str, ApiError> {
    port.ready().await.map(|()| "ok")
}
