//! One movement end to end on the Abidjan–Ouagadougou corridor, through the real binaries, the
//! real broker and PostgreSQL: release in Côte d'Ivoire, copies to Burkina Faso, passage at the
//! border, arrival at destination, both confirmations back in Côte d'Ivoire — then a
//! redelivery, an out-of-sequence message and refused submissions.

use chrono::Utc;
use integration_tests::{header, Stack};
use transit_http::client::ClientError;
use transit_kafka::header as h;
use transit_scenario::{Corridor, Movement};

fn types(rows: &[transit_store::adapter::DeliveryRow]) -> Vec<&str> {
    let mut t: Vec<&str> = rows.iter().map(|d| d.message_type.as_str()).collect();
    t.sort_unstable();
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abidjan_to_ouagadougou_end_to_end() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    let ci = stack.adapter("CI");
    let bf = stack.adapter("BF");
    let corridor = Corridor::abidjan_ouagadougou();
    let border = corridor.transit[0].clone();
    let movement = Movement::new(corridor, Utc::now());
    let mrn = movement.mrn.to_string();

    // 1. Côte d'Ivoire releases the declaration.
    let release = movement.release();
    let accepted = ci
        .submit(&release)
        .await
        .expect("CI's adapter accepts the release");
    assert_eq!(accepted.message_id, release.id().as_uuid());
    assert_eq!(
        accepted.topic,
        stack
            .topics
            .to_hub(transit_model::CountryCode::parse("CI").unwrap())
    );

    // 2. Burkina Faso's adapter receives the transit record for the border and the arrival
    //    record for the destination.
    let bf_rows = stack
        .wait_for_deliveries("BF", &mrn, "IE050 and IE001", |rows| rows.len() >= 2)
        .await;
    assert_eq!(types(&bf_rows), vec!["IE001", "IE050"]);
    let recipient_of = |t: &str| {
        bf_rows
            .iter()
            .find(|d| d.message_type == t)
            .map(|d| d.recipient.clone())
    };
    assert_eq!(recipient_of("IE050").as_deref(), Some("BFNGK001"));
    assert_eq!(recipient_of("IE001").as_deref(), Some("BFOUA001"));
    for row in &bf_rows {
        assert_eq!(
            row.message["header"]["correlationId"],
            release.id().to_string()
        );
        assert_eq!(row.message["body"]["transitOfficeIds"][0], "BFNGK001");
    }

    let queries = stack.tracker_queries().await;
    let stored = queries
        .movement(&mrn)
        .await
        .unwrap()
        .expect("the tracker stored the movement");
    assert_eq!(stored.movement.state.as_str(), "Released");
    assert_eq!(stored.movement.route[0].crossed_at, None);

    // 3. The border post confirms passage; 4. the destination confirms arrival.
    let crossed_at = Utc::now();
    let passage = movement.passage(&border, crossed_at);
    bf.submit(&passage)
        .await
        .expect("BF's adapter accepts the passage");
    let arrival = movement.arrival(Utc::now());
    bf.submit(&arrival)
        .await
        .expect("BF's adapter accepts the arrival");

    // 5. Côte d'Ivoire receives both confirmations, with the ids the border and destination sent.
    let ci_rows = stack
        .wait_for_deliveries("CI", &mrn, "IE118 and IE006", |rows| rows.len() >= 2)
        .await;
    assert_eq!(types(&ci_rows), vec!["IE006", "IE118"]);
    for row in &ci_rows {
        assert_eq!(row.recipient, "CIABJ001");
        assert!([passage.id().as_uuid(), arrival.id().as_uuid()].contains(&row.message_id));
    }

    // The movement is Arrived, with the passage recorded at its event time, in PostgreSQL…
    let stored = queries.movement(&mrn).await.unwrap().unwrap();
    assert_eq!(stored.movement.state.as_str(), "Arrived");
    assert_eq!(stored.version, 3);
    let recorded = stored.movement.route[0]
        .crossed_at
        .expect("passage recorded");
    assert!(
        (recorded - crossed_at).num_milliseconds().abs() < 1,
        "{recorded} vs {crossed_at}"
    );
    let timeline = queries.timeline(&mrn).await.unwrap();
    let steps: Vec<(&str, &str, Option<&str>)> = timeline
        .iter()
        .map(|e| {
            (
                e.message_type.as_str(),
                e.outcome.as_str(),
                e.state_after.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        vec![
            ("IE029", "accepted", Some("Released")),
            ("IE118", "accepted", Some("Released")),
            ("IE006", "accepted", Some("Arrived")),
        ]
    );
    // …and through the API.
    let view = stack
        .operator()
        .await
        .movement(&mrn)
        .await
        .unwrap()
        .expect("the API knows the movement");
    assert_eq!(view.state.as_str(), "Arrived");
    assert_eq!(view.route[0].office, "BFNGK001");

    // 6. A redelivered passage is dropped; a second arrival is refused with error 92 and
    //    answered with an IE906 to Burkina Faso. Same MRN, same partition: once the IE906 is
    //    there, the duplicate has been processed too.
    bf.submit(&passage)
        .await
        .expect("a resubmission is accepted by the adapter");
    let second_arrival = movement.arrival(Utc::now());
    bf.submit(&second_arrival)
        .await
        .expect("the adapter publishes it; the hub judges it");
    let bf_rows = stack
        .wait_for_deliveries("BF", &mrn, "an IE906", |rows| {
            rows.iter().any(|d| d.message_type == "IE906")
        })
        .await;
    let nack = bf_rows.iter().find(|d| d.message_type == "IE906").unwrap();
    assert_eq!(nack.recipient, "BFOUA001");
    assert_eq!(
        nack.message["body"]["rejectedMessageId"],
        second_arrival.id().to_string()
    );
    assert_eq!(nack.message["body"]["errors"][0]["code"], 92);

    let timeline = queries.timeline(&mrn).await.unwrap();
    assert_eq!(
        timeline.len(),
        4,
        "the duplicate passage must not enter the event log"
    );
    assert_eq!(
        (timeline[3].outcome.as_str(), timeline[3].error_code),
        ("rejected", Some(92))
    );
    assert_eq!(queries.movement(&mrn).await.unwrap().unwrap().version, 3);

    // On the topics: every copy and confirmation exactly once, keyed by MRN, with its headers;
    // the refused arrival kept on the dead-letter topic with the reason.
    let bf_topic = stack
        .topics
        .from_hub(transit_model::CountryCode::parse("BF").unwrap());
    let ci_topic = stack
        .topics
        .from_hub(transit_model::CountryCode::parse("CI").unwrap());
    let on_bf = stack.read_topic(&bf_topic, |r| r.len() >= 3).await;
    let on_ci = stack.read_topic(&ci_topic, |r| r.len() >= 2).await;
    let mut bf_types: Vec<&str> = on_bf.iter().map(|r| header(r, h::MESSAGE_TYPE)).collect();
    bf_types.sort_unstable();
    assert_eq!(bf_types, vec!["IE001", "IE050", "IE906"]);
    let mut ci_types: Vec<&str> = on_ci.iter().map(|r| header(r, h::MESSAGE_TYPE)).collect();
    ci_types.sort_unstable();
    assert_eq!(
        ci_types,
        vec!["IE006", "IE118"],
        "each confirmation exactly once"
    );
    for record in on_bf.iter().chain(&on_ci) {
        assert_eq!(record.key.as_deref(), Some(mrn.as_str()));
        assert_eq!(header(record, h::SCHEMA_VERSION), "1");
    }
    let dead = stack
        .read_topic(&stack.topics.dead_letter(), |r| !r.is_empty())
        .await;
    assert_eq!(dead.len(), 1);
    assert_eq!(
        header(&dead[0], h::MESSAGE_ID),
        second_arrival.id().to_string()
    );
    assert!(header(&dead[0], h::REJECTION_REASON).starts_with("error 92"));

    // 7. Refusals at the adapter are answered with what, where, why — and kept.
    let err = bf
        .submit_raw(b"{\"header\": 42}".to_vec())
        .await
        .unwrap_err();
    let ClientError::Refused { answer, .. } = err else {
        panic!("expected a refusal, got {err}")
    };
    assert_eq!((answer.status(), answer.pointer.as_str()), (400, "/header"));
    let mut bad_mrn = serde_json::to_value(movement.arrival(Utc::now())).unwrap();
    let mrn_text = bad_mrn["header"]["mrn"].as_str().unwrap().to_owned();
    let wrong_digit = (mrn_text.as_bytes()[17] - b'0' + 1) % 10;
    bad_mrn["header"]["mrn"] = format!("{}{wrong_digit}", &mrn_text[..17]).into();
    let err = bf
        .submit_raw(serde_json::to_vec(&bad_mrn).unwrap())
        .await
        .unwrap_err();
    let ClientError::Refused { answer, .. } = err else {
        panic!("expected a refusal, got {err}")
    };
    assert_eq!(
        (answer.status(), answer.pointer.as_str(), answer.ncts_code),
        (400, "/header/mrn", Some(93))
    );
    let err = ci.submit(&movement.arrival(Utc::now())).await.unwrap_err();
    let ClientError::Refused { answer, .. } = err else {
        panic!("expected a refusal, got {err}")
    };
    assert_eq!(
        (answer.status(), answer.pointer.as_str()),
        (403, "/header/sender")
    );
    assert_eq!(
        stack
            .adapter_store("BF")
            .await
            .refusal_count()
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        stack
            .adapter_store("CI")
            .await
            .refusal_count()
            .await
            .unwrap(),
        1
    );
}
