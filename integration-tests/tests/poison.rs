//! Poison isolation and supervision: a record the hub's database refuses for good is set aside
//! while the rest of its batch is stored; an outbox record the broker refuses for good is set
//! aside while the rest is delivered; and a tracker whose intake cannot go on exits non-zero
//! instead of looking alive.

use std::time::Duration;

use chrono::Utc;
use integration_tests::{consumed, scratch_tracker, Stack};
use tracker::intake::BatchProcessor;
use transit_kafka::Topics;
use transit_model::CountryCode;
use transit_scenario::{Corridor, Movement};
use transit_store::tracker::TrackerStore;

async fn count(pool: &sqlx::PgPool, sql: &str, mrn: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).bind(mrn).fetch_one(pool).await.unwrap();
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_the_database_refuses_is_set_aside_and_the_rest_of_its_batch_is_stored() {
    let (pool, topics, schema) = scratch_tracker().await;
    let now = Utc::now();
    let (first, poison, last) = (
        Movement::new(Corridor::abidjan_ouagadougou(), now),
        Movement::new(Corridor::abidjan_ouagadougou(), now),
        Movement::new(Corridor::abidjan_ouagadougou(), now),
    );
    // The database refuses the second movement for good, as it would a value too large for
    // an index or a constraint a bug breaks.
    for statement in [
        "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN RAISE EXCEPTION 'index row size exceeds the maximum (test)'; END $$"
            .to_owned(),
        format!(
            "CREATE TRIGGER refuse_poison BEFORE INSERT ON movements FOR EACH ROW \
             WHEN (NEW.mrn = '{}') EXECUTE FUNCTION refuse_poison()",
            poison.mrn
        ),
    ] {
        sqlx::query(&statement).execute(&pool).await.unwrap();
    }
    let batch = vec![
        consumed(&topics, "CI", &first.release(), 0),
        consumed(&topics, "CI", &poison.release(), 1),
        consumed(&topics, "CI", &last.release(), 2),
    ];
    let processor = BatchProcessor::new(TrackerStore::new(pool.clone()), topics.clone());
    processor
        .process(&batch, now)
        .await
        .expect("the batch is stored without its poison record");
    // A redelivery of the same batch changes nothing.
    processor.process(&batch, now).await.unwrap();

    let stored = "SELECT count(*) FROM movements WHERE mrn = $1";
    assert_eq!(count(&pool, stored, first.mrn.as_str()).await, 1);
    assert_eq!(
        count(&pool, stored, last.mrn.as_str()).await,
        1,
        "the record after the poison one was not stored"
    );
    assert_eq!(count(&pool, stored, poison.mrn.as_str()).await, 0);

    let (reason, offset): (String, i64) =
        sqlx::query_as("SELECT reason, kafka_offset FROM poison_records WHERE mrn = $1")
            .bind(poison.mrn.as_str())
            .fetch_one(&pool)
            .await
            .expect("the poison record is kept");
    assert!(reason.contains("index row size"), "{reason}");
    assert_eq!(offset, 1);
    // Its sender is answered (IE906 on CI's from-hub topic) and it is on the dead-letter topic,
    // each once; the database's words stay with the hub.
    let queued: Vec<(String, Vec<u8>)> =
        sqlx::query_as("SELECT topic, payload FROM outbox WHERE record_key = $1 ORDER BY id")
            .bind(poison.mrn.as_str())
            .fetch_all(&pool)
            .await
            .unwrap();
    let ci = topics.from_hub(CountryCode::parse("CI").unwrap());
    let answers: Vec<&Vec<u8>> = queued
        .iter()
        .filter(|(t, _)| *t == ci)
        .map(|(_, p)| p)
        .collect();
    assert_eq!(answers.len(), 1, "{queued:?}");
    let answer = transit_codec::json::decode(answers[0]).unwrap();
    assert_eq!(answer.message_type().code(), "IE906");
    let text = String::from_utf8_lossy(answers[0]);
    assert!(
        text.contains("set it aside") && !text.contains("index row size"),
        "{text}"
    );
    assert_eq!(
        queued
            .iter()
            .filter(|(t, _)| *t == topics.dead_letter())
            .count(),
        1
    );
    transit_store::drop_schema(&pool, &schema).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outbox_record_the_broker_refuses_is_set_aside_and_the_rest_is_delivered() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    let pool = stack.tracker_pool().await;
    // A record over the broker's size limit, first in line for Burkina Faso.
    let topics = Topics::new(stack.id());
    sqlx::query(
        "INSERT INTO outbox (message_id, topic, record_key, headers, payload, created_at)
         VALUES ($1, $2, 'TOO-LARGE', '[]', $3, now())",
    )
    .bind(uuid::Uuid::new_v4())
    .bind(topics.from_hub(CountryCode::parse("BF").unwrap()))
    .bind(vec![b'x'; 3 * 1024 * 1024])
    .execute(&pool)
    .await
    .unwrap();

    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    let mrn = movement.mrn.to_string();
    stack.national("CI").releases(&movement).await;
    stack
        .wait_for_deliveries("BF", &mrn, "the records behind the refused one", |rows| {
            rows.len() == 2
        })
        .await;

    let store = TrackerStore::new(pool.clone());
    let failed = store.failed_outbox(10).await.unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].record_key, "TOO-LARGE");
    let reason = failed[0].failure.clone().unwrap_or_default();
    assert!(reason.to_lowercase().contains("size"), "{reason}");
    // The operators see it among the dead letters, and put it back in line from there;
    // refused again, it is set aside again.
    let operator = stack.operator().await;
    let listed = operator
        .dead_letters(&[("kind", "unpublished".to_owned())])
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].mrn.as_deref(), Some("TOO-LARGE"));
    assert!(listed[0].reason.to_lowercase().contains("size"));
    let requeued = operator.replay(&listed[0].id).await.unwrap();
    assert_eq!(requeued.outcome, "requeued", "{requeued:?}");
    let started = std::time::Instant::now();
    let again = loop {
        let again = store.failed_outbox(10).await.unwrap();
        if again.len() == 1 && again[0].failed_at > failed[0].failed_at {
            break again;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "not set aside again: {again:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // `tracker outbox retry` does the same.
    assert_eq!(store.retry_outbox(Some(&[again[0].id])).await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tracker_whose_intake_cannot_go_on_exits_non_zero() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    let pool = stack.tracker_pool().await;
    // Every movement is refused and the poison table is gone: nothing can be stored.
    for statement in [
        "CREATE FUNCTION refuse_all() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN RAISE EXCEPTION 'broken database (test)'; END $$",
        "CREATE TRIGGER refuse_all BEFORE INSERT ON movements FOR EACH ROW \
         EXECUTE FUNCTION refuse_all()",
        "DROP TABLE poison_records",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    stack.national("CI").releases(&movement).await;
    let tracker = stack.service("tracker");
    let status = tracker
        .exited_within(Duration::from_secs(60))
        .await
        .expect("the tracker went on running with its intake stopped");
    assert!(!status.success(), "exited with {status}");
    let log = tracker.log();
    assert!(
        log.contains("a task of this service ended") && log.contains("the intake task failed"),
        "{log}"
    );
}
