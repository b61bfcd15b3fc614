//! A country onboarded while the hub runs: the tracker was started for Côte d'Ivoire and
//! Burkina Faso only; Ghana's adapter is started later, and a release at Tema reaches Burkina
//! Faso's offices — the tracker reads Ghana's new `to-hub` topic without a restart (it
//! subscribes to every country's `to-hub` topic by pattern), while Abidjan's traffic goes on.

use chrono::Utc;
use integration_tests::{AdapterSpec, Stack};
use transit_model::reference::ReferenceData;
use transit_scenario::{Corridor, Movement};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_country_whose_adapter_starts_later_is_read_by_the_running_tracker() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    // Traffic from Abidjan before and while Ghana joins.
    let before = stack.release_to_ouagadougou().await;

    stack.add_adapter(&AdapterSpec::standard("GH")).await;
    let during = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    stack.national("CI").releases(&during).await;
    let tema = Corridor::from_reference(&ReferenceData::builtin(), "tema-ouagadougou")
        .expect("the Tema corridor in the reference data");
    let from_ghana = Movement::new(tema, Utc::now());
    stack.national("GH").releases(&from_ghana).await;

    // Burkina Faso's offices hear of both; the movement from Ghana is on the hub.
    let mrn = from_ghana.mrn.to_string();
    let rows = stack
        .wait_for_deliveries("BF", &mrn, "the records of Ghana's release", |rows| {
            rows.len() == 2
        })
        .await;
    assert!(rows.iter().any(|d| d.message_type == "IE050"), "{rows:?}");
    assert!(rows.iter().any(|d| d.message_type == "IE001"), "{rows:?}");
    stack
        .wait_for_deliveries("BF", during.mrn.as_str(), "Abidjan's release", |rows| {
            rows.len() == 2
        })
        .await;
    stack
        .wait_for_state(before.mrn.as_str(), "Released", "the first release")
        .await;
    stack
        .wait_for_state(&mrn, "Released", "Ghana's release")
        .await;
    // The same tracker all along.
    stack.assert_running();
    assert_eq!(
        stack
            .service("tracker")
            .log()
            .matches("tracker ready")
            .count(),
        1,
        "the tracker started once"
    );
}
