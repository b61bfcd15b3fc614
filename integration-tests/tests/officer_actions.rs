//! The actions an officer takes that are not on the declared path, through the API as the
//! officer app sends them, on the real stack: a truck declared for Ouagadougou crosses into
//! Niger at Makalondi (an undeclared border office) and is presented at Niamey (an undeclared
//! destination) — each admitted by Abidjan, the departure, Niger being a country the
//! declaration does not name — where it is received, controlled and written off (flagged as
//! discharged off route), Ouagadougou being told where the goods it expected arrived; and a
//! destination answers
//! the departure's enquiry with proof of arrival, which writes the movement off.

use chrono::Utc;
use integration_tests::{AdapterSpec, Stack};
use serde_json::json;
use transit_model::{MessageType, OfficeRef};
use transit_scenario::{Corridor, Movement};
use transit_store::adapter::DeliveryRow;

fn has(rows: &[DeliveryRow], message_type: &str, recipient: &str) -> bool {
    rows.iter()
        .any(|d| d.message_type == message_type && d.recipient == recipient)
}

/// Abidjan's national system grants `office` the record it asked for (`request`).
async fn grant(stack: &Stack, movement: &Movement, request: MessageType, office: &str) {
    let office = OfficeRef::parse(office).unwrap();
    stack
        .adapter("CI")
        .submit(&movement.record_granted(request, &office, Utc::now()))
        .await
        .expect("the departure's grant accepted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truck_diverted_to_niamey_by_the_officers_there_is_written_off() {
    // Niger's national system speaks ASYCUDA; the others the standardized JSON.
    let specs = [
        AdapterSpec::standard("CI"),
        AdapterSpec::standard("BF"),
        AdapterSpec::national("NE", "asycuda"),
    ];
    let mut stack = Stack::new().with_adapters(&specs).start().await;
    stack.add_user("makalondi", "officer", Some("NEMKL001"), None);
    stack.add_user("niamey", "officer", Some("NENIA001"), None);
    let (makalondi, niamey) = (
        stack.api_as("makalondi").await,
        stack.api_as("niamey").await,
    );
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    let mrn = movement.mrn.to_string();
    stack.national("CI").releases(&movement).await;
    stack
        .wait_for_deliveries("BF", &mrn, "the records", |rows| {
            has(rows, "IE050", "BFNGK001") && has(rows, "IE001", "BFOUA001")
        })
        .await;
    stack
        .adapter("BF")
        .submit(&movement.passage(&OfficeRef::parse("BFNGK001").unwrap(), Utc::now()))
        .await
        .expect("passage at Niangoloko accepted");

    // Makalondi is not on the route: the officer asks for the record. Niger is not a country
    // the declaration names, so the request goes to Abidjan, whose grant admits the office;
    // until then Makalondi can do nothing more.
    makalondi
        .act(
            &mrn,
            &json!({"action": "undeclaredPassage", "text": "truck continues to Niger"}),
            "mkl-1",
        )
        .await
        .expect("undeclared passage accepted");
    stack
        .wait_for_deliveries("CI", &mrn, "the request at the departure", |rows| {
            rows.iter().any(|d| d.message_type == "IE114")
        })
        .await;
    makalondi
        .act(&mrn, &json!({"action": "passage"}), "mkl-0")
        .await
        .expect_err("a passage before the departure's grant");
    grant(
        &stack,
        &movement,
        MessageType::TransitRecordRequest,
        "NEMKL001",
    )
    .await;
    stack
        .wait_for_deliveries("NE", &mrn, "the transit record answer", |rows| {
            has(rows, "IE115", "NEMKL001")
        })
        .await;
    makalondi
        .act(&mrn, &json!({"action": "passage"}), "mkl-2")
        .await
        .expect("passage at Makalondi accepted");

    // Niamey is not the declared destination: the officer asks for the record (IE002), then
    // receives and controls the goods.
    niamey
        .act(
            &mrn,
            &json!({"action": "diversion", "text": "consignee took delivery in Niamey"}),
            "nia-1",
        )
        .await
        .expect("diversion accepted");
    stack
        .wait_for_deliveries("CI", &mrn, "the diversion at the departure", |rows| {
            rows.iter().any(|d| d.message_type == "IE002")
        })
        .await;
    grant(
        &stack,
        &movement,
        MessageType::ArrivalRecordRequest,
        "NENIA001",
    )
    .await;
    let rows = stack
        .wait_for_deliveries("NE", &mrn, "the arrival record answer", |rows| {
            has(rows, "IE003", "NENIA001")
        })
        .await;
    // Niger's ASYCUDA gets the record in its own format and character set (windows-1252,
    // schemas/national/mapping/ne.json), the declaration with it.
    let record = rows.iter().find(|d| d.message_type == "IE003").unwrap();
    let bytes = record.national.clone().unwrap_or_else(|| {
        panic!(
            "no ASYCUDA form: {} {:?}",
            record.format, record.national_note
        )
    });
    let xml = transit_national::CharacterEncoding::Windows1252
        .decode(&bytes)
        .unwrap()
        .into_owned();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"windows-1252\"?>"));
    assert!(xml.contains("Société Ivoirienne"), "{xml}");
    assert!(
        xml.contains("<Type>ARRIVAL_RECORD_RESPONSE</Type>")
            && xml.contains("<Outcome>GRANTED</Outcome>")
            && xml.contains("MSCU1234566"),
        "{xml}"
    );
    niamey
        .act(&mrn, &json!({"action": "arrival"}), "nia-2")
        .await
        .expect("arrival at Niamey accepted");
    // The officer controls once the arrival is recorded (the app shows it).
    stack
        .wait_for_state(&mrn, "Arrived", "the arrival at Niamey")
        .await;
    niamey
        .act(
            &mrn,
            &json!({"action": "control", "sealsIntact": true}),
            "nia-3",
        )
        .await
        .expect("control at Niamey accepted");

    let back = stack
        .wait_for_deliveries("CI", &mrn, "the write-off", |rows| {
            rows.iter().any(|d| d.message_type == "IE045")
        })
        .await;
    for told in ["IE118", "IE006", "IE018"] {
        assert!(
            back.iter().any(|d| d.message_type == told),
            "the departure was not told {told}: {:?}",
            back.iter().map(|d| &d.message_type).collect::<Vec<_>>()
        );
    }
    // Ouagadougou, which expected the goods, is told where they arrived (the forwarded
    // arrival advice).
    stack
        .wait_for_deliveries("BF", &mrn, "the forwarded arrival advice", |rows| {
            has(rows, "IE006", "BFOUA001")
        })
        .await;
    let stored = stack
        .tracker_queries()
        .await
        .movement(&mrn)
        .await
        .unwrap()
        .unwrap()
        .movement;
    assert_eq!(
        (stored.state.as_str(), stored.destination_office.as_str()),
        ("WrittenOff", "NENIA001")
    );
    assert_eq!(
        stored.diverted_from.as_ref().map(OfficeRef::as_str),
        Some("BFOUA001")
    );
    assert!(stored
        .route
        .iter()
        .any(|p| p.office.as_str() == "NEMKL001" && !p.declared && p.crossed_at.is_some()));
    assert!(stored.guarantee_released);
    assert_eq!(
        stored.discharged_off_route.map(|d| d.office.to_string()),
        Some("NENIA001".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_destination_officer_answers_an_enquiry_with_proof_of_arrival() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("ouagadougou", "officer", Some("BFOUA001"), None);
    let officer = stack.api_as("ouagadougou").await;
    let queries = stack.tracker_queries().await;
    // Released eight days ago: the seven-day limit passed yesterday.
    let movement = Movement::new(
        Corridor::abidjan_ouagadougou(),
        Utc::now() - chrono::Duration::days(8),
    );
    let mrn = movement.mrn.to_string();
    stack.national("CI").releases(&movement).await;
    stack
        .wait_for_state(&mrn, "EnquiryRecommended", "the timer")
        .await;
    stack
        .adapter("CI")
        .submit(&movement.enquiry(Utc::now()))
        .await
        .expect("enquiry accepted");
    stack
        .wait_for_deliveries("BF", &mrn, "the enquiry", |rows| {
            rows.iter().any(|d| d.message_type == "IE142")
        })
        .await;

    // Without a date of arrival, the answer is refused and says what is missing.
    let refused = officer
        .act(
            &mrn,
            &json!({"action": "enquiryAnswer", "goodsArrived": true}),
            "enq-0",
        )
        .await
        .expect_err("an arrival without its date");
    assert!(refused.to_string().contains("arrivedAt"), "{refused}");

    let arrived = Utc::now() - chrono::Duration::days(2);
    officer
        .act(
            &mrn,
            &json!({"action": "enquiryAnswer", "goodsArrived": true, "arrivedAt": arrived, "text": "presented late, papers in order"}),
            "enq-1",
        )
        .await
        .expect("enquiry answer accepted");
    let back = stack
        .wait_for_deliveries("CI", &mrn, "the answer and the write-off", |rows| {
            rows.iter().any(|d| d.message_type == "IE045")
        })
        .await;
    assert!(back.iter().any(|d| d.message_type == "IE143"));
    let stored = queries.movement(&mrn).await.unwrap().unwrap().movement;
    assert_eq!(stored.state.as_str(), "WrittenOff");
}
