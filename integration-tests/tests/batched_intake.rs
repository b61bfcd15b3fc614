//! The tracker's batched intake against PostgreSQL: a batch is decided in memory and written
//! with one statement per table, so these tests check what that must not change.
//!
//! - Whole journeys in one batch give exactly what the same records give one per batch: the
//!   same movements, versions, event log and outbox.
//! - The search columns the tracker now writes (migration 0011) hold what the former generated
//!   columns computed, on every corridor's movements at every stage.

use chrono::{DateTime, Utc};
use integration_tests::{consumed, scratch_tracker};
use tracker::intake::BatchProcessor;
use transit_kafka::{ConsumedRecord, Topics};
use transit_model::reference::ReferenceData;
use transit_scenario::{Corridor, Movement};
use transit_store::tracker::TrackerStore;

use sigmat::simulate::CORRIDORS;

/// Every message of `stages` movements per corridor, in the order the road produces them:
/// movement k of a corridor stops after its k-th step (release, each passage, arrival).
fn journeys(topics: &Topics, now: DateTime<Utc>) -> Vec<ConsumedRecord> {
    let data = ReferenceData::builtin();
    let mut records = Vec::new();
    let mut push = |country: &str, message: &transit_model::StandardMessage| {
        let offset = i64::try_from(records.len()).unwrap();
        records.push(consumed(topics, country, message, offset));
    };
    for id in CORRIDORS {
        let corridor = Corridor::from_reference(&data, id).expect("a corridor");
        let steps = corridor.transit.len() + 2;
        for stop_after in 1..=steps {
            let m = Movement::new(corridor.clone(), now);
            push(corridor.departure.country().as_str(), &m.release());
            for office in corridor.transit.iter().take(stop_after - 1) {
                push(office.country().as_str(), &m.passage(office, now));
            }
            if stop_after == steps {
                push(corridor.destination.country().as_str(), &m.arrival(now));
            }
        }
    }
    // A redelivery (same place) and a resend (another place) of records already in the batch.
    let again = records[0].clone();
    records.push(again);
    let mut resent = records[1].clone();
    resent.offset = 10_000;
    records.push(resent);
    records
}

async fn rows(pool: &sqlx::PgPool, sql: &str) -> Vec<String> {
    sqlx::query_scalar(sql).fetch_all(pool).await.expect(sql)
}

#[tokio::test]
async fn whole_journeys_in_one_batch_store_what_one_record_per_batch_stores() {
    let now = Utc::now();
    let (batched, topics_a, schema_a) = scratch_tracker().await;
    let (single, topics_b, schema_b) = scratch_tracker().await;
    let records = journeys(&topics_a, now);
    let per_record: Vec<ConsumedRecord> = journeys(&topics_b, now)
        .into_iter()
        .zip(&records)
        .map(|(mut b, a)| {
            // The same messages, read from the other run's topics.
            b.payload = a.payload.clone();
            b.key = a.key.clone();
            b
        })
        .collect();
    BatchProcessor::new(TrackerStore::new(batched.clone()), topics_a.clone())
        .process(&records, now)
        .await
        .expect("stored in one batch");
    let one_by_one = BatchProcessor::new(TrackerStore::new(single.clone()), topics_b.clone());
    for record in &per_record {
        one_by_one
            .process(std::slice::from_ref(record), now)
            .await
            .expect("stored alone");
    }

    let movements = "SELECT mrn || ' ' || state || ' v' || version || ' ' || movement::text
                     FROM movements ORDER BY mrn";
    let events =
        "SELECT mrn || ' ' || message_id || ' ' || outcome || ' ' || coalesce(state_after, '')
                  FROM movement_events ORDER BY seq";
    let outbox = "SELECT record_key || ' ' || message_id || ' ' || split_part(topic, '.', 2)
                  || ' ' || encode(sha256(payload), 'hex') FROM outbox ORDER BY id";
    for sql in [movements, events, outbox] {
        let (a, b) = (rows(&batched, sql).await, rows(&single, sql).await);
        assert!(!a.is_empty(), "{sql}: nothing stored");
        assert_eq!(a, b, "{sql}: one batch and one record per batch differ");
    }
    let arrived = rows(
        &batched,
        "SELECT mrn FROM movements WHERE state = 'Arrived'",
    )
    .await;
    assert_eq!(
        arrived.len(),
        CORRIDORS.len(),
        "one arrived movement per corridor"
    );
    let events = rows(&batched, "SELECT message_id::text FROM movement_events").await;
    assert_eq!(
        events.len(),
        records.len() - 2,
        "every message logged once; the redelivery and the resend dropped"
    );
    for (pool, schema) in [(&batched, schema_a), (&single, schema_b)] {
        transit_store::drop_schema(pool, &schema).await.unwrap();
    }
}

#[tokio::test]
async fn search_columns_hold_what_the_former_generated_columns_computed() {
    let now = Utc::now();
    let (pool, topics, schema) = scratch_tracker().await;
    let records = journeys(&topics, now);
    BatchProcessor::new(TrackerStore::new(pool.clone()), topics)
        .process(&records, now)
        .await
        .expect("stored");
    // The expressions of migrations 0003 and 0005, evaluated on the stored documents.
    let condition = transit_store::search::EXPRESSIONS
        .iter()
        .map(|(column, expression)| format!("{column} IS DISTINCT FROM ({expression})"))
        .collect::<Vec<_>>()
        .join(" OR ");
    let differing = rows(
        &pool,
        &format!("SELECT mrn FROM movement_documents WHERE {condition}"),
    )
    .await;
    assert_eq!(
        differing,
        Vec::<String>::new(),
        "search columns that differ"
    );
    // The comparison is not vacuous: the columns hold values at every stage.
    let filled = rows(
        &pool,
        "SELECT count(DISTINCT last_office)::text || ' ' || count(*) FILTER (WHERE jsonb_array_length(seals) > 0)::text
         || ' ' || count(*) FILTER (WHERE vehicle IS NOT NULL AND guarantee_amount > 0)::text FROM movements",
    )
    .await;
    let counts: Vec<usize> = filled[0].split(' ').map(|n| n.parse().unwrap()).collect();
    let movements = rows(&pool, "SELECT mrn FROM movements").await.len();
    assert!(counts[0] >= 10, "last offices seen: {filled:?}");
    assert_eq!(counts[1], movements, "every movement has seals: {filled:?}");
    assert_eq!(counts[2], movements, "vehicle and guarantee: {filled:?}");
    transit_store::drop_schema(&pool, &schema).await.unwrap();
}
