//! A year of traffic in the tracker's tables, for measuring whether the write path slows down
//! as data grows: the rows the tracker itself wrote for a run of real traffic (its movements,
//! events, inbox claims and outbox records) written again and again under fresh keys — each
//! copy's movements under new random MRNs, its events, claims and records under new random
//! UUIDs, its times spread over the past year, its outbox records published — until the
//! schema holds the movements of a year. Every table grows as traffic grows it, and every
//! index sees keys as scattered as real ones (not copies of one row under counting keys).

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::StoreError;

/// What a grown schema holds.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Stored {
    /// Movements.
    pub movements: u64,
    /// Event log entries.
    pub events: u64,
    /// Inbox claims.
    pub inbox: u64,
    /// Outbox records.
    pub outbox: u64,
}

impl Stored {
    /// "100020 movements, 316730 events, 316730 inbox claims, 633460 outbox records".
    pub fn describe(&self) -> String {
        format!(
            "{} movements, {} events, {} inbox claims, {} outbox records",
            self.movements, self.events, self.inbox, self.outbox
        )
    }
}

/// A copy's key for the MRN in `column`: the same in every table (the movement, its events,
/// its outbox records), and different in each copy (`$2` names the copy).
fn fresh_mrn(column: &str) -> String {
    format!("left({column}, 4) || upper(substr(md5({column} || ':' || $2), 1, 14))")
}

/// A random age within the past year, at least a day (so a copy is never taken for the
/// template again).
const AGE: &str = "make_interval(secs => 86400 + random() * 364 * 86400)";

/// One copy of the template: every row the tracker wrote since `$1`, under fresh keys, as
/// (what is copied, the statement).
fn copy_statements() -> [(&'static str, String); 5] {
    [
        (
            "copying movements",
            format!(
                "INSERT INTO movements
                 SELECT (jsonb_populate_record(NULL::movements, to_jsonb(m) || jsonb_build_object(
                            'mrn', n.mrn,
                            'movement', m.movement || jsonb_build_object('mrn', n.mrn),
                            'created_at', m.created_at - n.age,
                            'updated_at', m.updated_at - n.age))).*
                 FROM movements m
                 CROSS JOIN LATERAL (SELECT {} AS mrn, {AGE} AS age) n
                 WHERE m.created_at >= $1
                 ON CONFLICT (mrn) DO NOTHING",
                fresh_mrn("m.mrn")
            ),
        ),
        (
            "copying declarations",
            format!(
                "INSERT INTO movement_declarations (mrn, declaration)
                 SELECT {}, d.declaration
                 FROM movement_declarations d JOIN movements m USING (mrn)
                 WHERE m.created_at >= $1
                 ON CONFLICT (mrn) DO NOTHING",
                fresh_mrn("d.mrn")
            ),
        ),
        (
            "copying the event log",
            format!(
                "INSERT INTO movement_events (mrn, message_id, message_type, sender, event_time, received_at,
                                              outcome, state_after, error_code, reason, message, topic, risk)
                 SELECT {}, gen_random_uuid(), e.message_type, e.sender, e.event_time - n.age,
                        e.received_at - n.age, e.outcome, e.state_after, e.error_code, e.reason,
                        e.message, e.topic, e.risk
                 FROM movement_events e
                 CROSS JOIN LATERAL (SELECT {AGE} AS age) n
                 WHERE e.received_at >= $1",
                fresh_mrn("e.mrn")
            ),
        ),
        (
            "copying inbox claims",
            format!(
                "INSERT INTO inbox (sender_country, message_id, content_hash, received_at, first_read)
                 SELECT i.sender_country, gen_random_uuid(), i.content_hash, i.received_at - {AGE},
                        i.first_read
                 FROM inbox i WHERE i.received_at >= $1 AND $2 <> ''"
            ),
        ),
        (
            "copying outbox records",
            format!(
                "INSERT INTO outbox (message_id, topic, record_key, headers, payload, created_at, published_at)
                 SELECT gen_random_uuid(), o.topic, {}, o.headers, o.payload, o.created_at - n.age,
                        o.created_at - n.age + interval '1 second'
                 FROM outbox o
                 CROSS JOIN LATERAL (SELECT {AGE} AS age) n
                 WHERE o.created_at >= $1",
                fresh_mrn("o.record_key")
            ),
        ),
    ]
}

/// Grows the tracker's schema (the pool's) until it holds `movements` movements, copying what
/// the tracker wrote since `since` (its template run), one copy per transaction, calling
/// `progress` with the movements held after each. Returns what the schema then holds.
pub async fn grow_to_a_year(
    pool: &PgPool,
    since: DateTime<Utc>,
    movements: u64,
    mut progress: impl FnMut(u64),
) -> Result<Stored, StoreError> {
    let (template,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM movements WHERE created_at >= $1")
            .bind(since)
            .fetch_one(pool)
            .await
            .map_err(StoreError::db("counting the template's movements"))?;
    let template = u64::try_from(template).unwrap_or(0);
    if template == 0 {
        return Err(StoreError::Settings(
            "a year of traffic is copied from a run of real traffic: none was found since the given time".into(),
        ));
    }
    // The event log's months of the past year, as a tracker running all year would have
    // made them (the copies' events are up to a year old).
    let now = Utc::now();
    crate::tracker::event_months::ensure(pool, now - chrono::Duration::days(367), now).await?;
    let mut held = stored(pool).await?.movements;
    let statements = copy_statements();
    let mut copy = 0_u64;
    while held < movements {
        copy += 1;
        let mut tx = pool
            .begin()
            .await
            .map_err(StoreError::db("starting a copy of the template"))?;
        for (what, sql) in &statements {
            sqlx::query(sql)
                .bind(since)
                .bind(format!("year-{copy}"))
                .execute(&mut *tx)
                .await
                .map_err(StoreError::db(what))?;
        }
        tx.commit()
            .await
            .map_err(StoreError::db("committing a copy of the template"))?;
        held += template;
        progress(held.min(movements));
    }
    sqlx::query("ANALYZE")
        .execute(pool)
        .await
        .map_err(StoreError::db("analysing the grown tables"))?;
    stored(pool).await
}

/// What the tracker's schema (the pool's) holds.
pub async fn stored(pool: &PgPool) -> Result<Stored, StoreError> {
    let (movements, events, inbox, outbox): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM movements), (SELECT count(*) FROM movement_events),
                (SELECT count(*) FROM inbox), (SELECT count(*) FROM outbox)",
    )
    .fetch_one(pool)
    .await
    .map_err(StoreError::db("counting what the schema holds"))?;
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    Ok(Stored {
        movements: n(movements),
        events: n(events),
        inbox: n(inbox),
        outbox: n(outbox),
    })
}
