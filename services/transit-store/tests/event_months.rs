//! The event log by month (migration 0028), on the local stack's PostgreSQL: a log written
//! before the migration comes through it whole, each row in its month and the sequence going
//! on; a row no month holds lands in the default partition instead of failing; months are made
//! ahead, and not over rows the default already holds; an entry cannot be changed; the disk
//! figure counts the partitioned log as one table; the bench's undoing of the step leaves the
//! plain table it replaced.

use std::borrow::Cow;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use transit_store::{Component, DatabaseSettings, PgPool};
use transit_testkit::Isolated;

async fn bare_pool(test: &Isolated, role: &str) -> PgPool {
    let schema = test.schema(role);
    let options = PgConnectOptions::from_str(&Isolated::database_url())
        .unwrap()
        .options([("search_path", schema.as_str())]);
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
        .expect("the local stack's PostgreSQL (deploy/local/infra-up)");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&pool)
        .await
        .unwrap();
    pool
}

async fn migrated(test: &Isolated, role: &str) -> PgPool {
    let settings: DatabaseSettings =
        serde_json::from_value(test.database(role)).expect("the test's [database] section");
    transit_store::connect(&settings, Component::Tracker)
        .await
        .expect("migrating")
}

async fn log_at(pool: &PgPool, mrn: &str, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO movement_events (mrn, message_id, message_type, sender, event_time, received_at, outcome, message)
         VALUES ($1, gen_random_uuid(), 'IE029', 'CIABJ001', $2, $2, 'accepted', '{}')",
    )
    .bind(mrn)
    .bind(at)
    .execute(pool)
    .await
    .map(|_| ())
}

/// Where each MRN's rows are: (mrn, seq, partition).
async fn placed(pool: &PgPool) -> Vec<(String, i64, String)> {
    sqlx::query_as("SELECT mrn, seq, tableoid::regclass::text FROM movement_events ORDER BY seq")
        .fetch_all(pool)
        .await
        .unwrap()
}

fn month_of(at: DateTime<Utc>) -> String {
    at.format("movement_events_%Y_%m").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_written_before_the_migration_comes_through_it_whole_each_row_in_its_month() {
    let test = Isolated::new("em");
    let pool = bare_pool(&test, "tracker").await;
    let mut before = sqlx::migrate!("./migrations/tracker");
    before.migrations = Cow::Owned(
        before
            .migrations
            .iter()
            .filter(|m| m.version < 28)
            .cloned()
            .collect(),
    );
    before.run(&pool).await.unwrap();
    let now = Utc::now();
    let long_ago = now - Duration::days(400);
    let last_month = now - Duration::days(31);
    for (mrn, at) in [("A", long_ago), ("B", last_month), ("C", now)] {
        log_at(&pool, mrn, at).await.unwrap();
    }
    let written = placed(&pool).await;

    let pool = migrated(&test, "tracker").await;
    let after = placed(&pool).await;
    let expected: Vec<(String, i64, String)> = written
        .iter()
        .zip([long_ago, last_month, now])
        .map(|((mrn, seq, _), at)| (mrn.clone(), *seq, month_of(at)))
        .collect();
    assert_eq!(
        after, expected,
        "every row kept, with its seq, in its month"
    );
    // The sequence goes on after the rows that came through.
    log_at(&pool, "D", now).await.unwrap();
    let last = placed(&pool).await.pop().unwrap();
    assert!(last.1 > written.last().unwrap().1, "{last:?}");
    // This month and the next were made.
    let next = month_of(now + Duration::days(32));
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'movement_events'::regclass ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(tables.contains(&next), "{tables:?}");
    assert!(
        tables.contains(&"movement_events_default".to_owned()),
        "{tables:?}"
    );
    transit_store::drop_schema(&pool, &test.schema("tracker"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn months_are_made_ahead_a_row_no_month_holds_is_kept_and_no_entry_changes() {
    let test = Isolated::new("ep");
    let pool = migrated(&test, "tracker").await;
    let store = transit_store::tracker::TrackerStore::new(pool.clone());
    let now = Utc::now();
    let far = now + Duration::days(130);
    // No month for it yet: the default partition takes it.
    log_at(&pool, "FAR", far)
        .await
        .expect("a row no month holds is not refused");
    assert_eq!(placed(&pool).await[0].2, "movement_events_default");
    // Made ahead: the months up to 70 days on (far's is at least a month later), but not far's
    // month: the default already holds a row of it.
    let made = store
        .ensure_event_months(now, now + Duration::days(70))
        .await
        .unwrap();
    assert!(
        made.contains(&month_of(now + Duration::days(64))),
        "{made:?}"
    );
    assert!(
        store
            .ensure_event_months(now, now)
            .await
            .unwrap()
            .is_empty(),
        "made twice"
    );
    let refused = store.ensure_event_months(far, far).await.unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("making a month of the event log"),
        "{refused}"
    );
    // Made months take their rows.
    log_at(&pool, "SOON", now + Duration::days(64))
        .await
        .unwrap();
    assert_eq!(placed(&pool).await[1].2, month_of(now + Duration::days(64)));
    // Append-only: no change; whole movements may leave (archive, a class's reset).
    let changed = sqlx::query("UPDATE movement_events SET reason = 'rewritten'")
        .execute(&pool)
        .await
        .unwrap_err();
    assert!(changed.to_string().contains("append-only"), "{changed}");
    sqlx::query("DELETE FROM movement_events WHERE mrn = 'SOON'")
        .execute(&pool)
        .await
        .unwrap();
    // The disk figure: the partitioned log is one table.
    let tables = transit_store::baseline::schema_bytes(&pool, &test.schema("tracker"))
        .await
        .unwrap();
    let names: Vec<&str> = tables.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        names
            .iter()
            .filter(|t| t.starts_with("movement_events"))
            .count(),
        1,
        "{names:?}"
    );
    assert!(names.contains(&"movement_events"), "{names:?}");
    transit_store::drop_schema(&pool, &test.schema("tracker"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bench_undoes_the_step_to_the_plain_log_it_replaced() {
    let test = Isolated::new("eu");
    let pool = migrated(&test, "tracker").await;
    log_at(&pool, "KEPT", Utc::now()).await.unwrap();
    let last = transit_store::baseline::NARROWING_STEPS.len() - 1;
    assert_eq!(
        transit_store::baseline::NARROWING_STEPS[last].0,
        "0028_event_log_by_month"
    );
    transit_store::baseline::undo_narrowing(&pool, last)
        .await
        .unwrap();
    let kind: String = sqlx::query_scalar(
        "SELECT relkind::text FROM pg_class WHERE oid = 'movement_events'::regclass",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(kind, "r", "a plain table again");
    log_at(&pool, "NEW", Utc::now()).await.unwrap();
    let rows = placed(&pool).await;
    assert_eq!(rows.len(), 2);
    assert!(rows[1].1 > rows[0].1, "the sequence goes on: {rows:?}");
    transit_store::drop_schema(&pool, &test.schema("tracker"))
        .await
        .unwrap();
}
