//! transit-kafka against the real broker, in process, on topics of this test only: what the
//! services rely on it for. Records keep their key, headers and order; a consumer group
//! resumes after the offsets committed and only those (a record read but not committed is read
//! again by the next member: at least once); the committed position is what `progress`
//! reports; and the reference reader reads a compacted topic whole from its start without
//! joining a group. Needs the local stack's broker (`deploy/local/infra-up`;
//! `SIGMAT_TEST_BROKERS`).

use std::time::Duration;

use transit_kafka::reference::CompactedReader;
use transit_kafka::{
    ensure_topics, header, BatchConsumer, ConsumedRecord, KafkaSettings, OutgoingRecord, Publisher,
    Topics,
};
use transit_model::{CountryCode, MessageId};
use transit_testkit::Isolated;

fn settings(test: &Isolated) -> KafkaSettings {
    serde_json::from_value(test.kafka()).expect("the test's [kafka] section")
}

fn event(topic: &str, key: &str) -> OutgoingRecord {
    let id = MessageId::from_uuid(uuid::Uuid::new_v4());
    OutgoingRecord::for_event(topic, key, "Test", id, key.as_bytes().to_vec())
}

/// Reads from `consumer` until `count` records came (60 s at most).
async fn read(consumer: &BatchConsumer, count: usize) -> Vec<ConsumedRecord> {
    let mut records = Vec::new();
    let patience = std::time::Instant::now() + Duration::from_secs(60);
    while records.len() < count {
        assert!(
            std::time::Instant::now() < patience,
            "{} of {count} records after 60 s",
            records.len()
        );
        records.extend(
            consumer
                .next_batch(
                    count,
                    Duration::from_millis(100),
                    Duration::from_millis(500),
                )
                .await
                .expect("reading"),
        );
    }
    records
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_resumes_after_what_was_committed_and_only_that() {
    let test = Isolated::new("kg");
    let settings = settings(&test);
    let ci = CountryCode::parse("CI").unwrap();
    let topics = Topics::new(test.id());
    ensure_topics(&settings, &topics.country_specs(ci, &settings))
        .await
        .expect("the broker of the local stack (deploy/local/infra-up)");
    let topic = topics.to_hub(ci);
    let sent: Vec<OutgoingRecord> = ["m1", "m2", "m3"]
        .iter()
        .map(|k| event(&topic, k))
        .collect();
    Publisher::new(&settings)
        .unwrap()
        .publish_all(&sent)
        .await
        .expect("acknowledged by the broker");

    let first = BatchConsumer::subscribe(&settings, &test.group("g"), std::slice::from_ref(&topic))
        .unwrap();
    let records = read(&first, 3).await;
    let keys: Vec<_> = records.iter().map(|r| r.key.clone().unwrap()).collect();
    assert_eq!(keys, ["m1", "m2", "m3"], "one partition keeps the order");
    for (record, sent) in records.iter().zip(&sent) {
        assert_eq!(record.payload, sent.payload);
        assert_eq!(record.headers[header::EVENT_ID], sent.headers[1].1);
        assert_eq!(record.headers[header::EVENT_TYPE], "Test");
    }
    // Only the first two are done (their transaction committed): the third is not committed.
    first.commit(&records[..2]).await.unwrap();
    drop(first);

    let second =
        BatchConsumer::subscribe(&settings, &test.group("g"), std::slice::from_ref(&topic))
            .unwrap();
    let again = read(&second, 1).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].key.as_deref(), Some("m3"));
    assert_eq!(again[0].offset, records[2].offset);
    second.commit(&again).await.unwrap();
    let progress = second.progress(Duration::from_secs(10)).await.unwrap();
    assert_eq!(progress.len(), 1, "{progress:?}");
    assert_eq!(progress[0].committed, Some(progress[0].end), "{progress:?}");

    // Nothing more comes: everything is committed.
    let rest = second
        .next_batch(10, Duration::from_millis(100), Duration::from_secs(1))
        .await
        .unwrap();
    assert!(rest.is_empty(), "{rest:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_reader_reads_the_compacted_topic_whole_without_a_group() {
    let test = Isolated::new("kr");
    let settings = settings(&test);
    let topics = Topics::new(test.id());
    let spec: Vec<_> = topics
        .all_specs(&[], &settings)
        .into_iter()
        .filter(|s| s.name == topics.reference())
        .collect();
    assert_eq!(spec.len(), 1);
    assert!(
        spec[0]
            .config
            .contains(&("cleanup.policy", "compact".to_owned())),
        "{spec:?}"
    );
    ensure_topics(&settings, &spec).await.unwrap();
    let versions: Vec<OutgoingRecord> = ["version 1", "version 2"]
        .iter()
        .map(|v| OutgoingRecord {
            topic: topics.reference(),
            key: "reference".into(),
            headers: vec![],
            payload: v.as_bytes().to_vec(),
        })
        .collect();
    Publisher::new(&settings)
        .unwrap()
        .publish_all(&versions)
        .await
        .unwrap();

    // Two readers, one after the other: each reads everything from the start.
    for _ in 0..2 {
        let reader = CompactedReader::open(&settings, &topics.reference()).unwrap();
        for expected in ["version 1", "version 2"] {
            let value = tokio::time::timeout(Duration::from_secs(30), reader.next())
                .await
                .expect("a version within 30 s")
                .unwrap();
            assert_eq!(String::from_utf8(value).unwrap(), expected);
        }
    }
}
