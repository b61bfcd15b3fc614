//! The national links as the operators see them: each country's latest adapter report, and the
//! alerts it raises against `[links]` in `api.toml`. [`alerts`] is pure: the report, when it
//! came, the thresholds and the time in; the alerts out.

use chrono::{DateTime, Utc};
use transit_http::api_views::Principal;
use transit_http::operator_routes::{LinkAlert, LinkView};
use transit_http::ApiError;
use transit_model::link::LinkReport;

use crate::answers::unavailable;
use crate::auth::require_operator;
use crate::service::ApiService;
use crate::settings::LinkThresholds;

fn alert(kind: &str, message: String) -> LinkAlert {
    LinkAlert {
        kind: kind.to_owned(),
        message,
    }
}

/// The alerts of `report`, received at `received_at`, at `now`.
pub fn alerts(
    report: &LinkReport,
    received_at: DateTime<Utc>,
    limits: &LinkThresholds,
    now: DateTime<Utc>,
) -> Vec<LinkAlert> {
    let cc = report.country.as_str();
    let mut out = Vec::new();
    let silent = (now - received_at).num_seconds();
    if silent > limits.silent_after_secs {
        out.push(alert(
            "silent",
            format!("no report from {cc}'s adapter for {silent} s: is it running, and can it reach the broker? (deploy/local/status, its log)"),
        ));
    }
    if let Some(oldest) = report.oldest_pending_at {
        let waiting = (now - oldest).num_seconds();
        if waiting > limits.undelivered_after_secs {
            out.push(alert(
                "undelivered",
                format!(
                    "{} deliveries wait for {cc}'s national system, the oldest for {} min: is it up and taking them?",
                    report.pending,
                    waiting / 60
                ),
            ));
        }
    }
    if report.push_failures_in_a_row >= limits.push_failures {
        out.push(alert(
            "pushFailing",
            format!(
                "{} pushes to {cc}'s national system failed in a row; the last: {}",
                report.push_failures_in_a_row,
                report
                    .last_push_error
                    .as_deref()
                    .unwrap_or("no reason given")
            ),
        ));
    }
    if report.lag >= limits.lag_records {
        out.push(alert(
            "lagging",
            format!(
                "{cc}'s adapter has {} records of its from-hub topic still to store",
                report.lag
            ),
        ));
    }
    if report.parked > 0 {
        out.push(alert(
            "parked",
            format!(
                "{} deliveries to {cc} are parked after repeated refusals: adapter deliveries parked, then retry after a fix",
                report.parked
            ),
        ));
    }
    out
}

impl ApiService {
    /// Every reporting country's link and alerts.
    pub(crate) async fn link_views(&self, who: Principal) -> Result<Vec<LinkView>, ApiError> {
        require_operator(&who)?;
        let now = Utc::now();
        let rows = self.store.link_statuses().await.map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .filter(|row| who.country.as_deref().is_none_or(|cc| cc == row.country))
            .filter_map(|row| {
                let report: LinkReport = serde_json::from_value(row.report).ok()?;
                Some(LinkView {
                    alerts: alerts(&report, row.received_at, &self.link_thresholds, now),
                    country: row.country,
                    received_at: row.received_at,
                    report,
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn report(now: DateTime<Utc>) -> LinkReport {
        LinkReport {
            country: transit_model::CountryCode::parse("BF").unwrap(),
            reported_at: now,
            pending: 0,
            oldest_pending_at: None,
            parked: 0,
            push_failures_in_a_row: 0,
            last_push_error: None,
            last_push_at: None,
            last_pull_at: None,
            last_ack_at: None,
            lag: 0,
            unavailable: None,
        }
    }

    fn kinds(alerts: &[LinkAlert]) -> Vec<&str> {
        alerts.iter().map(|a| a.kind.as_str()).collect()
    }

    #[test]
    fn a_quiet_link_raises_nothing_and_each_threshold_its_own_alert() {
        let now = Utc::now();
        let limits = LinkThresholds::default();
        assert!(alerts(&report(now), now, &limits, now).is_empty());
        let silent = alerts(&report(now), now - Duration::seconds(121), &limits, now);
        assert_eq!(kinds(&silent), ["silent"]);
        let troubled = LinkReport {
            pending: 3,
            oldest_pending_at: Some(now - Duration::minutes(31)),
            push_failures_in_a_row: 5,
            last_push_error: Some("connection refused".into()),
            lag: 1000,
            parked: 1,
            ..report(now)
        };
        let all = alerts(&troubled, now, &limits, now);
        assert_eq!(
            kinds(&all),
            ["undelivered", "pushFailing", "lagging", "parked"]
        );
        assert!(all[1].message.contains("connection refused"));
        // Just under each threshold: nothing.
        let almost = LinkReport {
            oldest_pending_at: Some(now - Duration::minutes(29)),
            push_failures_in_a_row: 4,
            lag: 999,
            parked: 0,
            ..troubled
        };
        assert!(alerts(&almost, now - Duration::seconds(119), &limits, now).is_empty());
    }
}
