//! On the three-node Apache Kafka cluster (`deploy/local/cluster`, replication 3,
//! min.insync.replicas 2), one node is killed with SIGKILL while movements flow: every movement
//! still completes, and every copy and confirmation is processed exactly once.

use std::time::Duration;

use chrono::Utc;
use integration_tests::cluster::Cluster;
use integration_tests::{AdapterSpec, Stack};
use transit_scenario::{Corridor, Movement};

/// The node killed: one of the three, whichever partitions and group coordinators it holds.
const VICTIM: u8 = 2;
const MOVEMENTS: usize = 24;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_while_movements_flow_loses_and_duplicates_nothing() {
    let cluster = Cluster::up();
    let specs = [AdapterSpec::standard("CI"), AdapterSpec::standard("BF")];
    let mut stack = Stack::new()
        .on(cluster.target())
        .with_adapters(&specs)
        .start()
        .await;
    let (ci, bf) = (stack.adapter("CI"), stack.adapter("BF"));
    let corridor = Corridor::abidjan_ouagadougou();
    let border = corridor.transit[0].clone();
    let movements: Vec<Movement> = (0..MOVEMENTS)
        .map(|_| Movement::new(corridor.clone(), Utc::now()))
        .collect();

    // Releases flow from a task of their own; the node dies a third of the way through.
    let releases: Vec<_> = movements.iter().map(Movement::release).collect();
    let sender = {
        let ci = ci.clone();
        tokio::spawn(async move {
            for (n, release) in releases.iter().enumerate() {
                ci.submit(release)
                    .await
                    .unwrap_or_else(|e| panic!("release {n} refused: {e}"));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(100 * MOVEMENTS as u64 / 3)).await;
    cluster.kill(VICTIM);
    sender.await.expect("the release sender panicked");

    // With the node still down, the border and the destination answer each movement.
    for m in &movements {
        let mrn = m.mrn.to_string();
        stack
            .wait_for_deliveries("BF", &mrn, "both records", |rows| rows.len() >= 2)
            .await;
        bf.submit(&m.passage(&border, Utc::now())).await.unwrap();
        bf.submit(&m.arrival(Utc::now())).await.unwrap();
    }

    let queries = stack.tracker_queries().await;
    for m in &movements {
        let mrn = m.mrn.to_string();
        let back = stack
            .wait_for_deliveries("CI", &mrn, "both confirmations", |rows| rows.len() >= 2)
            .await;
        let mut types: Vec<&str> = back.iter().map(|d| d.message_type.as_str()).collect();
        types.sort_unstable();
        assert_eq!(types, ["IE006", "IE118"], "{mrn}: CI's confirmations");
        let records = stack
            .wait_for_deliveries("BF", &mrn, "both records", |rows| rows.len() >= 2)
            .await;
        let mut types: Vec<&str> = records.iter().map(|d| d.message_type.as_str()).collect();
        types.sort_unstable();
        assert_eq!(types, ["IE001", "IE050"], "{mrn}: BF's records");
        let stored = queries.movement(&mrn).await.unwrap().unwrap();
        assert_eq!(
            (stored.movement.state.as_str(), stored.version),
            ("Arrived", 3),
            "{mrn}"
        );
        assert_eq!(
            queries.timeline(&mrn).await.unwrap().len(),
            3,
            "{mrn}: an event was logged twice"
        );
    }
    stack.assert_running();
    drop(stack);
    cluster.restart(VICTIM);
}
