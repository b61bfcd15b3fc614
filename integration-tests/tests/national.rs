//! From national system to national system: simulators of the ASYCUDA, SYDAM and GAINDE
//! families in front of their countries' adapters, the real broker, the tracker and
//! PostgreSQL. Each movement's copies reach the transit and destination systems in their own
//! formats, and every confirmation comes back to the departure system in its own.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{Duration as Span, Utc};
use integration_tests::{national_system, Stack};
use national_sim::Simulator;
use transit_model::reference::ReferenceData;
use transit_model::MessageType;
use transit_national::Family;
use transit_scenario::{Corridor, Movement};

const PATIENCE: Duration = Duration::from_secs(30);

async fn count(sim: &Simulator, mrn: &str, kind: MessageType, n: usize) {
    let started = std::time::Instant::now();
    loop {
        if sim.webhook_url().is_none() {
            sim.pull().await.unwrap();
        }
        let got = sim
            .received()
            .iter()
            .filter(|r| r.message.mrn().as_str() == mrn && r.message.message_type() == kind)
            .count();
        if got >= n {
            assert_eq!(
                got,
                n,
                "{}: {} {} received too often",
                sim.country(),
                kind.code(),
                mrn
            );
            return;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "{} got {got} of {n} {} for {mrn}",
            sim.country(),
            kind.code()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn assert_clean(sims: &[&Simulator]) {
    for sim in sims {
        assert!(
            sim.errors().is_empty(),
            "{}: {:?}",
            sim.country(),
            sim.errors()
        );
        let ids: Vec<String> = sim
            .received()
            .iter()
            .map(|r| r.message_id.clone())
            .collect();
        let distinct: HashSet<&String> = ids.iter().collect();
        assert_eq!(
            distinct.len(),
            ids.len(),
            "{} received a message twice",
            sim.country()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cote_divoire_sydam_to_burkina_and_niger_asycuda() {
    let data = ReferenceData::builtin();
    let (ci, ci_spec) = national_system(Family::Sydam, "CI", true).await;
    let (bf, bf_spec) = national_system(Family::Asycuda, "BF", true).await;
    let (ne, ne_spec) = national_system(Family::Asycuda, "NE", true).await;
    let drop = std::env::temp_dir().join(format!("sigmat-drop-{}", uuid::Uuid::new_v4().simple()));
    let stack = Stack::new()
        .with_adapters(&[ci_spec, bf_spec.watching(drop.clone()), ne_spec])
        .start()
        .await;

    let corridor = Corridor::from_reference(&data, "abidjan-ouagadougou-niamey").unwrap();
    let movement = Movement::new(corridor.clone(), Utc::now());
    let mrn = movement.mrn.to_string();
    let t0 = Utc::now();

    // Côte d'Ivoire releases the declaration in SYDAM's JSON; the answer is SYDAM's.
    let sent = ci.send(&movement.release()).await.unwrap();
    let answer = String::from_utf8_lossy(&sent.answer);
    assert_eq!(sent.status, 202, "{answer}");
    assert!(answer.contains("\"statut\": \"ACCEPTE\""), "{answer}");

    // Burkina Faso's and Niger's ASYCUDA systems get their copies in ASYCUDA XML.
    let bf_record = bf
        .wait_for(&mrn, MessageType::AnticipatedTransitRecord, PATIENCE)
        .await
        .unwrap();
    let xml = String::from_utf8_lossy(&bf_record.national);
    assert!(
        xml.contains("<Type>TRANSIT_RECORD</Type>") && xml.contains("<Recipient>NIAN</Recipient>"),
        "{xml}"
    );
    ne.wait_for(&mrn, MessageType::AnticipatedTransitRecord, PATIENCE)
        .await
        .unwrap();
    let arrival_record = ne
        .wait_for(&mrn, MessageType::AnticipatedArrivalRecord, PATIENCE)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&arrival_record.national).contains("<Office>NIAM</Office>"));
    // Niger's system is configured for windows-1252 (schemas/national/mapping/ne.json): what it
    // gets says so, holds the declarant's é as one byte, and reads back as Abidjan wrote it.
    let ne_bytes = &arrival_record.national;
    assert!(
        ne_bytes.starts_with(b"<?xml version=\"1.0\" encoding=\"windows-1252\"?>"),
        "{}",
        String::from_utf8_lossy(ne_bytes)
    );
    assert!(ne_bytes.windows(6).any(|w| w == b"Soci\xE9t"));
    let transit_model::Body::AnticipatedArrivalRecord(record) = arrival_record.message.body()
    else {
        panic!("not an arrival record")
    };
    assert_eq!(
        record.declarant.as_ref().map(|d| d.name.as_str()),
        Some("Société Ivoirienne de Transit SA")
    );

    // Niangoloko confirms the passage through BF's drop directory, as an exported file.
    let passage = bf
        .translator()
        .to_national(&movement.passage(&corridor.transit[0], t0 + Span::minutes(5)))
        .unwrap();
    std::fs::write(drop.join("ncf-0001.xml"), passage).unwrap();
    std::fs::write(
        drop.join("broken.xml"),
        b"<ASYCUDA><Message><Type>BORDER_PASSAGE",
    )
    .unwrap();

    // Niger: passage at Makalondi, arrival and control at Niamey, over HTTP.
    for message in [
        movement.passage(&corridor.transit[1], t0 + Span::minutes(50)),
        movement.arrival(t0 + Span::minutes(90)),
        movement.control_results(t0 + Span::minutes(120)),
    ] {
        let sent = ne.send(&message).await.unwrap();
        assert_eq!(
            sent.status,
            202,
            "{}",
            String::from_utf8_lossy(&sent.answer)
        );
    }

    // Every confirmation is back in Abidjan, in SYDAM's format, once.
    count(&ci, &mrn, MessageType::NotificationCrossingFrontier, 2).await;
    let arrival = ci
        .wait_for(&mrn, MessageType::ArrivalAdvice, PATIENCE)
        .await
        .unwrap();
    assert!(
        String::from_utf8_lossy(&arrival.national).contains("\"typeMessage\": \"AVIS_ARRIVEE\"")
    );
    ci.wait_for(&mrn, MessageType::DestinationControlResults, PATIENCE)
        .await
        .unwrap();
    let write_off = ci
        .wait_for(&mrn, MessageType::WriteOffNotification, PATIENCE)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&write_off.national).contains("\"garantieLiberee\": true"));

    // The drop directory moved both files, with an answer beside each.
    let processed = drop.join("processed");
    let ack = std::fs::read_to_string(processed.join("ncf-0001.xml.ack")).unwrap();
    assert!(ack.contains("<Status>ACCEPTED</Status>"), "{ack}");
    assert!(processed.join("ncf-0001.xml").exists());
    let error = std::fs::read_to_string(drop.join("rejected").join("broken.xml.error")).unwrap();
    assert!(
        error.contains("<Status>REJECTED</Status>") && error.contains("<Class>truncated</Class>"),
        "{error}"
    );
    assert!(!drop.join("broken.xml").exists());
    assert_eq!(
        stack
            .adapter_store("BF")
            .await
            .refusal_count()
            .await
            .unwrap(),
        1
    );
    // A message of another country's office is refused, naming the ASYCUDA element.
    let foreign = bf.send(&movement.release()).await.unwrap();
    let answer = String::from_utf8_lossy(&foreign.answer);
    assert_eq!(foreign.status, 403, "{answer}");
    assert!(
        answer.contains("<Place>ASYCUDA/Message/Sender</Place>"),
        "{answer}"
    );

    let queries = stack.tracker_queries().await;
    let state = queries.movement(&mrn).await.unwrap().unwrap();
    assert_eq!(state.movement.state.as_str(), "WrittenOff");
    assert_clean(&[&ci, &bf, &ne]);
    let _ = std::fs::remove_dir_all(drop);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truck_for_ouagadougou_diverted_to_niamey_from_nigers_asycuda() {
    let (ci, ci_spec) = national_system(Family::Sydam, "CI", true).await;
    let (bf, bf_spec) = national_system(Family::Asycuda, "BF", true).await;
    let (ne, ne_spec) = national_system(Family::Asycuda, "NE", true).await;
    let _stack = Stack::new()
        .with_adapters(&[ci_spec, bf_spec, ne_spec])
        .start()
        .await;
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    let mrn = movement.mrn.to_string();
    let t0 = Utc::now();
    let niamey = transit_model::OfficeRef::parse("NENIA001").unwrap();

    assert_eq!(ci.send(&movement.release()).await.unwrap().status, 202);
    bf.wait_for(&mrn, MessageType::AnticipatedArrivalRecord, PATIENCE)
        .await
        .unwrap();
    let passage = movement.passage(&movement.corridor.transit[0], t0 + Span::minutes(5));
    assert_eq!(bf.send(&passage).await.unwrap().status, 202);

    // Niamey, not the declared destination, asks for the record from Niger's ASYCUDA.
    let request = movement.arrival_record_request(&niamey, t0 + Span::minutes(60));
    let sent = ne.send(&request).await.unwrap();
    assert_eq!(
        sent.status,
        202,
        "{}",
        String::from_utf8_lossy(&sent.answer)
    );
    // Niger is not a country the declaration names: the request goes to Abidjan, in SYDAM's
    // JSON, and Abidjan's grant, in SYDAM's JSON too, admits Niamey.
    let told = ci
        .wait_for(&mrn, MessageType::ArrivalRecordRequest, PATIENCE)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&told.national)
        .contains("\"typeMessage\": \"DEMANDE_PREAVIS_ARRIVEE\""));
    let grant = movement.record_granted(
        MessageType::ArrivalRecordRequest,
        &niamey,
        t0 + Span::minutes(65),
    );
    let sent = ci.send(&grant).await.unwrap();
    assert_eq!(
        sent.status,
        202,
        "{}",
        String::from_utf8_lossy(&sent.answer)
    );
    let record = ne
        .wait_for(&mrn, MessageType::ArrivalRecordResponse, PATIENCE)
        .await
        .unwrap();
    let xml = String::from_utf8_lossy(&record.national);
    assert!(
        xml.contains("<Type>ARRIVAL_RECORD_RESPONSE</Type>")
            && xml.contains("<Outcome>GRANTED</Outcome>")
            && xml.contains("MSCU1234566"),
        "{xml}"
    );

    // Niamey receives and controls the goods.
    for message in [
        movement.arrival_at(&niamey, t0 + Span::minutes(90)),
        movement.control_results_at(&niamey, t0 + Span::minutes(120)),
    ] {
        let sent = ne.send(&message).await.unwrap();
        assert_eq!(
            sent.status,
            202,
            "{}",
            String::from_utf8_lossy(&sent.answer)
        );
    }

    // Every party is told: Abidjan gets the arrival, the control and the write-off;
    // Ouagadougou, which expected the goods, the forwarded arrival advice.
    for kind in [
        MessageType::ArrivalAdvice,
        MessageType::DestinationControlResults,
        MessageType::WriteOffNotification,
    ] {
        ci.wait_for(&mrn, kind, PATIENCE).await.unwrap();
    }
    let forwarded = bf
        .wait_for(&mrn, MessageType::ArrivalAdvice, PATIENCE)
        .await
        .unwrap();
    // Burkina Faso's office table does not hold Niger's offices: the reference is written.
    let xml = String::from_utf8_lossy(&forwarded.national);
    assert!(
        xml.contains("<Type>ARRIVAL_ADVICE</Type>") && xml.contains("<Office>NENIA001</Office>"),
        "{xml}"
    );
    assert_clean(&[&ci, &bf, &ne]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_time_limit_passes_and_the_enquiry_runs_in_the_national_formats() {
    let (ci, ci_spec) = national_system(Family::Sydam, "CI", true).await;
    let (bf, bf_spec) = national_system(Family::Asycuda, "BF", true).await;
    let _stack = Stack::new()
        .with_adapters(&[ci_spec, bf_spec])
        .start()
        .await;
    // Released eight days ago: the seven-day limit passed yesterday, and no arrival came.
    let released = Utc::now() - Span::days(8);
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), released);
    let mrn = movement.mrn.to_string();
    assert_eq!(ci.send(&movement.release()).await.unwrap().status, 202);

    // The hub tells Abidjan, in SYDAM's JSON, that an enquiry is recommended.
    let notice = ci
        .wait_for(&mrn, MessageType::StatusResponse, PATIENCE)
        .await
        .unwrap();
    let json = String::from_utf8_lossy(&notice.national);
    assert!(
        json.contains("\"typeMessage\": \"REPONSE_STATUT\"")
            && json.contains("\"etat\": \"EnquiryRecommended\""),
        "{json}"
    );

    // Abidjan asks Ouagadougou (IE142 in SYDAM); Ouagadougou gets it in ASYCUDA and answers
    // with proof of arrival (IE144 in ASYCUDA).
    assert_eq!(
        ci.send(&movement.enquiry(Utc::now())).await.unwrap().status,
        202
    );
    let enquiry = bf
        .wait_for(&mrn, MessageType::EnquiryRequest, PATIENCE)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&enquiry.national).contains("<Type>ENQUIRY_REQUEST</Type>"));
    let proof = movement.proof_of_arrival(Utc::now(), Utc::now() - Span::days(2));
    assert_eq!(bf.send(&proof).await.unwrap().status, 202);

    // Abidjan receives the proof and the write-off, in SYDAM's JSON.
    let answer = ci
        .wait_for(&mrn, MessageType::EnquiryInformation, PATIENCE)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&answer.national)
        .contains("\"typeMessage\": \"INFORMATION_ENQUETE\""));
    let write_off = ci
        .wait_for(&mrn, MessageType::WriteOffNotification, PATIENCE)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&write_off.national).contains("\"garantieLiberee\": true"));
    assert_clean(&[&ci, &bf]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn senegal_gainde_to_mali_asycuda() {
    let data = ReferenceData::builtin();
    // Senegal's GAINDE pulls its deliveries; Mali's ASYCUDA takes pushes.
    let (sn, sn_spec) = national_system(Family::Gainde, "SN", false).await;
    let (ml, ml_spec) = national_system(Family::Asycuda, "ML", true).await;
    let stack = Stack::new()
        .with_adapters(&[sn_spec, ml_spec])
        .start()
        .await;

    let corridor = Corridor::from_reference(&data, "dakar-bamako").unwrap();
    let movement = Movement::new(corridor.clone(), Utc::now());
    let mrn = movement.mrn.to_string();
    let t0 = Utc::now();

    let sent = sn.send(&movement.release()).await.unwrap();
    let answer = String::from_utf8_lossy(&sent.answer);
    assert_eq!(sent.status, 202, "{answer}");
    assert!(
        answer.contains("BGM+313+") && answer.contains("APERAK"),
        "{answer}"
    );

    ml.wait_for(&mrn, MessageType::AnticipatedTransitRecord, PATIENCE)
        .await
        .unwrap();
    ml.wait_for(&mrn, MessageType::AnticipatedArrivalRecord, PATIENCE)
        .await
        .unwrap();
    for message in [
        movement.passage(&corridor.transit[0], t0 + Span::minutes(30)),
        movement.arrival(t0 + Span::minutes(300)),
        movement.control_results(t0 + Span::minutes(320)),
    ] {
        let sent = ml.send(&message).await.unwrap();
        assert_eq!(
            sent.status,
            202,
            "{}",
            String::from_utf8_lossy(&sent.answer)
        );
    }

    let passage = sn
        .wait_for(&mrn, MessageType::NotificationCrossingFrontier, PATIENCE)
        .await
        .unwrap();
    let edi = String::from_utf8_lossy(&passage.national);
    assert!(
        edi.contains("BGM+NCF+") && edi.contains("LOC+119+MLDBL001'"),
        "{edi}"
    );
    sn.wait_for(&mrn, MessageType::ArrivalAdvice, PATIENCE)
        .await
        .unwrap();
    sn.wait_for(&mrn, MessageType::DestinationControlResults, PATIENCE)
        .await
        .unwrap();
    let write_off = sn
        .wait_for(&mrn, MessageType::WriteOffNotification, PATIENCE)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&write_off.national).contains("BGM+WOF+"));

    // A refused GAINDE message is answered in EDIFACT and kept.
    let sent = sn
        .send_national(
            b"UNA:+.? 'UNB+UNOW:4+10P+HUB+20261126:0800+X1'UNH+1+CUSDEC:D:96B:UN'BGM+TRL+X1+9'"
                .to_vec(),
        )
        .await
        .unwrap();
    let answer = String::from_utf8_lossy(&sent.answer);
    assert_eq!(sent.status, 400, "{answer}");
    assert!(answer.contains("ERC+truncated'"), "{answer}");
    assert_eq!(
        stack
            .adapter_store("SN")
            .await
            .refusal_count()
            .await
            .unwrap(),
        1
    );
    assert_clean(&[&sn, &ml]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_national_system_down_for_a_while_receives_everything_once_when_back() {
    let data = ReferenceData::builtin();
    let (ci, ci_spec) = national_system(Family::Sydam, "CI", true).await;
    let (bf, bf_spec) = national_system(Family::Asycuda, "BF", true).await;
    let stack = Stack::new()
        .with_adapters(&[ci_spec, bf_spec])
        .start()
        .await;
    bf.go_down().await;

    let corridor = Corridor::from_reference(&data, "abidjan-ouagadougou").unwrap();
    let movements: Vec<Movement> = (0..4)
        .map(|_| Movement::new(corridor.clone(), Utc::now()))
        .collect();
    for movement in &movements {
        let sent = ci.send(&movement.release()).await.unwrap();
        assert_eq!(
            sent.status,
            202,
            "{}",
            String::from_utf8_lossy(&sent.answer)
        );
    }

    // The adapter holds all eight copies and keeps failing to push them.
    let store = stack.adapter_store("BF").await;
    let started = std::time::Instant::now();
    loop {
        let rows = store.all().await.unwrap();
        if rows.len() == 8 && rows.iter().any(|r| r.push_attempts >= 2) {
            assert!(rows.iter().all(|r| r.acked_at.is_none()));
            let error = rows.iter().find_map(|r| r.last_push_error.clone()).unwrap();
            assert!(error.contains("cannot reach"), "{error}");
            break;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "BF's adapter has {} deliveries",
            rows.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(bf.received().is_empty());

    bf.come_back().await.unwrap();
    for movement in &movements {
        let mrn = movement.mrn.to_string();
        count(&bf, &mrn, MessageType::AnticipatedTransitRecord, 1).await;
        count(&bf, &mrn, MessageType::AnticipatedArrivalRecord, 1).await;
    }
    // The adapter has marked all eight taken: it pushes a delivery until it is, one at a time,
    // and never again after. Each was delivered exactly once.
    let started = std::time::Instant::now();
    loop {
        let rows = store.all().await.unwrap();
        if rows.len() == 8 && rows.iter().all(|r| r.acked_at.is_some()) {
            break;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "BF's adapter has {} of {} deliveries taken",
            rows.iter().filter(|r| r.acked_at.is_some()).count(),
            rows.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(bf.received().len(), 8);
    assert_clean(&[&ci, &bf]);
}
