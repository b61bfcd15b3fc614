//! The running pipeline, end to end: Côte d'Ivoire's national system (SYDAM JSON) posts
//! releases on the Abidjan–Ouagadougou corridor; a release is through when Burkina Faso's
//! adapter holds both standardized copies (the transit record for the border post, the arrival
//! record for the destination) — adapter, broker, tracker, database, relay, broker, adapter.
//!
//! - peak: releases posted as fast as the adapter answers for a point's length (a minute by
//!   default), with at most `--peak-backlog` of them in the pipeline at once (posted, copies
//!   not yet stored: the adapter answers once the broker holds a release, far faster than the
//!   rest of the pipeline carries it), releases/s until the last copy;
//! - latency: releases at half of that rate for as long, post → both copies stored,
//!   p50/p99/p99.9;
//! - officer: a border officer's passage tapped through the API → the departure's adapter
//!   holding the confirmation (IE118) for its national system, p99;
//! - seal: an electronic seal of a movement reported opened between offices over MQTT → the
//!   departure's adapter holding the incident (IE180) for its national system, p99;
//! - peak RSS (`VmHWM`) of each service, found by the port it listens on.
//!
//! Every point is taken `--repeats` times in turn; each figure is the median of its runs.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use national_sim::Simulator;
use tokio::sync::Semaphore;
use transit_model::CountryCode;
use transit_national::Family;
use transit_runtime::config::Secret;
use transit_store::{baseline, Component, DatabaseSettings, PgPool};

use transit_scenario::{Corridor, Movement};

use super::spread::{self, Spread};

/// Where the running stack is.
#[derive(clap::Args, Debug, Clone)]
pub struct StackArgs {
    /// Seconds each point of the pipeline posts for (the peak, then the latency at half of
    /// it), each point taken `--repeats` times; 0 skips the pipeline.
    #[arg(long, default_value_t = 60)]
    pub pipeline_seconds: u64,
    /// Releases the peak keeps in the pipeline at once (posted, both copies not yet stored):
    /// the pipeline's own pace sets the peak's rate, not the adapter's answers.
    #[arg(long, default_value_t = 2_000)]
    pub peak_backlog: usize,
    /// Officer taps for the tap → national system latency (per repeat).
    #[arg(long, default_value_t = 100)]
    pub taps: usize,
    /// Côte d'Ivoire's adapter (SYDAM), where releases are posted.
    #[arg(long, default_value = "http://127.0.0.1:18101")]
    pub ci_adapter: String,
    /// Its national system's token.
    #[arg(long, default_value = "sigmat-demo-ci")]
    pub ci_token: String,
    /// The schema of Côte d'Ivoire's adapter (where confirmations are stored).
    #[arg(long, default_value = "adapter_ci")]
    pub ci_schema: String,
    /// The schema of Burkina Faso's adapter (where copies are stored).
    #[arg(long, default_value = "adapter_bf")]
    pub bf_schema: String,
    /// The API, where the border officer taps.
    #[arg(long, default_value = "http://127.0.0.1:18080")]
    pub api: String,
    /// The officer at Niangoloko (BFNGK001) and the password.
    #[arg(long, default_value = "niangoloko")]
    pub officer: String,
    /// The officer's password.
    #[arg(long, default_value = "sigmat-demo")]
    pub officer_password: String,
    /// Seals reported opened between offices (over MQTT, as the tracking provider) for the seal
    /// → incident latency; 0 skips it.
    #[arg(long, default_value_t = 50)]
    pub seal_openings: usize,
    /// The tracking providers' MQTT broker (host:port) of the running stack.
    #[arg(long, default_value = "127.0.0.1:11883")]
    pub mqtt: String,
    /// The tracking provider the seals report as, and its MQTT password.
    #[arg(long, default_value = "sahel-track")]
    pub provider: String,
    /// The provider's MQTT password.
    #[arg(long, default_value = "sigmat-demo-sahel-track")]
    pub provider_password: String,
    /// A service whose peak RSS is reported, as NAME=PORT it listens on (repeat); default the
    /// local stack's.
    #[arg(long = "service", value_name = "NAME=PORT")]
    pub services: Vec<String>,
}

/// The pipeline's figures, each a median over the repeats.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PipelineFigures {
    /// Seconds each point posted for.
    pub seconds_per_point: u64,
    /// Releases the peak kept in the pipeline at most.
    pub peak_backlog: usize,
    /// Releases posted in each peak run.
    pub peak_releases: Vec<usize>,
    /// Releases through (both copies stored) per second, posted as fast as possible.
    pub peak_per_s: Spread,
    /// The rate of the latency runs (half of each run's peak).
    pub half_rate_per_s: Spread,
    /// Post → both copies stored, at half of the peak rate, milliseconds.
    pub p50_ms: Spread,
    /// 99th percentile.
    pub p99_ms: Spread,
    /// 99.9th percentile.
    pub p999_ms: Spread,
    /// Officer's tap → the departure's adapter holding the confirmation, p99, milliseconds.
    pub tap_p99_ms: Spread,
    /// A seal reported opened between offices → the departure's adapter holding the incident
    /// (IE180), p99, milliseconds (none with `--seal-openings 0`).
    pub seal_p99_ms: Option<Spread>,
    /// Peak RSS per service, MB.
    pub rss_mb: HashMap<String, f64>,
    /// Services running a debug build (their figures say little: `deploy/local/up --release`).
    pub debug_builds: Vec<String>,
}

/// One run of every point.
struct Run {
    peak_releases: usize,
    peak_per_s: f64,
    half_rate_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    p999_ms: f64,
    tap_p99_ms: f64,
    seal_p99_ms: Option<f64>,
}

async fn pool(url: &str, schema: &str, component: Component) -> anyhow::Result<PgPool> {
    let settings = DatabaseSettings {
        url: Secret::new(url.to_owned()),
        schema: schema.to_owned(),
        max_connections: 2,
    };
    Ok(transit_store::connect(&settings, component).await?)
}

/// The comprehensive guarantees the releases are spread over, as a corridor's forwarders hold
/// them: the hub sums each guarantee's open movements for every release, so one guarantee
/// behind a run's tens of thousands would measure a traffic no forwarder has.
const GUARANTEES: u32 = 500;

/// What a release sends Burkina Faso: the transit record and the arrival record.
const COPIES: [&str; 2] = ["IE050", "IE001"];

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Posts fresh releases for `seconds`, one every `every` (zero: as fast as answered, 32 in
/// flight), with at most `backlog`'s count of releases whose two copies its deliveries have
/// not shown yet; each MRN's post time, and the first `keep` movements posted.
pub(crate) async fn post(
    sim: &Arc<Simulator>,
    seconds: u64,
    every: Duration,
    keep: usize,
    mut backlog: Option<(&mut Deliveries, usize)>,
) -> anyhow::Result<(Vec<(String, DateTime<Utc>)>, Vec<Movement>)> {
    let permits = Arc::new(Semaphore::new(32));
    let mut tasks = tokio::task::JoinSet::new();
    let started = Instant::now();
    let length = Duration::from_secs(seconds);
    let mut kept = Vec::new();
    let mut posted = Vec::new();
    let mut k: u32 = 0;
    let mut sent: usize = 0;
    let through_before = backlog.as_ref().map_or(0, |(bf, _)| bf.rows_read);
    while started.elapsed() < length {
        if let Some((bf, most)) = backlog.as_mut() {
            // Each release is through with its two copies read.
            while sent.saturating_sub((bf.rows_read - through_before) / COPIES.len()) >= *most
                && started.elapsed() < length
            {
                if bf.read().await? == 0 {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
        }
        let due = every * k;
        k = k.saturating_add(1);
        if let Some(wait) = due.checked_sub(started.elapsed()) {
            tokio::time::sleep(wait).await;
        }
        let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now())
            .with_own_vehicle()
            .with_own_seals()
            .with_guarantee_among(GUARANTEES);
        if kept.len() < keep {
            kept.push(movement.clone());
        }
        let permit = permits.clone().acquire_owned().await?;
        sent += 1;
        let sim = sim.clone();
        tasks.spawn(async move {
            let _permit = permit;
            let at = Utc::now();
            let sent = sim.send(&movement.release()).await?;
            anyhow::ensure!(sent.status == 202, "a release was answered {}", sent.status);
            Ok((movement.mrn.to_string(), at))
        });
        // Reap what is done, so a long point does not hold every finished task.
        while let Some(done) = tasks.try_join_next() {
            posted.push(done??);
        }
    }
    while let Some(done) = tasks.join_next().await {
        posted.push(done??);
    }
    Ok((posted, kept))
}

/// An adapter's deliveries, read forward from where the last read stopped.
pub(crate) struct Deliveries {
    pool: PgPool,
    seen: i64,
    /// Deliveries read since it was opened.
    rows_read: usize,
    /// MRN → message types stored and when.
    stored: HashMap<String, Vec<(String, DateTime<Utc>)>>,
}

impl Deliveries {
    async fn open(database_url: &str, schema: &str) -> anyhow::Result<Self> {
        let pool = pool(database_url, schema, Component::Adapter).await?;
        // Start after what is there already.
        let seen = baseline::last_delivery(&pool).await?;
        Ok(Self {
            pool,
            seen,
            rows_read: 0,
            stored: HashMap::new(),
        })
    }

    async fn read(&mut self) -> anyhow::Result<usize> {
        let rows = baseline::deliveries_after(&self.pool, self.seen).await?;
        self.rows_read += rows.len();
        for (seq, mrn, message_type, at) in &rows {
            self.seen = self.seen.max(*seq);
            self.stored
                .entry(mrn.clone())
                .or_default()
                .push((message_type.clone(), *at));
        }
        Ok(rows.len())
    }

    /// Waits until every MRN of `mrns` has `per_mrn` deliveries of `types`; each MRN's latest
    /// time. Gives up after five minutes, or five times the point's `seconds` if longer.
    async fn wait(
        &mut self,
        mrns: &[String],
        types: &[&str],
        per_mrn: usize,
        seconds: u64,
    ) -> anyhow::Result<HashMap<String, DateTime<Utc>>> {
        let started = Instant::now();
        let patience = Duration::from_secs(300.max(seconds.saturating_mul(5)));
        loop {
            while self.read().await? > 0 {}
            let done: HashMap<String, DateTime<Utc>> = mrns
                .iter()
                .filter_map(|mrn| {
                    let rows: Vec<&DateTime<Utc>> = self
                        .stored
                        .get(mrn)?
                        .iter()
                        .filter(|(t, _)| types.contains(&t.as_str()))
                        .map(|(_, at)| at)
                        .collect();
                    (rows.len() >= per_mrn)
                        .then(|| (mrn.clone(), **rows.iter().max().unwrap_or(&&Utc::now())))
                })
                .collect();
            if done.len() == mrns.len() {
                return Ok(done);
            }
            anyhow::ensure!(
                started.elapsed() < patience,
                "only {} of {} movements have their copies after {} s",
                done.len(),
                mrns.len(),
                patience.as_secs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn latencies(
    posted: &[(String, DateTime<Utc>)],
    done: &HashMap<String, DateTime<Utc>>,
) -> Vec<f64> {
    let mut ms: Vec<f64> = posted
        .iter()
        .filter_map(|(mrn, at)| {
            done.get(mrn)
                .map(|d| (*d - *at).num_microseconds().unwrap_or(0) as f64 / 1000.0)
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    ms
}

/// Peak RSS (`VmHWM`, MB) of the process listening on `port`, and whether it is a debug build
/// (its executable under `target/debug`).
fn peak_rss_mb(port: u16) -> Option<(f64, bool)> {
    let inode = listening_inode(port)?;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        let holds = fds.flatten().any(|fd| {
            std::fs::read_link(fd.path())
                .is_ok_and(|l| l.to_string_lossy() == format!("socket:[{inode}]"))
        });
        if holds {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
            let kb: f64 = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))?
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()?;
            let debug = std::fs::read_link(format!("/proc/{pid}/exe"))
                .is_ok_and(|exe| exe.components().any(|c| c.as_os_str() == "debug"));
            return Some(((kb / 1024.0 * 10.0).round() / 10.0, debug));
        }
    }
    None
}

/// The socket inode of a TCP listener on `port` (IPv4 or IPv6).
fn listening_inode(port: u16) -> Option<String> {
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (Some(local), Some(state), Some(inode)) =
                (fields.get(1), fields.get(3), fields.get(9))
            else {
                continue;
            };
            let listening = *state == "0A";
            if listening
                && local
                    .rsplit(':')
                    .next()
                    .and_then(|p| u16::from_str_radix(p, 16).ok())
                    == Some(port)
            {
                return Some((*inode).to_owned());
            }
        }
    }
    None
}

const LOCAL_SERVICES: [(&str, u16); 4] = [
    ("adapter-ci", 18101),
    ("adapter-bf", 18102),
    ("tracker", 18090),
    ("api", 18080),
];

/// One run of every point: the peak, the latency at half of it, the officer's taps and the
/// seals; the MRNs it used.
async fn run_once(
    sim: &Arc<Simulator>,
    bf: &mut Deliveries,
    ci: &mut Deliveries,
    client: &transit_http::client::HubClient,
    args: &StackArgs,
) -> anyhow::Result<(Run, Vec<String>)> {
    // Peak: as fast as the adapter answers.
    let started = Utc::now();
    let (posted, _) = post(
        sim,
        args.pipeline_seconds,
        Duration::ZERO,
        0,
        Some((&mut *bf, args.peak_backlog.max(1))),
    )
    .await?;
    let mut used: Vec<String> = posted.iter().map(|(m, _)| m.clone()).collect();
    let done = bf
        .wait(&used, &COPIES, COPIES.len(), args.pipeline_seconds)
        .await?;
    let last = done.values().max().copied().unwrap_or(started);
    let peak_releases = used.len();
    let peak_per_s =
        peak_releases as f64 / ((last - started).num_milliseconds().max(1) as f64 / 1000.0);

    // Latency at half of the peak rate.
    let half_rate_per_s = peak_per_s / 2.0;
    let every = Duration::from_secs_f64(1.0 / half_rate_per_s.max(1.0));
    let (posted, kept) = post(
        sim,
        args.pipeline_seconds,
        every,
        args.taps.max(args.seal_openings),
        None,
    )
    .await?;
    let mrns: Vec<String> = posted.iter().map(|(m, _)| m.clone()).collect();
    let done = bf
        .wait(&mrns, &COPIES, COPIES.len(), args.pipeline_seconds)
        .await?;
    used.extend(mrns);
    let ms = latencies(&posted, &done);

    // Officer taps: passage at Niangoloko → IE118 held for Côte d'Ivoire's national system.
    let mut taps = Vec::new();
    for movement in kept.iter().take(args.taps) {
        let mrn = movement.mrn.to_string();
        let at = Utc::now();
        client
            .act(
                &mrn,
                &serde_json::json!({"action": "passage"}),
                &format!("bench-passage-{mrn}"),
            )
            .await
            .map_err(|e| anyhow::anyhow!("the officer's passage on {mrn}: {e}"))?;
        taps.push((mrn, at));
    }
    let tap_mrns: Vec<String> = taps.iter().map(|(m, _)| m.clone()).collect();
    let confirmed = ci.wait(&tap_mrns, &["IE118"], 1, 0).await?;
    let tap_ms = latencies(&taps, &confirmed);
    let seal_p99_ms = if args.seal_openings > 0 {
        let opened = super::seals::open(args, &kept[..args.seal_openings.min(kept.len())]).await?;
        let mrns: Vec<String> = opened.iter().map(|(m, _)| m.clone()).collect();
        let incidents = ci.wait(&mrns, &["IE180"], 1, 0).await?;
        Some(percentile(&latencies(&opened, &incidents), 99.0))
    } else {
        None
    };
    Ok((
        Run {
            peak_releases,
            peak_per_s,
            half_rate_per_s,
            p50_ms: percentile(&ms, 50.0),
            p99_ms: percentile(&ms, 99.0),
            p999_ms: percentile(&ms, 99.9),
            tap_p99_ms: percentile(&tap_ms, 99.0),
            seal_p99_ms,
        },
        used,
    ))
}

/// Measures the running pipeline, every point `repeats` times.
pub async fn measure(
    database_url: &str,
    args: &StackArgs,
    repeats: usize,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<PipelineFigures> {
    let sim = Arc::new(
        Simulator::new(Family::Sydam, CountryCode::parse("CI")?, &args.ci_adapter)?
            .with_token(args.ci_token.clone()),
    );
    let mut bf = Deliveries::open(database_url, &args.bf_schema).await?;
    let mut ci = Deliveries::open(database_url, &args.ci_schema).await?;
    let client = transit_http::client::HubClient::new(&args.api)
        .login(&args.officer, &args.officer_password)
        .await
        .map_err(|e| anyhow::anyhow!("{e}\nThe officer taps need the demo's officer account (deploy/local/up creates it)."))?;
    let mut runs = Vec::new();
    for run in 0..repeats.max(1) {
        progress.set_message(format!(
            "the running pipeline: peak, latency at half of it, officer taps — run {} of {}, {} s per point",
            run + 1,
            repeats.max(1),
            args.pipeline_seconds
        ));
        let (figures, used) = run_once(&sim, &mut bf, &mut ci, &client, args).await?;
        // The national systems played here have taken what they were sent.
        baseline::acknowledge_deliveries(&bf.pool, &used).await?;
        baseline::acknowledge_deliveries(&ci.pool, &used).await?;
        runs.push(figures);
    }

    let ports: Vec<(String, u16)> = if args.services.is_empty() {
        LOCAL_SERVICES
            .iter()
            .map(|(n, p)| ((*n).to_owned(), *p))
            .collect()
    } else {
        args.services
            .iter()
            .filter_map(|s| {
                s.split_once('=')
                    .and_then(|(n, p)| Some((n.to_owned(), p.parse().ok()?)))
            })
            .collect()
    };
    let found: Vec<(String, (f64, bool))> = ports
        .into_iter()
        .filter_map(|(name, port)| peak_rss_mb(port).map(|found| (name, found)))
        .collect();
    let debug_builds = found
        .iter()
        .filter(|(_, (_, debug))| *debug)
        .map(|(n, _)| n.clone())
        .collect();
    let rss_mb = found
        .into_iter()
        .map(|(name, (mb, _))| (name, mb))
        .collect();
    let seals: Vec<f64> = runs.iter().filter_map(|r| r.seal_p99_ms).collect();
    Ok(PipelineFigures {
        seconds_per_point: args.pipeline_seconds,
        peak_backlog: args.peak_backlog.max(1),
        peak_releases: runs.iter().map(|r| r.peak_releases).collect(),
        peak_per_s: spread::over(&runs, |r| r.peak_per_s),
        half_rate_per_s: spread::over(&runs, |r| r.half_rate_per_s),
        p50_ms: spread::over(&runs, |r| r.p50_ms),
        p99_ms: spread::over(&runs, |r| r.p99_ms),
        p999_ms: spread::over(&runs, |r| r.p999_ms),
        tap_p99_ms: spread::over(&runs, |r| r.tap_p99_ms),
        seal_p99_ms: (!seals.is_empty()).then(|| Spread::of(seals)),
        rss_mb,
        debug_builds,
    })
}
