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
