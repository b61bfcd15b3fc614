//! What the database can do without the tracker's logic: the baseline the tracker benchmark
//! measures itself against, in the same run and the same database, and [`year`]: a year of
//! traffic in the tracker's tables, to measure it against an empty schema.

use sqlx::PgPool;
use uuid::Uuid;

use crate::StoreError;

pub mod year;

/// What each step of the narrow write path changed, undone — applied to a scratch schema, the
/// tracker's figure before the step is measured in the same run as after it: the step's name
/// (its migration) and the statements.
pub const NARROWING_STEPS: [(&str, &str); 3] = [
    (
        "0025_narrow_movement_updates",
        "DROP INDEX movements_red;
         CREATE INDEX movements_updated ON movements (updated_at);
         CREATE INDEX movements_red ON movements (updated_at DESC) WHERE lane = 'red';
         ALTER TABLE movements SET (fillfactor = 100);",
    ),
    (
        "0026_declarations_apart",
        "DROP VIEW movement_documents;
         DROP TABLE movement_declarations;",
    ),
    (
        "0028_event_log_by_month",
        "ALTER TABLE movement_events RENAME TO movement_events_by_month;
         ALTER SEQUENCE movement_events_seq_seq OWNED BY NONE;
         CREATE TABLE movement_events
             (LIKE movement_events_by_month INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
         INSERT INTO movement_events SELECT * FROM movement_events_by_month;
         DROP TABLE movement_events_by_month;
         DROP FUNCTION movement_events_never_change();
         ALTER TABLE movement_events ADD PRIMARY KEY (seq);
         ALTER SEQUENCE movement_events_seq_seq OWNED BY movement_events.seq;
         CREATE INDEX movement_events_mrn ON movement_events (mrn, seq);
         CREATE INDEX movement_events_time ON movement_events (event_time) WHERE outcome = 'accepted';
         CREATE INDEX movement_events_refused ON movement_events (received_at DESC) WHERE outcome = 'rejected';
         CREATE INDEX movement_events_sender_time ON movement_events (sender, event_time);",
    ),
];

/// The step of [`NARROWING_STEPS`] that kept declarations apart: with it undone, the tracker
/// writes whole documents ([`crate::tracker::TrackerStore::writing_whole_documents`]).
pub const DECLARATIONS_APART_STEP: usize = 1;

/// Undoes the narrow write path's steps from `step` on in the pool's schema (a scratch one):
/// the tables as they were before it.
pub async fn undo_narrowing(pool: &PgPool, step: usize) -> Result<(), StoreError> {
    for (_, statements) in NARROWING_STEPS.iter().skip(step).rev() {
        sqlx::raw_sql(statements)
            .execute(pool)
            .await
            .map_err(StoreError::db("undoing a step of the narrow write path"))?;
    }
    Ok(())
}

/// Creates `plain_events` in the pool's schema and inserts `rows` into it, `batch` rows per
/// transaction, one multi-row INSERT each — durable like the tracker's batches.
pub async fn insert_plain_rows(
    pool: &PgPool,
    rows: &[(String, Uuid, serde_json::Value)],
    batch: usize,
) -> Result<(), StoreError> {
    sqlx::query("CREATE TABLE IF NOT EXISTS plain_events (mrn text NOT NULL, message_id uuid PRIMARY KEY, message jsonb NOT NULL)")
        .execute(pool)
        .await
        .map_err(StoreError::db("creating plain_events"))?;
    for chunk in rows.chunks(batch.max(1)) {
        let mrns: Vec<&str> = chunk.iter().map(|(m, _, _)| m.as_str()).collect();
        let ids: Vec<Uuid> = chunk.iter().map(|(_, id, _)| *id).collect();
        let messages: Vec<sqlx::types::Json<&serde_json::Value>> =
            chunk.iter().map(|(_, _, v)| sqlx::types::Json(v)).collect();
        let mut tx = pool
            .begin()
            .await
            .map_err(StoreError::db("starting a transaction"))?;
        sqlx::query(
            "INSERT INTO plain_events SELECT * FROM UNNEST($1::text[], $2::uuid[], $3::jsonb[])",
        )
        .bind(&mrns)
        .bind(&ids)
        .bind(&messages)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db("inserting plain rows"))?;
        tx.commit()
            .await
            .map_err(StoreError::db("committing plain rows"))?;
    }
    Ok(())
}

/// The server's `synchronous_commit` setting, so a benchmark can print what it measured.
pub async fn synchronous_commit(pool: &PgPool) -> Result<String, StoreError> {
    let (value,): (String,) = sqlx::query_as("SHOW synchronous_commit")
        .fetch_one(pool)
        .await
        .map_err(StoreError::db("reading synchronous_commit"))?;
    Ok(value)
}

/// The server's version, so a benchmark can say what it measured on.
pub async fn server_version(pool: &PgPool) -> Result<String, StoreError> {
    let (value,): (String,) = sqlx::query_as("SHOW server_version")
        .fetch_one(pool)
        .await
        .map_err(StoreError::db("reading server_version"))?;
    Ok(value)
}

/// What schema `schema` holds on disk, by table, largest first: each table with its indexes
/// and TOAST (`pg_total_relation_size`; a partitioned table with all its partitions) — the hot store a benchmark divides by the messages it
/// took, and where its bytes go.
pub async fn schema_bytes(pool: &PgPool, schema: &str) -> Result<Vec<(String, i64)>, StoreError> {
    sqlx::query_as(
        // A partitioned table (the event log, by month) as one: its partitions summed.
        "SELECT coalesce(r.relname, c.relname)::text, sum(pg_total_relation_size(c.oid))::bigint
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_class r ON r.oid = pg_partition_root(c.oid)
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')
         GROUP BY 1
         ORDER BY 2 DESC, 1",
    )
    .bind(schema)
    .fetch_all(pool)
    .await
    .map_err(StoreError::db("reading the schema's size"))
}

/// An event log row: `(mrn, id, type, sender, outcome, state, message, risk)`.
type EventRow = (
    String,
    Uuid,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
);

/// Every row the tracker wrote in a schema, as the client would send it: what
/// [`insert_same_rows`] writes again without the tracker's logic.
#[derive(Debug, Default)]
pub struct TrackerRows {
    inbox: Vec<(String, Uuid, Vec<u8>, String)>,
    /// `(mrn, state, departure, destination, limit, document, search columns…)` as text.
    movements: Vec<Vec<Option<String>>>,
    /// `(mrn, declaration)` as text.
    declarations: Vec<(String, String)>,
    events: Vec<EventRow>,
    outbox: Vec<(Uuid, String, String, String, Vec<u8>)>,
}

impl TrackerRows {
    /// How many events (the unit the tracker is measured in).
    pub fn events(&self) -> usize {
        self.events.len()
    }

    /// The outbox's records, in the order queued: (topic, key, payload).
    pub fn outbox(&self) -> impl Iterator<Item = (&str, &str, &[u8])> {
        self.outbox
            .iter()
            .map(|(_, topic, key, _, payload)| (topic.as_str(), key.as_str(), payload.as_slice()))
    }
}

const MOVEMENT_COLUMNS: &str = "mrn, state, departure_office, destination_office, \
    arrival_time_limit::text, movement::text, current_destination, route_offices::text, vehicle, \
    containers::text, seals::text, guarantee_amount::text, guarantee_currency, last_office, \
    risk::text, lane, guarantee_reference, declarant, consignee";

/// How many columns [`MOVEMENT_COLUMNS`] names.
const MOVEMENT_COLUMN_COUNT: usize = 19;

/// Reads back every row the tracker wrote in the pool's schema.
pub async fn read_tracker_rows(pool: &PgPool) -> Result<TrackerRows, StoreError> {
    let inbox = sqlx::query_as(
        "SELECT sender_country, message_id, content_hash, coalesce(first_read, '') FROM inbox ORDER BY received_at, message_id",
    )
    .fetch_all(pool)
    .await
    .map_err(StoreError::db("reading the inbox"))?;
    let rows = sqlx::query(&format!(
        "SELECT {MOVEMENT_COLUMNS} FROM movements ORDER BY mrn"
    ))
    .fetch_all(pool)
    .await
    .map_err(StoreError::db("reading movements"))?;
    let movements = rows
        .iter()
        .map(|row| {
            (0..MOVEMENT_COLUMN_COUNT)
                .map(|i| sqlx::Row::get::<Option<String>, _>(row, i))
                .collect()
        })
        .collect();
    let declarations =
        sqlx::query_as("SELECT mrn, declaration::text FROM movement_declarations ORDER BY mrn")
            .fetch_all(pool)
            .await
            .map_err(StoreError::db("reading declarations"))?;
    let events = sqlx::query_as(
        "SELECT mrn, message_id, message_type, sender, outcome, state_after, message::text, risk::text
         FROM movement_events ORDER BY seq",
    )
    .fetch_all(pool)
    .await
    .map_err(StoreError::db("reading the event log"))?;
    let outbox = sqlx::query_as(
        "SELECT message_id, topic, record_key, headers::text, payload FROM outbox ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .map_err(StoreError::db("reading the outbox"))?;
    Ok(TrackerRows {
        inbox,
        movements,
        declarations,
        events,
        outbox,
    })
}

/// Writes `rows` into the pool's (fresh, migrated) schema the way the tracker writes them —
/// the same tables, indexes and column types, `batch` events per transaction, one multi-row
/// statement per table — with nothing read and nothing decided: the database's limit for the
/// tracker's rows. Each transaction takes its share of inbox and outbox rows, upserts the
/// movements its events belong to and inserts the declarations of those it is the first to
/// write.
pub async fn insert_same_rows(
    pool: &PgPool,
    rows: &TrackerRows,
    batch: usize,
) -> Result<(), StoreError> {
    let batch = batch.max(1);
    let chunks = rows.events.len().div_ceil(batch).max(1);
    let share = |len: usize, i: usize| (len * i / chunks)..(len * (i + 1) / chunks);
    let by_mrn: std::collections::HashMap<&str, &Vec<Option<String>>> = rows
        .movements
        .iter()
        .filter_map(|m| m[0].as_deref().map(|mrn| (mrn, m)))
        .collect();
    let declaration_of: std::collections::HashMap<&str, &str> = rows
        .declarations
        .iter()
        .map(|(mrn, d)| (mrn.as_str(), d.as_str()))
        .collect();
    let mut declared = std::collections::HashSet::new();
    for i in 0..chunks {
        let events = &rows.events[share(rows.events.len(), i)];
        let inbox = &rows.inbox[share(rows.inbox.len(), i)];
        let outbox = &rows.outbox[share(rows.outbox.len(), i)];
        let mut mrns: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
        mrns.sort_unstable();
        mrns.dedup();
        let movements: Vec<&Vec<Option<String>>> =
            mrns.iter().filter_map(|m| by_mrn.get(m).copied()).collect();
        let mut tx = pool
            .begin()
            .await
            .map_err(StoreError::db("starting a transaction"))?;
        sqlx::query(
            "INSERT INTO inbox (sender_country, message_id, content_hash, received_at, first_read)
             SELECT c, m, h, now(), r FROM UNNEST($1::text[], $2::uuid[], $3::bytea[], $4::text[]) AS u(c, m, h, r)",
        )
        .bind(inbox.iter().map(|r| r.0.as_str()).collect::<Vec<_>>())
        .bind(inbox.iter().map(|r| r.1).collect::<Vec<_>>())
        .bind(inbox.iter().map(|r| r.2.as_slice()).collect::<Vec<_>>())
        .bind(inbox.iter().map(|r| r.3.as_str()).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db("inserting inbox rows"))?;
        let column =
            |k: usize| -> Vec<Option<&str>> { movements.iter().map(|m| m[k].as_deref()).collect() };
        sqlx::query(
            "INSERT INTO movements (mrn, state, departure_office, destination_office, arrival_time_limit,
                 movement, version, created_at, updated_at, current_destination, route_offices, vehicle,
                 containers, seals, guarantee_amount, guarantee_currency, last_office, risk, lane,
                 guarantee_reference, declarant, consignee)
             SELECT a, b, c, d, e::timestamptz, f::jsonb, 1, now(), now(), g, h::jsonb, i, j::jsonb,
                    k::jsonb, l::numeric, m, n, o::jsonb, p, q, r, s
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                 $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
                 $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[],
                 $19::text[]) AS u(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s)
             ON CONFLICT (mrn) DO UPDATE SET state = EXCLUDED.state, movement = EXCLUDED.movement,
                 version = movements.version + 1, updated_at = EXCLUDED.updated_at,
                 current_destination = EXCLUDED.current_destination,
                 route_offices = EXCLUDED.route_offices, vehicle = EXCLUDED.vehicle,
                 containers = EXCLUDED.containers, seals = EXCLUDED.seals,
                 guarantee_amount = EXCLUDED.guarantee_amount,
                 guarantee_currency = EXCLUDED.guarantee_currency, last_office = EXCLUDED.last_office,
                 risk = EXCLUDED.risk, lane = EXCLUDED.lane,
                 guarantee_reference = EXCLUDED.guarantee_reference,
                 declarant = EXCLUDED.declarant, consignee = EXCLUDED.consignee",
        )
        .bind(column(0)).bind(column(1)).bind(column(2)).bind(column(3)).bind(column(4))
        .bind(column(5)).bind(column(6)).bind(column(7)).bind(column(8)).bind(column(9))
        .bind(column(10)).bind(column(11)).bind(column(12)).bind(column(13)).bind(column(14))
        .bind(column(15)).bind(column(16)).bind(column(17)).bind(column(18))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db("upserting movement rows"))?;
        let (new_mrns, new_declarations): (Vec<&str>, Vec<&str>) = mrns
            .iter()
            .filter(|m| declared.insert(**m))
            .filter_map(|m| declaration_of.get(m).map(|d| (*m, *d)))
            .unzip();
        sqlx::query(
            "INSERT INTO movement_declarations (mrn, declaration)
             SELECT m, d::jsonb FROM UNNEST($1::text[], $2::text[]) AS u(m, d)",
        )
        .bind(&new_mrns)
        .bind(&new_declarations)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db("inserting declarations"))?;
        sqlx::query(
            "INSERT INTO movement_events (mrn, message_id, message_type, sender, event_time, received_at,
                                          outcome, state_after, message, risk)
             SELECT a, b, c, d, now(), now(), e, f, g::jsonb, h::jsonb
             FROM UNNEST($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                         $8::text[])
                 AS u(a, b, c, d, e, f, g, h)",
        )
        .bind(events.iter().map(|e| e.0.as_str()).collect::<Vec<_>>())
        .bind(events.iter().map(|e| e.1).collect::<Vec<_>>())
        .bind(events.iter().map(|e| e.2.as_str()).collect::<Vec<_>>())
        .bind(events.iter().map(|e| e.3.as_str()).collect::<Vec<_>>())
        .bind(events.iter().map(|e| e.4.as_str()).collect::<Vec<_>>())
        .bind(events.iter().map(|e| e.5.as_deref()).collect::<Vec<_>>())
        .bind(events.iter().map(|e| e.6.as_str()).collect::<Vec<_>>())
        .bind(events.iter().map(|e| e.7.as_deref()).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db("inserting event rows"))?;
        sqlx::query(
            "INSERT INTO outbox (message_id, topic, record_key, headers, payload, created_at)
             SELECT a, b, c, d::jsonb, e, now()
             FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bytea[]) AS u(a, b, c, d, e)",
        )
        .bind(outbox.iter().map(|r| r.0).collect::<Vec<_>>())
        .bind(outbox.iter().map(|r| r.1.as_str()).collect::<Vec<_>>())
        .bind(outbox.iter().map(|r| r.2.as_str()).collect::<Vec<_>>())
        .bind(outbox.iter().map(|r| r.3.as_str()).collect::<Vec<_>>())
        .bind(outbox.iter().map(|r| r.4.as_slice()).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db("inserting outbox rows"))?;
        tx.commit()
            .await
            .map_err(StoreError::db("committing the same rows"))?;
    }
    Ok(())
}

/// The deliveries an adapter stored after `after` (its `seq`), oldest first, at most 10,000:
/// `(seq, mrn, message type, when stored)`. The pool is on the adapter's schema. The pipeline
/// benchmark reads forward this way: a query by MRN would scan the table each time and load
/// the very database it measures.
pub async fn deliveries_after(
    pool: &PgPool,
    after: i64,
) -> Result<Vec<(i64, String, String, chrono::DateTime<chrono::Utc>)>, StoreError> {
    sqlx::query_as(
        "SELECT seq, mrn, message_type, received_at FROM deliveries WHERE seq > $1 ORDER BY seq LIMIT 10000",
    )
    .bind(after)
    .fetch_all(pool)
    .await
    .map_err(StoreError::db("reading deliveries"))
}

/// The last delivery's sequence number (0 when there is none): where the pipeline benchmark
/// starts reading, without reading what was there before it.
pub async fn last_delivery(pool: &PgPool) -> Result<i64, StoreError> {
    sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM deliveries")
        .fetch_one(pool)
        .await
        .map_err(StoreError::db("finding the last delivery"))
}

/// Marks the deliveries about `mrns` acknowledged (the pool is on an adapter's schema): the
/// pipeline benchmark's own movements, so that the national system it stood in for is not
/// handed them afterwards. Returns how many.
pub async fn acknowledge_deliveries(pool: &PgPool, mrns: &[String]) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE deliveries SET acked_at = now() WHERE mrn = ANY($1) AND acked_at IS NULL",
    )
    .bind(mrns)
    .execute(pool)
    .await
    .map_err(StoreError::db("acknowledging deliveries"))?;
    Ok(done.rows_affected())
}

/// The whole database's size on disk (bytes), and the movements and events of the tracker's
/// schema (the pool's): what a long run was measured on.
pub async fn database_held(pool: &PgPool) -> Result<(i64, i64, i64), StoreError> {
    sqlx::query_as(
        "SELECT pg_database_size(current_database()),
                (SELECT count(*) FROM movements), (SELECT count(*) FROM movement_events)",
    )
    .fetch_one(pool)
    .await
    .map_err(StoreError::db("reading what the database holds"))
}

/// How many movements the tracker's schema holds.
pub async fn movement_count(pool: &PgPool) -> Result<u64, StoreError> {
    let (all,): (i64,) = sqlx::query_as("SELECT count(*) FROM movements")
        .fetch_one(pool)
        .await
        .map_err(StoreError::db("counting movements"))?;
    Ok(u64::try_from(all).unwrap_or(0))
}
