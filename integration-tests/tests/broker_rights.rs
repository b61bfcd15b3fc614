//! Broker rights on the real Apache Kafka (the three-node cluster's rights listener): each
//! country's adapter signs in with its own SCRAM identity, provisioned by
//! `deploy/local/kafka-rights` from the reference data, and may write only its own `to-hub`
//! topic and read only its own `from-hub` topic with its own group. A country onboarded later
//! (`kafka-rights --country GN`) gets the same, nothing else redone; no run prints a password.

use std::time::Duration;

use integration_tests::cluster::{assert_no_secret, Cluster};
use transit_kafka::{
    ensure_topics, BatchConsumer, KafkaSettings, OutgoingRecord, Publisher, Topics,
};
use transit_model::CountryCode;

fn country(code: &str) -> CountryCode {
    CountryCode::parse(code).unwrap()
}

/// `user`, signed in with its password from `secrets` on the cluster's rights listener.
fn signed_in(
    cluster: &Cluster,
    prefix: &str,
    user: &str,
    secrets: &std::path::Path,
) -> KafkaSettings {
    let password = std::fs::read_to_string(secrets.join(format!("{user}.password")))
        .unwrap_or_else(|e| panic!("the provisioning script kept {user}'s password: {e}"));
    let mut settings = KafkaSettings::new(cluster.sasl_brokers());
    settings.topic_prefix = prefix.to_owned();
    settings.create_topics = false;
    for (key, value) in [
        ("security.protocol", "SASL_PLAINTEXT"),
        ("sasl.mechanisms", "SCRAM-SHA-512"),
        ("sasl.username", user),
        ("sasl.password", password.trim()),
    ] {
        settings.properties.insert(key.into(), value.into());
    }
    settings
}

fn record(topic: String) -> OutgoingRecord {
    OutgoingRecord {
        topic,
        key: "26BFRIGHTS0000000".into(),
        headers: vec![("sigmat-message-id".into(), "rights-test".into())],
        payload: b"{}".to_vec(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_country_reaches_only_its_own_topics() {
    let cluster = Cluster::up();
    let prefix = format!("it{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let secrets = std::env::temp_dir().join(format!("sigmat-rights-{prefix}"));
    let provisioned = cluster.provision_rights(&prefix, &["CI", "BF"], &secrets);
    assert!(
        provisioned.contains(&format!(
            "rights on the three-node cluster at {}",
            cluster.brokers()
        )),
        "{provisioned}"
    );
    assert_no_secret(&provisioned, &secrets);

    // The topics, created through the administration listener (Guinea's too, as the tracker's
    // create-topics would before its rights are given).
    let mut admin = KafkaSettings::new(cluster.brokers());
    admin.topic_prefix = prefix.clone();
    admin.partitions = 1;
    admin.replication_factor = 3;
    admin.min_insync_replicas = Some(2);
    let topics = Topics::new(&prefix);
    ensure_topics(
        &admin,
        &topics.all_specs(&[country("CI"), country("BF"), country("GN")], &admin),
    )
    .await
    .expect("creating the topics");

    // Burkina Faso's adapter, signed in as itself on the rights listener.
    let bf = signed_in(&cluster, &prefix, "sigmat-adapter-bf", &secrets);
    let publisher = Publisher::new(&bf).unwrap();

    // Its own to-hub topic: written.
    publisher
        .publish_all(&[record(topics.to_hub(country("BF")))])
        .await
        .expect("BF writes its own to-hub topic");
    // Côte d'Ivoire's: refused by the broker.
    let refused = publisher
        .publish_all(&[record(topics.to_hub(country("CI")))])
        .await
        .expect_err("BF wrote CI's to-hub topic");
    assert!(refused.is_refused_access(), "{refused}");

    // Côte d'Ivoire's deliveries: refused, with BF's group or CI's.
    for group in [
        format!("{prefix}-adapter-bf"),
        format!("{prefix}-adapter-ci"),
    ] {
        let consumer =
            BatchConsumer::subscribe(&bf, &group, &[topics.from_hub(country("CI"))]).unwrap();
        let refused = consumer
            .next_batch(10, Duration::from_millis(10), Duration::from_secs(20))
            .await
            .expect_err("BF read CI's deliveries");
        assert!(refused.is_refused_access(), "{group}: {refused}");
    }
    // Its own deliveries, with its own group: read.
    let consumer = BatchConsumer::subscribe(
        &bf,
        &format!("{prefix}-adapter-bf"),
        &[topics.from_hub(country("BF"))],
    )
    .unwrap();
    let batch = consumer
        .next_batch(10, Duration::from_millis(10), Duration::from_secs(5))
        .await
        .expect("BF reads its own from-hub topic");
    assert!(batch.is_empty());

    // A wrong password: no access at all.
    let mut impostor = bf.clone();
    impostor
        .properties
        .insert("sasl.password".into(), "not-the-password".into());
    let consumer = BatchConsumer::subscribe(
        &impostor,
        &format!("{prefix}-adapter-bf"),
        &[topics.from_hub(country("BF"))],
    )
    .unwrap();
    let refused = consumer
        .next_batch(10, Duration::from_millis(10), Duration::from_secs(20))
        .await
        .expect_err("a wrong password was let in");
    assert!(refused.is_refused_access(), "{refused}");

    // Guinea, onboarded alone: its own to-hub topic written, Burkina Faso's refused, the
    // reference data (its national mapping tables) read with the reference group.
    let added = cluster.add_country_rights(&prefix, "GN", &secrets);
    assert!(
        added.contains("sigmat-adapter-gn") && !added.contains("sigmat-adapter-bf"),
        "{added}"
    );
    assert_no_secret(&added, &secrets);
    let gn = signed_in(&cluster, &prefix, "sigmat-adapter-gn", &secrets);
    let publisher = Publisher::new(&gn).unwrap();
    publisher
        .publish_all(&[record(topics.to_hub(country("GN")))])
        .await
        .expect("GN writes its own to-hub topic");
    let refused = publisher
        .publish_all(&[record(topics.to_hub(country("BF")))])
        .await
        .expect_err("GN wrote BF's to-hub topic");
    assert!(refused.is_refused_access(), "{refused}");
    Publisher::new(&admin)
        .unwrap()
        .publish_all(&[record(topics.reference())])
        .await
        .expect("the administrator writes the reference data");
    let consumer = BatchConsumer::subscribe(
        &gn,
        &format!("{prefix}.hub.reference.reader"),
        &[topics.reference()],
    )
    .unwrap();
    let batch = consumer
        .next_batch(1, Duration::from_millis(10), Duration::from_secs(20))
        .await
        .expect("GN reads the reference data");
    assert_eq!(batch.len(), 1, "GN's reading of the reference data");
    let _ = std::fs::remove_dir_all(&secrets);
}
