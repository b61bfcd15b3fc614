//! `GET /metrics` and the figures of every HTTP request.
//!
//! The exposition itself is made by the service's recorder (`transit_runtime::metrics`); this
//! crate only serves it, through [`Exposition`], and measures the requests of a router
//! ([`measured`]): counts by route, method and status, and a latency histogram by route. The
//! route is the router's pattern (`/api/v1/movements/{mrn}`), never the path asked, and an
//! unusual method counts as `other`, so a client cannot grow the number of series by asking
//! for random paths or methods.

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
    // A client may send any method token: only the standard ones get a series of their own.
    let method: &'static str = match request.method().as_str() {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    };
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
    async fn random_paths_and_methods_do_not_make_new_series() {
        let metrics = transit_test_recorder();
        let router = measured(Router::new().route("/things/{id}", get(|| async { "ok" })));
        for (method, path) in [
            ("GET", "/things/1"),
            ("GET", "/things/2"),
            ("BREW", "/things/3"),
        ] {
            let request = Request::builder()
                .method(method)
                .uri(path)
                .body(Body::empty())
                .unwrap();
            router.clone().oneshot(request).await.unwrap();
        }
        let text = metrics();
        assert!(
            text.contains(r#"route="/things/{id}",method="GET",status="200"} 2"#),
            "{text}"
        );
        assert!(text.contains(r#"method="other""#), "{text}");
        assert!(
            !text.contains("/things/1") && !text.contains("BREW"),
            "{text}"
        );
    }

    /// The process's recorder for this test binary (the only test here that installs one),
    /// rendered by the returned function.
    fn transit_test_recorder() -> impl Fn() -> String {
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        metrics::set_global_recorder(recorder).expect("no other recorder in this test binary");
        move || handle.render()
    }

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
