//! What risk scoring reads and writes across movements: for the movements of a batch, the
//! network facts (one statement per batch) and what the batch adds to each rule's figures;
//! the corridor's leg times (read every few minutes, kept for the API's anomalies).

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

/// What identifies a movement's vehicle, guarantee and traders, and what it holds itself of
/// them as stored before the batch (so that it is not counted among the others).
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
    /// Whether it is stored, open, with this vehicle and guarantee (then counted in the
    /// totals read, and taken out of them).
    pub stored_open: bool,
    /// Its guarantee amount.
    pub amount: f64,
}

/// What one batch adds to one rule's figures.
#[derive(Debug, Clone, Copy)]
pub struct RuleCount<'a> {
    /// The rule's id.
    pub rule: &'a str,
    /// Its owner.
    pub owner: transit_risk::Owner,
    /// Movements it newly fired on.
    pub fired: i64,
    /// Movements it had fired on that were controlled at destination.
    pub controlled: i64,
    /// Of those, the ones where the control found discrepancies (B1).
    pub found: i64,
}

/// One row of the network facts' statement: a total for a vehicle or a guarantee, or one
/// flagged movement of a trader.
type NetworkRow = (
    String,
    String,
    i64,
    f64,
    Option<String>,
    Option<DateTime<Utc>>,
);

/// How far back a trader's flagged movements are read.
const FLAGGED_WITHIN_DAYS: i64 = 365;

impl TrackerTx {
    /// Adds to each rule's figures: how many movements it fired on, how many of those were
    /// controlled at destination, and in how many the control found something.
    pub async fn count_rules(&mut self, counts: &[RuleCount<'_>]) -> Result<(), StoreError> {
        if counts.is_empty() {
            return Ok(());
        }
        let rules: Vec<&str> = counts.iter().map(|c| c.rule).collect();
        let owners: Vec<String> = counts.iter().map(|c| c.owner.to_string()).collect();
        let fired: Vec<i64> = counts.iter().map(|c| c.fired).collect();
        let controlled: Vec<i64> = counts.iter().map(|c| c.controlled).collect();
        let found: Vec<i64> = counts.iter().map(|c| c.found).collect();
        sqlx::query(
            "INSERT INTO risk_rule_figures AS f (rule, owner, fired, controlled, found)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
             ON CONFLICT (rule, owner) DO UPDATE SET fired = f.fired + EXCLUDED.fired,
                 controlled = f.controlled + EXCLUDED.controlled, found = f.found + EXCLUDED.found",
        )
        .bind(&rules)
        .bind(&owners)
        .bind(&fired)
        .bind(&controlled)
        .bind(&found)
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("counting the risk rules' figures"))?;
        Ok(())
    }

    /// The network facts of each movement of `keys` at `now`, by MRN, from the movements as
    /// stored before this batch. The leg times are left for the caller (they are not in the
    /// database's rows but in the tracker's latest reading, [`TrackerStore::leg_times`]).
    ///
    /// One statement, each part an index lookup over the batch's distinct values — vehicles,
    /// guarantees (a guarantee may cover thousands of open movements: summed once), traders —
    /// rather than a subquery per movement.
    pub async fn network_facts(
        &mut self,
        keys: &[NetworkKey<'_>],
        now: DateTime<Utc>,
    ) -> Result<HashMap<String, NetworkFacts>, StoreError> {
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        fn distinct<'k>(keys: &[NetworkKey<'k>], f: fn(&NetworkKey<'k>) -> &'k str) -> Vec<String> {
            let mut values: Vec<String> = keys
                .iter()
                .map(|k| f(k).to_owned())
                .filter(|v| !v.is_empty())
                .collect();
            values.sort_unstable();
            values.dedup();
            values
        }
        let vehicles = distinct(keys, |k| k.vehicle);
        let guarantees = distinct(keys, |k| k.guarantee_reference);
        let mut parties = distinct(keys, |k| k.declarant);
        parties.extend(distinct(keys, |k| k.consignee));
        parties.sort_unstable();
        parties.dedup();
        let open: Vec<&str> = OPEN_STATES.iter().map(|s| s.as_str()).collect();
        let rows: Vec<NetworkRow> = sqlx::query_as(
            "SELECT 'vehicle', vehicle, count(*), 0::float8, NULL::text, NULL::timestamptz
             FROM movements WHERE vehicle = ANY($1) AND state = ANY($4) GROUP BY vehicle
             UNION ALL
             SELECT 'guarantee', guarantee_reference, count(*), coalesce(sum(guarantee_amount), 0)::float8,
                    NULL, NULL
             FROM movements WHERE guarantee_reference = ANY($2) AND state = ANY($4)
             GROUP BY guarantee_reference
             UNION ALL
             SELECT 'party', declarant, 0, 0, mrn, flagged_at FROM movements
             WHERE flagged_at IS NOT NULL AND declarant = ANY($3) AND flagged_at >= $5
             UNION ALL
             SELECT 'party', consignee, 0, 0, mrn, flagged_at FROM movements
             WHERE flagged_at IS NOT NULL AND consignee = ANY($3) AND flagged_at >= $5",
        )
        .bind(&vehicles)
        .bind(&guarantees)
        .bind(&parties)
        .bind(&open)
        .bind(now - chrono::Duration::days(FLAGGED_WITHIN_DAYS))
        .fetch_all(&mut *self.tx)
        .await
        .map_err(StoreError::db("reading the network facts for risk scoring"))?;
        let mut vehicle_open: HashMap<&str, i64> = HashMap::new();
        let mut exposure: HashMap<&str, f64> = HashMap::new();
        let mut flagged: HashMap<&str, Vec<(&str, DateTime<Utc>)>> = HashMap::new();
        for (kind, key, count, amount, mrn, at) in &rows {
            match (kind.as_str(), mrn, at) {
                ("vehicle", _, _) => {
                    vehicle_open.insert(key, *count);
                }
                ("guarantee", _, _) => {
                    exposure.insert(key, *amount);
                }
                (_, Some(mrn), Some(at)) => flagged.entry(key).or_default().push((mrn, *at)),
                _ => {}
            }
        }
        Ok(keys
            .iter()
            .map(|k| {
                let own = i64::from(k.stored_open);
                let last_flagged = [k.declarant, k.consignee]
                    .iter()
                    .filter(|p| !p.is_empty())
                    .flat_map(|p| flagged.get(p).into_iter().flatten())
                    .filter(|(mrn, _)| *mrn != k.mrn)
                    .map(|(_, at)| *at)
                    .max();
                let facts = NetworkFacts {
                    vehicle_open_elsewhere: (vehicle_open.get(k.vehicle).copied().unwrap_or(0)
                        - own)
                        .max(0),
                    guarantee_open_amount: (exposure
                        .get(k.guarantee_reference)
                        .copied()
                        .unwrap_or(0.0)
                        - if k.stored_open { k.amount } else { 0.0 })
                    .max(0.0),
                    trader_flagged_days: last_flagged.map_or(-1.0, |at| {
                        ((now - at).num_seconds() as f64 / 86_400.0).max(0.0)
                    }),
                    ..NetworkFacts::default()
                };
                (k.mrn.to_owned(), facts)
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
