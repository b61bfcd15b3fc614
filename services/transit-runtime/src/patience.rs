//! Patience at start: a service started while PostgreSQL or the broker is down waits for them,
//! retrying with backoff, instead of exiting. Whatever starts the services (systemd,
//! Kubernetes, a person after a power cut) need not start them in order.

use std::future::Future;
use std::time::Duration;

/// The first wait; each failure doubles it, up to [`LONGEST_WAIT`].
const FIRST_WAIT: Duration = Duration::from_millis(500);
/// The longest wait between two attempts.
pub const LONGEST_WAIT: Duration = Duration::from_secs(30);

/// Runs `attempt` until it succeeds or fails with an error that retrying cannot cure
/// (`is_transient` false), waiting between attempts with a doubling backoff and logging each
/// failure as a warning that names `what` (e.g. "connecting to PostgreSQL").
pub async fn until_reachable<T, E, F, Fut>(
    what: &str,
    mut attempt: F,
    is_transient: impl Fn(&E) -> bool,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: std::fmt::Display,
{
    let mut wait = FIRST_WAIT;
    let mut failures = 0u32;
    loop {
        match attempt().await {
            Ok(value) => {
                if failures > 0 {
                    tracing::info!(attempts = failures + 1, "{what}: done");
                }
                return Ok(value);
            }
            Err(err) if is_transient(&err) => {
                failures += 1;
                tracing::warn!(error = %err, retry_in_ms = wait.as_millis() as u64, attempts = failures,
                    "{what}: not reachable yet; waiting and trying again");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(LONGEST_WAIT);
            }
            Err(err) => return Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn waits_through_transient_failures_and_stops_at_a_permanent_one() {
        let tries = AtomicU32::new(0);
        let value = until_reachable(
            "test",
            || async {
                let n = tries.fetch_add(1, Ordering::SeqCst);
                if n < 3 {
                    Err("down")
                } else {
                    Ok(n)
                }
            },
            |_| true,
        )
        .await;
        assert_eq!(value, Ok(3));

        let tries = AtomicU32::new(0);
        let refused: Result<(), &str> = until_reachable(
            "test",
            || async {
                tries.fetch_add(1, Ordering::SeqCst);
                Err("wrong password")
            },
            |_| false,
        )
        .await;
        assert_eq!(refused, Err("wrong password"));
        assert_eq!(tries.load(Ordering::SeqCst), 1);
    }
}
