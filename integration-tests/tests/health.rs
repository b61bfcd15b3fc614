//! Health checks: `/health/live` answers while the process serves; `/health/ready` (and
//! `/health`) only when the database and the broker answer and, for the adapters and the
//! tracker, the consumer has partitions. (`Stack::start` waits on every service's readiness,
//! the tracker's included, so every integration test starts from ready services.)

use integration_tests::Stack;

async fn body(url: String) -> (u16, String) {
    let answer = reqwest::get(url).await.unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_service_says_it_is_live_and_ready() {
    let stack = Stack::start(&["CI", "BF"]).await;
    for base in [
        stack.api_url(),
        stack.adapter_anonymous("CI").base().to_owned(),
        stack.adapter_anonymous("BF").base().to_owned(),
    ] {
        assert_eq!(
            body(format!("{base}/health/live")).await,
            (200, "live".into()),
            "{base}"
        );
        assert_eq!(
            body(format!("{base}/health/ready")).await,
            (200, "ok".into()),
            "{base}"
        );
        assert_eq!(
            body(format!("{base}/health")).await,
            (200, "ok".into()),
            "{base}"
        );
    }
}
