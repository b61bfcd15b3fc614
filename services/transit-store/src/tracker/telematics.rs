//! The tracker's telematics statements: events claimed once, the movement a vehicle or a seal
//! is on, tracks read under a lock and kept, conclusions kept once.

use chrono::{DateTime, Utc};
use transit_lifecycle::Movement;
use uuid::Uuid;

use super::TrackerTx;
use crate::trains::en_route;
use crate::StoreError;

/// One event to claim.
#[derive(Debug, Clone)]
pub struct NewTelematicsEvent<'a> {
    /// The provider, as the gateway authenticated it.
    pub provider: &'a str,
    /// The provider's id.
    pub event_id: &'a str,
    /// `position` or `seal`.
    pub kind: &'a str,
    /// The vehicle's registration or the seal's number.
    pub subject: &'a str,
    /// When it happened.
    pub event_time: DateTime<Utc>,
    /// When the gateway took it.
    pub received_at: DateTime<Utc>,
    /// Where.
    pub latitude: f64,
    /// Where.
    pub longitude: f64,
    /// The record as the gateway wrote it.
    pub event: &'a serde_json::Value,
}

/// A conclusion to keep.
#[derive(Debug, Clone)]
pub struct NewEffect<'a> {
    /// Its id.
    pub id: Uuid,
    /// The movement.
    pub mrn: &'a str,
    /// Its kind (`passage`, `seal-breach`…).
    pub kind: &'a str,
    /// The office it concerns, if any.
    pub office: Option<&'a str>,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The conclusion as JSON.
    pub effect: serde_json::Value,
}

impl TrackerTx {
    /// Stores the events not stored yet (outcome `unmatched` until settled): whether each was
    /// new, in order. A repeated id — a provider's retry, a gateway's redelivery — is not.
    pub async fn claim_telematics_events(
        &mut self,
        events: &[NewTelematicsEvent<'_>],
    ) -> Result<Vec<bool>, StoreError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let providers: Vec<&str> = events.iter().map(|e| e.provider).collect();
        let ids: Vec<&str> = events.iter().map(|e| e.event_id).collect();
        let kinds: Vec<&str> = events.iter().map(|e| e.kind).collect();
        let subjects: Vec<&str> = events.iter().map(|e| e.subject).collect();
        let times: Vec<DateTime<Utc>> = events.iter().map(|e| e.event_time).collect();
        let received: Vec<DateTime<Utc>> = events.iter().map(|e| e.received_at).collect();
        let lats: Vec<f64> = events.iter().map(|e| e.latitude).collect();
        let lons: Vec<f64> = events.iter().map(|e| e.longitude).collect();
        let json: Vec<serde_json::Value> = events.iter().map(|e| e.event.clone()).collect();
        let new: Vec<(String, String)> = sqlx::query_as(
            "INSERT INTO telematics_events
                 (provider, event_id, kind, subject, event_time, received_at, outcome, latitude, longitude, event)
             SELECT p, i, k, s, t, r, 'unmatched', la, lo, e
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
                         $6::timestamptz[], $7::float8[], $8::float8[], $9::jsonb[])
                 AS u(p, i, k, s, t, r, la, lo, e)
             ON CONFLICT (provider, event_id) DO NOTHING
             RETURNING provider, event_id",
        )
        .bind(&providers)
        .bind(&ids)
        .bind(&kinds)
        .bind(&subjects)
        .bind(&times)
        .bind(&received)
        .bind(&lats)
        .bind(&lons)
        .bind(&json)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(StoreError::db("storing telematics events"))?;
        let mut seen = std::collections::HashSet::new();
        Ok(events
            .iter()
            .map(|e| {
                let key = (e.provider.to_owned(), e.event_id.to_owned());
                new.contains(&key) && seen.insert(key)
            })
            .collect())
    }

    /// The movement on the road (not yet arrived) that carries the seal `seal`, or whose
    /// vehicle is `vehicle`: the latest released. (A movement already arrived is returned when
    /// none is on the road, so events after tracking ended are told apart from unmatched ones.)
    /// Not locked: what serializes a movement's tracking is its track row
    /// ([`TrackerTx::track_for_update`]).
    pub async fn tracked_movement(
        &mut self,
        seal: Option<&str>,
        vehicle: Option<&str>,
    ) -> Result<Option<Movement>, StoreError> {
        let states = en_route();
        let row: Option<(sqlx::types::Json<Movement>,)> = sqlx::query_as(
            "SELECT document FROM movement_documents
             WHERE ($1::text IS NOT NULL AND seals @> jsonb_build_array($1::text))
                OR ($2::text IS NOT NULL AND vehicle = $2)
             ORDER BY (state = ANY($3)) DESC, created_at DESC
             LIMIT 1",
        )
        .bind(seal)
        .bind(vehicle)
        .bind(&states)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(StoreError::db("finding a tracked movement"))?;
        Ok(row.map(|(m,)| m.0))
    }

    /// A movement's track, locked until the transaction ends (`{}` when it was not tracked
    /// yet: the row is made first, so two trackers applying events of one movement — a seal's
    /// and a vehicle's, on different partitions — take turns on it instead of both writing a
    /// new track; a deadlock between them is transient and the batch is retried).
    pub async fn track_for_update(
        &mut self,
        mrn: &str,
        now: DateTime<Utc>,
    ) -> Result<serde_json::Value, StoreError> {
        sqlx::query(
            "INSERT INTO telematics_tracks (mrn, track, updated_at) VALUES ($1, '{}', $2)
             ON CONFLICT (mrn) DO NOTHING",
        )
        .bind(mrn)
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("making a track"))?;
        sqlx::query_scalar("SELECT track FROM telematics_tracks WHERE mrn = $1 FOR UPDATE")
            .bind(mrn)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(StoreError::db("reading a track"))
    }

    /// Keeps a movement's track, with where the truck was last.
    pub async fn keep_track(
        &mut self,
        mrn: &str,
        track: &serde_json::Value,
        last: Option<(DateTime<Utc>, f64, f64)>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO telematics_tracks (mrn, track, last_at, latitude, longitude, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (mrn) DO UPDATE SET track = $2, last_at = $3, latitude = $4,
                 longitude = $5, updated_at = $6",
        )
        .bind(mrn)
        .bind(track)
        .bind(last.map(|l| l.0))
        .bind(last.map(|l| l.1))
        .bind(last.map(|l| l.2))
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("keeping a track"))?;
        Ok(())
    }

    /// Every event applied to a movement (to rebuild its track when one arrives late).
    pub async fn applied_telematics_events(
        &mut self,
        mrn: &str,
    ) -> Result<Vec<serde_json::Value>, StoreError> {
        sqlx::query_scalar(
            "SELECT event FROM telematics_events WHERE mrn = $1 AND outcome = 'applied'",
        )
        .bind(mrn)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(StoreError::db("reading a movement's telematics events"))
    }

    /// Records an event's fate and movement.
    pub async fn settle_telematics_event(
        &mut self,
        provider: &str,
        event_id: &str,
        mrn: Option<&str>,
        outcome: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE telematics_events SET mrn = $3, outcome = $4 WHERE provider = $1 AND event_id = $2",
        )
        .bind(provider)
        .bind(event_id)
        .bind(mrn)
        .bind(outcome)
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("settling a telematics event"))?;
        Ok(())
    }

    /// Keeps the conclusions not kept yet: the ids of those that were new.
    pub async fn keep_effects(
        &mut self,
        effects: &[NewEffect<'_>],
        now: DateTime<Utc>,
    ) -> Result<Vec<Uuid>, StoreError> {
        if effects.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = effects.iter().map(|e| e.id).collect();
        let mrns: Vec<&str> = effects.iter().map(|e| e.mrn).collect();
        let kinds: Vec<&str> = effects.iter().map(|e| e.kind).collect();
        let offices: Vec<Option<&str>> = effects.iter().map(|e| e.office).collect();
        let ats: Vec<DateTime<Utc>> = effects.iter().map(|e| e.at).collect();
        let json: Vec<serde_json::Value> = effects.iter().map(|e| e.effect.clone()).collect();
        sqlx::query_scalar(
            "INSERT INTO telematics_effects (id, mrn, kind, office, at, effect, recorded_at)
             SELECT i, m, k, o, a, e, $7
             FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[])
                 AS u(i, m, k, o, a, e)
             ON CONFLICT (id) DO NOTHING
             RETURNING id",
        )
        .bind(&ids)
        .bind(&mrns)
        .bind(&kinds)
        .bind(&offices)
        .bind(&ats)
        .bind(&json)
        .bind(now)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(StoreError::db("keeping telematics conclusions"))
    }
}
