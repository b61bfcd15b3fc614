//! Each risk rule's figures as the tracker counts them (`risk_rule_figures`, migration 0019).

use super::ApiStore;
use crate::StoreError;
use transit_lifecycle::MovementState;
use transit_model::Mrn;

/// One rule's figures as kept.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct RuleFiguresRow {
    /// The rule.
    pub rule: String,
    /// Its owner (`region` or a country).
    pub owner: String,
    /// Movements it fired on.
    pub fired: i64,
    /// Of those, controlled at destination after it fired.
    pub controlled: i64,
    /// Of those, controls that found discrepancies.
    pub found: i64,
}

impl ApiStore {
    /// Every rule's figures, by owner and rule.
    pub async fn risk_figures(&self) -> Result<Vec<RuleFiguresRow>, StoreError> {
        sqlx::query_as(
            "SELECT rule, owner, fired, controlled, found FROM risk_rule_figures ORDER BY owner, rule",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the risk rules' figures"))
    }
}

/// An open movement in the red lane (the hub's view).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct RedRow {
    /// Its MRN.
    #[sqlx(try_from = "String")]
    pub mrn: Mrn,
    /// Where it departed.
    pub departure_office: String,
    /// Where it goes.
    pub destination_office: String,
    /// Its state.
    #[sqlx(try_from = "String")]
    pub state: MovementState,
    /// When it last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// Its assessment.
    pub risk: sqlx::types::Json<transit_risk::Assessment>,
}

/// How many movements went to an office of destination lately, and how many were diverted there.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct DiversionRow {
    /// The office of destination (as now, after any diversion).
    pub office: String,
    /// Movements to it.
    pub movements: i64,
    /// Of those, diverted to it.
    pub diverted: i64,
}

/// An office that confirmed many movements at once after a long silence.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct BurstRow {
    /// The office.
    pub office: String,
    /// When the burst began.
    pub at: chrono::DateTime<chrono::Utc>,
    /// Hours of silence before it.
    pub silence_hours: f64,
    /// Messages in the burst's window.
    pub messages: i64,
}

/// The events a burst is looked for in: the most recent this many (by sequence number).
const RECENT_EVENTS: i64 = 200_000;

impl ApiStore {
    /// Open movements in the red lane, newest change first.
    pub async fn red_movements(&self, limit: i64) -> Result<Vec<RedRow>, StoreError> {
        let open: Vec<&str> = crate::tracker::OPEN_STATES
            .iter()
            .map(|s| s.as_str())
            .collect();
        sqlx::query_as(
            "SELECT mrn, departure_office, destination_office, state, updated_at, risk FROM movements
             WHERE lane = 'red' AND state = ANY($1) AND risk IS NOT NULL
             ORDER BY updated_at DESC LIMIT $2",
        )
        .bind(&open)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the red movements"))
    }

    /// Movements still on the road that changed least recently, stalest first.
    pub async fn stalest_en_route(
        &self,
        limit: i64,
    ) -> Result<Vec<transit_lifecycle::Movement>, StoreError> {
        let rows: Vec<(sqlx::types::Json<transit_lifecycle::Movement>,)> = sqlx::query_as(
            "SELECT document FROM movement_documents
             WHERE state IN ('Released', 'EnquiryRecommended', 'UnderEnquiry')
             ORDER BY updated_at LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the movements on the road"))?;
        Ok(rows.into_iter().map(|(m,)| m.0).collect())
    }

    /// The leg times the tracker last read.
    pub async fn leg_times(&self) -> Result<transit_risk::facts::LegTimes, StoreError> {
        let rows: Vec<(String, String, f64, i64)> =
            sqlx::query_as("SELECT from_office, to_office, p90_hours, trips FROM risk_leg_times")
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::db("reading the leg times"))?;
        Ok(transit_risk::facts::LegTimes::new(
            rows.into_iter().map(|(f, t, p, n)| ((f, t), (p, n))),
        ))
    }

    /// Per office of destination, the movements first seen since `since` and those diverted to it.
    pub async fn diversions(
        &self,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<DiversionRow>, StoreError> {
        sqlx::query_as(
            "SELECT current_destination AS office, count(*) AS movements,
                    count(*) FILTER (WHERE movement->>'diverted_from' IS NOT NULL) AS diverted
             FROM movements WHERE created_at >= $1 AND current_destination IS NOT NULL
             GROUP BY current_destination ORDER BY current_destination",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the diversions"))
    }

    /// Offices whose accepted messages since `since` came in a burst — at least `messages`
    /// within `window_minutes` — after a silence of at least `silence_minutes` (among the most
    /// recent events of the log).
    pub async fn bursts(
        &self,
        since: chrono::DateTime<chrono::Utc>,
        silence_minutes: i64,
        window_minutes: i64,
        messages: i64,
    ) -> Result<Vec<BurstRow>, StoreError> {
        sqlx::query_as(
            "WITH recent AS (
                 SELECT sender, received_at FROM movement_events
                 WHERE seq > (SELECT coalesce(max(seq), 0) - $4 FROM movement_events)
                   AND outcome = 'accepted' AND sender <> 'HUB'),
             gaps AS (
                 SELECT sender, received_at,
                        received_at - lag(received_at) OVER (PARTITION BY sender ORDER BY received_at) AS gap
                 FROM recent)
             SELECT g.sender AS office, g.received_at AS at,
                    (extract(epoch FROM g.gap) / 3600)::float8 AS silence_hours,
                    (SELECT count(*) FROM recent r WHERE r.sender = g.sender
                       AND r.received_at >= g.received_at
                       AND r.received_at < g.received_at + make_interval(mins => $3::int)) AS messages
             FROM gaps g
             WHERE g.received_at >= $1 AND g.gap >= make_interval(mins => $2::int)
             ORDER BY g.received_at DESC",
        )
        .bind(since)
        .bind(silence_minutes)
        .bind(window_minutes)
        .bind(RECENT_EVENTS)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("looking for bursts of confirmations"))
        .map(|rows: Vec<BurstRow>| rows.into_iter().filter(|r| r.messages >= messages).collect())
    }
}

/// A lane an operator set for a movement at one country's offices.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct LaneOverrideRow {
    /// The movement.
    #[sqlx(try_from = "String")]
    pub mrn: Mrn,
    /// The country whose offices.
    pub country: String,
    /// The lane set (`green`, `yellow`, `red`).
    pub lane: String,
    /// The lane the rules had scored then.
    pub scored_lane: String,
    /// Why.
    pub reason: String,
    /// Who.
    pub by_user: String,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
}

impl ApiStore {
    /// The lane set for `mrn` at `country`'s offices, if any.
    pub async fn lane_override(
        &self,
        mrn: &str,
        country: &str,
    ) -> Result<Option<LaneOverrideRow>, StoreError> {
        sqlx::query_as(
            "SELECT mrn, country, lane, scored_lane, reason, by_user, at FROM lane_overrides
             WHERE mrn = $1 AND country = $2",
        )
        .bind(mrn)
        .bind(country)
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::db("reading a lane override"))
    }

    /// Keeps `row` as the lane set for its movement at its country's offices (replacing any).
    pub async fn override_lane(&self, row: &LaneOverrideRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO lane_overrides (mrn, country, lane, scored_lane, reason, by_user, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (mrn, country) DO UPDATE SET lane = EXCLUDED.lane,
                 scored_lane = EXCLUDED.scored_lane, reason = EXCLUDED.reason,
                 by_user = EXCLUDED.by_user, at = EXCLUDED.at",
        )
        .bind(row.mrn.as_str())
        .bind(&row.country)
        .bind(&row.lane)
        .bind(&row.scored_lane)
        .bind(&row.reason)
        .bind(&row.by_user)
        .bind(row.at)
        .execute(&self.pool)
        .await
        .map_err(StoreError::db("keeping a lane override"))?;
        Ok(())
    }
}
