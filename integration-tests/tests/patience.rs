//! A service started before PostgreSQL waits for it, retrying with backoff, instead of exiting:
//! the tracker is started against an address where no database answers yet, keeps running and
//! says it is waiting; the database is then made reachable there, the tracker's next try
//! arrives, and the tracker starts.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use integration_tests::free_port;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// Waits until `path` contains `text`; panics with the file after `patience`.
async fn log_says(path: &PathBuf, text: &str, patience: Duration) {
    let started = Instant::now();
    loop {
        let log = std::fs::read_to_string(path).unwrap_or_default();
        if log.contains(text) {
            return;
        }
        assert!(
            started.elapsed() < patience,
            "no {text:?} in the log:\n{log}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Forwards every connection to `listen` on to `target` (PostgreSQL "coming up" there); the
/// receiver hears of each connection as it arrives.
async fn forward(
    listen: std::net::SocketAddr,
    target: String,
) -> tokio::sync::mpsc::UnboundedReceiver<()> {
    let listener = tokio::net::TcpListener::bind(listen).await.unwrap();
    let (arrived, arrivals) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let _ = arrived.send(());
            let target = target.clone();
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    arrivals
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tracker_started_before_postgresql_waits_for_it() {
    let database_url = env_or(
        "SIGMAT_TEST_DATABASE_URL",
        "postgres://sigmat@127.0.0.1:15532/sigmat",
    );
    let (user, rest) = database_url
        .trim_start_matches("postgres://")
        .split_once('@')
        .unwrap();
    let (database_at, database) = rest.split_once('/').unwrap();
    let later = free_port();
    let id = format!("it{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/integration-logs"
    ))
    .join(&id);
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("tracker.toml");
    std::fs::write(
        &config,
        format!(
            "countries = [\"CI\"]\ngroup_id = \"{id}-tracker\"\n\
             [kafka]\nbrokers = \"{}\"\ntopic_prefix = \"{id}\"\npartitions = 1\nreplication_factor = 1\n\
             [database]\nurl = \"postgres://{user}@{later}/{database}\"\nschema = \"{id}_tracker\"\n",
            env_or("SIGMAT_TEST_BROKERS", "127.0.0.1:19092")
        ),
    )
    .unwrap();
    let log = dir.join("tracker.log");
    let bin = PathBuf::from(env_or(
        "SIGMAT_TEST_BIN_DIR",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../target/debug"),
    ))
    .join("tracker");
    let file = std::fs::File::create(&log).unwrap();
    let mut tracker = Command::new(bin)
        .arg("--config")
        .arg(&config)
        .env("SIGMAT_LOG", "info")
        .stdin(Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .unwrap();

    log_says(&log, "not reachable yet", Duration::from_secs(20)).await;
    // PostgreSQL comes up where the tracker looks for it, after it said it would wait: a
    // connection arriving there is its next try — it waited and tried again, not gave up.
    let mut arrivals = forward(later, database_at.to_owned()).await;
    tokio::time::timeout(Duration::from_secs(30), arrivals.recv())
        .await
        .unwrap_or_else(|_| {
            panic!(
                "the tracker never tried again:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            )
        });
    assert!(
        tracker.try_wait().unwrap().is_none(),
        "the tracker gave up:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    log_says(&log, "tracker ready", Duration::from_secs(60)).await;
    assert!(tracker.try_wait().unwrap().is_none());
    let _ = tracker.kill();
    let _ = tracker.wait();
}
