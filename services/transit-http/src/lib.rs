//! # transit-http — every HTTP route and client of sigmat
//!
//! Routes are written against port traits, so the binaries plug in their own logic and this
//! crate stays the one place that knows axum and reqwest:
//! - [`adapter_routes`] over an [`AdapterPort`]: what a national system calls — submit a
//!   standardized message, pull deliveries, acknowledge them.
//! - [`api_routes`] over an [`ApiPort`]: movements and their timelines, for officers and
//!   operators.
//! - [`serve`] runs a router until shutdown; [`client::HubClient`] calls both from Rust.
//!
//! Every error answer is an [`ApiError`] rendered as JSON: `{"status", "error", "pointer",
//! "reason", "hint"}` — what, where, why, and what to do.

pub mod client;
mod error;
mod routes;
pub mod views;
pub mod webhook;

pub use axum::body::Bytes;
pub use error::ApiError;
pub use routes::{adapter_routes, api_routes, serve, AdapterPort, ApiPort};

/// Where a service listens. Part of the adapter's and the API's configuration (`[http]`).
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSettings {
    /// `ip:port`; port 0 picks a free one.
    pub listen: std::net::SocketAddr,
}

impl HttpSettings {
    /// Binds the listener, with an error that says which address and what to check.
    pub async fn bind(&self) -> std::io::Result<tokio::net::TcpListener> {
        tokio::net::TcpListener::bind(self.listen)
            .await
            .map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!(
                        "cannot listen on {}: {e} (is another service using that port?)",
                        self.listen
                    ),
                )
            })
    }
}
