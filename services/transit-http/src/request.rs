//! What every API route reads from a request besides its own parameters: who calls (the
//! bearer token, authenticated by the [`SessionPort`]), from where (the peer address, or
//! `X-Forwarded-For` behind a trusted proxy), and the clear answers to a body or a query that
//! is not what the route takes. Every `*_routes` module uses these, so they sit below them all.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{header, HeaderMap};

use crate::api_port::SessionPort;
use crate::api_views::Principal;
use crate::ApiError;

pub(crate) fn token(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned)
}

/// The authenticated caller of a request: its bearer token checked by the port.
pub(crate) async fn caller<P: SessionPort>(
    port: &P,
    headers: &HeaderMap,
) -> Result<Principal, ApiError> {
    match token(headers) {
        Some(t) => port.authenticate(t).await,
        None => Err(ApiError::unauthorized("no bearer token")),
    }
}

/// Where a request came from: `X-Forwarded-For` behind a proxy, else the peer address.
pub(crate) struct Remote(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for Remote {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts
            .extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .map(|a| a.0.ip())
        else {
            return Ok(Self(String::new()));
        };
        let trusted = parts
            .extensions
            .get::<crate::TrustedProxies>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        // Behind trusted proxies, the client is the first hop from the right that is not one
        // of them, across every X-Forwarded-For line; anyone else's header is the client's
        // own claim, and ignored.
        let lines = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok());
        Ok(Self(
            crate::forwarded::client_address(peer, &trusted, lines).to_string(),
        ))
    }
}

pub(crate) fn bad_json(rejection: JsonRejection) -> ApiError {
    ApiError::bad_request(
        "/",
        format!(
            "the request body is not what this route takes: {}",
            rejection.body_text()
        ),
    )
}

pub(crate) fn bad_query(rejection: QueryRejection) -> ApiError {
    ApiError::bad_request("/query", rejection.body_text())
}
