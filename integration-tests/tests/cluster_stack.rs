//! The production-like stack (`deploy/cluster/up`): three Kafka nodes with SCRAM identities and
//! ACLs, PostgreSQL with a synchronous streaming replica, two trackers, two API instances and an
//! adapter per country serving HTTPS, each reading the Kubernetes manifests' configuration
//! files. A movement is released and passes the border (an undeclared office's request for the
//! record goes to the departure, the manifests' rule; an officer at Bamako, off the declared
//! countries, gets nowhere); PostgreSQL's primary dies and the replica is promoted
//! (`deploy/cluster/postgres failover`); the movement arrives, and both API instances see it
//! arrived — nothing committed before the failover is lost.

use std::time::{Duration, Instant};

use chrono::Utc;
use integration_tests::deploy_script_in;
use national_sim::Simulator;
use serde_json::Value;
use transit_http::client::HubClient;
use transit_model::{CountryCode, MessageType, StandardMessage};
use transit_national::Family;
use transit_scenario::{Corridor, Movement};

const PATIENCE: Duration = Duration::from_secs(90);

/// Stops the stack when the test ends, passed or not; the Kafka nodes stay up for the other
/// cluster tests (the test command stops them at the end).
struct Running;

impl Drop for Running {
    fn drop(&mut self) {
        deploy_script_in("cluster", "down", &["--keep-kafka"]);
    }
}

/// `country`'s national system, of the family its adapter speaks in the manifests, with the
/// token `deploy/cluster/up` gave it, calling its adapter over HTTPS (trusting the stack's CA).
fn national(stack: &Value, country: &str, family: Family) -> Simulator {
    let a = &stack["adapters"][country];
    let url = a["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://"),
        "the adapter is not behind TLS: {url}"
    );
    let ca = std::fs::read(stack["ca"].as_str().unwrap()).expect("the stack's CA");
    Simulator::new(family, CountryCode::parse(country).unwrap(), url)
        .unwrap()
        .trusting(&ca)
        .unwrap()
        .with_token(a["token"].as_str().unwrap())
}

async fn send(system: &Simulator, message: &StandardMessage) {
    let sent = system.send(message).await.unwrap();
    assert_eq!(
        sent.status,
        202,
        "{}",
        String::from_utf8_lossy(&sent.answer)
    );
}

async fn delivered(system: &Simulator, mrn: &str, code: &str) {
    system
        .wait_for(mrn, MessageType::from_code(code).unwrap(), PATIENCE)
        .await
        .unwrap();
}

/// Waits until the API instance at `url` shows `mrn` in `state`.
async fn in_state(url: &str, operator: &Value, mrn: &str, state: &str) {
    let started = Instant::now();
    loop {
        // A login of its own each time: an instance may have lost its connections meanwhile.
        let seen = match HubClient::new(url)
            .login(
                operator["username"].as_str().unwrap(),
                operator["password"].as_str().unwrap(),
            )
            .await
        {
            Ok(api) => api.movement(mrn).await.ok().flatten().map(|m| m.state),
            Err(_) => None,
        };
        if seen.map(|s| s.as_str()) == Some(state) {
            return;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "{url} never showed {mrn} {state} (last seen: {seen:?})"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// An officer at Bamako (Mali, a country the declaration does not name) says the goods are
/// presented there, then sends an arrival and a satisfactory control: the request goes to the
/// departure, the rest is answered as for an unknown MRN, and the movement is not discharged.
async fn off_route_officer_gets_nowhere(stack: &Value, api: &str, mrn: &str) {
    let bin_dir = std::env::var("SIGMAT_TEST_BIN_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target/debug").into());
    let config = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../deploy/k8s/base/config/api.toml"
    );
    let added = std::process::Command::new(format!("{bin_dir}/api"))
        .args([
            "--config",
            config,
            "users",
            "add",
            "--username",
            "cluster-bamako",
        ])
        .args([
            "--name",
            "Bamako officer",
            "--role",
            "officer",
            "--office",
            "MLBKO001",
        ])
        .env("SIGMAT_NEW_PASSWORD", "cluster-bamako-password")
        .env(
            "SIGMAT_API__DATABASE__URL",
            stack["database"].as_str().unwrap(),
        )
        .env("SIGMAT_API__AUDIT__URL", stack["audit"].as_str().unwrap())
        .output()
        .unwrap();
    assert!(
        added.status.success() || added.status.code() == Some(3),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let bamako = HubClient::new(api)
        .login("cluster-bamako", "cluster-bamako-password")
        .await
        .unwrap();
    bamako
        .act(mrn, &serde_json::json!({"action": "diversion"}), "bko-1")
        .await
        .expect("the request is taken, for the departure to answer");
    for (action, key) in [
        (serde_json::json!({"action": "arrival"}), "bko-2"),
        (
            serde_json::json!({"action": "control", "sealsIntact": true}),
            "bko-3",
        ),
    ] {
        match bamako.act(mrn, &action, key).await {
            Err(transit_http::client::ClientError::Refused { answer, .. }) => {
                assert_eq!(answer.status(), 404, "{action}: {answer:?}")
            }
            other => panic!("{action} was not refused: {other:?}"),
        }
    }
    let seen = bamako.movement(mrn).await.unwrap();
    assert!(seen.is_none(), "Bamako reads it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_movement_crosses_the_cluster_stack_through_a_postgres_failover() {
    let _running = Running;
    deploy_script_in("cluster", "up", &["--countries", "CI BF ML"]);
    let stack: Value = serde_json::from_str(
        &std::fs::read_to_string(integration_tests::data_dir().join("cluster-stack/stack.json"))
            .expect("deploy/cluster/up writes stack.json"),
    )
    .unwrap();
    let apis: Vec<&str> = stack["apis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(apis.len(), 2);
    let operator = &stack["operator"];
    let corridor = Corridor::abidjan_ouagadougou();
    let movement = Movement::new(corridor.clone(), Utc::now());
    let mrn = movement.mrn.to_string();

    // Released in Abidjan (SYDAM), passed at Niangoloko (ASYCUDA): the departure hears of it.
    let ci = national(&stack, "CI", Family::Sydam);
    let bf = national(&stack, "BF", Family::Asycuda);
    send(&ci, &movement.release()).await;
    delivered(&bf, &mrn, "IE001").await;
    send(&bf, &movement.passage(&corridor.transit[0], Utc::now())).await;
    delivered(&ci, &mrn, "IE118").await;
    // The manifests' rule is record_requests = "departure": Bobo-Dioulasso's request for the
    // record goes to Abidjan and the hub grants nothing — had it diverted the movement there,
    // the arrival at Ouagadougou below would be refused.
    let bobo = transit_model::OfficeRef::parse("BFBBD001").unwrap();
    send(&bf, &movement.arrival_record_request(&bobo, Utc::now())).await;
    delivered(&ci, &mrn, "IE002").await;
    in_state(apis[0], operator, &mrn, "Released").await;
    off_route_officer_gets_nowhere(&stack, apis[0], &mrn).await;

    // The primary dies; the replica takes over.
    let failover = deploy_script_in("cluster", "postgres", &["failover"]);
    assert!(failover.contains("failed over"), "{failover}");

    // The movement arrives: the hub, on the promoted replica, holds everything it held before.
    send(&bf, &movement.arrival(Utc::now())).await;
    delivered(&ci, &mrn, "IE006").await;
    for api in &apis {
        in_state(api, operator, &mrn, "Arrived").await;
    }
    let status = deploy_script_in("cluster", "status", &[]);
    assert_eq!(
        status.matches("running").count(),
        7, // two trackers, two API instances, three adapters
        "every service survived the failover: {status}"
    );
}
