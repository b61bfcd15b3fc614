//! Corridor figures for operators: counts by state, overdue movements, times between
//! offices, guarantee exposure.

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use transit_http::api_views::{
    CorridorCounts, Exposure, LegTime, MovementSummary, PeriodQuery, Principal,
};
use transit_http::ApiError;
use transit_http::FiguresPort;

use crate::answers::unavailable;
use crate::auth;
use crate::service::ApiService;

impl FiguresPort for ApiService {
    async fn state_counts(&self, who: Principal) -> Result<Vec<CorridorCounts>, ApiError> {
        auth::require_operator(&who)?;
        let mut by_corridor: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
        for (departure, destination, state, count) in
            self.store.counts().await.map_err(unavailable)?
        {
            if !auth::may_read(&who, &departure, &destination, &[]) {
                continue;
            }
            *by_corridor
                .entry(self.corridor_of(&departure, &destination))
                .or_default()
                .entry(state)
                .or_default() += count;
        }
        Ok(by_corridor
            .into_iter()
            .map(|(corridor, states)| CorridorCounts { corridor, states })
            .collect())
    }

    async fn overdue(&self, who: Principal) -> Result<Vec<MovementSummary>, ApiError> {
        auth::require_operator(&who)?;
        // The scope is applied in the query, before its limit: a country operator sees up to
        // 200 of their own, not what is left of the network's first 200.
        self.store
            .overdue(
                Utc::now(),
                self.control_overdue,
                200,
                who.country.as_deref(),
            )
            .await
            .map_err(unavailable)
    }

    async fn legs(&self, who: Principal, period: PeriodQuery) -> Result<Vec<LegTime>, ApiError> {
        auth::require_operator(&who)?;
        let to = period.to.unwrap_or_else(Utc::now);
        let from = period.from.unwrap_or(to - Duration::days(30));
        if from >= to {
            return Err(ApiError::bad_request(
                "/query/from",
                "from must be before to",
            ));
        }
        Ok(self
            .store
            .legs(from, to, who.country.as_deref())
            .await
            .map_err(unavailable)?
            .into_iter()
            .map(|l| LegTime {
                from_office: l.from_office,
                to_office: l.to_office,
                movements: l.movements,
                p50_hours: l.p50_seconds / 3600.0,
                p90_hours: l.p90_seconds / 3600.0,
            })
            .collect())
    }

    async fn exposure(&self, who: Principal) -> Result<Vec<Exposure>, ApiError> {
        auth::require_operator(&who)?;
        Ok(self
            .store
            .exposure()
            .await
            .map_err(unavailable)?
            .into_iter()
            .filter(|(cc, ..)| who.country.as_deref().is_none_or(|scope| scope == cc))
            .map(|(country, currency, amount, movements)| Exposure {
                country,
                currency,
                amount,
                movements,
            })
            .collect())
    }
}
