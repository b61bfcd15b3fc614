//! What telematics concluded (`telematics_effects`, migration 0022), as the operators and
//! officers read it: anomalies and seal breaches, a movement's track and seals.

use chrono::{DateTime, Utc};

use super::ApiStore;
use crate::trains::en_route;
use crate::StoreError;
use transit_model::Mrn;

/// One conclusion as kept, with its movement's offices.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ConclusionRow {
    /// The movement.
    #[sqlx(try_from = "String")]
    pub mrn: Mrn,
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

/// A tracked movement on the road: its track and the movement.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TrackRow {
    /// The movement's MRN.
    #[sqlx(try_from = "String")]
    pub mrn: Mrn,
    /// Its track (`transit_telematics::Track`) as JSON.
    pub track: serde_json::Value,
    /// When its truck was last heard of.
    pub last_at: Option<DateTime<Utc>>,
    /// Where: latitude.
    pub latitude: Option<f64>,
    /// Where: longitude.
    pub longitude: Option<f64>,
    /// The movement.
    pub movement: sqlx::types::Json<transit_lifecycle::Movement>,
}

impl ApiStore {
    /// Tracked movements on the road whose truck was heard of since `since`, latest first; only
    /// those going through `office` (on the route or the destination) when it is given.
    pub async fn tracks_on_the_road(
        &self,
        since: DateTime<Utc>,
        office: Option<&str>,
        limit: i64,
    ) -> Result<Vec<TrackRow>, StoreError> {
        sqlx::query_as(
            "SELECT t.mrn, t.track, t.last_at, t.latitude, t.longitude, m.document AS movement
             FROM telematics_tracks t JOIN movement_documents m USING (mrn)
             WHERE m.state = ANY($1) AND t.last_at >= $2
               AND ($3::text IS NULL OR m.current_destination = $3
                    OR m.route_offices @> jsonb_build_array($3::text))
             ORDER BY t.last_at DESC LIMIT $4",
        )
        .bind(en_route())
        .bind(since)
        .bind(office)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the tracked trucks"))
    }

    /// A movement's track, if it is tracked.
    pub async fn track_of(&self, mrn: &str) -> Result<Option<TrackRow>, StoreError> {
        sqlx::query_as(
            "SELECT t.mrn, t.track, t.last_at, t.latitude, t.longitude, m.document AS movement
             FROM telematics_tracks t JOIN movement_documents m USING (mrn) WHERE t.mrn = $1",
        )
        .bind(mrn)
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::db("reading a track"))
    }

    /// The latest `per` positions of each of `mrns` since `since`, oldest first, as
    /// `(mrn, latitude, longitude)`: their tracks on the map, in one statement.
    pub async fn recent_positions(
        &self,
        mrns: &[String],
        since: DateTime<Utc>,
        per: i64,
    ) -> Result<Vec<(String, f64, f64)>, StoreError> {
        sqlx::query_as(
            "SELECT mrn, latitude, longitude FROM (
                 SELECT mrn, latitude, longitude, event_time,
                        row_number() OVER (PARTITION BY mrn ORDER BY event_time DESC) AS n
                 FROM telematics_events
                 WHERE mrn = ANY($1) AND kind = 'position' AND outcome = 'applied'
                   AND event_time >= $2
             ) p WHERE n <= $3 ORDER BY mrn, event_time",
        )
        .bind(mrns)
        .bind(since)
        .bind(per)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the trucks' tracks"))
    }
}
