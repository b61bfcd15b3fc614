//! # integration-tests — the system as a black box
//!
//! [`Stack::start`] runs the real `tracker`, `api` and `adapter` binaries (built by
//! `cargo build --workspace --bins`) against the broker and PostgreSQL of the local stack
//! (`deploy/local/infra-up`), each test on its own topic prefix, schemas and consumer groups so
//! tests never see each other's data. Assertions read PostgreSQL ([`Stack::tracker_queries`],
//! [`Stack::adapter_store`]) and the topics ([`Stack::read_topic`]), never log lines.
//!
//! Environment: `SIGMAT_TEST_BROKERS` (default `127.0.0.1:19092`), `SIGMAT_TEST_DATABASE_URL`
//! (default the local stack's), `SIGMAT_TEST_AUDIT_DATABASE_URL` (the same database as the
//! audit log's insert-only role), `SIGMAT_TEST_BIN_DIR` (default `target/debug`).

pub mod browser;
pub mod cluster;
pub mod traffic;

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use transit_http::client::HubClient;
use transit_kafka::{BatchConsumer, ConsumedRecord, KafkaSettings, Topics};
use transit_model::CountryCode;
use transit_runtime::config::Secret;
use transit_store::adapter::{AdapterStore, DeliveryRow};
use transit_store::queries::MovementQueries;
use transit_store::{Component, DatabaseSettings};

/// How long a test waits for something that should happen in well under a second.
pub const PATIENCE: Duration = Duration::from_secs(60);

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// The tracker's database as the audit log's insert-only role sees it
/// (`SIGMAT_TEST_AUDIT_DATABASE_URL`).
pub fn audit_database_url() -> String {
    env_or(
        "SIGMAT_TEST_AUDIT_DATABASE_URL",
        "postgres://sigmat_audit@127.0.0.1:55432/sigmat",
    )
}

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

/// A process killed when dropped.
#[derive(Debug)]
pub struct Service {
    name: String,
    child: Child,
    log: PathBuf,
    /// How it was started, to start it again after a crash.
    binary: String,
    vars: Vec<(String, String)>,
}

impl Service {
    /// Its whole log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The last lines of its log, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// Waits up to `patience` for it to exit by itself; its exit status, or `None` if it is
    /// still running.
    pub async fn exited_within(&mut self, patience: Duration) -> Option<std::process::ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < patience {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        None
    }

    /// The value of environment variable `key` it was started with.
    pub fn var(&self, key: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Panics with its log if it has exited.
    pub fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!(
                "{} exited with {status}; its log:\n{}",
                self.name,
                self.log_tail()
            );
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `binary` from `bin_dir` as `name` with `vars`, its output in `log_dir/name.log`
/// (added to the end of it when the service is started again after a crash).
fn spawn_service(
    bin_dir: &std::path::Path,
    log_dir: &std::path::Path,
    name: &str,
    binary: &str,
    vars: Vec<(String, String)>,
) -> Service {
    let path = bin_dir.join(binary);
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --workspace --bins` first (deploy/local/test does)",
        path.display()
    );
    let log = log_dir.join(format!("{name}.log"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .expect("creating a log file");
    let child = Command::new(&path)
        .envs(vars.clone())
        .env("SIGMAT_LOG", "info")
        .stdin(Stdio::null())
        .stdout(file.try_clone().expect("log file"))
        .stderr(file)
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", path.display()));
    Service {
        name: name.to_owned(),
        child,
        log,
        binary: binary.to_owned(),
        vars,
    }
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

/// How one country's adapter runs in a test stack.
#[derive(Clone, Debug)]
pub struct AdapterSpec {
    /// The country, e.g. `BF`.
    pub country: String,
    /// `standard`, `asycuda`, `sydam` or `gainde`.
    pub family: String,
    /// Where it listens (a free port when `None`).
    pub listen: Option<SocketAddr>,
    /// The national system's webhook, when deliveries are pushed.
    pub webhook: Option<String>,
    /// A drop directory to watch.
    pub drop: Option<PathBuf>,
    /// The national system's token at the adapter, with every right (random per spec).
    pub token: String,
    /// The secret the adapter signs its webhook pushes with.
    pub webhook_secret: Option<String>,
}

impl AdapterSpec {
    /// An adapter speaking the standardized JSON.
    pub fn standard(country: &str) -> Self {
        Self::national(country, "standard")
    }

    /// An adapter translating `family`.
    pub fn national(country: &str, family: &str) -> Self {
        Self {
            country: country.to_owned(),
            family: family.to_owned(),
            listen: None,
            webhook: None,
            drop: None,
            token: format!("national-{}", uuid::Uuid::new_v4().simple()),
            webhook_secret: None,
        }
    }

    /// Signing its webhook pushes with `secret`.
    pub fn signing_with(mut self, secret: &str) -> Self {
        self.webhook_secret = Some(secret.to_owned());
        self
    }

    /// A second token the adapter knows, with the right to read deliveries only.
    pub fn reader_token(&self) -> String {
        format!("{}-reader", self.token)
    }

    /// Listening on `address`.
    pub fn listening(mut self, address: SocketAddr) -> Self {
        self.listen = Some(address);
        self
    }

    /// Pushing to `url`.
    pub fn pushing_to(mut self, url: Option<String>) -> Self {
        self.webhook = url;
        self
    }

    /// Watching `directory`.
    pub fn watching(mut self, directory: PathBuf) -> Self {
        self.drop = Some(directory);
        self
    }
}

/// A simulator for `country`, in front of an adapter that will listen on a chosen port;
/// with `webhook`, the simulator listens for pushes.
pub async fn national_system(
    family: transit_national::Family,
    country: &str,
    webhook: bool,
) -> (national_sim::Simulator, AdapterSpec) {
    let address = free_port();
    // The national system checks every push's signature with the secret it shares with its
    // adapter.
    let secret = format!("webhook-secret-{country}-{}", std::process::id());
    let sim = national_sim::Simulator::new(
        family,
        CountryCode::parse(country).expect("country code"),
        &format!("http://{address}"),
    )
    .unwrap()
    .verifying_pushes_with(secret.clone());
    if webhook {
        sim.listen("127.0.0.1:0".parse().unwrap()).await.unwrap();
    }
    let spec = AdapterSpec::national(country, family.as_str())
        .listening(address)
        .pushing_to(sim.webhook_url())
        .signing_with(&secret);
    (sim.with_token(spec.token.clone()), spec)
}

/// The country, address and environment of an adapter of a test stack: `base` (the stack's
/// broker and database) and what `spec` asks for, in the stack `id`'s schema and group.
fn adapter_service(
    base: &[(String, String)],
    spec: &AdapterSpec,
    id: &str,
) -> (CountryCode, SocketAddr, Vec<(String, String)>) {
    let code = spec.country.as_str();
    let country = CountryCode::parse(code).expect("country code");
    let addr = spec.listen.unwrap_or_else(free_port);
    let mut vars = base.to_vec();
    vars.push(("SIGMAT_ADAPTER__COUNTRY".into(), code.to_owned()));
    vars.push(("SIGMAT_ADAPTER__FAMILY".into(), spec.family.clone()));
    if let Some(url) = &spec.webhook {
        vars.push(("SIGMAT_ADAPTER__WEBHOOK__URL".into(), url.clone()));
        vars.push((
            "SIGMAT_ADAPTER__WEBHOOK__MAX_BACKOFF_MS".into(),
            "1000".into(),
        ));
        vars.push((
            "SIGMAT_ADAPTER__WEBHOOK__PARK_AFTER_REFUSALS".into(),
            "3".into(),
        ));
        if let Some(secret) = &spec.webhook_secret {
            vars.push(("SIGMAT_ADAPTER__WEBHOOK__SECRET".into(), secret.clone()));
        }
    }
    if let Some(dir) = &spec.drop {
        vars.push((
            "SIGMAT_ADAPTER__DROP__DIRECTORY".into(),
            dir.display().to_string(),
        ));
        vars.push(("SIGMAT_ADAPTER__DROP__POLL_MS".into(), "100".into()));
    }
    vars.push(("SIGMAT_ADAPTER__HTTP__LISTEN".into(), addr.to_string()));
    vars.push(("SIGMAT_ADAPTER__LINK__REPORT_EVERY_MS".into(), "300".into()));
    let sha = |token: &str| hex::encode(Sha256::digest(token.as_bytes()));
    vars.push((
        "SIGMAT_ADAPTER__AUTH__CLIENTS".into(),
        format!(
            r#"[{{name = "national-system", token_sha256 = "{}", rights = ["submit", "read", "ack"]}}, {{name = "reader", token_sha256 = "{}", rights = ["read"]}}]"#,
            sha(&spec.token),
            sha(&spec.reader_token())
        ),
    ));
    vars.push((
        "SIGMAT_ADAPTER__DATABASE__SCHEMA".into(),
        format!("{id}_{}", country.to_lowercase()),
    ));
    vars.push((
        "SIGMAT_ADAPTER__GROUP_ID".into(),
        format!("{id}-adapter-{}", country.to_lowercase()),
    ));
    (country, addr, vars)
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
            brokers: env_or("SIGMAT_TEST_BROKERS", "127.0.0.1:19092"),
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
    /// Starts a tracker, an API and an adapter for each of `countries`, and waits until the
    /// HTTP services answer.
    pub async fn start(countries: &[&str]) -> Self {
        Self::start_with(countries, 1).await
    }

    /// Like [`Stack::start`], with `trackers` tracker instances in one consumer group.
    pub async fn start_with(countries: &[&str], trackers: usize) -> Self {
        let specs: Vec<AdapterSpec> = countries.iter().map(|c| AdapterSpec::standard(c)).collect();
        Self::start_adapters(&specs, trackers).await
    }

    /// Starts a tracker (or `trackers`), an API and the adapters described by `specs`.
    pub async fn start_adapters(specs: &[AdapterSpec], trackers: usize) -> Self {
        Self::start_on(&BrokerTarget::local(), specs, trackers).await
    }

    /// Like [`Stack::start_adapters`], on the broker `target` (e.g. the three-node cluster).
    pub async fn start_on(target: &BrokerTarget, specs: &[AdapterSpec], trackers: usize) -> Self {
        let countries: Vec<&str> = specs.iter().map(|s| s.country.as_str()).collect();
        let id = format!("it{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
        let brokers = target.brokers.clone();
        let database_url = env_or(
            "SIGMAT_TEST_DATABASE_URL",
            "postgres://sigmat@127.0.0.1:55432/sigmat",
        );
        let bin_dir = PathBuf::from(env_or(
            "SIGMAT_TEST_BIN_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../target/debug"),
        ));
        let log_dir = PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../target/integration-logs"
        ))
        .join(&id);
        std::fs::create_dir_all(&log_dir).expect("creating the log directory");
        let mut kafka = KafkaSettings::new(&brokers);
        kafka.topic_prefix = id.clone();
        kafka.session_timeout_ms = 6000;
        kafka.partitions = 2;
        kafka.replication_factor = target.replication_factor;
        kafka.min_insync_replicas = target.min_insync_replicas;

        let common = |prefix: &str| -> Vec<(String, String)> {
            let mut vars = vec![
                (format!("{prefix}__KAFKA__BROKERS"), brokers.clone()),
                (format!("{prefix}__KAFKA__TOPIC_PREFIX"), id.clone()),
                (format!("{prefix}__KAFKA__PARTITIONS"), "2".into()),
                // The broker clients' figures on a test's time scale (metrics.rs).
                (
                    format!("{prefix}__KAFKA__STATISTICS_INTERVAL_MS"),
                    "1000".into(),
                ),
                (
                    format!("{prefix}__KAFKA__SESSION_TIMEOUT_MS"),
                    "6000".into(),
                ),
                (format!("{prefix}__DATABASE__URL"), database_url.clone()),
                (format!("{prefix}__DATABASE__MAX_CONNECTIONS"), "4".into()),
                (
                    format!("{prefix}__KAFKA__REPLICATION_FACTOR"),
                    target.replication_factor.to_string(),
                ),
            ];
            if let Some(min) = target.min_insync_replicas {
                vars.push((
                    format!("{prefix}__KAFKA__MIN_INSYNC_REPLICAS"),
                    min.to_string(),
                ));
            }
            vars
        };
        let spawn = |name: &str, binary: &str, vars: Vec<(String, String)>| -> Service {
            spawn_service(&bin_dir, &log_dir, name, binary, vars)
        };

        let mut services = Vec::new();
        let country_list = format!(
            "[{}]",
            countries
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(",")
        );
        let mut vars = common("SIGMAT_TRACKER");
        vars.push(("SIGMAT_TRACKER__COUNTRIES".into(), country_list));
        vars.push((
            "SIGMAT_TRACKER__DATABASE__SCHEMA".into(),
            format!("{id}_tracker"),
        ));
        vars.push(("SIGMAT_TRACKER__GROUP_ID".into(), format!("{id}-tracker")));
        vars.push(("SIGMAT_TRACKER__TIMER__INTERVAL_MS".into(), "200".into()));
        let tracker_vars = vars.clone();
        let mut tracker_health = Vec::new();
        for n in 1..=trackers.max(1) {
            let name = if n == 1 {
                "tracker".to_owned()
            } else {
                format!("tracker-{n}")
            };
            let health = free_port();
            let mut vars = vars.clone();
            vars.push(("SIGMAT_TRACKER__HEALTH__LISTEN".into(), health.to_string()));
            tracker_health.push(HubClient::new(format!("http://{health}")));
            services.push(spawn(&name, "tracker", vars));
        }

        let api = free_port();
        let mut vars = common("SIGMAT_API");
        vars.push(("SIGMAT_API__HTTP__LISTEN".into(), api.to_string()));
        vars.push((
            "SIGMAT_API__DATABASE__SCHEMA".into(),
            format!("{id}_tracker"),
        ));
        vars.push(("SIGMAT_API__LIVE_INTERVAL_MS".into(), "200".into()));
        vars.push(("SIGMAT_API__AUDIT__URL".into(), audit_database_url()));
        // The tests' webhook receivers listen on plain HTTP on this machine.
        vars.push((
            "SIGMAT_API__NOTIFICATIONS__ALLOW_HTTP_TO_LOOPBACK".into(),
            "true".into(),
        ));
        // Link alerts on a test's time scale (the adapters report every 300 ms).
        for (key, value) in [
            ("SILENT_AFTER_SECS", "4"),
            ("UNDELIVERED_AFTER_SECS", "2"),
            ("PUSH_FAILURES", "3"),
        ] {
            vars.push((format!("SIGMAT_API__LINKS__{key}"), value.into()));
        }
        let api_vars = vars.clone();
        services.push(spawn("api", "api", vars));

        let adapter_vars = common("SIGMAT_ADAPTER");
        let mut adapters = HashMap::new();
        for spec in specs {
            let (country, addr, vars) = adapter_service(&adapter_vars, spec, &id);
            services.push(spawn(
                &format!("adapter-{}", country.to_lowercase()),
                "adapter",
                vars,
            ));
            adapters.insert(country, (addr, spec.token.clone()));
        }

        let mut stack = Self {
            api_vars,
            adapter_vars,
            bin_dir,
            topics: Topics::new(&id),
            id,
            kafka,
            database_url,
            services,
            crashed: Vec::new(),
            log_dir,
            tracker_vars,
            adapters,
            api,
        };
        let mut waiting: Vec<HubClient> = stack
            .adapters
            .values()
            .map(|(a, _)| HubClient::new(format!("http://{a}")))
            .collect();
        waiting.push(stack.api());
        // Each tracker is ready when its database and broker answer and it has partitions.
        waiting.extend(tracker_health);
        let started = Instant::now();
        while !waiting.is_empty() {
            stack.assert_running();
            let mut still = Vec::new();
            for client in waiting {
                if !client.healthy().await {
                    still.push(client);
                }
            }
            waiting = still;
            assert!(
                started.elapsed() < PATIENCE,
                "services did not become healthy: {:?}",
                waiting
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        stack
    }

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
        self.services.push(adapter);
        self.adapters.insert(country, (addr, spec.token.clone()));
        let client = self.adapter_anonymous(country.as_str());
        let started = Instant::now();
        while !client.healthy().await {
            self.assert_running();
            assert!(started.elapsed() < PATIENCE, "{name} did not become ready");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
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

    /// Creates an API account with `api users add` (the real binary); an existing name is
    /// left as it is.
    pub fn add_user(
        &self,
        username: &str,
        role: &str,
        office: Option<&str>,
        country: Option<&str>,
    ) {
        self.add_account(username, role, office, country, None);
    }

    /// Creates a trader's account: it follows the movements it declares, by `tin`.
    pub fn add_trader(&self, username: &str, tin: &str) {
        self.add_account(username, "trader", None, None, Some(tin));
    }

    fn add_account(
        &self,
        username: &str,
        role: &str,
        office: Option<&str>,
        country: Option<&str>,
        party: Option<&str>,
    ) {
        let mut command = Command::new(self.bin_dir.join("api"));
        command
            .envs(self.api_vars.clone())
            .env("SIGMAT_NEW_PASSWORD", password_of(username))
            .args([
                "users",
                "add",
                "--username",
                username,
                "--name",
                username,
                "--role",
                role,
            ]);
        if let Some(office) = office {
            command.args(["--office", office]);
        }
        if let Some(country) = country {
            command.args(["--country", country]);
        }
        if let Some(party) = party {
            command.args(["--party", party]);
        }
        let output = command.output().expect("running api users add");
        assert!(
            output.status.success() || output.status.code() == Some(3),
            "api users add {username}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// An API client logged in as `username` (created with [`Stack::add_user`]).
    pub async fn api_as(&self, username: &str) -> HubClient {
        self.api()
            .login(username, &password_of(username))
            .await
            .unwrap_or_else(|e| panic!("logging in as {username}: {e}"))
    }

    /// The live-update stream (`GET /api/v1/events`) as seen by `username` (made with
    /// [`Stack::add_user`]).
    pub async fn live_updates(&self, username: &str) -> reqwest::Response {
        let ticket = self.stream_ticket(username).await;
        let response = self.open_stream(&ticket).await;
        assert_eq!(response.status().as_u16(), 200, "opening the live updates");
        response
    }

    /// A one-use ticket for the live-update stream, as `username`.
    pub async fn stream_ticket(&self, username: &str) -> String {
        let token = self
            .api_as(username)
            .await
            .token()
            .unwrap_or_default()
            .to_owned();
        let answer: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/api/v1/events/tickets", self.api_url()))
            .bearer_auth(token)
            .send()
            .await
            .expect("the API answers")
            .json()
            .await
            .expect("a ticket");
        answer["ticket"].as_str().expect("a ticket").to_owned()
    }

    /// `GET /api/v1/events?ticket=…`, whatever it answers.
    pub async fn open_stream(&self, ticket: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(format!("{}/api/v1/events?ticket={ticket}", self.api_url()))
            .send()
            .await
            .expect("the API answers")
    }

    /// An API client logged in as an operator of every country.
    pub async fn operator(&self) -> HubClient {
        self.add_user("operator", "operator", None, None);
        self.api_as("operator").await
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
        let (addr, _) = &self.adapters[&CountryCode::parse(country).expect("country code")];
        HubClient::new(format!("http://{addr}"))
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

    fn database(&self, schema: String) -> DatabaseSettings {
        DatabaseSettings {
            url: Secret::new(self.database_url.clone()),
            schema,
            max_connections: 2,
        }
    }

    /// Read access to the tracker's tables.
    pub async fn tracker_queries(&self) -> MovementQueries {
        let pool = transit_store::connect(
            &self.database(format!("{}_tracker", self.id)),
            Component::Tracker,
        )
        .await
        .expect("connecting to the tracker schema");
        MovementQueries::new(pool)
    }

    /// A pool on the tracker's schema (for direct checks).
    pub async fn tracker_pool(&self) -> transit_store::PgPool {
        transit_store::connect(
            &self.database(format!("{}_tracker", self.id)),
            Component::Tracker,
        )
        .await
        .expect("connecting to the tracker schema")
    }

    /// A pool on the tracker's schema signed in as the audit log's insert-only role, as the
    /// API's audit writer is.
    pub async fn audit_writer_pool(&self) -> transit_store::PgPool {
        let settings = transit_store::AuditSettings {
            url: Secret::new(audit_database_url()),
            max_connections: 1,
        };
        transit_store::connect_audit_writer(&settings, &format!("{}_tracker", self.id))
            .await
            .expect("connecting as the audit log's writer")
    }

    /// A pool on a country adapter's schema (for direct checks).
    pub async fn adapter_pool(&self, country: &str) -> transit_store::PgPool {
        let schema = format!("{}_{}", self.id, country.to_ascii_lowercase());
        transit_store::connect(&self.database(schema), Component::Adapter)
            .await
            .expect("connecting to an adapter schema")
    }

    /// A country adapter's tables.
    pub async fn adapter_store(&self, country: &str) -> AdapterStore {
        let schema = format!("{}_{}", self.id, country.to_ascii_lowercase());
        let pool = transit_store::connect(&self.database(schema), Component::Adapter)
            .await
            .expect("connecting to an adapter schema");
        AdapterStore::new(pool)
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

    /// Polls the tracker's movement `mrn` until it is in `state` (`what` names the wait).
    pub async fn wait_for_state(&mut self, mrn: &str, state: &str, what: &str) {
        let queries = self.tracker_queries().await;
        let started = Instant::now();
        loop {
            let now = queries
                .movement(mrn)
                .await
                .expect("reading the movement")
                .map(|m| m.movement.state.as_str().to_owned());
            if now.as_deref() == Some(state) {
                return;
            }
            self.assert_running();
            assert!(
                started.elapsed() < PATIENCE,
                "{what}: {mrn} never became {state} (it is {now:?})"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `POST path` on the API with `token` and a JSON `body`: the status and the JSON answer
    /// (null if none).
    pub async fn api_post(
        &self,
        path: &str,
        token: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.api_url()))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    /// The bearer token of a session opened as `username` (an account made with
    /// [`Stack::add_user`] or [`Stack::add_trader`]).
    pub async fn session_token(&self, username: &str) -> String {
        self.api_as(username)
            .await
            .token()
            .expect("a session token")
            .to_owned()
    }

    /// `GET path` on the API with `token`, which must answer 200; its JSON.
    pub async fn api_get(&self, path: &str, token: &str) -> serde_json::Value {
        let response = reqwest::Client::new()
            .get(format!("{}{path}", self.api_url()))
            .bearer_auth(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        assert_eq!(response.status().as_u16(), 200, "GET {path}");
        response.json().await.expect("a JSON answer")
    }

    /// Polls an adapter's deliveries until `done` holds for those of `mrn`, then returns them.
    pub async fn wait_for_deliveries(
        &mut self,
        country: &str,
        mrn: &str,
        what: &str,
        done: impl Fn(&[DeliveryRow]) -> bool,
    ) -> Vec<DeliveryRow> {
        let store = self.adapter_store(country).await;
        let started = Instant::now();
        loop {
            let rows: Vec<DeliveryRow> = store
                .all()
                .await
                .expect("reading deliveries")
                .into_iter()
                .filter(|d| d.mrn == mrn)
                .collect();
            if done(&rows) {
                return rows;
            }
            self.assert_running();
            if started.elapsed() > PATIENCE {
                let types: Vec<&str> = rows.iter().map(|d| d.message_type.as_str()).collect();
                panic!(
                    "{country}'s adapter never got {what} for {mrn}; it has {types:?}. Tracker log:\n{}",
                    self.services[0].log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Publishes records straight to the broker, as a misbehaving or compromised adapter
    /// could (to test the hub's own checks).
    pub async fn publish(&self, records: &[transit_kafka::OutgoingRecord]) {
        transit_kafka::Publisher::new(&self.kafka)
            .expect("creating a producer")
            .publish_all(records)
            .await
            .expect("publishing");
    }

    /// Reads `topic` from the beginning in a fresh consumer group until `enough` holds for the
    /// records read so far and no more arrive for a second.
    pub async fn read_topic(
        &self,
        topic: &str,
        enough: impl Fn(&[ConsumedRecord]) -> bool,
    ) -> Vec<ConsumedRecord> {
        let group = format!("{}-reader-{}", self.id, uuid::Uuid::new_v4().simple());
        let consumer = BatchConsumer::subscribe(&self.kafka, &group, &[topic.to_owned()])
            .expect("subscribing");
        let started = Instant::now();
        let mut records = Vec::new();
        loop {
            let batch = consumer
                .next_batch(1000, Duration::from_millis(50), Duration::from_secs(1))
                .await
                .expect("reading a topic");
            let idle = batch.is_empty();
            records.extend(batch);
            if idle && enough(&records) {
                return records;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "topic {topic} never had the expected records; read {}",
                records.len()
            );
        }
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
/// prefix, and the schema's name (drop it with `transit_store::baseline::drop_schema`).
pub async fn scratch_tracker() -> (transit_store::PgPool, Topics, String) {
    let id = format!("it{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let schema = format!("{id}_scratch");
    let settings = DatabaseSettings {
        url: Secret::new(env_or(
            "SIGMAT_TEST_DATABASE_URL",
            "postgres://sigmat@127.0.0.1:55432/sigmat",
        )),
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
