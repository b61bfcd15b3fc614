//! Every index of the write path's tables is named in docs/performance.md with the query it
//! serves, and the page names no index those tables do not hold: an index added without a
//! reason, or one dropped while the page still defends it, fails here. On a schema migrated
//! from scratch on the local stack's PostgreSQL.

use std::collections::BTreeSet;

use transit_store::{Component, DatabaseSettings};
use transit_testkit::Isolated;

/// The tables every event writes.
const WRITE_PATH: [&str; 5] = [
    "movements",
    "movement_declarations",
    "movement_events",
    "inbox",
    "outbox",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_index_of_the_write_path_says_which_query_it_serves() {
    let test = Isolated::new("ix");
    let settings: DatabaseSettings =
        serde_json::from_value(test.database("tracker")).expect("the test's [database] section");
    let pool = transit_store::connect(&settings, Component::Tracker)
        .await
        .expect("the local stack's PostgreSQL (deploy/local/infra-up)");
    // The indexes of the tables themselves (a partitioned table's, not each month's copies).
    let held: BTreeSet<String> = sqlx::query_scalar(
        "SELECT i.relname::text FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1)",
    )
    .bind(&WRITE_PATH[..])
    .fetch_all(&pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    transit_store::drop_schema(&pool, &test.schema("tracker"))
        .await
        .unwrap();
    let page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/performance.md"),
    )
    .unwrap();
    let start = page
        .find("## The write path's indexes")
        .expect("the page's section on the write path's indexes");
    let section = &page[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let named: BTreeSet<String> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_owned)
        .collect();
    assert!(held.len() > 20, "{held:?}");
    let unexplained: Vec<&String> = held.difference(&named).collect();
    let gone: Vec<&String> = named.difference(&held).collect();
    assert!(
        unexplained.is_empty() && gone.is_empty(),
        "docs/performance.md does not say which query serves {unexplained:?}; it names indexes the tables do not hold: {gone:?}"
    );
}
