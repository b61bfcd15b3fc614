//! Starting a test stack: its schemas, topics and groups of its own, then the trackers, the
//! API and the adapters, each the real binary.

use std::collections::HashMap;
use std::path::PathBuf;

use transit_kafka::{KafkaSettings, Topics};

use super::ready::NotReady;
use crate::{
    adapter_service, audit_database_url, env_or, free_port, spawn_service, AdapterSpec,
    BrokerTarget, Service, Stack,
};

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
            "postgres://sigmat@127.0.0.1:15532/sigmat",
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
        // Each service the start waits for, where it answers `/health/ready`.
        let mut waiting = Vec::new();
        for n in 1..=trackers.max(1) {
            let name = if n == 1 {
                "tracker".to_owned()
            } else {
                format!("tracker-{n}")
            };
            let health = free_port();
            let mut vars = vars.clone();
            vars.push(("SIGMAT_TRACKER__HEALTH__LISTEN".into(), health.to_string()));
            let tracker = spawn(&name, "tracker", vars);
            // Each tracker is ready when its database and broker answer and it has partitions.
            waiting.push(NotReady::of(&tracker, format!("http://{health}")));
            services.push(tracker);
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
        let api_service = spawn("api", "api", vars);
        waiting.push(NotReady::of(&api_service, format!("http://{api}")));
        services.push(api_service);

        let adapter_vars = common("SIGMAT_ADAPTER");
        let mut adapters = HashMap::new();
        for spec in specs {
            let (country, addr, vars) = adapter_service(&adapter_vars, spec, &id);
            let adapter = spawn(
                &format!("adapter-{}", country.to_lowercase()),
                "adapter",
                vars,
            );
            waiting.push(NotReady::of(&adapter, format!("http://{addr}")));
            services.push(adapter);
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
        stack.wait_until_ready(waiting).await;
        stack
    }
}
