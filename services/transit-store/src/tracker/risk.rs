//! What risk scoring reads across movements: for the movements of a batch, the network facts
//! (one statement per batch), and the corridor's leg times (read every few minutes).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use transit_lifecycle::MovementState;
use transit_risk::facts::LegTimes;
use transit_risk::NetworkFacts;

use super::{TrackerStore, TrackerTx};
use crate::StoreError;

/// The states of a movement still open: not discharged, recovered or cancelled.
pub const OPEN_STATES: [MovementState; 5] = [
    MovementState::Released,
    MovementState::EnquiryRecommended,
    MovementState::UnderEnquiry,
    MovementState::Arrived,
    MovementState::UnderDiscrepancy,
];

/// What identifies a movement's vehicle, guarantee and traders.
#[derive(Clone, Copy, Debug)]
pub struct NetworkKey<'a> {
    /// The movement.
    pub mrn: &'a str,
    /// Its vehicle's registration.
    pub vehicle: &'a str,
    /// Its guarantee reference.
    pub guarantee_reference: &'a str,
    /// Its declarant's identification number.
    pub declarant: &'a str,
    /// Its consignee's (empty if none).
    pub consignee: &'a str,
}

impl TrackerTx {
    /// The network facts of each movement of `keys` at `now`, by MRN, from the movements as
    /// stored before this batch. The leg times are left for the caller (they are not in the
    /// database's rows but in the tracker's latest reading, [`TrackerStore::leg_times`]).
    pub async fn network_facts(
        &mut self,
        keys: &[NetworkKey<'_>],
        now: DateTime<Utc>,
    ) -> Result<HashMap<String, NetworkFacts>, StoreError> {
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        fn column<'k>(keys: &[NetworkKey<'k>], f: fn(&NetworkKey<'k>) -> &'k str) -> Vec<&'k str> {
            keys.iter().map(f).collect()
        }
        let open: Vec<&str> = OPEN_STATES.iter().map(|s| s.as_str()).collect();
        let rows: Vec<(String, i64, f64, Option<f64>)> = sqlx::query_as(
            "SELECT k.mrn,
                    (SELECT count(*) FROM movements o
                      WHERE o.vehicle = k.vehicle AND o.mrn <> k.mrn AND o.state = ANY($6)),
                    (SELECT coalesce(sum(o.guarantee_amount), 0)::float8 FROM movements o
                      WHERE o.guarantee_reference = k.guarantee AND o.mrn <> k.mrn
                        AND o.state = ANY($6)),
                    (SELECT extract(epoch FROM $7 - max(o.flagged_at))::float8 / 86400 FROM movements o
                      WHERE o.flagged_at IS NOT NULL AND o.mrn <> k.mrn
                        AND (o.declarant IN (k.declarant, k.consignee)
                             OR o.consignee IN (k.declarant, k.consignee)))
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                 AS k(mrn, vehicle, guarantee, declarant, consignee)",
        )
        .bind(column(keys, |k| k.mrn))
        .bind(column(keys, |k| k.vehicle))
        .bind(column(keys, |k| k.guarantee_reference))
        .bind(column(keys, |k| k.declarant))
        .bind(column(keys, |k| k.consignee))
        .bind(&open)
        .bind(now)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(StoreError::db("reading the network facts for risk scoring"))?;
        Ok(rows
            .into_iter()
            .map(|(mrn, vehicles, exposure, flagged)| {
                let facts = NetworkFacts {
                    vehicle_open_elsewhere: vehicles,
                    guarantee_open_amount: exposure,
                    trader_flagged_days: flagged.map_or(-1.0, |d| d.max(0.0)),
                    ..NetworkFacts::default()
                };
                (mrn, facts)
            })
            .collect())
    }
}

impl TrackerStore {
    /// Every leg's 90th percentile time over the movements whose events the hub received since
    /// `since`: from the release, each border crossing and the arrival, in event time order.
    pub async fn leg_times(&self, since: DateTime<Utc>) -> Result<LegTimes, StoreError> {
        let rows: Vec<(String, String, f64, i64)> = sqlx::query_as(
            "WITH points AS (
                 SELECT mrn, sender, event_time FROM movement_events
                 WHERE outcome = 'accepted' AND message_type IN ('IE029', 'IE118', 'IE006')
                   AND received_at >= $1),
             legs AS (
                 SELECT lag(sender) OVER w AS from_office, sender AS to_office,
                        extract(epoch FROM event_time - lag(event_time) OVER w)::float8 / 3600 AS hours
                 FROM points WINDOW w AS (PARTITION BY mrn ORDER BY event_time))
             SELECT from_office, to_office,
                    percentile_cont(0.9) WITHIN GROUP (ORDER BY hours), count(*)
             FROM legs WHERE from_office IS NOT NULL AND from_office <> to_office
             GROUP BY from_office, to_office",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the corridor's leg times"))?;
        Ok(LegTimes::new(
            rows.into_iter()
                .map(|(from, to, p90, n)| ((from, to), (p90, n))),
        ))
    }

    /// Keeps `legs` as the leg times last read (replacing the ones before), for the API's
    /// anomalies.
    pub async fn keep_leg_times(
        &self,
        legs: &LegTimes,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (mut froms, mut tos, mut p90s, mut trips) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for ((from, to), (p90, n)) in legs.iter() {
            froms.push(from.as_str());
            tos.push(to.as_str());
            p90s.push(*p90);
            trips.push(*n);
        }
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::db("keeping the leg times"))?;
        sqlx::query("DELETE FROM risk_leg_times")
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db("keeping the leg times"))?;
        sqlx::query(
            "INSERT INTO risk_leg_times (from_office, to_office, p90_hours, trips, read_at)
             SELECT f, t, p, n, $5
             FROM UNNEST($1::text[], $2::text[], $3::float8[], $4::bigint[]) AS u(f, t, p, n)",
        )
        .bind(&froms)
        .bind(&tos)
        .bind(&p90s)
        .bind(&trips)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db("keeping the leg times"))?;
        tx.commit()
            .await
            .map_err(StoreError::db("keeping the leg times"))
    }
}
