//! Trucks and seals that report themselves, through the real parts: Eclipse Mosquitto, the
//! telematics gateway, Apache Kafka, the tracker, PostgreSQL and the adapters with their
//! national systems. A tracked truck entering Niangoloko's border zone is passed automatically
//! (Burkina Faso's rule) and Côte d'Ivoire's SYDAM receives the IE118 marked automatic; a seal
//! opened between offices reaches the departure as an incident and turns the movement red; a
//! truck leaving the road is an anomaly on the dashboard; late, repeated and refused events are
//! each handled once.

use std::time::{Duration, Instant};

use chrono::{Duration as Span, SubsecRound, Utc};
use integration_tests::telematics::{first_inside, position, road, TelematicsAccess, PROVIDER};
use integration_tests::{national_system, Stack, PATIENCE};
use transit_model::{Body, MessageType};
use transit_national::Family;
use transit_scenario::{Corridor, Movement};
use transit_telematics::{Event, Geography, SealId, SealStatus, What};

/// Road points (1 km apart) from Abidjan to Ouagadougou, and the index of the first inside
/// Niangoloko's zone.
fn drive() -> (Vec<[f64; 2]>, usize) {
    let points = road("abidjan-ouagadougou", 1000.0);
    let zone = first_inside(&points, "BFNGK001");
    (points, zone)
}

/// Waits until `count` (a SQL count over the tracker's schema, `$1` the MRN) reaches `n`.
async fn wait_count(stack: &Stack, sql: &str, mrn: &str, n: i64, what: &str) -> i64 {
    let pool = stack.tracker_pool().await;
    let started = Instant::now();
    loop {
        let got: i64 = sqlx::query_scalar(sql)
            .bind(mrn)
            .fetch_one(&pool)
            .await
            .unwrap();
        if got >= n {
            return got;
        }
        assert!(started.elapsed() < PATIENCE, "{what}: {got} of {n}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tracked_truck_passes_niangoloko_by_itself_and_its_opened_seal_turns_it_red() {
    let (ci, ci_spec) = national_system(Family::Sydam, "CI", true).await;
    let (bf, bf_spec) = national_system(Family::Asycuda, "BF", true).await;
    let mut stack = Stack::new()
        .with_adapters(&[ci_spec, bf_spec])
        .start()
        .await;
    let telematics: TelematicsAccess = stack.add_telematics().await;
    let operator = stack.operator().await;

    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now())
        .with_own_vehicle()
        .with_own_seals();
    let mrn = movement.mrn.to_string();
    let sent = ci.send(&movement.release()).await.unwrap();
    assert_eq!(
        sent.status,
        202,
        "{}",
        String::from_utf8_lossy(&sent.answer)
    );
    bf.wait_for(&mrn, MessageType::AnticipatedTransitRecord, PATIENCE)
        .await
        .unwrap();

    // The truck drives the last 40 km to Niangoloko and into its zone, a position a minute.
    let (points, zone) = drive();
    let start = (Utc::now() - Span::minutes(50)).trunc_subsecs(0);
    let events: Vec<Event> = (zone - 40..zone + 3)
        .map(|i| {
            position(
                &format!("p-{i}"),
                &movement.vehicle,
                start + Span::minutes((i + 40 - zone) as i64),
                points[i],
            )
        })
        .collect();
    let mqtt = telematics.connect();
    telematics.publish(&mqtt, &events[..34]).await;

    // Some 10 km out, Niangoloko's officer sees the truck coming within 30 minutes.
    stack.add_user("ngk", "officer", Some("BFNGK001"), None);
    let ngk = stack.session_token("ngk").await;
    let started = Instant::now();
    let arriving = loop {
        let arriving = stack.api_get("/api/v1/telematics/arriving", &ngk).await;
        if arriving["trucks"].as_array().is_some_and(|t| !t.is_empty()) {
            break arriving;
        }
        assert!(started.elapsed() < PATIENCE, "never arriving: {arriving}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let truck = &arriving["trucks"][0];
    assert_eq!(truck["mrn"], mrn.as_str(), "{arriving}");
    assert_eq!(truck["vehicle"], movement.vehicle.as_str());
    assert_eq!(truck["inZone"], false);
    let eta = truck["etaMinutes"].as_i64().unwrap();
    assert!((1..=30).contains(&eta), "{arriving}");
    telematics.publish(&mqtt, &events[34..]).await;

    // Burkina Faso confirms passages automatically: Côte d'Ivoire's SYDAM gets the IE118,
    // marked automatic, naming the provider and the event that entered the zone.
    let passage = ci
        .wait_for(&mrn, MessageType::NotificationCrossingFrontier, PATIENCE)
        .await
        .unwrap();
    let national = String::from_utf8_lossy(&passage.national);
    assert!(
        national.contains("\"automatique\"") && national.contains(PROVIDER),
        "{national}"
    );
    let Body::NotificationCrossingFrontier(crossing) = passage.message.body() else {
        unreachable!()
    };
    assert_eq!(crossing.transit_office.as_str(), "BFNGK001");
    let automatic = crossing.automatic.as_ref().expect("marked automatic");
    assert_eq!(automatic.event_id.as_str(), format!("p-{zone}"));
    assert_eq!(crossing.crossing_date_time, events[40].at);

    // 60 km on, between offices, the first seal is opened.
    let between = points[zone + 60];
    assert!(Geography::builtin().offices_at(between).is_empty());
    let opened = Event {
        event_id: "seal-1-opened".into(),
        at: Utc::now() - Span::minutes(2),
        latitude: between[1],
        longitude: between[0],
        what: What::Seal {
            seal: SealId {
                manufacturer: "ACME".into(),
                id: movement.seals[0].clone(),
            },
            status: SealStatus::Opened,
            vehicle: None,
        },
    };
    telematics.publish(&mqtt, &[opened]).await;

    // The departure's SYDAM gets the incident (seals broken), recorded for the next office.
    let incident = ci
        .wait_for(&mrn, MessageType::IncidentNotification, PATIENCE)
        .await
        .unwrap();
    let Body::IncidentNotification(incident) = incident.message.body() else {
        unreachable!()
    };
    assert_eq!(u8::from(incident.incident_code), 2);
    assert_eq!(incident.reporting_office.as_str(), "BFOUA001");
    assert!(incident.description.as_str().contains(&movement.seals[0]));

    // The movement's lane is raised: seals broken en route is a red lane.
    let started = Instant::now();
    loop {
        let view = operator
            .movement(&mrn)
            .await
            .unwrap()
            .expect("the movement");
        if view
            .risk
            .as_ref()
            .is_some_and(|r| r.lane == transit_risk::Lane::Red)
        {
            break;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "the lane was not raised: {:?}",
            view.risk
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // And the dashboard lists the seal opened between offices.
    let anomalies = operator.risk_anomalies("").await.unwrap();
    assert!(
        anomalies
            .telematics
            .iter()
            .any(|a| a.mrn == mrn && a.kind == "seal-breach"),
        "{:?}",
        anomalies.telematics
    );
    // The dashboard draws the truck with its track.
    let op = stack.session_token("operator").await;
    let trucks = stack.api_get("/api/v1/telematics/trucks", &op).await;
    let truck = trucks["trucks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["mrn"] == mrn.as_str())
        .unwrap_or_else(|| panic!("{trucks}"));
    assert!(truck["track"].as_array().unwrap().len() >= 40, "{truck}");
    assert_eq!(truck["headingTo"], "BFOUA001");
    // The officer reads the seals and what tracking concluded with the movement.
    let tracking = stack
        .api_get(&format!("/api/v1/movements/{mrn}/telematics"), &ngk)
        .await;
    let seal = tracking["seals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == movement.seals[0].as_str())
        .unwrap_or_else(|| panic!("{tracking}"));
    assert_eq!(seal["status"], "opened");
    let kinds: Vec<&str> = tracking["conclusions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["passage", "seal-breach"], "{tracking}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truck_leaving_the_road_is_an_anomaly_and_late_or_repeated_events_apply_once() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    let telematics = stack.add_telematics().await;
    let operator = stack.operator().await;
    let movement = stack.release_to_ouagadougou().await;
    let mrn = movement.mrn.to_string();

    // 30 km north from Abidjan on the road, then 12 km east of it, then back.
    let (points, _) = drive();
    let start = (Utc::now() - Span::hours(2)).trunc_subsecs(0);
    let mut events: Vec<Event> = (0..30)
        .map(|i| {
            position(
                &format!("r-{i}"),
                &movement.vehicle,
                start + Span::minutes(i as i64 + 10),
                points[i],
            )
        })
        .collect();
    for k in 0..3 {
        let p = points[30 + k];
        events.push(position(
            &format!("off-{k}"),
            &movement.vehicle,
            start + Span::minutes(40 + k as i64),
            [p[0] + 0.11, p[1]],
        ));
    }
    events.push(position(
        "back",
        &movement.vehicle,
        start + Span::minutes(50),
        points[34],
    ));
    let mqtt = telematics.connect();
    telematics.publish(&mqtt, &events).await;
    // A tracker offline for a while uploads its buffer late: an event before all the others.
    let late = position("late", &movement.vehicle, start, points[0]);
    telematics.publish(&mqtt, std::slice::from_ref(&late)).await;
    // The same events again, over MQTT and over HTTPS, with one that is wrong.
    telematics.publish(&mqtt, &events[..5]).await;
    let mut batch: Vec<serde_json::Value> = events[..5]
        .iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .collect();
    let mut wrong = batch[0].clone();
    wrong["eventId"] = "wrong".into();
    wrong["latitude"] = 95.0.into();
    batch.push(wrong);
    let (status, answer) = telematics.post(&serde_json::Value::Array(batch)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["accepted"], 5, "{answer}");
    assert_eq!(answer["refused"][0]["pointer"], "/5/latitude", "{answer}");
    // Without a token, nothing is taken.
    let anonymous = reqwest::Client::new()
        .post(format!("{}/telematics/v1/events", telematics.gateway))
        .json(&serde_json::json!([]))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    // Every distinct event applied once: 34 and the late one.
    let distinct = events.len() as i64 + 1;
    let sql = "SELECT count(*) FROM telematics_events WHERE mrn = $1 AND outcome = 'applied'";
    wait_count(&stack, sql, &mrn, distinct, "events applied").await;
    // The repeated ones were taken by the gateway and dropped by the tracker: wait until the
    // tracker read them (its figures count them), then count again.
    let started = Instant::now();
    loop {
        let metrics = stack.scrape("tracker").await;
        let repeated = metrics
            .lines()
            .find(|l| {
                l.starts_with("sigmat_tracker_telematics_events_total")
                    && l.contains("outcome=\"repeated\"")
            })
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0);
        if repeated >= 10.0 {
            assert_eq!(repeated, 10.0, "five over MQTT and five over HTTPS");
            break;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "the repeated events were not read: {repeated}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let applied = wait_count(&stack, sql, &mrn, distinct, "events applied").await;
    assert_eq!(applied, distinct, "each event applied once");

    // One off-route episode, on the dashboard.
    let sql = "SELECT count(*) FROM telematics_effects WHERE mrn = $1 AND kind = 'off-route'";
    assert_eq!(
        wait_count(&stack, sql, &mrn, 1, "the off-route anomaly").await,
        1
    );
    let anomalies = operator.risk_anomalies("").await.unwrap();
    let off = anomalies
        .telematics
        .iter()
        .find(|a| a.mrn == mrn && a.kind == "off-route")
        .unwrap_or_else(|| panic!("{:?}", anomalies.telematics));
    assert!(off.detail.contains("m from the road"), "{}", off.detail);
    assert_eq!(off.at, events[30].at);

    // The refused event is kept, with where and why.
    let refused = stack
        .read_topic(&stack.topics.telematics_refused(), |r| !r.is_empty())
        .await;
    let reasons = &refused[0].headers["sigmat-refusal"];
    assert!(reasons.contains("/5/latitude"), "{reasons}");
    assert_eq!(refused[0].headers["sigmat-provider"], PROVIDER);
}
