//! What telematics concluded (`telematics_effects`, migration 0022), as the operators and
//! officers read it: anomalies and seal breaches, a movement's track and seals.

use chrono::{DateTime, Utc};

use super::ApiStore;
use crate::StoreError;

/// One conclusion as kept, with its movement's offices.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ConclusionRow {
    /// The movement.
    pub mrn: String,
    /// `passage`, `arrival-expected`, `seal-breach`, `off-route`, `long-stop`.
    pub kind: String,
    /// The office it concerns, if any.
    pub office: Option<String>,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The conclusion (`transit_telematics::Effect`) as JSON.
    pub effect: serde_json::Value,
    /// The movement's office of departure.
    pub departure_office: String,
    /// Its office of destination.
    pub destination_office: String,
}

/// One position of a truck.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct PositionRow {
    /// When.
    pub at: DateTime<Utc>,
    /// Where.
    pub latitude: f64,
    /// Where.
    pub longitude: f64,
}

impl ApiStore {
    /// The latest conclusions of `kinds` since `since`, newest first, at most `limit`.
    pub async fn telematics_conclusions(
        &self,
        kinds: &[&str],
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<ConclusionRow>, StoreError> {
        sqlx::query_as(
            "SELECT e.mrn, e.kind, e.office, e.at, e.effect, m.departure_office,
                    m.destination_office
             FROM telematics_effects e JOIN movements m USING (mrn)
             WHERE e.kind = ANY($1) AND e.at >= $2
             ORDER BY e.at DESC LIMIT $3",
        )
        .bind(kinds)
        .bind(since)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading telematics conclusions"))
    }

    /// Every conclusion about one movement, oldest first.
    pub async fn telematics_of(&self, mrn: &str) -> Result<Vec<ConclusionRow>, StoreError> {
        sqlx::query_as(
            "SELECT e.mrn, e.kind, e.office, e.at, e.effect, m.departure_office,
                    m.destination_office
             FROM telematics_effects e JOIN movements m USING (mrn)
             WHERE e.mrn = $1 ORDER BY e.at",
        )
        .bind(mrn)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading a movement's telematics"))
    }

    /// A movement's latest positions (at most `limit`), oldest first: its track on the map.
    pub async fn positions_of(
        &self,
        mrn: &str,
        limit: i64,
    ) -> Result<Vec<PositionRow>, StoreError> {
        let mut rows: Vec<PositionRow> = sqlx::query_as(
            "SELECT event_time AS at, latitude, longitude FROM telematics_events
             WHERE mrn = $1 AND kind = 'position' AND outcome = 'applied'
             ORDER BY event_time DESC LIMIT $2",
        )
        .bind(mrn)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading a truck's positions"))?;
        rows.reverse();
        Ok(rows)
    }
}
