//! A complete flow on each SIGMAT corridor, through one adapter per country, the broker, the
//! tracker and PostgreSQL: release at the port, transit records to every entry border post and
//! an arrival record to the destination, passage at each border in route order, arrival, and
//! every confirmation back at the departure country's adapter.

use chrono::Utc;
use integration_tests::Stack;
use transit_model::reference::ReferenceData;
use transit_scenario::{Corridor, Movement};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_movement_completes_on_every_corridor() {
    let data = ReferenceData::builtin();
    let mut stack = Stack::start(&["CI", "BF", "NE", "BJ", "TG", "SN", "ML"]).await;
    let queries = stack.tracker_queries().await;
    for id in [
        "abidjan-ouagadougou",
        "abidjan-ouagadougou-niamey",
        "cotonou-niamey",
        "lome-ouagadougou",
        "dakar-bamako",
    ] {
        let corridor = Corridor::from_reference(&data, id).expect("corridor in the reference data");
        let movement = Movement::new(corridor.clone(), Utc::now());
        let mrn = movement.mrn.to_string();
        let country = |office: &transit_model::OfficeRef| office.country().as_str().to_owned();

        stack
            .adapter(&country(&corridor.departure))
            .submit(&movement.release())
            .await
            .unwrap_or_else(|e| panic!("{id}: release refused: {e}"));

        for office in &corridor.transit {
            let rows = stack
                .wait_for_deliveries(&country(office), &mrn, "its transit record", |rows| {
                    rows.iter()
                        .any(|d| d.message_type == "IE050" && d.recipient == office.as_str())
                })
                .await;
            assert_eq!(
                rows.iter()
                    .filter(|d| d.recipient == office.as_str())
                    .count(),
                1,
                "{id}: {office} got more than its record"
            );
        }
        stack
            .wait_for_deliveries(
                &country(&corridor.destination),
                &mrn,
                "the arrival record",
                |rows| {
                    rows.iter().any(|d| {
                        d.message_type == "IE001" && d.recipient == corridor.destination.as_str()
                    })
                },
            )
            .await;

        for office in &corridor.transit {
            stack
                .adapter(&country(office))
                .submit(&movement.passage(office, Utc::now()))
                .await
                .unwrap_or_else(|e| panic!("{id}: passage at {office} refused: {e}"));
        }
        stack
            .adapter(&country(&corridor.destination))
            .submit(&movement.arrival(Utc::now()))
            .await
            .unwrap_or_else(|e| panic!("{id}: arrival refused: {e}"));

        let expected = corridor.transit.len() + 1;
        let back = stack
            .wait_for_deliveries(
                &country(&corridor.departure),
                &mrn,
                "every confirmation",
                |rows| rows.len() >= expected,
            )
            .await;
        let passages = back.iter().filter(|d| d.message_type == "IE118").count();
        let arrivals = back.iter().filter(|d| d.message_type == "IE006").count();
        assert_eq!(
            (passages, arrivals, back.len()),
            (corridor.transit.len(), 1, expected),
            "{id}"
        );
        assert!(
            back.iter()
                .all(|d| d.recipient == corridor.departure.as_str()),
            "{id}"
        );

        let stored = queries.movement(&mrn).await.unwrap().expect("stored");
        assert_eq!(stored.movement.state.as_str(), "Arrived", "{id}");
        assert!(
            stored.movement.route.iter().all(|p| p.crossed_at.is_some()),
            "{id}: a passage is missing"
        );
        assert_eq!(
            stored.version,
            i64::try_from(2 + corridor.transit.len()).unwrap(),
            "{id}"
        );
    }
}
