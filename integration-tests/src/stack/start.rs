//! Starting a test stack: its schemas, topics and groups of its own, then the trackers, the
//! API and the adapters, each the real binary.

use std::collections::HashMap;

use transit_kafka::{KafkaSettings, Topics};

use super::ready::NotReady;
use crate::{
    adapter_service, addresses, free_port, spawn_service, AdapterSpec, BrokerTarget, Service, Stack,
};

/// A test stack to be: which adapters, how many trackers, on which broker. Made by
/// [`Stack::new`], started by [`StackBuilder::start`]:
///
/// ```ignore
/// let stack = Stack::new().with_countries(&["CI", "BF"]).with_trackers(2).start().await;
/// ```
#[derive(Debug, Clone)]
#[must_use = "a stack is started by .start().await"]
pub struct StackBuilder {
    target: BrokerTarget,
    adapters: Vec<AdapterSpec>,
    trackers: usize,
}

impl StackBuilder {
    /// A standard-JSON adapter for each of `countries`.
    pub fn with_countries(mut self, countries: &[&str]) -> Self {
        self.adapters
            .extend(countries.iter().map(|c| AdapterSpec::standard(c)));
        self
    }

    /// The adapters `specs` describe (a national family, a webhook, a drop directory…).
    pub fn with_adapters(mut self, specs: &[AdapterSpec]) -> Self {
        self.adapters.extend_from_slice(specs);
        self
    }

    /// `trackers` tracker instances in one consumer group (one by default).
    pub fn with_trackers(mut self, trackers: usize) -> Self {
        self.trackers = trackers;
        self
    }

    /// On the broker `target` (the three-node cluster's, say) instead of the local one.
    pub fn on(mut self, target: BrokerTarget) -> Self {
        self.target = target;
        self
    }

    /// Starts the trackers, the API and the adapters, each the real binary, and waits until
    /// each answers `/health/ready` (or says which did not, and why).
    pub async fn start(self) -> Stack {
        Stack::start_on(&self.target, &self.adapters, self.trackers).await
    }
}

impl Stack {
    /// A stack to describe and start: [`StackBuilder`]. With nothing more, a tracker and an
    /// API on the local broker, and no adapter.
    #[allow(clippy::new_ret_no_self)]
    pub fn new() -> StackBuilder {
        StackBuilder {
            target: BrokerTarget::local(),
            adapters: Vec::new(),
            trackers: 1,
        }
    }

    /// A tracker, an API and a standard-JSON adapter for each of `countries`, started:
    /// `Stack::new().with_countries(countries).start()`, the most common stack.
    pub async fn start(countries: &[&str]) -> Self {
        Self::new().with_countries(countries).start().await
    }

    /// What [`StackBuilder::start`] does.
    async fn start_on(target: &BrokerTarget, specs: &[AdapterSpec], trackers: usize) -> Self {
        let id = format!("it{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
        let (bin_dir, log_dir) = (addresses::bin_dir(), addresses::log_dir(&id));
        std::fs::create_dir_all(&log_dir).expect("creating the log directory");
        let settings = Common {
            target,
            id: &id,
            database_url: addresses::database_url(),
        };
        let spawn = |name: &str, binary: &str, vars: Vec<(String, String)>| -> Service {
            spawn_service(&bin_dir, &log_dir, name, binary, vars)
        };
        // Each service the start waits for, where it answers `/health/ready`.
        let (mut services, mut waiting) = (Vec::new(), Vec::new());

        let countries: Vec<&str> = specs.iter().map(|s| s.country.as_str()).collect();
        let tracker_vars = settings.tracker(&countries);
        for n in 1..=trackers.max(1) {
            let name = match n {
                1 => "tracker".to_owned(),
                n => format!("tracker-{n}"),
            };
            let health = free_port();
            let mut vars = tracker_vars.clone();
            vars.push(("SIGMAT_TRACKER__HEALTH__LISTEN".into(), health.to_string()));
            let tracker = spawn(&name, "tracker", vars);
            // Each tracker is ready when its database and broker answer and it has partitions.
            waiting.push(NotReady::of(&tracker, format!("http://{health}")));
            services.push(tracker);
        }

        let api = free_port();
        let api_vars = settings.api(api);
        let api_service = spawn("api", "api", api_vars.clone());
        waiting.push(NotReady::of(&api_service, format!("http://{api}")));
        services.push(api_service);

        let adapter_vars = settings.common("SIGMAT_ADAPTER");
        let mut adapters = HashMap::new();
        for spec in specs {
            let (country, addr, vars) = adapter_service(&adapter_vars, spec, &id);
            let name = format!("adapter-{}", country.to_lowercase());
            let adapter = spawn(&name, "adapter", vars);
            let health = spec.operations.unwrap_or(addr);
            waiting.push(NotReady::of(&adapter, format!("http://{health}")));
            services.push(adapter);
            adapters.insert(country, (addr, spec.token.clone()));
        }

        let mut stack = Self {
            api_vars,
            adapter_vars,
            bin_dir,
            topics: Topics::new(&id),
            kafka: settings.kafka(),
            database_url: settings.database_url.clone(),
            id,
            services,
            crashed: Vec::new(),
            log_dir,
            tracker_vars,
            adapters,
            api,
        };
        stack.wait_until_ready(waiting).await;
        stack
    }
}

/// What every service of one stack shares: its broker, its topic prefix and database.
struct Common<'a> {
    target: &'a BrokerTarget,
    id: &'a str,
    database_url: String,
}

impl Common<'_> {
    /// The test's own broker client settings (the stack's topics, on a test's time scale).
    fn kafka(&self) -> KafkaSettings {
        let mut kafka = KafkaSettings::new(&self.target.brokers);
        kafka.topic_prefix = self.id.to_owned();
        kafka.session_timeout_ms = 6000;
        kafka.partitions = 2;
        kafka.replication_factor = self.target.replication_factor;
        kafka.min_insync_replicas = self.target.min_insync_replicas;
        kafka
    }

    /// The broker and database settings of a service whose variables start with `prefix`.
    fn common(&self, prefix: &str) -> Vec<(String, String)> {
        let target = self.target;
        let mut vars = vec![
            (format!("{prefix}__KAFKA__BROKERS"), target.brokers.clone()),
            (format!("{prefix}__KAFKA__TOPIC_PREFIX"), self.id.to_owned()),
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
            (
                format!("{prefix}__DATABASE__URL"),
                self.database_url.clone(),
            ),
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
    }

    /// A tracker's settings, following `countries`' topics.
    fn tracker(&self, countries: &[&str]) -> Vec<(String, String)> {
        let id = self.id;
        let country_list = format!(
            "[{}]",
            countries
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(",")
        );
        let mut vars = self.common("SIGMAT_TRACKER");
        vars.push(("SIGMAT_TRACKER__COUNTRIES".into(), country_list));
        vars.push((
            "SIGMAT_TRACKER__DATABASE__SCHEMA".into(),
            format!("{id}_tracker"),
        ));
        vars.push(("SIGMAT_TRACKER__GROUP_ID".into(), format!("{id}-tracker")));
        vars.push(("SIGMAT_TRACKER__TIMER__INTERVAL_MS".into(), "200".into()));
        vars
    }

    /// The API's settings, listening on `api`.
    fn api(&self, api: std::net::SocketAddr) -> Vec<(String, String)> {
        let mut vars = self.common("SIGMAT_API");
        vars.push(("SIGMAT_API__HTTP__LISTEN".into(), api.to_string()));
        vars.push((
            "SIGMAT_API__DATABASE__SCHEMA".into(),
            format!("{}_tracker", self.id),
        ));
        vars.push(("SIGMAT_API__LIVE_INTERVAL_MS".into(), "200".into()));
        vars.push((
            "SIGMAT_API__AUDIT__URL".into(),
            addresses::audit_database_url(),
        ));
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
        vars
    }
}
