//! transit-store against the real PostgreSQL, in process, each test in a schema of its own:
//! what exactly-once rests on. A batch's claims and outbox records are written together or not
//! at all; the inbox gives each message id to one batch only, also to two trackers claiming it
//! at the same moment; the relay hands a queued record to one relay at a time until it is
//! marked published; an adapter keeps each delivery once until it is acknowledged (and for
//! its retention after); a declaration is written when it is new or changed only; and two
//! processes migrating the same new schema at once both start. Needs the local stack's
//! PostgreSQL (`deploy/local/infra-up`; `SIGMAT_TEST_DATABASE_URL`).

use std::time::Duration;

use chrono::Utc;
use transit_model::envelope::OutgoingRecord;
use transit_store::adapter::{AdapterStore, NewDelivery};
use transit_store::tracker::{ClaimRequest, Claimed, QueuedRecord, TrackerStore};
use transit_store::{Component, DatabaseSettings, PgPool};
use transit_testkit::Isolated;
use uuid::Uuid;

async fn schema_of_its_own(test: &Isolated, role: &str, component: Component) -> PgPool {
    let settings: DatabaseSettings =
        serde_json::from_value(test.database(role)).expect("the test's [database] section");
    transit_store::connect(&settings, component)
        .await
        .expect("the local stack's PostgreSQL (deploy/local/infra-up)")
}

async fn clean_up(pool: &PgPool, test: &Isolated, role: &str) {
    transit_store::drop_schema(pool, &test.schema(role))
        .await
        .unwrap();
}

fn claim(message_id: Uuid, read_at: &str) -> ClaimRequest<'_> {
    ClaimRequest {
        sender_country: "CI",
        message_id,
        content_hash: b"hash",
        read_at,
    }
}

fn record(key: &str) -> OutgoingRecord {
    OutgoingRecord {
        topic: "t.bf.from-hub".into(),
        key: key.into(),
        headers: vec![("message-type".into(), "IE001".into())],
        payload: key.as_bytes().to_vec(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_written_whole_or_not_at_all_and_each_id_is_claimed_once() {
    let test = Isolated::new("sb");
    let pool = schema_of_its_own(&test, "tracker", Component::Tracker).await;
    let store = TrackerStore::new(pool.clone());
    let (first, second) = (Uuid::new_v4(), Uuid::new_v4());
    let (a, b) = (record("a"), record("b"));
    let now = Utc::now();

    // A batch that fails after claiming and queueing leaves nothing behind.
    let mut tx = store.begin().await.unwrap();
    let claims = tx
        .claim_all(&[claim(first, "p/0/1"), claim(second, "p/0/2")], now)
        .await
        .unwrap();
    assert_eq!(claims, [Claimed::New, Claimed::New]);
    let queued = [QueuedRecord {
        message_id: first,
        record: &a,
    }];
    tx.enqueue_all(&queued, now).await.unwrap();
    drop(tx);
    let relay = store.begin_relay(10).await.unwrap();
    assert!(relay.records.is_empty(), "{:?}", relay.records);
    drop(relay);

    // Replayed: the ids are free again; the same id twice in a batch is claimed by its first.
    let mut tx = store.begin().await.unwrap();
    let claims = tx
        .claim_all(
            &[
                claim(first, "p/0/1"),
                claim(second, "p/0/2"),
                claim(first, "p/0/3"),
            ],
            now,
        )
        .await
        .unwrap();
    assert_eq!(claims[..2], [Claimed::New, Claimed::New]);
    assert_eq!(
        claims[2],
        Claimed::Held {
            content_hash: b"hash".to_vec(),
            first_read: Some("p/0/1".into())
        }
    );
    // A record queued twice under one id is queued once.
    let queued = [
        QueuedRecord {
            message_id: first,
            record: &a,
        },
        QueuedRecord {
            message_id: second,
            record: &b,
        },
        QueuedRecord {
            message_id: first,
            record: &a,
        },
    ];
    tx.enqueue_all(&queued, now).await.unwrap();
    tx.commit().await.unwrap();

    // A later batch finds the ids held, with where they were first read.
    let mut tx = store.begin().await.unwrap();
    let claims = tx.claim_all(&[claim(second, "p/0/9")], now).await.unwrap();
    assert_eq!(
        claims,
        [Claimed::Held {
            content_hash: b"hash".to_vec(),
            first_read: Some("p/0/2".into())
        }]
    );
    drop(tx);

    // One relay at a time holds the queued records, in order; published, they are gone.
    let relay = store.begin_relay(10).await.unwrap();
    let keys: Vec<&str> = relay.records.iter().map(|(_, r)| r.key.as_str()).collect();
    assert_eq!(keys, ["a", "b"]);
    assert_eq!(relay.records[0].1, a);
    let other = store.begin_relay(10).await.unwrap();
    assert!(other.records.is_empty(), "a second relay skips locked rows");
    drop(other);
    relay.mark_published(now).await.unwrap();
    assert!(store.begin_relay(10).await.unwrap().records.is_empty());
    clean_up(&pool, &test, "tracker").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_trackers_claiming_one_id_at_the_same_moment_get_it_once() {
    let test = Isolated::new("sc");
    let pool = schema_of_its_own(&test, "tracker", Component::Tracker).await;
    let store = TrackerStore::new(pool.clone());
    let id = Uuid::new_v4();
    let now = Utc::now();

    for first_commits in [true, false] {
        let id = if first_commits { id } else { Uuid::new_v4() };
        let mut one = store.begin().await.unwrap();
        assert_eq!(
            one.claim_all(&[claim(id, "one")], now).await.unwrap(),
            [Claimed::New]
        );
        // The other tracker's claim waits on the first's uncommitted row…
        let other_store = store.clone();
        let other = tokio::spawn(async move {
            let mut tx = other_store.begin().await.unwrap();
            let claims = tx.claim_all(&[claim(id, "other")], now).await.unwrap();
            tx.commit().await.unwrap();
            claims
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!other.is_finished(), "the second claim must wait");
        // …and learns the outcome of the first when it ends.
        if first_commits {
            one.commit().await.unwrap();
        } else {
            drop(one);
        }
        let claims = tokio::time::timeout(Duration::from_secs(10), other)
            .await
            .expect("the second claim ends when the first transaction does")
            .unwrap();
        let expected = if first_commits {
            Claimed::Held {
                content_hash: b"hash".to_vec(),
                first_read: Some("one".into()),
            }
        } else {
            Claimed::New
        };
        assert_eq!(claims, [expected], "first commits: {first_commits}");
    }
    clean_up(&pool, &test, "tracker").await;
}

fn delivery(message_id: Uuid, mrn: &str) -> NewDelivery {
    NewDelivery {
        message_id,
        message_type: "IE001".into(),
        mrn: mrn.into(),
        recipient: "BFOUA001".into(),
        message: format!(r#"{{"mrn": "{mrn}"}}"#),
        format: "standard".into(),
        national: None,
        national_note: None,
        traceparent: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_mapping_writes_the_deliveries_in_line_again_and_puts_the_parked_back() {
    let test = Isolated::new("sm");
    let pool = schema_of_its_own(&test, "ml", Component::Adapter).await;
    let store = AdapterStore::new(pool.clone());
    let (taken, parked, waiting) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let now = Utc::now();
    let batch = [
        delivery(taken, "M1"),
        delivery(parked, "M2"),
        delivery(waiting, "M3"),
    ];
    store.store_deliveries(&batch, now).await.unwrap();
    store.acknowledge(taken, now).await.unwrap();
    store
        .park(parked, None, "400: office code not in the table", now)
        .await
        .unwrap();

    let line = store.in_line(0, 10).await.unwrap();
    let seen: Vec<(Uuid, bool)> = line.iter().map(|d| (d.message_id, d.parked)).collect();
    assert_eq!(
        seen,
        [(parked, true), (waiting, false)],
        "the acknowledged one is not in line"
    );
    assert_eq!(line[0].message["mrn"], "M2");
    assert_eq!(
        store.in_line(line[0].seq, 10).await.unwrap().len(),
        1,
        "paged by sequence"
    );

    for id in [parked, waiting, taken] {
        store.rewrite_national(id, b"<KOUR/>").await.unwrap();
    }
    let pending = store.pending(0, 10).await.unwrap();
    let forms: Vec<(Uuid, Option<&[u8]>)> = pending
        .iter()
        .map(|d| (d.message_id, d.national.as_deref()))
        .collect();
    assert_eq!(
        forms,
        [
            (parked, Some(&b"<KOUR/>"[..])),
            (waiting, Some(&b"<KOUR/>"[..]))
        ],
        "the parked one is back in line, both in their new form"
    );
    assert_eq!(store.backlog().await.unwrap().parked, 0);
    clean_up(&pool, &test, "ml").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adapter_keeps_each_delivery_once_until_it_is_acknowledged() {
    let test = Isolated::new("sa");
    let pool = schema_of_its_own(&test, "bf", Component::Adapter).await;
    let store = AdapterStore::new(pool.clone());
    let (one, two) = (Uuid::new_v4(), Uuid::new_v4());
    let now = Utc::now();

    let batch = [
        delivery(one, "M1"),
        delivery(two, "M2"),
        delivery(one, "M1"),
    ];
    assert_eq!(store.store_deliveries(&batch, now).await.unwrap(), 2);
    // The same record read again after a crash before the offset commit: nothing new.
    assert_eq!(
        store
            .store_deliveries(&[delivery(one, "M1")], now)
            .await
            .unwrap(),
        0
    );
    let pending = store.pending(0, 10).await.unwrap();
    let ids: Vec<Uuid> = pending.iter().map(|d| d.message_id).collect();
    assert_eq!(ids, [one, two], "in the order read");
    assert_eq!(pending[0].message["mrn"], "M1");

    assert!(store.acknowledge(one, now).await.unwrap());
    assert!(
        store.acknowledge(one, now).await.unwrap(),
        "twice is harmless"
    );
    assert!(!store.acknowledge(Uuid::new_v4(), now).await.unwrap());
    let pending = store.pending(0, 10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].message_id, two);
    // Pulling on from the last seen sequence number gives nothing more.
    assert!(store.pending(pending[0].seq, 10).await.unwrap().is_empty());
    let backlog = store.backlog().await.unwrap();
    assert_eq!((backlog.pending, backlog.parked), (1, 0));

    store
        .keep_refusal("http", Some("REF-1"), "what, where, why", b"<bad/>", now)
        .await
        .unwrap();
    let refusals = store.refusals().await.unwrap();
    assert_eq!(refusals.len(), 1);
    assert_eq!(refusals[0].payload, b"<bad/>");
    assert_eq!(refusals[0].reference.as_deref(), Some("REF-1"));
    // Kept for the retention period only: one received 91 days ago goes, the other stays.
    store
        .keep_refusal(
            "http",
            None,
            "old",
            b"<old/>",
            now - chrono::Duration::days(91),
        )
        .await
        .unwrap();
    let deleted = store
        .forget_refusals_before(now - chrono::Duration::days(90))
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    assert_eq!(store.refusal_count().await.unwrap(), 1);

    // Acknowledged deliveries expire, the oldest first, a limited number at a time; pending
    // ones stay whatever their age.
    let (old, older) = (Uuid::new_v4(), Uuid::new_v4());
    let long_ago = now - chrono::Duration::days(40);
    store
        .store_deliveries(&[delivery(old, "M3"), delivery(older, "M4")], long_ago)
        .await
        .unwrap();
    store
        .acknowledge(older, long_ago - chrono::Duration::days(1))
        .await
        .unwrap();
    store.acknowledge(old, long_ago).await.unwrap();
    let cutoff = now - chrono::Duration::days(30);
    assert_eq!(
        store.forget_acknowledged_before(cutoff, 1).await.unwrap(),
        1
    );
    assert_eq!(
        store.forget_acknowledged_before(cutoff, 10).await.unwrap(),
        1
    );
    assert_eq!(
        store.forget_acknowledged_before(cutoff, 10).await.unwrap(),
        0
    );
    let pending = store.pending(0, 10).await.unwrap();
    assert_eq!(pending.len(), 1, "the pending one stays");
    assert_eq!(pending[0].message_id, two);
    assert!(
        store.acknowledge(one, now).await.unwrap(),
        "one acknowledged today stays"
    );
    clean_up(&pool, &test, "bf").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_migrating_one_new_schema_at_once_both_start() {
    let test = Isolated::new("sm");
    let settings: DatabaseSettings = serde_json::from_value(test.database("tracker")).unwrap();
    let (a, b) = tokio::join!(
        transit_store::connect(&settings, Component::Tracker),
        transit_store::connect(&settings, Component::Tracker)
    );
    let pool = a.expect("the first");
    b.expect("the second");
    let store = TrackerStore::new(pool.clone());
    store.ping().await.unwrap();
    clean_up(&pool, &test, "tracker").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_movement_row_that_does_not_parse_is_refused_and_passed_over_not_shown() {
    let test = Isolated::new("sv");
    let pool = schema_of_its_own(&test, "tracker", Component::Tracker).await;
    let store = TrackerStore::new(pool.clone());
    let now = Utc::now();
    let corridor = transit_scenario::Corridor::abidjan_ouagadougou();
    let released: Vec<_> = (0..2)
        .map(|_| {
            let release = transit_scenario::Movement::new(corridor.clone(), now).release();
            transit_lifecycle::decide(None, &release, now)
                .expect("a release is accepted")
                .movement
        })
        .collect();
    let api = transit_store::api::ApiStore::new(pool.clone(), pool.clone());
    let cursor = api.latest_change().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.save_movements(&[(&released[0], 1, None), (&released[1], 1, None)], now)
        .await
        .unwrap();
    let events: Vec<_> = released
        .iter()
        .map(|m| transit_store::tracker::NewEvent {
            mrn: m.mrn.clone(),
            message_id: uuid::Uuid::new_v4(),
            message_type: "IE029".parse().unwrap(),
            sender: "CIABJ001".parse().unwrap(),
            event_time: now,
            received_at: now,
            outcome: transit_store::tracker::Outcome::Accepted {
                state_after: m.state.as_str(),
            },
            message: "{}".into(),
            topic: None,
            risk: None,
        })
        .collect();
    tx.append_events(&events).await.unwrap();
    tx.commit().await.unwrap();
    // A hand edit (or a bug) leaves a state no binary knows.
    let edited = released[0].mrn.as_str();
    sqlx::query("UPDATE movements SET state = 'Teleported' WHERE mrn = $1")
        .bind(edited)
        .execute(&pool)
        .await
        .unwrap();

    match api.summary(edited).await {
        Err(transit_store::StoreError::Corrupt(why)) => {
            assert!(why.contains("state \"Teleported\""), "{why}")
        }
        other => panic!("a state that does not parse must be refused: {other:?}"),
    }
    let (next, changes) = api.changed_since(cursor, 10).await.unwrap();
    assert_eq!(
        changes.len(),
        2,
        "both rows, each with its place in the log"
    );
    assert!(next > cursor, "the cursor moves past the events read");
    assert!(
        api.changed_since(next, 10).await.unwrap().1.is_empty(),
        "nothing new after the cursor"
    );
    let shown: Vec<_> = changes
        .iter()
        .filter_map(|(_, summary)| summary.as_ref().ok())
        .map(|s| s.mrn.clone())
        .collect();
    assert_eq!(
        shown,
        [released[1].mrn.clone()],
        "the other one still goes out"
    );
    clean_up(&pool, &test, "tracker").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declaration_is_written_at_release_and_again_only_when_it_changes() {
    let test = Isolated::new("sd");
    let pool = schema_of_its_own(&test, "tracker", Component::Tracker).await;
    let store = TrackerStore::new(pool.clone());
    let now = Utc::now();
    let scenario =
        transit_scenario::Movement::new(transit_scenario::Corridor::abidjan_ouagadougou(), now);
    let released = transit_lifecycle::decide(None, &scenario.release(), now)
        .expect("a release is accepted")
        .movement;
    let mrn = released.mrn.as_str().to_owned();
    let mut tx = store.begin().await.unwrap();
    tx.save_movements(&[(&released, 1, None)], now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // The row version (xmin) of the declaration's row, and whether the hot document holds one.
    let written = || async {
        let (version, inline): (String, bool) = sqlx::query_as(
            "SELECT d.xmin::text, m.movement ? 'declaration'
             FROM movement_declarations d JOIN movements m USING (mrn) WHERE mrn = $1",
        )
        .bind(&mrn)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(!inline, "the hot document carries no declaration");
        version
    };
    let at_release = written().await;

    // A passage: the movement changes, its declaration is not written again.
    let office = scenario.corridor.transit[0].clone();
    let mut tx = store.begin().await.unwrap();
    let (loaded, _) = tx.movements_for_update(&[mrn.as_str()]).await.unwrap();
    assert_eq!(loaded[&mrn], released, "read back whole, as saved");
    let passed =
        transit_lifecycle::decide(Some(&loaded[&mrn]), &scenario.passage(&office, now), now)
            .expect("a passage is accepted")
            .movement;
    tx.save_movements(&[(&passed, 1, None)], now).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        written().await,
        at_release,
        "a passage rewrote the declaration"
    );

    // A new vehicle (as an incident records one): the declaration is written again.
    let mut tx = store.begin().await.unwrap();
    let (loaded, _) = tx.movements_for_update(&[mrn.as_str()]).await.unwrap();
    let mut transhipped = loaded[&mrn].clone();
    transhipped
        .declaration
        .border_transport_means
        .as_mut()
        .unwrap()
        .id = transit_model::Text35::parse("TRANS-HIP-01").unwrap();
    tx.save_movements(&[(&transhipped, 1, None)], now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_ne!(
        written().await,
        at_release,
        "the new vehicle was not written"
    );
    let read = transit_store::queries::MovementQueries::new(pool.clone())
        .movement(&mrn)
        .await
        .unwrap()
        .expect("the movement");
    assert_eq!(read.movement, transhipped);
    assert_eq!(read.version, 3);
    clean_up(&pool, &test, "tracker").await;
}
