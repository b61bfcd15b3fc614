//! The lifecycle's other paths through the real services: diversion at a border and at
//! destination, cancellation after release, an incident, and a late passage.

use chrono::{Duration, Utc};
use integration_tests::Stack;
use transit_model::OfficeRef;
use transit_scenario::{Corridor, Movement};
use transit_store::adapter::DeliveryRow;

fn office(code: &str) -> OfficeRef {
    OfficeRef::parse(code).unwrap()
}

fn has(rows: &[DeliveryRow], message_type: &str, recipient: &str) -> bool {
    rows.iter()
        .any(|d| d.message_type == message_type && d.recipient == recipient)
}

async fn released(stack: &mut Stack) -> Movement {
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    stack.national("CI").releases(&movement).await;
    let mrn = movement.mrn.to_string();
    stack
        .wait_for_deliveries("BF", &mrn, "the records", |rows| {
            has(rows, "IE050", "BFNGK001") && has(rows, "IE001", "BFOUA001")
        })
        .await;
    movement
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diversions_cancellation_incident_and_late_passage() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    let queries = stack.tracker_queries().await;
    let (bf, ci) = (stack.adapter("BF"), stack.adapter("CI"));

    // Diversion at a border: Yendéré was not declared; it asks for the record, gets it, and its
    // passage then reaches the departure.
    let m = released(&mut stack).await;
    let mrn = m.mrn.to_string();
    let yendere = office("BFYEN001");
    bf.submit(&m.transit_record_request(&yendere, Utc::now()))
        .await
        .unwrap();
    let rows = stack
        .wait_for_deliveries("BF", &mrn, "the IE115 for Yendéré", |rows| {
            has(rows, "IE115", "BFYEN001")
        })
        .await;
    let answer = rows.iter().find(|d| d.message_type == "IE115").unwrap();
    assert_eq!(answer.message["body"]["outcome"], "Granted");
    assert_eq!(
        answer.message["body"]["declaration"]["destinationOfficeId"],
        "BFOUA001"
    );
    bf.submit(&m.passage(&yendere, Utc::now())).await.unwrap();
    let back = stack
        .wait_for_deliveries("CI", &mrn, "the diversion and the passage", |rows| {
            rows.iter().any(|d| d.message_type == "IE114")
                && rows.iter().any(|d| d.message_type == "IE118")
        })
        .await;
    assert_eq!(
        back.iter()
            .find(|d| d.message_type == "IE118")
            .unwrap()
            .message["body"]["transitOffice"],
        "BFYEN001"
    );
    let stored = queries.movement(&mrn).await.unwrap().unwrap().movement;
    let diverted = stored
        .route
        .iter()
        .find(|p| p.office == yendere)
        .expect("Yendéré on the route");
    assert!(!diverted.declared && diverted.crossed_at.is_some());

    // Diversion at destination: the goods go to Bobo-Dioulasso instead of Ouagadougou.
    let m = released(&mut stack).await;
    let mrn = m.mrn.to_string();
    let bobo = office("BFBBD001");
    bf.submit(&m.arrival_record_request(&bobo, Utc::now()))
        .await
        .unwrap();
    stack
        .wait_for_deliveries("BF", &mrn, "the IE003 for Bobo-Dioulasso", |rows| {
            has(rows, "IE003", "BFBBD001")
        })
        .await;
    bf.submit(&m.arrival_at(&bobo, Utc::now())).await.unwrap();
    stack
        .wait_for_deliveries("CI", &mrn, "the arrival at Bobo-Dioulasso", |rows| {
            rows.iter().any(|d| d.message_type == "IE006")
        })
        .await;
    let stored = queries.movement(&mrn).await.unwrap().unwrap().movement;
    assert_eq!(
        (stored.state.as_str(), stored.destination_office.as_str()),
        ("Arrived", "BFBBD001")
    );
    assert_eq!(
        stored.diverted_from.as_ref().map(OfficeRef::as_str),
        Some("BFOUA001")
    );

    // Cancellation after release: every office holding a copy is told; a later arrival is
    // refused with error 92, answered to the destination.
    let m = released(&mut stack).await;
    let mrn = m.mrn.to_string();
    ci.submit(&m.invalidation(Utc::now())).await.unwrap();
    stack
        .wait_for_deliveries("BF", &mrn, "the invalidation at both offices", |rows| {
            has(rows, "IE010", "BFNGK001") && has(rows, "IE010", "BFOUA001")
        })
        .await;
    assert_eq!(
        queries
            .movement(&mrn)
            .await
            .unwrap()
            .unwrap()
            .movement
            .state
            .as_str(),
        "Cancelled"
    );
    bf.submit(&m.arrival(Utc::now())).await.unwrap();
    let rows = stack
        .wait_for_deliveries("BF", &mrn, "the IE906", |rows| {
            rows.iter().any(|d| d.message_type == "IE906")
        })
        .await;
    assert_eq!(
        rows.iter()
            .find(|d| d.message_type == "IE906")
            .unwrap()
            .message["body"]["errors"][0]["code"],
        92
    );

    // An incident at the border: the departure is told (IE180), and so is the office ahead (IE181).
    let m = released(&mut stack).await;
    let mrn = m.mrn.to_string();
    bf.submit(&m.incident(&office("BFNGK001"), Utc::now()))
        .await
        .unwrap();
    stack
        .wait_for_deliveries("CI", &mrn, "the incident", |rows| {
            rows.iter().any(|d| d.message_type == "IE180")
        })
        .await;
    stack
        .wait_for_deliveries("BF", &mrn, "the forwarded incident", |rows| {
            has(rows, "IE181", "BFOUA001")
        })
        .await;
    assert_eq!(
        queries
            .movement(&mrn)
            .await
            .unwrap()
            .unwrap()
            .movement
            .incidents
            .len(),
        1
    );

    // A late passage: the border post was offline and syncs after the arrival. Both are kept,
    // each at its own event time.
    let m = released(&mut stack).await;
    let mrn = m.mrn.to_string();
    let crossed = Utc::now() - Duration::hours(20);
    bf.submit(&m.arrival(Utc::now())).await.unwrap();
    stack
        .wait_for_deliveries("CI", &mrn, "the arrival", |rows| {
            rows.iter().any(|d| d.message_type == "IE006")
        })
        .await;
    bf.submit(&m.passage(&office("BFNGK001"), crossed))
        .await
        .unwrap();
    stack
        .wait_for_deliveries("CI", &mrn, "the late passage", |rows| {
            rows.iter().any(|d| d.message_type == "IE118")
        })
        .await;
    let stored = queries.movement(&mrn).await.unwrap().unwrap().movement;
    assert_eq!(stored.state.as_str(), "Arrived");
    let recorded = stored.route[0].crossed_at.expect("passage recorded");
    assert!((recorded - crossed).num_milliseconds().abs() < 1);
    let timeline = queries.timeline(&mrn).await.unwrap();
    let late = timeline.iter().find(|e| e.message_type == "IE118").unwrap();
    assert!(
        late.event_time < late.received_at - Duration::hours(19),
        "event time and receipt time are both kept"
    );
}
