//! The adapters' ingest, scaled out: Côte d'Ivoire's national system (SYDAM) posts releases
//! as fast as they are answered (32 in flight, on a pool of connections) to one address,
//! served by one adapter instance, then by two sharing it (`[http] reuse_port`: the kernel
//! shares the connections out). Each instance takes a release as in production — HTTP, the
//! token, translation, the broker's acknowledgement — on topics of the bench's own
//! (`bench-ingest.*`, which no tracker reads) and a scratch schema, so the figure is the ingest
//! alone. The limit is one instance: the ratio says what a second one adds on this machine.
//! Both instances run on the machine's cores with the load generator, so on two cores it shows
//! the cost of sharing more than a gain; on machines of their own each instance brings its
//! cores.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use national_sim::Simulator;
use transit_model::CountryCode;
use transit_national::Family;

use super::spread::{self, Spread};

/// The ingest figures: each a median over the repeats.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IngestFigures {
    /// Seconds each point posted for.
    pub seconds_per_point: u64,
    /// Releases taken per second by one instance.
    pub one_instance_per_s: Spread,
    /// Releases taken per second by two instances behind the same address.
    pub two_instances_per_s: Spread,
    /// Two against one (medians).
    pub ratio: f64,
    /// The share of the calls the second instance took in the two-instance runs (each
    /// instance's own count, from its metrics): both worked.
    pub second_instance_share: Spread,
}

impl IngestFigures {
    /// The table's row.
    pub fn table_row(&self) -> String {
        super::report::row(
            &format!(
                "adapter ingest, 2 instances, one address (limit: 1), {} s",
                self.seconds_per_point
            ),
            &self.two_instances_per_s,
            "rel/s",
            self.one_instance_per_s.median,
            self.ratio,
        )
    }

    /// What the stage is, for the Markdown.
    pub fn describe(&self) -> String {
        format!(
            "- **adapter ingest, scaled out**: Côte d'Ivoire's national system (SYDAM) posts releases \
             as fast as they are answered (32 in flight) for {} s to one address served by one \
             adapter instance ({:.0} releases/s), then by two sharing it with `[http] reuse_port` \
             ({:.0} releases/s, × {:.2}; the second took {:.0} % of the calls); each release \
             authenticated, translated and acknowledged by the broker, on the bench's own topics. \
             The instances, the broker and the load generator share the machine's {} cores: the \
             ratio is what a second instance adds here, the coordination's cost included; an \
             instance on a machine of its own adds that machine's cores.\n",
            self.seconds_per_point,
            self.one_instance_per_s.median,
            self.two_instances_per_s.median,
            self.ratio,
            self.second_instance_share.median * 100.0,
            std::thread::available_parallelism().map_or(0, |n| n.get()),
        )
    }
}

/// Where the ingest stage finds what it runs.
#[derive(Debug, Clone)]
pub struct IngestSetup {
    /// The adapter binary's folder.
    pub bin_dir: PathBuf,
    /// The PostgreSQL of the stack.
    pub database_url: String,
    /// The broker.
    pub brokers: String,
    /// Seconds per point.
    pub seconds: u64,
    /// Runs of each point.
    pub repeats: usize,
}

/// A running adapter instance, stopped when dropped.
struct Instance {
    child: Child,
    operations: std::net::SocketAddr,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> anyhow::Result<std::net::SocketAddr> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

/// The instances' configuration: Côte d'Ivoire's SYDAM adapter on `listen`, shared.
fn config(setup: &IngestSetup, listen: std::net::SocketAddr, token: &str, schema: &str) -> String {
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(token.as_bytes()));
    format!(
        r#"country = "CI"
family = "sydam"

[http]
listen = "{listen}"
reuse_port = true

[[auth.clients]]
name = "bench"
token_sha256 = "{sha}"
rights = ["submit", "read", "ack"]

[kafka]
brokers = "{brokers}"
topic_prefix = "bench-ingest"
partitions = 3
replication_factor = 1
create_topics = true
session_timeout_ms = 6000

[database]
url = "{url}"
schema = "{schema}"
"#,
        brokers = setup.brokers,
        url = setup.database_url,
    )
}

async fn start(bin_dir: &Path, config: &Path, log: &Path) -> anyhow::Result<Instance> {
    let operations = free_port()?;
    let log_file = std::fs::File::create(log)?;
    let child = Command::new(bin_dir.join("adapter"))
        .arg("--config")
        .arg(config)
        .env("SIGMAT_ADAPTER__OPERATIONS__LISTEN", operations.to_string())
        .env("SIGMAT_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log_file)
        .spawn()
        .with_context(|| format!("starting {}", bin_dir.join("adapter").display()))?;
    let mut instance = Instance { child, operations };
    let started = Instant::now();
    loop {
        let ready = transit_http::client::get_text(&format!("http://{operations}/health/ready"))
            .await
            .is_ok();
        if ready {
            return Ok(instance);
        }
        if let Some(status) = instance.child.try_wait()? {
            anyhow::bail!(
                "the adapter instance exited ({status}); its log: {}",
                log.display()
            );
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(90),
            "the adapter instance was not ready after 90 s; its log: {}",
            log.display()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Releases this instance accepted so far, from its metrics.
async fn accepted(instance: &Instance) -> anyhow::Result<f64> {
    let text =
        transit_http::client::get_text(&format!("http://{}/metrics", instance.operations)).await?;
    Ok(text
        .lines()
        .filter(|l| l.starts_with("sigmat_adapter_messages_in_total") && l.contains("accepted"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum())
}

/// Releases taken per second, posting for `seconds` through a national system of its own
/// (fresh connections).
async fn rate(url: &str, token: &str, seconds: u64) -> anyhow::Result<f64> {
    let sim = Arc::new(
        Simulator::new(Family::Sydam, CountryCode::parse("CI")?, url)?.with_token(token.to_owned()),
    );
    let started = Instant::now();
    let (posted, _) = super::pipeline::post(&sim, seconds, Duration::ZERO, 0, None).await?;
    Ok(posted.len() as f64 / started.elapsed().as_secs_f64())
}

/// One instance, then two behind the same address, `setup.repeats` times.
pub async fn measure(setup: &IngestSetup) -> anyhow::Result<IngestFigures> {
    let dir = std::env::temp_dir().join(format!("sigmat-bench-ingest-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let schema = format!("bench_ingest_{}", std::process::id());
    let token = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let listen = free_port()?;
    let file = dir.join("adapter.toml");
    std::fs::write(&file, config(setup, listen, &token, &schema))?;
    let url = format!("http://{listen}");
    let runs = spread::repeat(setup.repeats, |run| {
        let (file, dir, url, token) = (&file, &dir, &url, &token);
        async move {
            let first = start(&setup.bin_dir, file, &dir.join(format!("first-{run}.log"))).await?;
            let one = rate(url, token, setup.seconds).await?;
            let second =
                start(&setup.bin_dir, file, &dir.join(format!("second-{run}.log"))).await?;
            let before = (accepted(&first).await?, accepted(&second).await?);
            let two = rate(url, token, setup.seconds).await?;
            let (a, b) = (
                accepted(&first).await? - before.0,
                accepted(&second).await? - before.1,
            );
            Ok((one, two, b / (a + b).max(1.0)))
        }
    })
    .await;
    let settings = transit_store::DatabaseSettings {
        url: transit_runtime::config::Secret::new(setup.database_url.clone()),
        schema: schema.clone(),
        max_connections: 1,
    };
    if let Ok(pool) = transit_store::connect(&settings, transit_store::Component::Adapter).await {
        let _ = transit_store::drop_schema(&pool, &schema).await;
    }
    let runs = runs?;
    let _ = std::fs::remove_dir_all(&dir);
    let one_instance_per_s = spread::over(&runs, |r| r.0);
    let two_instances_per_s = spread::over(&runs, |r| r.1);
    Ok(IngestFigures {
        seconds_per_point: setup.seconds,
        ratio: two_instances_per_s.median / one_instance_per_s.median,
        one_instance_per_s,
        two_instances_per_s,
        second_instance_share: spread::over(&runs, |r| r.2),
    })
}
