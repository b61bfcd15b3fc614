//! Faults lose nothing. While corridor traffic flows on the five corridors (seven adapters, the
//! three-node Apache Kafka cluster of `deploy/local/cluster`, PostgreSQL), each part is killed
//! with SIGKILL in turn and started again: the tracker, an adapter, the API, a Kafka node and
//! PostgreSQL. Afterwards the ledger reads every store: every accepted message is in the hub's
//! event log exactly once and its effect in its movement's state, every office holds every copy
//! it was owed exactly once, every refusal was answered and kept, no movement is in an impossible
//! state — and it prints sent, delivered, rejected, dead-lettered and lost (0). Replaying the
//! event log then reproduces every risk assessment the tracker made, lane by lane. The figures go
//! to `target/reliability/faults.json`, from which `deploy/local/reliability` writes
//! `docs/reliability.md`.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use integration_tests::cluster::Cluster;
use integration_tests::risk_replay::replay_lanes;
use integration_tests::traffic::ledger::{account, Stored};
use integration_tests::traffic::send::Officer;
use integration_tests::traffic::{self, Network, Plan, Progress, CORRIDORS, COUNTRIES};
use integration_tests::{deploy_script, password_of, AdapterSpec, Stack};
use transit_kafka::OutgoingRecord;
use transit_model::reference::ReferenceData;
use transit_model::CountryCode;
use transit_store::reference::ReferenceStore;

/// The Kafka node killed.
const KAFKA_VICTIM: u8 = 2;
/// Undecodable records put straight on the broker, as a broken or hostile adapter could.
const UNDECODABLE: u64 = 3;

fn plan() -> Plan {
    Plan {
        movements: 300,
        releases_per_second: 5.0,
        officer_every: 4,
        damaged_every: 20,
        ghost_every: 25,
        shared_truck_every: 10,
        leg: Duration::from_secs(3),
        deadline: Duration::from_secs(360),
    }
}

/// One fault: what was killed, when, for how long, and how many movements were under way.
struct Fault {
    what: &'static str,
    at: Duration,
    down: Duration,
    in_flight: usize,
}

async fn network(stack: &Stack) -> Network {
    let data = ReferenceData::builtin();
    let mut officers = HashMap::new();
    for id in CORRIDORS {
        let corridor = transit_scenario::Corridor::from_reference(&data, id).unwrap();
        let office = corridor.destination.to_string();
        let username = format!("officer-{}", office.to_lowercase());
        stack.add_user(&username, "officer", Some(&office), None);
        officers.insert(
            office,
            Officer {
                api: stack.api_url(),
                password: password_of(&username),
                username,
            },
        );
    }
    let mut adapters = HashMap::new();
    let mut adapter_pools = HashMap::new();
    for country in COUNTRIES {
        adapters.insert(country.to_owned(), stack.adapter(country));
        adapter_pools.insert(country.to_owned(), stack.adapter_pool(country).await);
    }
    Network {
        adapters,
        adapter_pools,
        officers,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_message_is_accounted_for_when_each_part_is_killed_in_turn() {
    let cluster = Cluster::up();
    let specs: Vec<AdapterSpec> = COUNTRIES.iter().map(|c| AdapterSpec::standard(c)).collect();
    let mut stack = Stack::new()
        .on(cluster.target())
        .with_adapters(&specs)
        .start()
        .await;
    let network = network(&stack).await;
    let garbage: Vec<OutgoingRecord> = (0..UNDECODABLE)
        .map(|n| OutgoingRecord {
            topic: stack.topics.to_hub(CountryCode::parse("CI").unwrap()),
            key: format!("garbage-{n}"),
            headers: Vec::new(),
            payload: b"\xff\xfe not a message".to_vec(),
        })
        .collect();
    stack.publish(&garbage).await;

    let plan = plan();
    let progress = Arc::new(Progress::default());
    let started = Instant::now();
    let traffic = tokio::spawn(traffic::run(
        plan.clone(),
        network.clone(),
        progress.clone(),
    ));

    // The faults, in turn, each once a further sixth of the movements has been released (the
    // Kafka node last: it takes longest to come back, and the tail of the traffic runs on two
    // nodes meanwhile).
    let victims = ["tracker", "adapter-bf", "api", "postgresql", "kafka-node"];
    let mut faults = Vec::new();
    for (n, what) in victims.into_iter().enumerate() {
        let threshold = (n + 1) * plan.movements / (victims.len() + 1);
        while progress.released.load(Ordering::Relaxed) < threshold && !traffic.is_finished() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let at = started.elapsed();
        let in_flight = progress.in_flight();
        match what {
            "kafka-node" => {
                cluster.kill(KAFKA_VICTIM);
                tokio::time::sleep(Duration::from_secs(5)).await;
                cluster.restart(KAFKA_VICTIM);
            }
            "postgresql" => {
                deploy_script("postgres-crash", &[]);
                tokio::time::sleep(Duration::from_secs(3)).await;
                deploy_script("infra-up", &[]);
            }
            service => {
                stack.crash(service);
                tokio::time::sleep(Duration::from_secs(2)).await;
                stack.restart(service);
            }
        }
        println!(
            "fault: {what} killed at {:.1} s with {in_flight} movements under way, back after {:.1} s",
            at.as_secs_f64(),
            (started.elapsed() - at).as_secs_f64()
        );
        faults.push(Fault {
            what,
            at,
            down: started.elapsed() - at,
            in_flight,
        });
    }
    let sent = traffic.await.expect("the traffic ran");

    // The hub's refusals are copied to the dead-letter topic: read them all.
    let dead = stack
        .read_topic(&stack.topics.dead_letter(), |records| {
            let keys: HashSet<_> = records.iter().map(|r| r.key.clone()).collect();
            keys.len() >= sent.ghosts.len()
        })
        .await;
    let mut pools = HashMap::new();
    for country in COUNTRIES {
        pools.insert(country.to_owned(), stack.adapter_pool(country).await);
    }
    let mut stored = Stored::read(&stack.tracker_pool().await, &pools)
        .await
        .expect("reading the stores");
    stored.dead_lettered = dead
        .iter()
        .map(|r| r.key.clone())
        .collect::<HashSet<_>>()
        .len() as u64;
    let report = account(&sent, &stored, UNDECODABLE);

    // Risk scoring is replayable: every movement of the traffic rebuilt from the event log, and
    // every lane scored on the way computed again under the rules it was scored with.
    let queries = stack.tracker_queries().await;
    let mrns = queries.mrns().await.expect("reading the movements");
    let lanes = replay_lanes(
        &queries,
        ReferenceStore::new(stack.tracker_pool().await),
        transit_lifecycle::Rules::default(),
        &mrns,
    )
    .await;
    println!(
        "risk: {} assessments over {} movements replayed ({} red, {} yellow): {} differences",
        lanes.assessments,
        lanes.movements,
        lanes.red,
        lanes.yellow,
        lanes.differences.len()
    );

    println!("\nfaults under corridor traffic:\n{}", report.table());
    let out = std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/reliability"
    ));
    std::fs::create_dir_all(&out).unwrap();
    let json = serde_json::json!({
        "plan": {
            "movements": plan.movements,
            "releasesPerSecond": plan.releases_per_second,
            "legSeconds": plan.leg.as_secs_f64(),
            "corridors": CORRIDORS,
            "adapters": COUNTRIES,
            "kafkaNodes": 3,
        },
        "faults": faults.iter().map(|f| serde_json::json!({
            "what": f.what,
            "atSeconds": (f.at.as_secs_f64() * 10.0).round() / 10.0,
            "downSeconds": (f.down.as_secs_f64() * 10.0).round() / 10.0,
            "inFlight": f.in_flight,
        })).collect::<Vec<_>>(),
        "report": report.to_json(),
    });
    std::fs::write(
        out.join("faults.json"),
        serde_json::to_string_pretty(&json).unwrap(),
    )
    .unwrap();

    assert!(
        sent.completed,
        "the traffic did not complete within {:?}",
        plan.deadline
    );
    assert!(report.impossible.is_empty(), "{:?}", report.impossible);
    assert!(
        lanes.differences.is_empty(),
        "replaying the event log changed lanes: {:#?}",
        lanes.differences
    );
    assert!(
        lanes.movements >= plan.movements && lanes.yellow > 0,
        "the replay covered {} movements and {} yellow lanes: the movements sharing a truck should be yellow",
        lanes.movements,
        lanes.yellow
    );
    assert_eq!(report.unexpected_deliveries, 0, "{}", report.table());
    assert_eq!(report.duplicated(), 0, "{}", report.table());
    assert_eq!(report.lost(), 0, "{}", report.table());
    assert_eq!(report.completed, report.movements);
    for fault in &faults {
        assert!(
            fault.in_flight > 0,
            "{} was killed with no traffic under way: the fault proved nothing",
            fault.what
        );
    }
    stack.assert_running();
}
