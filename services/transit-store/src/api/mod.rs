//! The API's tables and queries: movement search and operator figures over the tracker's
//! tables, and officer actions; `accounts`: the API's own users, sessions, stream tickets and
//! audit log;
//! [`dead_letters`]: what the hub refused or set aside, and its replays; [`event_log`]: an
//! entry of the movement event log, as the lists below read it; [`fallbacks`]: periods
//! of unavailability and what happened in them; [`links`]: the national
//! links as their adapters last reported them; [`risk`]: each risk rule's figures;
//! [`subscriptions`]: traders' and guarantors' webhooks
//! and their notifications.

mod accounts;
pub mod dead_letters;
pub mod event_log;
pub mod fallbacks;
pub mod links;
pub mod rail;
pub mod risk;
pub mod subscriptions;
pub mod telematics;

pub use accounts::{AuditRow, NewUser, UserRow};

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{PgPool, Postgres, QueryBuilder};
use transit_lifecycle::{MovementState, MovementSummary};
use transit_model::{Mrn, OfficeRef};
use uuid::Uuid;

use crate::StoreError;
use transit_model::MessageType;

/// What to search movements by; every field is optional and they combine with AND.
#[derive(Clone, Debug, Default)]
pub struct SearchFilter {
    /// Movement state (`Released`, `Arrived`…).
    pub state: Option<MovementState>,
    /// Departure and destination offices of a corridor.
    pub endpoints: Option<(String, String)>,
    /// An office anywhere on the movement: departure, transit or destination.
    pub office: Option<String>,
    /// A country of departure or destination.
    pub country: Option<String>,
    /// Vehicle registration.
    pub vehicle: Option<String>,
    /// A container number.
    pub container: Option<String>,
    /// A seal number.
    pub seal: Option<String>,
    /// Received by the hub on or after.
    pub from: Option<DateTime<Utc>>,
    /// Received by the hub before.
    pub to: Option<DateTime<Utc>>,
}

/// One movement in a list, as its columns are read; [`SummaryRow::typed`] makes it the
/// [`MovementSummary`] callers get.
#[derive(sqlx::FromRow)]
struct SummaryRow {
    mrn: String,
    state: String,
    departure_office: String,
    destination_office: String,
    last_office: String,
    vehicle: Option<String>,
    arrival_time_limit: DateTime<Utc>,
    guarantee_amount: Option<String>,
    guarantee_currency: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl SummaryRow {
    /// The summary, with its identifiers and state parsed: a value that does not parse was
    /// written by hand or by a bug, and is refused as corrupt rather than shown.
    fn typed(self) -> Result<MovementSummary, StoreError> {
        let corrupt = |what: &str, value: &str| {
            StoreError::Corrupt(format!(
                "movement {}: {what} {value:?} does not parse",
                self.mrn
            ))
        };
        let office =
            |value: &str, what: &str| OfficeRef::parse(value).map_err(|_| corrupt(what, value));
        Ok(MovementSummary {
            mrn: Mrn::parse(&self.mrn).map_err(|_| corrupt("MRN", &self.mrn))?,
            state: MovementState::parse(&self.state)
                .ok_or_else(|| corrupt("state", &self.state))?,
            departure_office: office(&self.departure_office, "office of departure")?,
            destination_office: office(&self.destination_office, "office of destination")?,
            last_office: office(&self.last_office, "last office")?,
            vehicle: self.vehicle,
            arrival_time_limit: self.arrival_time_limit,
            guarantee_amount: self.guarantee_amount,
            guarantee_currency: self.guarantee_currency,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }

    fn all_typed(rows: Vec<Self>) -> Result<Vec<MovementSummary>, StoreError> {
        rows.into_iter().map(Self::typed).collect()
    }
}

const SUMMARY: &str = "SELECT mrn, state, departure_office, current_destination AS destination_office, last_office, vehicle,
     arrival_time_limit, guarantee_amount::text AS guarantee_amount, guarantee_currency, created_at, updated_at
     FROM movements";

/// Transit time between two consecutive offices of movements.
#[derive(Clone, Debug, sqlx::FromRow, PartialEq)]
pub struct LegRow {
    /// From this office (departure or transit).
    pub from_office: String,
    /// To this office (transit or destination).
    pub to_office: String,
    /// How many movements made the leg in the period.
    pub movements: i64,
    /// Median time, seconds.
    pub p50_seconds: f64,
    /// 90th percentile, seconds.
    pub p90_seconds: f64,
}

/// An officer action recorded under its idempotency key.
#[derive(Clone, Debug, sqlx::FromRow, PartialEq, Eq)]
pub struct ActionRow {
    /// The key's hash of the request, to tell a retry from a reuse.
    pub request_hash: Vec<u8>,
    /// The movement.
    #[sqlx(try_from = "String")]
    pub mrn: Mrn,
    /// The message it produced.
    pub message_id: Uuid,
    /// Its type.
    #[sqlx(try_from = "String")]
    pub message_type: MessageType,
    /// When the message was prepared (so a retry publishes exactly the same message); `None`
    /// for actions recorded before this was kept.
    pub prepared_at: Option<DateTime<Utc>>,
}

/// The API's access to PostgreSQL: the tracker's schema, and the audit log through its
/// insert-only role.
#[derive(Clone, Debug)]
pub struct ApiStore {
    pool: PgPool,
    audit: PgPool,
}

pub(super) fn db(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    StoreError::db(what)
}

impl ApiStore {
    /// Wraps a pool opened with [`crate::Component::Tracker`] and one opened with
    /// [`crate::connect_audit_writer`], through which every audit entry is written.
    pub fn new(pool: PgPool, audit: PgPool) -> Self {
        Self { pool, audit }
    }

    /// The network's reference data, in the same schema.
    pub fn reference(&self) -> crate::reference::ReferenceStore {
        crate::reference::ReferenceStore::new(self.pool.clone())
    }

    /// Records the pools' use as metrics.
    pub fn record_figures(&self) {
        crate::figures::record_pool("main", &self.pool);
        crate::figures::record_pool("audit", &self.audit);
    }

    /// Movements matching `filter`, newest first; `limit + 1` rows are read so the caller
    /// knows whether there is a next page.
    pub async fn search(
        &self,
        filter: &SearchFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<MovementSummary>, StoreError> {
        // A vehicle, container or seal matches a handful of rows: find them first, then sort.
        // Without the fence the planner may walk the created_at index backwards through the
        // whole table looking for them (its estimate for a jsonb @> is far too high).
        let selective =
            filter.vehicle.is_some() || filter.container.is_some() || filter.seal.is_some();
        let mut q: QueryBuilder<'_, Postgres> = QueryBuilder::new(if selective {
            "WITH found AS MATERIALIZED ("
        } else {
            ""
        });
        q.push(SUMMARY);
        q.push(" WHERE true");
        if let Some(state) = &filter.state {
            q.push(" AND state = ").push_bind(state.as_str());
        }
        if let Some((first, last)) = &filter.endpoints {
            q.push(" AND departure_office = ").push_bind(first.clone());
            q.push(" AND current_destination = ")
                .push_bind(last.clone());
        }
        if let Some(office) = &filter.office {
            q.push(" AND (departure_office = ")
                .push_bind(office.clone());
            q.push(" OR current_destination = ")
                .push_bind(office.clone());
            q.push(" OR route_offices @> ")
                .push_bind(serde_json::json!([office]))
                .push(")");
        }
        if let Some(country) = &filter.country {
            q.push(" AND (left(departure_office, 2) = ")
                .push_bind(country.clone());
            q.push(" OR left(current_destination, 2) = ")
                .push_bind(country.clone())
                .push(")");
        }
        if let Some(vehicle) = &filter.vehicle {
            q.push(" AND vehicle = ").push_bind(vehicle.clone());
        }
        if let Some(container) = &filter.container {
            q.push(" AND containers @> ")
                .push_bind(serde_json::json!([container]));
        }
        if let Some(seal) = &filter.seal {
            q.push(" AND seals @> ")
                .push_bind(serde_json::json!([seal]));
        }
        if let Some(from) = filter.from {
            q.push(" AND created_at >= ").push_bind(from);
        }
        if let Some(to) = filter.to {
            q.push(" AND created_at < ").push_bind(to);
        }
        if selective {
            q.push(") SELECT * FROM found");
        }
        q.push(" ORDER BY created_at DESC, mrn LIMIT ")
            .push_bind(limit + 1)
            .push(" OFFSET ")
            .push_bind(offset);
        let rows: Vec<SummaryRow> = q
            .build_query_as()
            .fetch_all(&self.pool)
            .await
            .map_err(db("searching movements"))?;
        SummaryRow::all_typed(rows)
    }

    /// One movement's summary.
    pub async fn summary(&self, mrn: &str) -> Result<Option<MovementSummary>, StoreError> {
        let row: Option<SummaryRow> = sqlx::query_as(&format!("{SUMMARY} WHERE mrn = $1"))
            .bind(mrn)
            .fetch_optional(&self.pool)
            .await
            .map_err(db("reading a movement"))?;
        row.map(SummaryRow::typed).transpose()
    }

    /// Movement counts by (departure, destination, state).
    pub async fn counts(&self) -> Result<Vec<(String, String, String, i64)>, StoreError> {
        sqlx::query_as(
            "SELECT departure_office, current_destination, state, count(*)
             FROM movements GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db("counting movements"))
    }

    /// Movements still open past their time limit, and arrived movements whose control result
    /// has not come within `control_within` of their arrival; most overdue first.
    pub async fn overdue(
        &self,
        now: DateTime<Utc>,
        control_within: chrono::Duration,
        limit: i64,
        country: Option<&str>,
    ) -> Result<Vec<MovementSummary>, StoreError> {
        let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
            "{SUMMARY} WHERE ((state IN ('Released', 'EnquiryRecommended', 'UnderEnquiry')
                              AND arrival_time_limit < $1)
                          OR (state = 'Arrived'
                              AND (movement ->> 'arrived_at')::timestamptz < $4))
               AND ($3::text IS NULL OR left(departure_office, 2) = $3 OR left(destination_office, 2) = $3)
             ORDER BY least(arrival_time_limit, (movement ->> 'arrived_at')::timestamptz) LIMIT $2"
        ))
        .bind(now)
        .bind(limit)
        .bind(country)
        .bind(now - control_within)
        .fetch_all(&self.pool)
        .await
        .map_err(db("listing overdue movements"))?;
        SummaryRow::all_typed(rows)
    }

    /// Time between consecutive offices (release → passage → … → arrival) for events in
    /// `[from, to)`, with the median and 90th percentile; with `country`, only the legs that
    /// start or end in it.
    pub async fn legs(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        country: Option<&str>,
    ) -> Result<Vec<LegRow>, StoreError> {
        sqlx::query_as(
            "WITH ev AS (
                 SELECT mrn, sender, event_time,
                        lag(sender) OVER w AS prev_sender, lag(event_time) OVER w AS prev_time
                 FROM movement_events
                 WHERE outcome = 'accepted' AND message_type IN ('IE029', 'IE118', 'IE006')
                   AND event_time >= $1 AND event_time < $2
                 WINDOW w AS (PARTITION BY mrn ORDER BY event_time, seq))
             SELECT prev_sender AS from_office, sender AS to_office, count(*) AS movements,
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM event_time - prev_time))::float8 AS p50_seconds,
                    percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM event_time - prev_time))::float8 AS p90_seconds
             FROM ev WHERE prev_sender IS NOT NULL
               AND ($3::text IS NULL OR left(prev_sender, 2) = $3 OR left(sender, 2) = $3)
             GROUP BY 1, 2 ORDER BY 1, 2",
        )
        .bind(from)
        .bind(to)
        .bind(country)
        .fetch_all(&self.pool)
        .await
        .map_err(db("measuring legs"))
    }

    /// Sum of guarantees on open movements by country and currency: a movement counts in every
    /// country of its route (departure, transit, the declared destination it was diverted
    /// from, destination), once per country, since the guarantee covers the duties of each.
    pub async fn exposure(&self) -> Result<Vec<(String, String, String, i64)>, StoreError> {
        sqlx::query_as(
            "SELECT route.country, coalesce(m.guarantee_currency, ''),
                    coalesce(sum(m.guarantee_amount), 0)::text, count(*)
             FROM movements m
             CROSS JOIN LATERAL (
                 SELECT left(m.departure_office, 2) AS country
                 UNION SELECT left(o, 2)
                       FROM jsonb_array_elements_text(coalesce(m.route_offices, '[]'::jsonb)) o
                 UNION SELECT left(m.movement ->> 'diverted_from', 2)
                       WHERE m.movement ->> 'diverted_from' IS NOT NULL
                 UNION SELECT left(coalesce(m.current_destination, m.destination_office), 2)
             ) route
             WHERE m.state NOT IN ('WrittenOff', 'Cancelled')
             GROUP BY 1, 2 ORDER BY 1, 2",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db("summing guarantees"))
    }

    /// Where the event log ends: the cursor live updates start from.
    pub async fn latest_change(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM movement_events")
            .fetch_one(&self.pool)
            .await
            .map_err(db("finding the end of the event log"))
    }

    /// Movements changed by the accepted events after `cursor` (a place in the event log), at
    /// most `limit` events read, oldest change first: the cursor to read on from, and each
    /// movement with its latest change's place, so that a row that does not parse (its error
    /// in place of its summary) is passed over rather than holding back every change after
    /// it. Every change of a movement is logged as an event (the tracker's batches and its
    /// timer alike), and the log's primary key finds them: the movements table keeps no index
    /// on its change time, which would cost every event an entry in every one of its indexes.
    pub async fn changed_since(
        &self,
        cursor: i64,
        limit: i64,
    ) -> Result<(i64, Vec<(i64, Result<MovementSummary, StoreError>)>), StoreError> {
        let events: Vec<(String, i64)> = sqlx::query_as(
            "SELECT mrn, seq FROM movement_events WHERE seq > $1 AND outcome = 'accepted'
             ORDER BY seq LIMIT $2",
        )
        .bind(cursor)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db("reading changes"))?;
        let next = events.iter().map(|(_, seq)| *seq).max().unwrap_or(cursor);
        let mut latest: HashMap<String, i64> = HashMap::new();
        for (mrn, seq) in events {
            latest.insert(mrn, seq);
        }
        let mrns: Vec<&str> = latest.keys().map(String::as_str).collect();
        let rows: Vec<SummaryRow> = sqlx::query_as(&format!("{SUMMARY} WHERE mrn = ANY($1)"))
            .bind(&mrns)
            .fetch_all(&self.pool)
            .await
            .map_err(db("reading changes"))?;
        let mut changed: Vec<(i64, Result<MovementSummary, StoreError>)> = rows
            .into_iter()
            .map(|row| (latest.get(&row.mrn).copied().unwrap_or(next), row.typed()))
            .collect();
        changed.sort_by_key(|(seq, _)| *seq);
        Ok((next, changed))
    }

    /// The action a user already took under `key`.
    pub async fn action(&self, user_id: i64, key: &str) -> Result<Option<ActionRow>, StoreError> {
        sqlx::query_as(
            "SELECT request_hash, mrn, message_id, message_type, prepared_at FROM officer_actions
             WHERE user_id = $1 AND idempotency_key = $2",
        )
        .bind(user_id)
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(db("reading an action"))
    }

    /// Reserves `key` for an action before its message is published; `false` if the key was
    /// taken (by an earlier or a concurrent request: read it with [`ApiStore::action`]).
    pub async fn reserve_action(
        &self,
        user_id: i64,
        key: &str,
        action: &ActionRow,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO officer_actions (user_id, idempotency_key, request_hash, mrn, message_id, message_type, prepared_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(key)
        .bind(&action.request_hash)
        .bind(action.mrn.as_str())
        .bind(action.message_id)
        .bind(action.message_type.code())
        .bind(action.prepared_at)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db("reserving an action's key"))?;
        Ok(done.rows_affected() == 1)
    }
}

impl ApiStore {
    /// Appends entries to the disclosure register (reads of movements by other countries).
    pub async fn record_disclosures(
        &self,
        entries: &[transit_lifecycle::Disclosure],
    ) -> Result<(), StoreError> {
        crate::disclosures::record(&self.pool, entries).await
    }

    /// The register's rows `filter` selects, oldest first.
    pub async fn disclosures(
        &self,
        filter: &crate::disclosures::DisclosureFilter,
    ) -> Result<Vec<crate::disclosures::DisclosureRow>, StoreError> {
        crate::disclosures::list(&self.pool, filter).await
    }
}
