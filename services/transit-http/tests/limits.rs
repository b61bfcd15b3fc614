//! Every listener answers a request that takes too long with 503, and does not queue requests
//! past its concurrency limit.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::Router;
use tower::ServiceExt;

#[tokio::test(start_paused = true)]
async fn a_request_past_the_time_limit_is_answered_503() {
    let slow = Router::new().route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            "done"
        }),
    );
    let response = transit_http::bounded(slow)
        .oneshot(Request::builder().uri("/slow").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("longer than 30 s"), "{text}");
}

#[tokio::test]
async fn past_its_concurrency_limit_a_listener_refuses_at_once_instead_of_queueing() {
    // Handlers that wait until told: every request in flight stays in flight.
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    let waiting = release.clone();
    let held = Router::new()
        .route(
            "/held",
            get(move || {
                let waiting = waiting.clone();
                async move {
                    waiting.notified().await;
                    "done"
                }
            }),
        )
        .route("/other", get(|| async { "at once" }));
    let router = transit_http::bounded(held);
    let request = || Request::builder().uri("/held").body(Body::empty()).unwrap();
    let mut in_flight = Vec::new();
    for _ in 0..transit_http::MAX_CONCURRENT_REQUESTS {
        in_flight.push(tokio::spawn(router.clone().oneshot(request())));
    }
    // Let every one of them reach its handler.
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
    // Another route of the same listener: the limit is the listener's, not each route's.
    let other = Request::builder()
        .uri("/other")
        .body(Body::empty())
        .unwrap();
    let refused = tokio::time::timeout(Duration::from_secs(5), router.clone().oneshot(other))
        .await
        .expect("answered at once, not queued")
        .unwrap();
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    release.notify_waiters();
    for answer in in_flight {
        assert_eq!(answer.await.unwrap().unwrap().status(), StatusCode::OK);
    }
}
