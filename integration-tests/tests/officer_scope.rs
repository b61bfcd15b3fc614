//! An officer reads only the movements that involve their office — departure, destination or
//! an office on the route — and hears only of those on the live stream; a country operator's
//! overdue list is that of their country. A movement out of scope is answered as if it did not
//! exist.

use std::time::Duration;

use chrono::Utc;
use integration_tests::{read_stream, Stack};
use reqwest::StatusCode;
use transit_scenario::{Corridor, Movement};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_reads_and_hears_only_of_movements_at_their_office() {
    let stack = Stack::start(&["CI", "BF"]).await;
    // Niangoloko is on the Abidjan–Ouagadougou route; Bobo-Dioulasso, in the same country, is not.
    stack.add_user("niangoloko", "officer", Some("BFNGK001"), None);
    stack.add_user("bobo", "officer", Some("BFBBD001"), None);
    let mut on_route = stack.live_updates("niangoloko").await;
    let mut elsewhere = stack.live_updates("bobo").await;

    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    let mrn = movement.mrn.to_string();
    stack.national("CI").releases(&movement).await;

    // The office of transit hears of it, and reads it.
    let seen = read_stream(&mut on_route, Duration::from_secs(30), |s| s.contains(&mrn)).await;
    assert!(seen.contains(&mrn), "{seen}");
    let niangoloko = stack.api_as("niangoloko").await;
    let view = niangoloko
        .movement(&mrn)
        .await
        .expect("Niangoloko reads it");
    assert_eq!(view.map(|v| v.mrn.to_string()), Some(mrn.clone()));

    // An office it does not pass neither reads it nor hears of it — nor learns that it
    // exists: the answer is the one for an MRN the hub never had (404).
    let bobo = stack.api_as("bobo").await;
    let refused = bobo.movement(&mrn).await.expect("an answer");
    assert!(refused.is_none(), "Bobo-Dioulasso read it: {refused:?}");
    let response = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/movements/{mrn}/timeline",
            stack.api_url()
        ))
        .bearer_auth(bobo.token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // Then a movement bound for Bobo-Dioulasso: its office hears of that one, and of it only
    // after the first was considered for it (the hub tells each stream its movements in order).
    let mut to_bobo = Corridor::abidjan_ouagadougou();
    to_bobo.destination = transit_model::OfficeRef::parse("BFBBD001").unwrap();
    let later = Movement::new(to_bobo, Utc::now());
    stack.national("CI").releases(&later).await;
    let overheard = read_stream(&mut elsewhere, Duration::from_secs(30), |s| {
        s.contains(later.mrn.as_str())
    })
    .await;
    assert!(overheard.contains(later.mrn.as_str()), "{overheard}");
    assert!(!overheard.contains(&mrn), "{overheard}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_country_operator_sees_the_overdue_movements_of_their_country() {
    let stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("operator-bf", "operator", None, Some("BF"));
    stack.add_user("operator-ne", "operator", None, Some("NE"));
    // Released long ago, so its time limit has passed.
    let movement = Movement::new(
        Corridor::abidjan_ouagadougou(),
        Utc::now() - chrono::Duration::days(30),
    );
    let mrn = movement.mrn.to_string();
    stack.national("CI").releases(&movement).await;
    let get = |username: &'static str, path: &'static str| {
        let api = stack.api_as(username);
        let url = format!("{}{path}", stack.api_url());
        async move {
            let token = api.await.token().unwrap().to_owned();
            reqwest::Client::new()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let started = std::time::Instant::now();
    loop {
        if get("operator-bf", "/api/v1/stats/overdue")
            .await
            .contains(&mrn)
        {
            break;
        }
        assert!(
            started.elapsed() < integration_tests::PATIENCE,
            "Burkina Faso's operator never saw the overdue movement bound for Ouagadougou"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(!get("operator-ne", "/api/v1/stats/overdue")
        .await
        .contains(&mrn));
}
