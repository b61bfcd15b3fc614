//! An NCTS country on a sigmat corridor, on the real stack: Ghana's NCTS system (the test
//! profile, `schemas/national/mapping/gh.json`) releases a movement for Abidjan with the CD050C
//! it would send its neighbours; Burkina Faso's ASYCUDA border and Côte d'Ivoire's SYDAM
//! destination get their copies in their formats, confirm in them, and Ghana receives every
//! confirmation as a CD message — each of which validates against the official XSDs 51.8.6
//! when `SIGMAT_NCTS_XSD_DIR` names them.

use std::time::Duration;

use chrono::{Duration as Span, Utc};
use integration_tests::{national_system, Stack};
use transit_model::{MessageType, OfficeRef};
use transit_national::Family;
use transit_scenario::{Corridor, Movement};

const PATIENCE: Duration = Duration::from_secs(30);

fn office(code: &str) -> OfficeRef {
    OfficeRef::parse(code).unwrap()
}

/// `document` against the official schema of its root, when the XSDs are at hand.
fn check_against_the_official_xsds(name: &str, document: &[u8]) -> bool {
    match transit_testkit::check_against_official_schemas(name, document) {
        Some(result) => {
            result.unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(document)));
            true
        }
        None => false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ncts_departure_through_burkina_asycuda_to_abidjan_sydam() {
    let (gh, gh_spec) = national_system(Family::Ncts, "GH", true).await;
    let (bf, bf_spec) = national_system(Family::Asycuda, "BF", true).await;
    let (ci, ci_spec) = national_system(Family::Sydam, "CI", true).await;
    // Ghana's adapter checks what comes in against the official XSDs, when they are at hand.
    let official = transit_testkit::official_schemas_dir();
    let gh_spec = gh_spec.checking_against(official.clone());
    let stack = Stack::new()
        .with_adapters(&[gh_spec, bf_spec, ci_spec])
        .start()
        .await;

    // Tema → Dakola (entering Burkina Faso) → Abidjan.
    let corridor = Corridor {
        departure: office("GHTEM001"),
        transit: vec![office("BFDKL001")],
        destination: office("CIABJ001"),
    };
    let movement = Movement::new(corridor.clone(), Utc::now());
    let mrn = movement.mrn.to_string();
    let t0 = Utc::now();

    // Tema releases with the CD050C an NCTS departure sends; the answer is CC928C-shaped. Its
    // guarantee is an individual one, with a reference in NCTS's GRN form.
    let grn = format!("26GH{}7", &mrn[4..16]);
    let release = gh.translator().to_national(&movement.release()).unwrap();
    let cd050 = String::from_utf8_lossy(&release).replace("GRN-CI-77881", &grn);
    let release = cd050.clone().into_bytes();
    assert!(
        cd050.contains("<ncts:CD050C")
            && cd050.contains("<messageRecipient>HUB</messageRecipient>"),
        "{cd050}"
    );
    check_against_the_official_xsds("release", &release);
    let sent = gh.send_national(release).await.unwrap();
    let answer = String::from_utf8_lossy(&sent.answer);
    assert_eq!(sent.status, 202, "{answer}");
    assert!(
        answer.contains("<ncts:CC928C") && answer.contains(&mrn),
        "{answer}"
    );

    // A message the official schema refuses (an element CD050C does not have, which the
    // translator alone would pass over) is answered CD917C-shaped, naming it, and kept.
    if official.is_some() {
        let spoiled = cd050.replace(
            "<releaseDate>",
            "<arrivalNotificationCode>1</arrivalNotificationCode>\n    <releaseDate>",
        );
        let sent = gh.send_national(spoiled.into_bytes()).await.unwrap();
        let answer = String::from_utf8_lossy(&sent.answer);
        assert_eq!(sent.status, 400, "{answer}");
        assert!(
            answer.contains("<ncts:CD917C")
                && answer.contains("element arrivalNotificationCode")
                && answer.contains("CD050C.xsd"),
            "{answer}"
        );
        assert_eq!(
            stack
                .adapter_store("GH")
                .await
                .refusal_count()
                .await
                .unwrap(),
            1
        );
    }

    // The ASYCUDA border and the SYDAM destination get their copies in their own formats.
    let record = bf
        .wait_for(&mrn, MessageType::AnticipatedTransitRecord, PATIENCE)
        .await
        .unwrap();
    let xml = String::from_utf8_lossy(&record.national);
    assert!(xml.contains("<Type>TRANSIT_RECORD</Type>"), "{xml}");
    let record = ci
        .wait_for(&mrn, MessageType::AnticipatedArrivalRecord, PATIENCE)
        .await
        .unwrap();
    let json = String::from_utf8_lossy(&record.national);
    assert!(json.contains("\"entete\""), "{json}");

    guarantee_checks(&gh, &corridor, &grn).await;

    // They confirm in their formats…
    for (sim, message) in [
        (
            &bf,
            movement.passage(&corridor.transit[0], t0 + Span::minutes(30)),
        ),
        (&ci, movement.arrival(t0 + Span::minutes(300))),
        (&ci, movement.control_results(t0 + Span::minutes(320))),
    ] {
        let sent = sim.send(&message).await.unwrap();
        assert_eq!(
            sent.status,
            202,
            "{}",
            String::from_utf8_lossy(&sent.answer)
        );
    }

    // …and Ghana's NCTS system receives each as its CD message, addressed to Tema.
    let mut checked = 0;
    for (kind, root) in [
        (MessageType::NotificationCrossingFrontier, "CD118C"),
        (MessageType::ArrivalAdvice, "CD006C"),
        (MessageType::DestinationControlResults, "CD018C"),
    ] {
        let got = gh.wait_for(&mrn, kind, PATIENCE).await.unwrap();
        let text = String::from_utf8_lossy(&got.national);
        assert!(
            text.contains(&format!("<ncts:{root}"))
                && text.contains(
                    "<CustomsOfficeOfDeparture>\n    <referenceNumber>GHTEM001</referenceNumber>"
                ),
            "{text}"
        );
        if check_against_the_official_xsds(root, &got.national) {
            checked += 1;
        }
    }
    // The write-off has no CD message: it comes in the standardized JSON, once.
    let write_off = gh
        .wait_for(&mrn, MessageType::WriteOffNotification, PATIENCE)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&write_off.national).contains("\"IE045\""));
    if std::env::var_os("SIGMAT_NCTS_XSD_DIR").is_some() {
        assert_eq!(checked, 3);
    } else {
        eprintln!("{}", transit_testkit::OFFICIAL_SCHEMAS_SKIPPED);
    }

    for sim in [&gh, &bf, &ci] {
        assert!(
            sim.errors().is_empty(),
            "{}: {:?}",
            sim.country(),
            sim.errors()
        );
        let received = sim.received();
        let mut seen = std::collections::HashSet::new();
        for r in &received {
            assert!(
                seen.insert(r.message_id.clone()),
                "{} received {} twice",
                sim.country(),
                r.message_id
            );
        }
    }
}

/// Guarantee checks, once the release is on the hub: Tema asks about the released movement's
/// individual guarantee for another movement (in use: not valid), registers a fresh guarantee's
/// use for a second movement (valid, registered), then asks about that one for a third movement
/// (in use) and for the second again (valid: its own use). Each answer comes back once, as
/// CD201C or CD205C, checked against the official XSDs when they are at hand; a check from
/// another country's office, or with a reference that is not a GRN, is refused.
async fn guarantee_checks(gh: &national_sim::Simulator, corridor: &Corridor, released_grn: &str) {
    let template = String::from_utf8(
        std::fs::read(
            transit_national::fixtures::examples_dir("ncts").join("guarantee/CD200C.xml"),
        )
        .unwrap(),
    )
    .unwrap()
    .replace("CIABJ001", "GHTEM001");
    let second = Movement::new(corridor.clone(), Utc::now()).mrn.to_string();
    let third = Movement::new(corridor.clone(), Utc::now()).mrn.to_string();
    let fresh = format!("26GH{}3", &second[4..16]);
    let gh_country = transit_model::CountryCode::parse("GH").unwrap();
    let ask = |kind: &str, reference: &str, mrn: &str, grn: &str| {
        let document = template
            .replace("CD200C", kind)
            .replace("GC-2026-000117", reference)
            .replace("25CIUJZDE8GXD6NCJ0", mrn)
            .replace("25CI0000000001234", grn);
        (
            transit_national::national_message_id(gh_country, reference),
            document.into_bytes(),
        )
    };
    let run = &second[4..10];
    let questions = [
        (
            ask("CD200C", &format!("GC-{run}-1"), &second, released_grn),
            "CD201C",
            false,
            false,
        ),
        (
            ask("CD203C", &format!("GU-{run}-2"), &second, &fresh),
            "CD205C",
            true,
            true,
        ),
        (
            ask("CD200C", &format!("GC-{run}-3"), &third, &fresh),
            "CD201C",
            false,
            false,
        ),
        (
            ask("CD200C", &format!("GC-{run}-4"), &second, &fresh),
            "CD201C",
            true,
            false,
        ),
    ];
    for ((check_id, document), answer_root, valid, registered) in questions {
        check_against_the_official_xsds("guarantee check", &document);
        // Sent twice: the hub answers once.
        for _ in 0..2 {
            let sent = gh.send_national(document.clone()).await.unwrap();
            let answer = String::from_utf8_lossy(&sent.answer);
            assert_eq!(sent.status, 202, "{answer}");
            assert!(answer.contains(&check_id.to_string()), "{answer}");
        }
        let got = gh
            .wait_for_guarantee_result(check_id, PATIENCE)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&got.national);
        assert!(
            text.contains(&format!("<ncts:{answer_root}"))
                && text.contains("<messageRecipient>GHTEM001</messageRecipient>"),
            "{text}"
        );
        check_against_the_official_xsds(answer_root, &got.national);
        assert_eq!(
            got.result.valid(),
            valid,
            "{text}\nasked {check_id} about {answer_root}; all answers: {:#?}",
            gh.guarantee_results()
                .iter()
                .map(|r| (r.result.check_id, r.result.mrn.clone(), r.result.valid()))
                .collect::<Vec<_>>()
        );
        assert_eq!(got.result.use_registered, registered, "{text}");
        if !valid {
            assert!(text.contains("<code>S01</code>"), "{text}");
        }
    }
    // A check from another country's office is refused (and kept), as is one whose GRN is not
    // one; neither reaches the hub.
    let foreign = std::fs::read(
        transit_national::fixtures::examples_dir("ncts").join("guarantee/CD200C.xml"),
    )
    .unwrap();
    let sent = gh.send_national(foreign).await.unwrap();
    let answer = String::from_utf8_lossy(&sent.answer);
    assert_eq!(sent.status, 403, "{answer}");
    assert!(answer.contains("CIABJ001"), "{answer}");
    let (_, spoiled) = ask("CD200C", &format!("GC-{run}-5"), &third, "GRN-CI-77881");
    let sent = gh.send_national(spoiled).await.unwrap();
    let answer = String::from_utf8_lossy(&sent.answer);
    assert!(sent.status == 400 && answer.contains("GRN"), "{answer}");

    // Each answer once. One check more about each movement asked about, keyed like the copies
    // by its MRN: its answer comes after any answer to a copy sent before it (read in order by
    // the tracker, queued, published, stored and handed over in that order), so once both are
    // in, so is every answer there will be.
    let markers = [
        ask("CD200C", &format!("GC-{run}-6"), &second, &fresh),
        ask("CD200C", &format!("GC-{run}-7"), &third, &fresh),
    ];
    for (_, document) in &markers {
        let sent = gh.send_national(document.clone()).await.unwrap();
        assert_eq!(
            sent.status,
            202,
            "{}",
            String::from_utf8_lossy(&sent.answer)
        );
    }
    for (check_id, _) in &markers {
        gh.wait_for_guarantee_result(*check_id, PATIENCE)
            .await
            .unwrap();
    }
    gh.pull_if_no_webhook().await.unwrap();
    let answers = gh.guarantee_results();
    let mut ids: Vec<_> = answers.iter().map(|r| r.result.check_id).collect();
    ids.sort_unstable_by_key(|id| id.as_uuid());
    ids.dedup();
    assert_eq!((answers.len(), ids.len()), (6, 6));
}
