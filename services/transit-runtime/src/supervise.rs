//! Supervision: a service's long-running tasks, watched together.
//!
//! A long-running task ends only when told to. So the first one that ends by itself — with an
//! error, a panic, or even without one — stops the others and the service returns an error:
//! the process exits non-zero with a clear log line, and whatever runs it (systemd,
//! Kubernetes, `deploy/local`) starts it again. A service never goes on looking alive with a
//! dead loop inside.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::{JoinError, JoinSet};

/// How long the other tasks get to finish their current work once the service stops.
const DRAIN: Duration = Duration::from_secs(30);

/// The long-running tasks of one service.
#[derive(Debug)]
pub struct Tasks {
    stop: watch::Sender<bool>,
    set: JoinSet<(&'static str, anyhow::Result<()>)>,
}

impl Tasks {
    /// No tasks yet, and the signal each task watches to know it must stop (it turns `true`).
    pub fn new() -> (Self, watch::Receiver<bool>) {
        let (stop, stopped) = watch::channel(false);
        let tasks = Self {
            stop,
            set: JoinSet::new(),
        };
        (tasks, stopped)
    }

    /// Starts a task under `name` (used in the log line if it ends).
    pub fn spawn(
        &mut self,
        name: &'static str,
        task: impl Future<Output = anyhow::Result<()>> + Send + 'static,
    ) {
        self.set.spawn(async move { (name, task.await) });
    }

    /// Runs until `shutdown` resolves or a task ends by itself, then tells every task to stop
    /// and waits for them (at most 30 s). Returns the first task's ending as an error, if one
    /// ended by itself or failed while stopping.
    pub async fn run_until(mut self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let ended = if self.set.is_empty() {
            shutdown.await;
            None
        } else {
            tokio::select! {
                _ = shutdown => None,
                Some(ended) = self.set.join_next() => Some(ended),
            }
        };
        let _ = self.stop.send(true);
        let mut failure = ended.map(|ended| {
            let err = unexpected(ended);
            tracing::error!(error = %format!("{err:#}"), "a task of this service ended; stopping the service so that it is restarted");
            err
        });
        let drain = async {
            let mut first = None;
            while let Some(ended) = self.set.join_next().await {
                if let Some(err) = stopped_with_error(ended) {
                    tracing::error!(error = %format!("{err:#}"), "a task failed while stopping");
                    first.get_or_insert(err);
                }
            }
            first
        };
        match tokio::time::timeout(DRAIN, drain).await {
            Ok(Some(err)) => {
                failure.get_or_insert(err);
            }
            Ok(None) => {}
            Err(_) => {
                tracing::warn!("tasks still busy after {DRAIN:?}; stopping them where they are");
                self.set.abort_all();
            }
        }
        match failure {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }
}

/// A task that ended before being told to: always an error.
fn unexpected(ended: Result<(&'static str, anyhow::Result<()>), JoinError>) -> anyhow::Error {
    match ended {
        Ok((name, Ok(()))) => anyhow::anyhow!("the {name} task ended without being told to"),
        Ok((name, Err(err))) => err.context(format!("the {name} task failed")),
        Err(join) => anyhow::anyhow!("a task panicked: {join}"),
    }
}

/// A task that ended after being told to stop: an error only if it failed.
fn stopped_with_error(
    ended: Result<(&'static str, anyhow::Result<()>), JoinError>,
) -> Option<anyhow::Error> {
    match ended {
        Ok((_, Ok(()))) => None,
        Ok((name, Err(err))) => Some(err.context(format!("the {name} task failed"))),
        Err(join) if join.is_cancelled() => None,
        Err(join) => Some(anyhow::anyhow!("a task panicked: {join}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn until_stopped(mut stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        while !*stop.borrow() {
            if stop.changed().await.is_err() {
                break;
            }
        }
        Ok(())
    }

    #[tokio::test]
    async fn a_failing_task_stops_the_others_and_the_service_fails() {
        let (mut tasks, stop) = Tasks::new();
        tasks.spawn("intake", until_stopped(stop.clone()));
        tasks.spawn("relay", async { anyhow::bail!("outbox table is gone") });
        let err = tasks
            .run_until(std::future::pending())
            .await
            .expect_err("the service must fail");
        let text = format!("{err:#}");
        assert!(
            text.contains("the relay task failed") && text.contains("outbox table is gone"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn a_task_that_ends_quietly_or_panics_is_a_failure_too() {
        let (mut tasks, stop) = Tasks::new();
        tasks.spawn("intake", until_stopped(stop));
        tasks.spawn("timer", async { Ok(()) });
        let err = tasks.run_until(std::future::pending()).await.unwrap_err();
        assert!(format!("{err}").contains("timer task ended"), "{err}");

        let (mut tasks, _stop) = Tasks::new();
        tasks.spawn("relay", async { panic!("boom") });
        let err = tasks.run_until(std::future::pending()).await.unwrap_err();
        assert!(format!("{err}").contains("panicked"), "{err}");
    }

    #[tokio::test]
    async fn shutdown_stops_every_task_and_succeeds() {
        let (mut tasks, stop) = Tasks::new();
        tasks.spawn("intake", until_stopped(stop.clone()));
        tasks.spawn("relay", until_stopped(stop));
        tasks.run_until(async {}).await.unwrap();
    }
}
