//! Waiting on a condition, never on a clock alone.

use std::future::Future;
use std::time::{Duration, Instant};

/// Calls `probe` every 100 ms until it gives `Some`, and returns that; panics naming `what`
/// once `patience` has passed without it.
pub async fn eventually<T, F, Fut>(what: &str, patience: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + patience;
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not so after {patience:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
