//! # transit-http — every HTTP route and client of sigmat
//!
//! Routes are written against port traits, so the binaries plug in their own logic and this
//! crate stays the one place that knows axum and reqwest:
//! - [`adapter_routes`] over an [`AdapterPort`]: what a national system calls — submit a
//!   standardized message, pull deliveries, acknowledge them — each with its bearer token
//!   and the [`AdapterRight`] the route needs.
//! - [`api_routes`] over an [`ApiPort`]: movements and their timelines, for officers and
//!   operators; [`operator_routes`] over a [`OperatorPort`]: what the hub refused or set
//!   aside, and replaying it, and the national links; [`subscriptions`] over a
//!   [`SubscriptionPort`]: traders' and guarantors' webhooks; [`fallbacks`] over a
//!   [`FallbackPort`]: offices and national systems declared unavailable, and reconciled;
//!   [`disclosures`] over a [`DisclosurePort`]: the disclosure register, what of a
//!   country's data went to which other country under which agreement;
//!   [`reference`] over a [`ReferencePort`]: the network's reference data, and
//!   importing its next version; [`risk`] over a [`RiskPort`]: the risk rules, importing
//!   changed ones, and each rule's figures.
//! - `request`: what every API route reads from a request (caller, remote address, clear
//!   answers to a malformed body or query), below all the route modules.
//! - [`metrics_routes`] serves `GET /metrics`; [`measured`] counts and times a router's
//!   requests by route pattern.
//! - [`serve`] runs a router until shutdown; [`client::HubClient`] calls both from Rust.
//!
//! Every error answer is an [`ApiError`] rendered as JSON: `{"status", "error", "pointer",
//! "reason", "hint"}` — what, where, why, and what to do.

mod api_port;
mod api_routes;
pub mod api_views;
pub mod client;
pub mod disclosures;
pub mod egress;
mod error;
pub mod fallbacks;
pub mod forwarded;
mod health;
mod metrics;
pub mod operator_routes;
pub mod rail;
pub mod reference;
mod request;
pub mod risk;
mod routes;
pub mod subscriptions;
pub mod telematics;
pub mod views;
pub mod webhook;

pub use api_port::{
    ActionPort, ApiPort, FiguresPort, LivePort, MovementPort, SessionPort, SitePort,
};
pub use api_routes::{api_routes, API_ROUTES, OPENAPI};
pub use axum::body::Bytes;
pub use disclosures::DisclosurePort;
pub use error::{ApiError, ErrorKind};
pub use fallbacks::FallbackPort;
pub use health::{health_routes, ReadinessPort};
pub use metrics::{measured, metrics_routes, Exposition};
pub use operator_routes::OperatorPort;
pub use reference::ReferencePort;
pub use risk::RiskPort;
pub use routes::{
    adapter_health_routes, adapter_national_routes, adapter_routes, serve, AdapterPort,
    AdapterRight, UnavailabilityNotice, ADAPTER_ROUTES,
};
pub use subscriptions::SubscriptionPort;
pub use telematics::{telematics_routes, TelematicsPort};

/// Where a service listens. Part of the adapter's and the API's configuration (`[http]`).
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpSettings {
    /// `ip:port`; port 0 picks a free one.
    pub listen: std::net::SocketAddr,
    /// Serve HTTPS with this certificate and key (PEM files); plain HTTP when absent (for
    /// a listener behind a TLS-terminating ingress, or on a private network).
    #[serde(default)]
    pub tls: Option<TlsSettings>,
    /// Reverse proxies in front of this listener: addresses or CIDR ranges (an ingress
    /// controller's pod range, e.g. `"10.244.0.0/16"`). Only from these is `X-Forwarded-For`
    /// believed, to learn the client's address for throttling and the audit log, read from the
    /// right past every trusted hop; from anyone else it is ignored, since a client can write
    /// any address there.
    #[serde(default)]
    pub trusted_proxies: Vec<forwarded::ProxyRange>,
    /// Let other processes listen on the same address (SO_REUSEPORT; Linux shares the
    /// connections out among them): several instances of a service behind one address with
    /// no load balancer in front, as on one machine. Each must set it. Default false: a
    /// second process on the port is refused, as a mistake usually is.
    #[serde(default)]
    pub reuse_port: bool,
}

/// The reverse proxies whose `X-Forwarded-For` is believed (see
/// [`HttpSettings::trusted_proxies`]), given to the routes as a request extension.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(pub std::sync::Arc<Vec<forwarded::ProxyRange>>);

impl TrustedProxies {
    /// `router`, its requests carrying these proxies.
    pub fn apply(self, router: axum::Router) -> axum::Router {
        router.layer(axum::Extension(self))
    }
}

/// A certificate chain and its private key, PEM.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TlsSettings {
    /// The certificate chain, PEM.
    pub certificate: std::path::PathBuf,
    /// The private key, PEM (PKCS#8, PKCS#1 or SEC1).
    pub private_key: std::path::PathBuf,
}

/// How long one request may take before it is answered 503 (streams of live updates excepted).
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// How many requests one listener handles at once; past it, new ones are answered 503 at
/// once rather than queued until everything is slow.
pub const MAX_CONCURRENT_REQUESTS: usize = 256;

/// `router` with [`REQUEST_TIMEOUT`] and [`MAX_CONCURRENT_REQUESTS`]: a slow or flooding
/// client gets a clear 503 and cannot hold the service.
pub fn bounded(router: axum::Router) -> axum::Router {
    use tower::ServiceBuilder;
    router.layer(
        ServiceBuilder::new()
            .layer(axum::error_handling::HandleErrorLayer::new(
                |error: tower::BoxError| async move {
                    let reason = if error.is::<tower::timeout::error::Elapsed>() {
                        format!(
                            "the request took longer than {} s",
                            REQUEST_TIMEOUT.as_secs()
                        )
                    } else {
                        "too many requests at once".to_owned()
                    };
                    axum::response::IntoResponse::into_response(ApiError::unavailable(reason))
                },
            ))
            .load_shed()
            // One count for the whole listener: a per-service limit would be applied to each
            // route (or each request's handler) on its own, and limit nothing.
            .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
                MAX_CONCURRENT_REQUESTS,
            ))
            .timeout(REQUEST_TIMEOUT),
    )
}

/// Serves `router` on `listener` over HTTPS until `shutdown` resolves, then lets requests in
/// flight finish (at most 10 s).
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    tls: &TlsSettings,
    router: axum::Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Several services in one process may try: the first provider installed wins.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config =
        axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.certificate, &tls.private_key)
            .await
            .map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!(
                        "cannot use the TLS certificate {} and key {}: {e} (PEM files expected)",
                        tls.certificate.display(),
                        tls.private_key.display()
                    ),
                )
            })?;
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    axum_server::from_tcp_rustls(listener.into_std()?, config)
        .handle(handle)
        .serve(router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .await
}

/// Serves over HTTPS when `tls` is given, plain HTTP otherwise.
pub async fn serve_configured(
    listener: tokio::net::TcpListener,
    tls: Option<&TlsSettings>,
    router: axum::Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    match tls {
        Some(tls) => serve_tls(listener, tls, router, shutdown).await,
        None => serve(listener, router, shutdown).await,
    }
}

impl HttpSettings {
    /// Binds the listener, with an error that says which address and what to check.
    pub async fn bind(&self) -> std::io::Result<tokio::net::TcpListener> {
        let listening = if self.reuse_port {
            shared_listener(self.listen)
        } else {
            tokio::net::TcpListener::bind(self.listen).await
        };
        listening.map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!(
                    "cannot listen on {}: {e} (is another service using that port{}?)",
                    self.listen,
                    if self.reuse_port {
                        " without [http] reuse_port"
                    } else {
                        ""
                    }
                ),
            )
        })
    }
}

/// A listener on `addr` that other processes may share ([`HttpSettings::reuse_port`]).
fn shared_listener(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.set_reuseport(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

/// `GET /health/live`: the process serves HTTP. Nothing else is checked, so that a supervisor
/// restarts the process only when it is stuck, not when the database is away.
pub(crate) async fn live() -> &'static str {
    "live"
}
