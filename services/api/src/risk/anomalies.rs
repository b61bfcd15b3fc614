//! The network's anomalies for the dashboard: trucks overdue on their current leg, open
//! movements scoring red, unusual diversion rates per office of destination, and bursts of
//! confirmations after a silence, and what tracked trucks and seals reported (off route, long
//! stops, seals opened between offices) — each as the operator may see it.

use chrono::Utc;
use transit_http::api_views::Principal;
use transit_http::risk::{
    AnomaliesView, AnomalyQuery, BurstView, DiversionRateView, LegOverdueView, RedView,
    TelematicsAnomalyView,
};
use transit_http::ApiError;

use crate::answers::unavailable;
use crate::auth::operator_scope;
use crate::service::ApiService;

/// How many movements an anomaly list looks at (the stalest on the road, the latest red).
const ANOMALY_SCAN: i64 = 2_000;
/// Diversions to an office before its rate is said unusual.
const MIN_DIVERSIONS: i64 = 3;

impl ApiService {
    /// What looks wrong on the network now, as `who` may see it.
    pub(super) async fn anomalies_for(
        &self,
        who: Principal,
        query: AnomalyQuery,
    ) -> Result<AnomaliesView, ApiError> {
        let viewer = operator_scope(&who)?;
        let mine = |office: &str| viewer.is_none_or(|c| office.starts_with(c.as_str()));
        let bounded = |value: Option<i64>, default: i64, pointer: &str, max: i64| match value {
            None => Ok(default),
            Some(v) if (0..=max).contains(&v) => Ok(v),
            Some(v) => Err(ApiError::bad_request(
                pointer,
                format!("{v} is not between 0 and {max}"),
            )),
        };
        let silence = bounded(query.silence_minutes, 360, "/query/silenceMinutes", 10_080)?;
        let burst = bounded(query.burst, 10, "/query/burst", 100_000)?.max(1);
        let within = bounded(query.within_minutes, 10, "/query/withinMinutes", 1_440)?.max(1);
        let now = Utc::now();

        let legs = self.store.leg_times().await.map_err(unavailable)?;
        let overdue_on_leg = self
            .store
            .stalest_en_route(ANOMALY_SCAN)
            .await
            .map_err(unavailable)?
            .iter()
            .filter(|m| m.countries().iter().any(|c| viewer.is_none_or(|v| v == *c)))
            .filter_map(|m| {
                transit_risk::facts::overdue_on_leg(
                    m,
                    &legs,
                    transit_risk::facts::MIN_LEG_TRIPS,
                    now,
                )
                .map(|(from, to, hours, p90_hours)| LegOverdueView {
                    mrn: m.mrn.clone(),
                    from,
                    to,
                    hours,
                    p90_hours,
                })
            })
            .collect();

        let red = self
            .store
            .red_movements(ANOMALY_SCAN)
            .await
            .map_err(unavailable)?
            .into_iter()
            .filter(|r| mine(&r.departure_office) || mine(&r.destination_office))
            .filter_map(|r| {
                let verdict = r.risk.0.verdict(viewer);
                (verdict.lane == transit_risk::Lane::Red).then(|| RedView {
                    rules: verdict.reasons.iter().map(|f| f.rule.clone()).collect(),
                    raised_by: verdict.raised_by.iter().map(ToString::to_string).collect(),
                    mrn: r.mrn,
                    departure_office: r.departure_office,
                    destination_office: r.destination_office,
                    state: r.state,
                    updated_at: r.updated_at,
                })
            })
            .take(100)
            .collect();

        let offices = self
            .store
            .diversions(now - chrono::Duration::days(7))
            .await
            .map_err(unavailable)?;
        let (all, diverted): (i64, i64) = offices
            .iter()
            .fold((0, 0), |(a, d), o| (a + o.movements, d + o.diverted));
        let network_rate = if all > 0 {
            diverted as f64 / all as f64
        } else {
            0.0
        };
        let diversion_rates = offices
            .into_iter()
            .filter(|o| mine(&o.office))
            .filter(|o| o.diverted >= MIN_DIVERSIONS && o.movements > 0)
            .map(|o| DiversionRateView {
                rate: o.diverted as f64 / o.movements as f64,
                network_rate,
                office: o.office,
                movements: o.movements,
                diverted: o.diverted,
            })
            .filter(|o| o.rate > 2.0 * o.network_rate)
            .collect();

        let bursts = self
            .store
            .bursts(now - chrono::Duration::hours(24), silence, within, burst)
            .await
            .map_err(unavailable)?
            .into_iter()
            .filter(|b| mine(&b.office))
            .map(|b| BurstView {
                office: b.office,
                at: b.at,
                silence_hours: b.silence_hours,
                messages: b.messages,
            })
            .collect();
        let telematics = self
            .store
            .telematics_conclusions(
                &["off-route", "long-stop", "seal-breach"],
                now - chrono::Duration::days(7),
                ANOMALY_SCAN,
            )
            .await
            .map_err(unavailable)?
            .into_iter()
            .filter(|r| mine(&r.departure_office) || mine(&r.destination_office))
            .filter_map(telematics_anomaly)
            .take(200)
            .collect();
        Ok(AnomaliesView {
            overdue_on_leg,
            red,
            diversion_rates,
            bursts,
            telematics,
        })
    }
}

/// A kept telematics conclusion as the dashboard shows it.
fn telematics_anomaly(
    row: transit_store::api::telematics::ConclusionRow,
) -> Option<TelematicsAnomalyView> {
    let effect: transit_telematics::Effect = serde_json::from_value(row.effect).ok()?;
    let point = crate::telematics::point_of(&effect)?;
    Some(TelematicsAnomalyView {
        detail: crate::telematics::detail(&effect),
        mrn: row.mrn,
        kind: row.kind,
        at: row.at,
        latitude: point[1],
        longitude: point[0],
        departure_office: row.departure_office,
        destination_office: row.destination_office,
    })
}
