//! `sigmat bench`: each stage of the hub measured against its own limit in the same run, on the
//! local stack's PostgreSQL and Apache Kafka, printed as one table and written to
//! `docs/benchmarks.md` and `docs/benchmarks.json`.
//!
//! - [`tracker`]: durable events/s against the same rows written with no logic, scaled out to
//!   two and four instances, and with a year of traffic stored;
//! - [`risk`](mod@risk): the tracker scoring under the starter rules against no rules, and one
//!   rule over many movements' histories against the same check in Rust;
//! - [`translate`]: national → standardized MB/s per family against a plain parse;
//! - [`rail`](mod@rail): a train of 30 declarations confirmed with one tap against 30 taps;
//! - [`broker`]: two hops through the broker with no processing (the pipeline's limit);
//! - [`ingest`]: an adapter's ingest with two instances behind one address, against one;
//! - [`telematics`]: tracking events through the gateway, Kafka and the tracker against MQTT →
//!   Kafka with no processing, on a private Mosquitto;
//! - [`pipeline`]: the running stack end to end, peak and latency, officer taps, peak RSS;
//! - [`report`]: the table, the Markdown and the JSON, and which targets are met.
//!
//! - [`moonshot`](mod@moonshot): the 100-million-message figure, read from what `sigmat simulate`
//!   wrote beside the reports;
//! - [`spread`]: every figure taken `--repeats` times, its median and spread reported.
//!
//! Figures from different runs or machines are not compared: only the ratios within one run.

pub mod broker;
pub mod ingest;
pub mod moonshot;
pub mod pipeline;
pub mod profile;
pub mod rail;
pub mod report;
pub mod risk;
mod seals;
pub mod spread;
pub mod telematics;
pub mod tracker;
pub mod translate;

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

/// `sigmat bench` options.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Movements the tracker stage processes (each gives a release, its passages and an
    /// arrival; about 3.6 events per movement over the five corridors).
    #[arg(long, default_value_t = 3000)]
    pub movements: usize,
    /// Runs of each figure (tracker, translation, broker, pipeline); the reports give the
    /// median and the spread.
    #[arg(long, default_value_t = 3)]
    pub repeats: usize,
    /// Movements of a year of traffic, stored (with their events, inbox claims and outbox
    /// records, under fresh keys) before the tracker is measured again against an empty
    /// schema; 0 skips it.
    #[arg(long, default_value_t = 100_000)]
    pub year_movements: u64,
    /// Evaluations of one risk rule over movements' histories (facts built from each movement
    /// and the rule's condition run).
    #[arg(long, default_value_t = 1_000_000)]
    pub rule_evaluations: usize,
    /// Records passed through the broker for its limit.
    #[arg(long, default_value_t = 20_000)]
    pub broker_records: usize,
    /// Tracking events (positions) through the telematics gateway and the tracker, and through
    /// MQTT → Kafka alone for the limit, on a private Mosquitto; 0 skips them.
    #[arg(long, default_value_t = 20_000)]
    pub telematics_events: usize,
    /// Seconds each point of the adapters' ingest posts for (one instance, then two behind one
    /// address), each taken --repeats times; 0 skips it.
    #[arg(long, default_value_t = 15)]
    pub ingest_seconds: u64,
    /// Where the service binaries are, for the instances the ingest stage starts (default:
    /// this program's own folder, e.g. target/release).
    #[arg(long)]
    pub bin_dir: Option<PathBuf>,
    /// Milliseconds per translation measurement (each taken --repeats times).
    #[arg(long, default_value_t = 700)]
    pub translate_ms: u64,
    /// The PostgreSQL the stack uses (scratch schemas are created and dropped in it).
    #[arg(
        long,
        env = "SIGMAT_TEST_DATABASE_URL",
        default_value = "postgres://sigmat@127.0.0.1:15532/sigmat"
    )]
    pub database_url: String,
    /// The Apache Kafka bootstrap servers.
    #[arg(long, env = "SIGMAT_TEST_BROKERS", default_value = "127.0.0.1:19092")]
    pub brokers: String,
    /// Where benchmarks.md and benchmarks.json are written.
    #[arg(long, default_value = "docs")]
    pub out_dir: PathBuf,
    /// Print the table only; write nothing.
    #[arg(long)]
    pub no_write: bool,
    /// The running stack (deploy/local/up) the pipeline stage drives.
    #[command(flatten)]
    pub stack: pipeline::StackArgs,
}

fn stage(step: usize, of: usize, what: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{prefix}] {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_prefix(format!("{step}/{of}"));
    bar.set_message(what.to_owned());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Runs every stage, prints the table and writes the reports.
pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let stages = 5
        + usize::from(args.stack.pipeline_seconds > 0)
        + usize::from(args.telematics_events > 0)
        + usize::from(args.ingest_seconds > 0);
    let bar = stage(
        1,
        stages,
        "translation per national family, against a plain parse",
    );
    let families = translate::measure(Duration::from_millis(args.translate_ms), args.repeats)?;
    bar.finish_and_clear();
    let bar = stage(
        2,
        stages,
        "tracker, against the same rows written with no logic",
    );
    let runs = tracker::TrackerRuns {
        movements: args.movements,
        repeats: args.repeats,
        year_movements: args.year_movements,
    };
    let tracker = tracker::measure(&args.database_url, runs, &bar).await?;
    bar.finish_and_clear();
    let bar = stage(
        3,
        stages,
        "risk scoring: the tracker with the starter rules against none, one rule over histories",
    );
    let risk = risk::measure(&args.database_url, args.movements, args.rule_evaluations).await?;
    bar.finish_and_clear();
    let bar = stage(4, stages, "a train of 30 declarations: one tap against 30");
    let rail = rail::measure(&args.database_url).await?;
    bar.finish_and_clear();
    let bar = stage(5, stages, "broker, two hops with no processing");
    let broker = broker::measure(&args.brokers, args.broker_records, 2_048, args.repeats).await?;
    bar.finish_and_clear();
    let telematics = if args.telematics_events > 0 {
        let bar = stage(
            6,
            stages,
            "tracking events: gateway, Kafka and tracker, against MQTT → Kafka alone",
        );
        let figures =
            telematics::measure(&args.database_url, &args.brokers, args.telematics_events).await?;
        bar.finish_and_clear();
        Some(figures)
    } else {
        None
    };
    let ingest = if args.ingest_seconds > 0 {
        let bar = stage(
            stages - usize::from(args.stack.pipeline_seconds > 0),
            stages,
            "adapter ingest: two instances behind one address, against one",
        );
        let bin_dir = match &args.bin_dir {
            Some(dir) => dir.clone(),
            None => std::env::current_exe()?
                .parent()
                .map(std::path::Path::to_path_buf)
                .unwrap_or_default(),
        };
        let figures = ingest::measure(&ingest::IngestSetup {
            bin_dir,
            database_url: args.database_url.clone(),
            brokers: args.brokers.clone(),
            seconds: args.ingest_seconds,
            repeats: args.repeats,
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}\nThe ingest stage starts adapter instances from --bin-dir (build them: cargo build --release; or skip it with --ingest-seconds 0)."))?;
        bar.finish_and_clear();
        Some(figures)
    } else {
        None
    };
    let pipeline = if args.stack.pipeline_seconds > 0 {
        let bar = stage(
            stages,
            stages,
            "the running pipeline: peak, latency at half of it, officer taps",
        );
        let figures = pipeline::measure(&args.database_url, &args.stack, args.repeats, &bar)
            .await
            .map_err(|e| anyhow::anyhow!("{e}\nThe pipeline stage drives the running stack: start it with deploy/local/up (or skip it with --pipeline-seconds 0)."))?;
        bar.finish_and_clear();
        Some(figures)
    } else {
        None
    };

    let report = report::Report::new(
        report::Machine::describe(tracker.postgresql.clone()),
        tracker,
        families,
        broker,
        pipeline,
    )
    .with_risk(risk)
    .with_rail(rail)
    .with_telematics(telematics)
    .with_ingest(ingest)
    .with_moonshot(moonshot::read(&args.out_dir));
    println!("{}", report.table());
    if !args.no_write {
        std::fs::create_dir_all(&args.out_dir)?;
        let md = args.out_dir.join("benchmarks.md");
        let json = args.out_dir.join("benchmarks.json");
        std::fs::write(&md, report.markdown())?;
        std::fs::write(&json, serde_json::to_string_pretty(&report.json())? + "\n")?;
        println!("written: {} and {}", md.display(), json.display());
    }
    Ok(())
}
