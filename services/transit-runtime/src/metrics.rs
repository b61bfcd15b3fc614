//! Prometheus metrics: the process's one recorder and its text exposition.
//!
//! Every crate records through the `metrics` facade (`metrics::counter!(…)`); [`install`]
//! puts the Prometheus recorder behind it once per process, labels everything with the
//! service's name, and gives back the handle whose [`Metrics::render`] is what `/metrics`
//! serves. Durations are histograms (names ending `_seconds`) with [`SECONDS_BUCKETS`], so
//! Prometheus can add them up across instances. The list of metrics, with their meaning, is
//! `docs/metrics.md`; the integration test `metrics.rs` checks that list against a scrape.

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Bucket bounds of every `_seconds` histogram: 1 ms to 1 min.
pub const SECONDS_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// The installed recorder's handle.
#[derive(Clone)]
pub struct Metrics {
    handle: PrometheusHandle,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

static INSTALLED: OnceLock<Metrics> = OnceLock::new();

/// Installs the recorder for `service` (the value of every metric's `service` label), with
/// `labels` on every metric too (an adapter's `country`). A second call returns the first
/// one's handle: one process, one recorder.
pub fn install(service: &str, labels: &[(&str, &str)]) -> Metrics {
    INSTALLED
        .get_or_init(|| {
            // Refused only for an empty bucket list, which SECONDS_BUCKETS is not.
            let timed = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)
                .unwrap_or_else(|_| PrometheusBuilder::new());
            let builder = labels
                .iter()
                .fold(timed.add_global_label("service", service), |b, (k, v)| {
                    b.add_global_label(*k, *v)
                });
            let handle = match builder.install_recorder() {
                Ok(handle) => handle,
                // Another recorder was installed first (a test harness): keep a private one so
                // /metrics still answers, if emptier.
                Err(_) => PrometheusBuilder::new().build_recorder().handle(),
            };
            Metrics { handle }
        })
        .clone()
}

impl Metrics {
    /// The current figures in the Prometheus text format (version 0.0.4).
    pub fn render(&self) -> String {
        self.handle.render()
    }

    /// Keeps the recorder's histograms bounded between scrapes. Runs until the process ends;
    /// spawn it once.
    pub async fn upkeep(self) {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            self.handle.run_upkeep();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_counter_and_histogram_are_rendered_with_the_service_label() {
        let metrics = install("test-service", &[("country", "BF")]);
        metrics::counter!("sigmat_test_things_total", "kind" => "a").increment(2);
        metrics::histogram!("sigmat_test_wait_seconds").record(0.003);
        let text = metrics.render();
        assert!(
            text.contains(
                r#"sigmat_test_things_total{service="test-service",country="BF",kind="a"} 2"#
            ),
            "{text}"
        );
        assert!(
            text.contains(r#"sigmat_test_wait_seconds_bucket{service="test-service",country="BF",le="0.005"} 1"#),
            "{text}"
        );
        // Installed once: a second call shares the figures.
        assert_eq!(install("other", &[]).render(), metrics.render());
    }
}
