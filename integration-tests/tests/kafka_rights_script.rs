//! `deploy/local/kafka-rights` where there are no rights to give: it says which broker it
//! found, fails at once (naming the address) where no broker listens, says there is nothing
//! to provision on the local stack's broker — which checks no identities — and never prints a
//! password. Its work on the three-node cluster is `broker_rights.rs`'s.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use integration_tests::addresses;
use integration_tests::cluster::{assert_no_secret, kafka_rights};

/// Well under the script's 30 s limit on a Kafka tool: neither case should need a tool's wait.
const QUICK: Duration = Duration::from_secs(20);

/// A secrets directory of this test's own, holding a password the output must never show.
fn secrets(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sigmat-rights-{name}-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("sigmat-adapter-ci.password"),
        format!("planted{}\n", uuid::Uuid::new_v4().simple()),
    )
    .unwrap();
    dir
}

/// The passwords of `dir`, by file, to check they are left as they were.
fn passwords(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn refused(port: u16) -> bool {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err()
}

/// A port base whose three cluster ports (base + 1 to 3) nothing listens on: where the script
/// looks for a three-node cluster that is not there.
fn absent_cluster_base() -> u16 {
    (29_000..32_000)
        .step_by(10)
        .find(|base| (1..=3).all(|n| refused(base + n)))
        .expect("three free loopback ports")
}

#[test]
fn no_broker_at_the_address_fails_at_once_naming_it() {
    let secrets = secrets("closed");
    let before = passwords(&secrets);
    let address = format!("127.0.0.1:{}", closed_port());
    let started = Instant::now();
    let run = kafka_rights(
        &[
            "--bootstrap",
            &address,
            "--secrets",
            &secrets.display().to_string(),
            "--country",
            "GN",
        ],
        &[],
    );
    assert!(!run.success, "{}", run.output);
    assert!(started.elapsed() < QUICK, "{:?}", started.elapsed());
    assert!(
        run.output
            .contains(&format!("no broker answers at {address}")),
        "{}",
        run.output
    );
    assert_no_secret(&run.output, &secrets);
    assert_eq!(passwords(&secrets), before);
    let _ = std::fs::remove_dir_all(&secrets);
}

#[test]
fn the_local_broker_checks_no_rights_so_nothing_is_provisioned() {
    let brokers = addresses::brokers();
    let secrets = secrets("local");
    let before = passwords(&secrets);
    let secrets_arg = secrets.display().to_string();

    // Named with --bootstrap.
    let run = kafka_rights(&["--bootstrap", &brokers, "--secrets", &secrets_arg], &[]);
    assert!(run.success, "{}", run.output);
    assert!(
        run.output.contains("rights on ")
            && run.output.contains(&format!("at {brokers}"))
            && run.output.contains("checks no identities or rights")
            && run.output.contains("Nothing to provision"),
        "{}",
        run.output
    );
    assert_no_secret(&run.output, &secrets);

    // Found by itself: no three-node cluster runs (at the ports it is told), the local broker
    // does.
    if let Some(port) = brokers.strip_prefix("127.0.0.1:") {
        let base = absent_cluster_base().to_string();
        let run = kafka_rights(
            &["--secrets", &secrets_arg, "--country", "GN"],
            &[
                ("SIGMAT_BROKER_PORT", port),
                ("SIGMAT_CLUSTER_PORT_BASE", &base),
            ],
        );
        assert!(run.success, "{}", run.output);
        assert!(
            run.output
                .contains(&format!("rights on the local broker at {brokers}"))
                && run.output.contains("checks no identities or rights"),
            "{}",
            run.output
        );
        assert_no_secret(&run.output, &secrets);
    }
    assert_eq!(passwords(&secrets), before, "nothing provisioned");
    let _ = std::fs::remove_dir_all(&secrets);
}
