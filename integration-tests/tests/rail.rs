//! A train through the real parts: Côte d'Ivoire's SYDAM releases 30 declarations on one train
//! of 24 wagons (Abidjan → Ouagadougou); Niangoloko's officer opens the train, finds one wagon
//! missing and confirms the whole train once; Côte d'Ivoire's SYDAM receives an IE118 for every
//! declaration that crossed, in its own format, and the wagon left behind is an incident on
//! exactly the declarations it carries. Repeating the confirmation sends nothing twice.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use chrono::{SubsecRound, Utc};
use integration_tests::{national_system, Stack, PATIENCE};
use serde_json::json;
use transit_model::MessageType;
use transit_national::Family;
use transit_scenario::{Corridor, Movement};

fn wagon(i: usize) -> String {
    format!("CI-SR-{:05}", 31800 + i)
}

/// Declaration i < 24 on wagon i; the six others on wagons 0 to 5 too, the last also on
/// wagons 22 and 23.
fn wagons_of(i: usize) -> Vec<String> {
    match i {
        0..=23 => vec![wagon(i)],
        29 => vec![wagon(5), wagon(22), wagon(23)],
        _ => vec![wagon(i - 24)],
    }
}

/// The accepted messages of `kind` per MRN of `mrns`, in the tracker's event log.
async fn accepted(stack: &Stack, kind: &str, mrns: &[String]) -> Vec<(String, i64)> {
    sqlx::query_as(
        "SELECT mrn, count(*) FROM movement_events
         WHERE message_type = $1 AND outcome = 'accepted' AND mrn = ANY($2)
         GROUP BY mrn ORDER BY mrn",
    )
    .bind(kind)
    .bind(mrns)
    .fetch_all(&stack.tracker_pool().await)
    .await
    .unwrap()
}

/// Waits until every message the tracker queued on `topic` (a confirmation's passages and
/// incidents, sent to itself) has been read back: each has its row in the tracker's inbox.
async fn read_back(stack: &Stack, topic: &str) {
    let pool = stack.tracker_pool().await;
    let started = Instant::now();
    loop {
        let (queued, unread): (i64, i64) = sqlx::query_as(
            "SELECT count(*), count(*) FILTER (WHERE NOT EXISTS
                 (SELECT 1 FROM inbox i WHERE i.message_id = o.message_id))
             FROM outbox o WHERE o.topic = $1",
        )
        .bind(topic)
        .fetch_one(&pool)
        .await
        .unwrap();
        if queued > 0 && unread == 0 {
            return;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "{unread} of the {queued} messages queued on {topic} not read back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_train_of_24_wagons_crosses_with_one_confirmation_and_a_wagon_left_behind_is_an_incident()
{
    let (ci, ci_spec) = national_system(Family::Sydam, "CI", true).await;
    let (_bf, bf_spec) = national_system(Family::Asycuda, "BF", true).await;
    let mut stack = Stack::new()
        .with_adapters(&[ci_spec, bf_spec])
        .start()
        .await;

    // 30 declarations released for train T412 (numbered for this run: a stack's schema may
    // outlive it), through Côte d'Ivoire's SYDAM.
    let now = Utc::now();
    let run = transit_scenario::new_mrn(transit_model::CountryCode::parse("CI").unwrap(), now);
    let train = format!("T412-{}", &run.as_str()[4..10]);
    let train = train.as_str();
    let movements: Vec<Movement> = (0..30)
        .map(|i| {
            let wagons = wagons_of(i);
            let wagons: Vec<&str> = wagons.iter().map(String::as_str).collect();
            Movement::new(Corridor::abidjan_ouagadougou(), now).on_train(train, &wagons)
        })
        .collect();
    for m in &movements {
        let sent = ci.send(&m.release()).await.unwrap();
        assert_eq!(
            sent.status,
            202,
            "{}",
            String::from_utf8_lossy(&sent.answer)
        );
    }
    let mrns: Vec<String> = movements.iter().map(|m| m.mrn.to_string()).collect();

    // Niangoloko's officer types the train number and sees its consist: 24 wagons, 30
    // declarations, the railway undertaking.
    stack.add_user("ngk", "officer", Some("BFNGK001"), None);
    let ngk = stack.session_token("ngk").await;
    let path = format!("/api/v1/trains/{train}");
    let started = Instant::now();
    let consist = loop {
        let view = stack.api_get(&path, &ngk).await;
        if view["declarations"]
            .as_array()
            .is_some_and(|d| d.len() == 30)
        {
            break view;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "the train never had 30 declarations: {view}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let wagons = consist["wagons"].as_array().unwrap();
    assert_eq!(wagons.len(), 24, "{consist}");
    assert_eq!(consist["undertaking"], "Sitarail");
    let five = wagons
        .iter()
        .find(|w| w["id"] == wagon(5).as_str())
        .unwrap_or_else(|| panic!("no wagon {}: {consist}", wagon(5)));
    let on_five: BTreeSet<&str> = five["declarations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        on_five,
        BTreeSet::from([mrns[5].as_str(), mrns[29].as_str()])
    );

    // One confirmation for the whole train: wagon 5 was left behind.
    let present: Vec<String> = (0..24).filter(|i| *i != 5).map(wagon).collect();
    let confirmation =
        json!({"stage": "passage", "wagonsPresent": present, "wagonsMissing": [wagon(5)]});
    let confirm = format!("/api/v1/trains/{train}/confirmations");
    let keyed = |key: &str| {
        let (stack, ngk, confirm, confirmation) = (&stack, &ngk, &confirm, &confirmation);
        let key = key.to_owned();
        async move {
            let response = reqwest::Client::new()
                .post(format!("{}{confirm}", stack.api_url()))
                .bearer_auth(ngk)
                .header("Idempotency-Key", key)
                .json(confirmation)
                .send()
                .await
                .unwrap();
            (
                response.status().as_u16(),
                response.json::<serde_json::Value>().await.unwrap(),
            )
        }
    };
    let (status, answer) = keyed(&format!("{train}-ngk")).await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(answer["passed"].as_array().unwrap().len(), 29, "{answer}");
    let incidents: BTreeSet<&str> = answer["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        incidents,
        BTreeSet::from([mrns[5].as_str(), mrns[29].as_str()])
    );
    // A retry under the same key: the same confirmation, which the hub takes once (answered
    // from what it came to once the tracker has it, 200; published again before, 202).
    let (status, again) = keyed(&format!("{train}-ngk")).await;
    assert!(status == 200 || status == 202, "{status} {again}");
    assert_eq!(again["confirmationId"], answer["confirmationId"]);

    // Côte d'Ivoire's SYDAM receives an IE118 from Niangoloko for every declaration that
    // crossed, in its own format; and an incident for exactly the two on the wagon left behind.
    for (i, mrn) in mrns.iter().enumerate() {
        if i == 5 {
            continue;
        }
        let passage = ci
            .wait_for(mrn, MessageType::NotificationCrossingFrontier, PATIENCE)
            .await
            .unwrap();
        let national = String::from_utf8_lossy(&passage.national);
        assert!(national.contains("\"passage\""), "{national}");
    }
    for i in [5, 29] {
        let incident = ci
            .wait_for(&mrns[i], MessageType::IncidentNotification, PATIENCE)
            .await
            .unwrap();
        let transit_model::Body::IncidentNotification(incident) = incident.message.body() else {
            unreachable!()
        };
        assert_eq!(incident.reporting_office.as_str(), "BFNGK001");
        assert!(
            incident.description.as_str().contains(&wagon(5)),
            "{:?}",
            incident.description
        );
    }
    // In the hub's log: one passage per declaration that crossed, two incidents, no more —
    // even with the confirmation sent twice. A marker after the confirmations (under the
    // train's key) read: the second has been handled, and anything it queued is in the outbox;
    // then every message the tracker queued for itself has been read back and decided.
    let bf_topic = stack
        .topics
        .to_hub(transit_model::CountryCode::parse("BF").unwrap());
    stack
        .mark_read(&bf_topic, &[train], "after the confirmation's retry")
        .await;
    read_back(&stack, &bf_topic).await;
    let passages = accepted(&stack, "IE118", &mrns).await;
    assert_eq!(passages.len(), 29, "{passages:?}");
    assert!(passages.iter().all(|(_, n)| *n == 1), "{passages:?}");
    assert!(!passages.iter().any(|(m, _)| m == &mrns[5]));
    let incidents = accepted(&stack, "IE180", &mrns).await;
    let mut expected = vec![(mrns[5].clone(), 1), (mrns[29].clone(), 1)];
    expected.sort();
    assert_eq!(incidents, expected);

    // The train's record shows the confirmation, applied.
    let view = stack.api_get(&path, &ngk).await;
    let confirmations = view["confirmations"].as_array().unwrap();
    assert_eq!(confirmations.len(), 1, "{view}");
    assert_eq!(confirmations[0]["outcome"], "applied");
    assert_eq!(confirmations[0]["passed"].as_array().unwrap().len(), 29);

    // A wagon unknown to the train is refused at once, saying which.
    let (status, refused) = stack
        .api_post(
            &confirm,
            &ngk,
            &json!({"stage": "passage", "wagonsPresent": [wagon(0)], "wagonsMissing": ["XX-00000"]}),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused["reason"].as_str().unwrap().contains("XX-00000"),
        "{refused}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn burkina_fasos_asycuda_confirms_a_train_at_niangoloko_in_its_own_format() {
    let (ci, ci_spec) = national_system(Family::Sydam, "CI", true).await;
    let (bf, bf_spec) = national_system(Family::Asycuda, "BF", true).await;
    let _stack = Stack::new()
        .with_adapters(&[ci_spec, bf_spec])
        .start()
        .await;
    let now = Utc::now().trunc_subsecs(0);
    let run = transit_scenario::new_mrn(transit_model::CountryCode::parse("CI").unwrap(), now);
    let train = format!("T9-{}", &run.as_str()[4..10]);
    let movements: Vec<Movement> = [&["W1"][..], &["W1", "W2"], &["W2"]]
        .iter()
        .map(|w| Movement::new(Corridor::abidjan_ouagadougou(), now).on_train(&train, w))
        .collect();
    for m in &movements {
        assert_eq!(ci.send(&m.release()).await.unwrap().status, 202);
        bf.wait_for(
            m.mrn.as_str(),
            MessageType::AnticipatedTransitRecord,
            PATIENCE,
        )
        .await
        .unwrap();
    }
    let confirmation = |office: &str, id: &str| transit_rail::TrainConfirmation {
        confirmation_id: transit_model::MessageId::parse(id).unwrap(),
        train: train.clone(),
        office: transit_model::OfficeRef::parse(office).unwrap(),
        stage: transit_rail::Stage::Passage,
        at: now,
        wagons_present: vec!["W1".into(), "W2".into()],
        wagons_missing: vec![],
    };
    // A confirmation at another country's office is refused by BF's adapter, in ASYCUDA's words.
    let refused = bf
        .send_train(&confirmation(
            "CIOUG001",
            "0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a00",
        ))
        .await
        .unwrap();
    assert_eq!(refused.status, 403);
    assert!(String::from_utf8_lossy(&refused.answer).contains("REJECTED"));
    // Niangoloko's ASYCUDA confirms the train once: every declaration passes.
    let sent = bf
        .send_train(&confirmation(
            "BFNGK001",
            "0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a01",
        ))
        .await
        .unwrap();
    let answer = String::from_utf8_lossy(&sent.answer);
    assert_eq!(sent.status, 202, "{answer}");
    assert!(
        answer.contains("<Message_type>TRAIN</Message_type>"),
        "{answer}"
    );
    for m in &movements {
        let passage = ci
            .wait_for(
                m.mrn.as_str(),
                MessageType::NotificationCrossingFrontier,
                PATIENCE,
            )
            .await
            .unwrap();
        let transit_model::Body::NotificationCrossingFrontier(crossing) = passage.message.body()
        else {
            unreachable!()
        };
        assert_eq!(crossing.transit_office.as_str(), "BFNGK001");
        assert_eq!(crossing.crossing_date_time, now);
    }
}
