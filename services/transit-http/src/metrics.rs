//! `GET /metrics` and the figures of every HTTP request.
//!
//! The exposition itself is made by the service's recorder (`transit_runtime::metrics`); this
//! crate only serves it, through [`Exposition`], and measures the requests of a router
//! ([`measured`]): counts by route, method and status, and a latency histogram by route. The
//! route is the router's pattern (`/api/v1/movements/{mrn}`), never the path asked, so a
//! client cannot grow the number of series by asking for random paths.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// What renders the service's metrics in the Prometheus text format.
pub type Exposition = Arc<dyn Fn() -> String + Send + Sync>;

/// `GET /metrics`: the Prometheus text format (version 0.0.4).
pub fn metrics_routes(exposition: Exposition) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let exposition = exposition.clone();
            async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    exposition(),
                )
                    .into_response()
            }
        }),
    )
}

/// `router`, each of its requests counted (`sigmat_http_requests_total`) and timed
/// (`sigmat_http_request_duration_seconds`) by route pattern.
pub fn measured(router: Router) -> Router {
    router.layer(middleware::from_fn(measure))
}

async fn measure(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("sigmat_http_requests_total", "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("sigmat_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    #[tokio::test]
    async fn metrics_are_served_as_prometheus_text() {
        let router = metrics_routes(Arc::new(|| "sigmat_up 1\n".to_owned()));
        let response = router
            .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/plain; version=0.0.4; charset=utf-8"
        );
    }
}
