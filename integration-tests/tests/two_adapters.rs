//! Two instances of each country's adapter behind one address (`[http] reuse_port`: the kernel
//! shares the connections out), on one schema and one consumer group. The national system's
//! calls are spread over both instances and every release reaches the hub; Burkina Faso's
//! deliveries are pushed once each, by the leader only; when the leader crashes, the other
//! instance takes over the pushing and nothing is lost.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use integration_tests::{national_system, AdapterSpec, Stack};
use transit_national::Family;

/// The sum of a counter's samples at `/metrics` of the instance whose operations port is
/// `operations`, over the lines that contain every one of `labels`.
async fn counted(operations: SocketAddr, metric: &str, labels: &[&str]) -> f64 {
    let text = reqwest::get(format!("http://{operations}/metrics"))
        .await
        .expect("the instance's metrics")
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with(metric) && labels.iter().all(|label| l.contains(label)))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// Waits until the national system has received `count` pushes.
async fn pushed(sim: &national_sim::Simulator, count: usize, what: &str) -> Vec<String> {
    let started = Instant::now();
    loop {
        let ids: Vec<String> = sim.received().into_iter().map(|r| r.message_id).collect();
        if ids.len() >= count {
            return ids;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "{what}: {} of {count} pushes arrived",
            ids.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_behind_one_address_share_the_calls_and_push_once_through_a_crash() {
    let (bf_system, bf) = national_system(Family::Asycuda, "BF", true).await;
    let (ci, bf) = (AdapterSpec::standard("CI").shared(), bf.shared());
    let (ci_first, bf_first) = (ci.operations.unwrap(), bf.operations.unwrap());
    let mut stack = Stack::new().with_adapters(&[ci, bf]).start().await;
    let ci_second = stack.add_instance("CI", "adapter-ci-2").await;
    let bf_second = stack.add_instance("BF", "adapter-bf-2").await;

    // Releases at Abidjan, each on a connection of its own (a new client), as many national
    // clerks' workstations would.
    let mut released = Vec::new();
    for _ in 0..16 {
        released.push(stack.release_to_ouagadougou().await.mrn.to_string());
    }
    let accepted = |at| counted(at, "sigmat_adapter_messages_in_total", &["accepted"]);
    let (first, second) = (accepted(ci_first).await, accepted(ci_second).await);
    assert_eq!(first + second, 16.0, "every release taken once");
    assert!(
        first > 0.0 && second > 0.0,
        "the calls were not shared: {first} and {second}"
    );
    let queries = stack.tracker_queries().await;
    for mrn in &released {
        assert!(queries.movement(mrn).await.unwrap().is_some(), "{mrn} lost");
    }

    // Burkina Faso's two records of each movement, pushed once each, by the leader (the first
    // instance: it took the lock at its start).
    let ids = pushed(&bf_system, 2 * released.len(), "before the crash").await;
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "a delivery pushed twice: {ids:?}");
    let pushes = |at| counted(at, "sigmat_adapter_deliveries_delivered_total", &["push"]);
    assert_eq!(pushes(bf_first).await, ids.len() as f64);
    assert_eq!(pushes(bf_second).await, 0.0, "the stand-by instance pushed");

    // The leader crashes: the other takes its partitions and its pushing; nothing is lost.
    stack.crash("adapter-bf");
    let mut after = Vec::new();
    for _ in 0..4 {
        after.push(stack.release_to_ouagadougou().await.mrn.to_string());
    }
    let ids = pushed(
        &bf_system,
        2 * (released.len() + after.len()),
        "after the crash",
    )
    .await;
    let received: HashSet<String> = bf_system
        .received()
        .into_iter()
        .filter(|r| after.iter().any(|m| m == r.message.header().mrn.as_str()))
        .map(|r| r.message_id)
        .collect();
    assert_eq!(received.len(), 2 * after.len(), "{ids:?}");
    assert!(
        pushes(bf_second).await > 0.0,
        "the stand-by never took over"
    );
    stack.assert_running();
}
