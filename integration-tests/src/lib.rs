//! # integration-tests — the system as a black box
//!
//! `Stack::new().with_countries(&["CI", "BF"]).start().await` ([`StackBuilder`]; the common
//! case is [`Stack::start`]) runs the real `tracker`, `api` and `adapter` binaries (built by
//! `cargo build --workspace --bins`) against the broker and PostgreSQL of the local stack
//! (`deploy/local/infra-up`), each test on its own topic prefix, schemas and consumer groups so
//! tests never see each other's data. Assertions read PostgreSQL ([`Stack::tracker_queries`],
//! [`Stack::adapter_store`]) and the topics ([`Stack::read_topic`]), never log lines.
//!
//! A test then plays its scenario with verbs grouped by who acts:
//! `stack.national("CI").releases(&movement)`, `stack.officer("BFNGK001").await
//! .confirms_passage(&movement)` ([`National`], [`Officer`], in `stack/actors.rs`).
//!
//! Where things are: [`Stack`] and its starting in `stack/start.rs`, looking at what it did in
//! `stack/look.rs`, its API accounts and sessions in `stack/people.rs`; one process
//! ([`Service`]) in `service.rs`; a country's adapter ([`AdapterSpec`], [`national_system`]) in
//! `adapters.rs`; [`traffic`] (corridor traffic), [`cluster`] (several broker nodes),
//! [`browser`] (headless Chromium).
//!
//! Environment: `SIGMAT_TEST_BROKERS` (default `127.0.0.1:19092`), `SIGMAT_TEST_DATABASE_URL`
//! (default the local stack's), `SIGMAT_TEST_AUDIT_DATABASE_URL` (the same database as the
//! audit log's insert-only role), `SIGMAT_TEST_BIN_DIR` (default `target/debug`).

mod adapters;
pub mod addresses;
pub mod browser;
pub mod cluster;
pub mod risk_replay;
mod service;
mod stack;
pub mod telematics;
pub mod traffic;

use adapters::adapter_service;
pub use adapters::{national_system, national_system_with, AdapterSpec};
pub use addresses::audit_database_url;
use service::spawn_service;
pub use service::Service;
pub use stack::{National, Officer, StackBuilder};

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use transit_http::client::HubClient;
use transit_kafka::{ConsumedRecord, KafkaSettings, Topics};
use transit_model::CountryCode;
use transit_runtime::config::Secret;
use transit_store::{Component, DatabaseSettings};

/// How long a test waits for something that should happen in well under a second.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// Runs the project's own `deploy/local/NAME ARGS…` (as an operator would), panicking with
/// its output if it fails; its standard output.
pub fn deploy_script(name: &str, args: &[&str]) -> String {
    deploy_script_in("local", name, args)
}

/// Runs `deploy/<dir>/<name> args…` (`dir` is `local` or `cluster`) and returns its output;
/// panics with its output if it fails.
pub fn deploy_script_in(dir: &str, name: &str, args: &[&str]) -> String {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy"))
        .join(dir)
        .join(name);
    let output = Command::new("bash")
        .arg(&path)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running deploy/{dir}/{name}: {e}"));
    assert!(
        output.status.success(),
        "deploy/{dir}/{name} {} failed:\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The local stack's data directory (`SIGMAT_DATA_DIR`, default `.data` in the checkout), as
/// the deploy scripts use it.
pub fn data_dir() -> PathBuf {
    std::env::var_os("SIGMAT_DATA_DIR").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.data")),
        PathBuf::from,
    )
}

/// One test's private network: a tracker, an API and one adapter per country.
#[derive(Debug)]
pub struct Stack {
    /// Unique per test: prefixes topics, schemas and groups.
    pub id: String,
    /// The topic layout under this test's prefix.
    pub topics: Topics,
    kafka: KafkaSettings,
    database_url: String,
    services: Vec<Service>,
    /// Services crashed on purpose, waiting to be restarted.
    crashed: Vec<Service>,
    log_dir: PathBuf,
    tracker_vars: Vec<(String, String)>,
    /// Each adapter's address and its national system's token.
    adapters: HashMap<CountryCode, (SocketAddr, String)>,
    api: SocketAddr,
    api_vars: Vec<(String, String)>,
    /// What every adapter of this stack is given (broker, database).
    adapter_vars: Vec<(String, String)>,
    bin_dir: PathBuf,
}

/// The test password of an account.
pub fn password_of(username: &str) -> String {
    format!("{username}-test-password")
}

/// Which broker a test stack talks to, and how its topics are replicated there.
#[derive(Clone, Debug)]
pub struct BrokerTarget {
    /// The bootstrap list.
    pub brokers: String,
    /// `[kafka] replication_factor` of every service.
    pub replication_factor: i32,
    /// `[kafka] min_insync_replicas` of every service.
    pub min_insync_replicas: Option<i32>,
}

impl BrokerTarget {
    /// The local stack's one-node broker (`SIGMAT_TEST_BROKERS`, default `127.0.0.1:19092`).
    pub fn local() -> Self {
        Self {
            brokers: addresses::brokers(),
            replication_factor: 1,
            min_insync_replicas: None,
        }
    }
}

/// A free local address for a service. Taken from 20000–31999, below the kernel's ephemeral
/// range (32768 and up on Linux): a port the kernel hands out for bind(0) can also be taken as
/// the local end of any outgoing connection (to the broker, to PostgreSQL) between this probe
/// and the service's own bind, which once failed a CI run ("address already in use"). Within
/// one test process the ports never repeat; each process starts at its own offset.
pub fn free_port() -> SocketAddr {
    use std::sync::atomic::{AtomicU32, Ordering};
    const FIRST: u32 = 20_000;
    const COUNT: u32 = 12_000;
    static NEXT: AtomicU32 = AtomicU32::new(u32::MAX);
    let _ = NEXT.compare_exchange(
        u32::MAX,
        (std::process::id().wrapping_mul(997)) % COUNT,
        Ordering::Relaxed,
        Ordering::Relaxed,
    );
    for _ in 0..COUNT {
        let n = NEXT.fetch_add(1, Ordering::Relaxed) % COUNT;
        let port = u16::try_from(FIRST + n).expect("below 32000");
        if let Ok(listener) = TcpListener::bind(("127.0.0.1", port)) {
            return listener.local_addr().expect("a bound address");
        }
    }
    panic!(
        "no free port on 127.0.0.1 between {FIRST} and {}",
        FIRST + COUNT
    )
}

impl Stack {
    /// This test's id: the prefix of its topics, schemas and groups.
    pub fn id(&self) -> String {
        self.id.clone()
    }

    /// Starts one more tracker in the consumer group, as `name` (e.g. `tracker-2`): a member
    /// joining while traffic flows.
    pub fn add_tracker(&mut self, name: &str) {
        let mut vars = self.tracker_vars.clone();
        vars.push((
            "SIGMAT_TRACKER__HEALTH__LISTEN".into(),
            free_port().to_string(),
        ));
        let tracker = spawn_service(&self.bin_dir, &self.log_dir, name, "tracker", vars);
        self.services.push(tracker);
    }

    /// Starts an adapter for another country while the stack runs (a country onboarded
    /// without restarting anything) and waits until it is ready.
    pub async fn add_adapter(&mut self, spec: &AdapterSpec) {
        let (country, addr, vars) = adapter_service(&self.adapter_vars, spec, &self.id);
        let name = format!("adapter-{}", country.to_lowercase());
        let adapter = spawn_service(&self.bin_dir, &self.log_dir, &name, "adapter", vars);
        let waiting = vec![stack::NotReady::of(&adapter, format!("http://{addr}"))];
        self.services.push(adapter);
        self.adapters.insert(country, (addr, spec.token.clone()));
        self.wait_until_ready(waiting).await;
    }

    /// Starts one more instance of `country`'s adapter, as `name`, sharing the address of the
    /// first (which must be [`AdapterSpec::shared`]), its schema and its consumer group; waits
    /// until it is ready. The address of its metrics and health checks.
    pub async fn add_instance(&mut self, country: &str, name: &str) -> SocketAddr {
        let first = format!("adapter-{}", country.to_ascii_lowercase());
        let mut vars = self.service(&first).vars.clone();
        let operations = free_port();
        vars.retain(|(k, _)| k != "SIGMAT_ADAPTER__OPERATIONS__LISTEN");
        assert!(
            vars.iter()
                .any(|(k, v)| k == "SIGMAT_ADAPTER__HTTP__REUSE_PORT" && v == "true"),
            "{first} does not share its address: make its spec with AdapterSpec::shared"
        );
        vars.push((
            "SIGMAT_ADAPTER__OPERATIONS__LISTEN".into(),
            operations.to_string(),
        ));
        let adapter = spawn_service(&self.bin_dir, &self.log_dir, name, "adapter", vars);
        let waiting = vec![stack::NotReady::of(
            &adapter,
            format!("http://{operations}"),
        )];
        self.services.push(adapter);
        self.wait_until_ready(waiting).await;
        operations
    }

    /// Stops the service called `name` — with SIGKILL when `hard` (a crash), SIGTERM otherwise
    /// (a member leaving) — and waits for it to exit.
    pub fn stop_service(&mut self, name: &str, hard: bool) {
        self.stopped(name, hard);
    }

    /// Stops `name` as [`Stack::stop_service`] does; the stopped service.
    fn stopped(&mut self, name: &str, hard: bool) -> Service {
        let at = self
            .services
            .iter()
            .position(|s| s.name == name)
            .unwrap_or_else(|| panic!("no service {name}"));
        let mut service = self.services.remove(at);
        if hard {
            let _ = service.child.kill();
        } else {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(service.child.id().to_string())
                .status();
        }
        let _ = service.child.wait();
        service
    }

    /// The peak resident memory of the running service `name` so far, in KiB (its `VmHWM`
    /// in `/proc`), and whether it is still running.
    pub fn peak_memory_kib(&mut self, name: &str) -> (u64, bool) {
        let service = self
            .services
            .iter_mut()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no service {name}"));
        let alive = matches!(service.child.try_wait(), Ok(None));
        let status = std::fs::read_to_string(format!("/proc/{}/status", service.child.id()))
            .unwrap_or_default();
        let peak = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0);
        (peak, alive)
    }

    /// Crashes the service called `name` (SIGKILL, as a power cut or the kernel's OOM killer
    /// would) and waits until it is gone; [`Stack::restart`] starts it again as it was.
    pub fn crash(&mut self, name: &str) {
        let service = self.stopped(name, true);
        self.crashed.push(service);
    }

    /// Starts a service crashed with [`Stack::crash`] again, with the same settings (its log
    /// goes on in the same file).
    pub fn restart(&mut self, name: &str) {
        self.restart_with(name, &[]);
    }

    /// Like [`Stack::restart`], with `extra` environment variables (settings) added.
    pub fn restart_with(&mut self, name: &str, extra: &[(&str, &str)]) {
        let at = self
            .crashed
            .iter()
            .position(|s| s.name == name)
            .unwrap_or_else(|| panic!("{name} was not crashed"));
        let crashed = self.crashed.remove(at);
        let mut vars = crashed.vars.clone();
        vars.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        let service = spawn_service(&self.bin_dir, &self.log_dir, name, &crashed.binary, vars);
        self.services.push(service);
    }

    /// The running service called `name` (`tracker`, `api`, `adapter-bf`…).
    pub fn service(&mut self, name: &str) -> &mut Service {
        self.services
            .iter_mut()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no service {name}"))
    }

    /// Panics, with the log, if any service has exited.
    pub fn assert_running(&mut self) {
        for service in &mut self.services {
            service.assert_running();
        }
    }

    /// The path of one of the workspace's binaries (`sigmat`, `api`…), as the stack runs them.
    pub fn binary(&self, name: &str) -> PathBuf {
        self.bin_dir.join(name)
    }

    /// What `name` (`tracker`, `api`, `adapter-bf`…) serves at `/metrics`.
    pub async fn scrape(&mut self, name: &str) -> String {
        let base = match name.strip_prefix("adapter-") {
            Some(country) => self
                .adapter_anonymous(&country.to_ascii_uppercase())
                .base()
                .to_owned(),
            None if name == "api" => self.api_url(),
            None if name == "telematics" => format!(
                "http://{}",
                self.service(name)
                    .var("SIGMAT_TELEMATICS__HTTP__LISTEN")
                    .expect("the gateway's listener")
            ),
            None => {
                let listen = self
                    .service(name)
                    .var("SIGMAT_TRACKER__HEALTH__LISTEN")
                    .unwrap_or_else(|| panic!("{name} has no health listener"));
                format!("http://{listen}")
            }
        };
        let answer = reqwest::get(format!("{base}/metrics"))
            .await
            .unwrap_or_else(|e| panic!("scraping {name}: {e}"));
        assert_eq!(answer.status(), 200, "scraping {name}");
        answer.text().await.expect("the metrics")
    }

    /// The API's base URL.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.api)
    }

    /// A client for a country's adapter, calling with its national system's token.
    pub fn adapter(&self, country: &str) -> HubClient {
        let (_, token) = &self.adapters[&CountryCode::parse(country).expect("country code")];
        self.adapter_anonymous(country).with_token(token)
    }

    /// A client for a country's adapter that sends no token.
    pub fn adapter_anonymous(&self, country: &str) -> HubClient {
        HubClient::new(self.adapter_url(country))
    }

    /// A country's adapter's address (`http://127.0.0.1:…`).
    pub fn adapter_url(&self, country: &str) -> String {
        let (addr, _) = &self.adapters[&CountryCode::parse(country).expect("country code")];
        format!("http://{addr}")
    }

    /// The national system's token at a country's adapter (every right).
    pub fn adapter_token(&self, country: &str) -> String {
        self.adapters[&CountryCode::parse(country).expect("country code")]
            .1
            .clone()
    }

    /// A client for the API.
    pub fn api(&self) -> HubClient {
        HubClient::new(format!("http://{}", self.api))
    }

    /// Releases a new Abidjan → Ouagadougou movement at Côte d'Ivoire's adapter and waits until
    /// Burkina Faso's adapter holds its two records; returns the movement.
    pub async fn release_to_ouagadougou(&mut self) -> transit_scenario::Movement {
        use transit_scenario::{Corridor, Movement};
        let movement = Movement::new(Corridor::abidjan_ouagadougou(), chrono::Utc::now());
        self.adapter("CI")
            .submit(&movement.release())
            .await
            .expect("release accepted");
        self.wait_for_deliveries("BF", movement.mrn.as_str(), "the records", |rows| {
            rows.len() == 2
        })
        .await;
        movement
    }
}

/// Reads a live-update stream for at most `wait`, stopping early once `enough` holds for what
/// was read; returns what was read.
pub async fn read_stream(
    stream: &mut reqwest::Response,
    wait: Duration,
    enough: impl Fn(&str) -> bool,
) -> String {
    let mut read = String::new();
    let _ = tokio::time::timeout(wait, async {
        while let Ok(Some(chunk)) = stream.chunk().await {
            read.push_str(&String::from_utf8_lossy(&chunk));
            if enough(&read) {
                return;
            }
        }
    })
    .await;
    read
}

/// The value of a record header.
pub fn header<'a>(record: &'a ConsumedRecord, name: &str) -> &'a str {
    record
        .headers
        .get(name)
        .map(String::as_str)
        .unwrap_or_default()
}

/// A tracker schema of its own on the test database, for driving the tracker's
/// [`tracker::intake::BatchProcessor`] without a broker: the pool, the topics of a fresh
/// prefix, and the schema's name (drop it with `transit_store::drop_schema`).
pub async fn scratch_tracker() -> (transit_store::PgPool, Topics, String) {
    let id = format!("it{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let schema = format!("{id}_scratch");
    let settings = DatabaseSettings {
        url: Secret::new(addresses::database_url()),
        schema: schema.clone(),
        max_connections: 2,
    };
    let pool = transit_store::connect(&settings, Component::Tracker)
        .await
        .expect("connecting to a scratch tracker schema");
    (pool, Topics::new(&id), schema)
}

/// `message` as the tracker would read it from `country`'s to-hub topic at `offset`.
pub fn consumed(
    topics: &Topics,
    country: &str,
    message: &transit_model::StandardMessage,
    offset: i64,
) -> transit_kafka::ConsumedRecord {
    transit_kafka::ConsumedRecord {
        topic: topics.to_hub(transit_model::CountryCode::parse(country).expect("a country code")),
        partition: 0,
        offset,
        key: Some(message.mrn().to_string()),
        headers: [(
            transit_kafka::header::MESSAGE_TYPE.to_owned(),
            message.message_type().code().to_owned(),
        )]
        .into(),
        payload: transit_codec::json::encode(message),
        written_at_ms: None,
    }
}
