//! `sigmat simulate`: corridor traffic through the running adapters, each country's national
//! system played in its own family (SYDAM JSON, ASYCUDA XML, GAINDE EDIFACT), with every sent
//! message accounted for at the end.
//!
//! - [`plan`]: what is sent and when (pure);
//! - [`ledger`]: what accounts for each sent message, from the national systems' side (pure);
//! - `runner`: sending each message until its adapter answers, and advancing each trip;
//! - [`risk`]: the lanes the hub gave the movements, against the frauds the plan seeded (pure;
//!   the lanes are read through the hub API at the end);
//! - [`telematics`] (`--telematics`) and `tracks`: every truck's positions and seals over MQTT,
//!   along its road, accounted for at the gateway and the tracker;
//! - [`rail`] (`--rail`): trains on the Abidjan–Ouagadougou line, each confirmed once per
//!   station by the national systems, wagons left behind, trains late;
//! - [`systems`]: the national systems, each with its adapter and its code tables (shipped, or
//!   a `--mapping` file: any country can be played, one onboarded after this build too);
//! - this module: the clock, the progress bar and the summary.
//!
//! A border post confirms a passage only once it holds the movement's transit record, the
//! destination only once every passage reached the departure — as on the road. Each sender
//! retries an unanswered call with the same message, as a national system does.

pub mod ledger;
pub mod moonshot;
pub mod plan;
pub mod rail;
pub mod risk;
mod runner;
pub mod systems;
pub mod telematics;
mod tracks;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::{mpsc, Semaphore};
use transit_model::reference::ReferenceData;

use ledger::{Ledger, Summary};
use plan::Plan;
use runner::{Runner, Sent};
use transit_scenario::Corridor;

/// The corridors simulated.
pub const CORRIDORS: [&str; 5] = [
    "abidjan-ouagadougou",
    "abidjan-ouagadougou-niamey",
    "cotonou-niamey",
    "lome-ouagadougou",
    "dakar-bamako",
];

/// `sigmat simulate` options. Times are corridor times, compressed by `--speed`.
#[derive(clap::Args, Debug, Clone)]
pub struct SimulateArgs {
    /// Hours of corridor traffic released.
    #[arg(long, default_value_t = 1.0)]
    pub hours: f64,
    /// Releases per hour over the five corridors.
    #[arg(long, default_value_t = 600.0)]
    pub releases_per_hour: f64,
    /// Release everything at once (bounded by --concurrency) instead of at a pace.
    #[arg(long)]
    pub as_fast_as_possible: bool,
    /// Corridor time per real time: 120 runs an hour in 30 seconds.
    #[arg(long, default_value_t = 120.0)]
    pub speed: f64,
    /// Driving time from one office to the next, in corridor minutes.
    #[arg(long, default_value_t = 90.0)]
    pub leg_minutes: f64,
    /// On each corridor, every n-th movement's first border post confirms a leg late (0:
    /// never). The same "on each corridor" holds for the shares below, so that every
    /// corridor, and so every national family, has its share.
    #[arg(long, default_value_t = 8)]
    pub late_every: usize,
    /// Every n-th movement has an incident (broken seal) at its first border post (0: never).
    #[arg(long, default_value_t = 10)]
    pub incident_every: usize,
    /// Every n-th release is preceded by a malformed national message (0: never).
    #[arg(long, default_value_t = 20)]
    pub malformed_every: usize,
    /// Every n-th arrival is followed by one for a movement never released (0: never).
    #[arg(long, default_value_t = 25)]
    pub unknown_every: usize,
    /// Every n-th movement is diverted to another office of destination of the same country
    /// (IE002 from there, where the reference data has one: Bobo-Dioulasso, Kayes) (0: never).
    #[arg(long, default_value_t = 12)]
    pub divert_every: usize,
    /// Every n-th movement's truck stops for three legs' time before its first border post (0:
    /// never): an overstayed leg, one of the seeded frauds with broken seals and diversions.
    #[arg(long, default_value_t = 15)]
    pub overstay_every: usize,
    /// The hub API, where the lanes the hub scored are read at the end, as --operator (its
    /// password in SIGMAT_PASSWORD; the local demo's otherwise). `none`: no risk report.
    #[arg(long, default_value = "http://127.0.0.1:18080")]
    pub api: String,
    /// The operator (of every country) the lanes are read as.
    #[arg(long, default_value = "demo-operator")]
    pub operator: String,
    /// The operator's password: SIGMAT_PASSWORD, else the local demo's (never a flag, which
    /// would stay in the shell's history).
    #[arg(skip)]
    pub operator_password: Option<String>,
    /// Calls in flight at once, over all national systems.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// A country's adapter, as CC=URL (repeat); default the local stack's seven.
    #[arg(long = "adapter", value_name = "CC=URL")]
    pub adapters: Vec<String>,
    /// A national system's token at its adapter, as CC=TOKEN (repeat); default the local
    /// demo's `sigmat-demo-<cc>`.
    #[arg(long = "token", value_name = "CC=TOKEN")]
    pub tokens: Vec<String>,
    /// A national system's code tables, instead of the ones shipped for its country (repeat,
    /// one file per country): the file's "country" says which system plays with it, its
    /// "family" in which format. Written like schemas/national/mapping/bf.json. A country
    /// outside the local stack's seven is played too, at the adapter given with --adapter
    /// CC=URL: a country onboarded after this build can be played the day it is.
    #[arg(long = "mapping", value_name = "FILE")]
    pub mappings: Vec<std::path::PathBuf>,
    /// Give up waiting after this many real minutes.
    #[arg(long, default_value_t = 30.0)]
    pub max_minutes: f64,
    /// Write the closing summary as JSON here too (with the moonshot figure and what the
    /// database held before and after).
    #[arg(long)]
    pub summary_json: Option<std::path::PathBuf>,
    /// The database read for the moonshot figure.
    #[command(flatten)]
    pub moonshot: moonshot::MoonshotArgs,
    /// No progress bar (logs, CI).
    #[arg(long)]
    pub quiet: bool,
    /// Tracked trucks.
    #[command(flatten)]
    pub telematics: telematics::TelematicsArgs,
    /// Trains.
    #[command(flatten)]
    pub rail: rail::RailArgs,
}

impl SimulateArgs {
    /// The plan these options describe.
    pub fn plan(&self) -> Plan {
        let real = |corridor_seconds: f64| {
            Duration::from_secs_f64((corridor_seconds / self.speed.max(1e-6)).max(0.0))
        };
        Plan {
            movements: (self.hours * self.releases_per_hour).round().max(1.0) as usize,
            release_every: if self.as_fast_as_possible {
                Duration::ZERO
            } else {
                real(3600.0 / self.releases_per_hour.max(1e-6))
            },
            leg: real(self.leg_minutes * 60.0),
            late_every: self.late_every,
            incident_every: self.incident_every,
            malformed_every: self.malformed_every,
            unknown_every: self.unknown_every,
            divert_every: self.divert_every,
            overstay_every: self.overstay_every,
            deviate_every: if self.telematics.telematics {
                self.telematics.deviate_every
            } else {
                0
            },
            open_seal_every: if self.telematics.telematics {
                self.telematics.open_seal_every
            } else {
                0
            },
        }
    }
}

/// What the simulation did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Outcome {
    /// The ledger's totals.
    pub summary: Summary,
    /// Movements released (accepted).
    pub released: usize,
    /// Movements written off (the departure holds IE045).
    pub completed: usize,
    /// Released and not written off.
    pub in_flight: usize,
    /// Seconds it took.
    pub seconds: f64,
    /// Whether every sent message is accounted for, with no duplicate delivery and no
    /// well-formed message refused.
    pub all_accounted: bool,
    /// The lanes the hub scored, against the seeded frauds (none with `--api none`, or when
    /// the API could not be read: the summary says why).
    pub risk: Option<risk::RiskReport>,
    /// With `--telematics`: the trucks' events, accounted for.
    pub telematics: Option<telematics::Report>,
    /// With `--rail`: what the trains came to.
    pub rail: Option<rail::RailReport>,
    /// 100 million messages at this run's rate, and what the database held.
    pub moonshot: moonshot::Moonshot,
}

/// Runs the simulation against the national systems' adapters and prints the summary; an
/// error if a sent message is not accounted for.
pub async fn run(args: SimulateArgs) -> anyhow::Result<Outcome> {
    let plan = args.plan();
    let data = ReferenceData::builtin();
    let corridors: Vec<Corridor> = CORRIDORS
        .iter()
        .map(|id| {
            Corridor::from_reference(&data, id)
                .with_context(|| format!("corridor {id} in the reference data"))
        })
        .collect::<anyhow::Result<_>>()?;
    let trips = plan.trips(&corridors, Utc::now());
    let (answers, mut answered) = mpsc::unbounded_channel();
    let mut fleet = if args.telematics.telematics {
        Some(telematics::Fleet::new(
            &args.telematics,
            &trips,
            plan.leg,
            args.speed,
        )?)
    } else {
        None
    };
    let before = match &fleet {
        Some(_) => Some(telematics::Counts::read(&args.telematics).await.context(
            "the telematics gateway's and the tracker's metrics (is the stack up? deploy/local/status)",
        )?),
        None => None,
    };
    let mut runner = Runner {
        automatic: fleet.as_ref().map(|f| f.automatic()).unwrap_or_default(),
        systems: systems::national_systems(&args)?,
        ledger: Ledger::default(),
        answers,
        permits: Arc::new(Semaphore::new(args.concurrency.max(1))),
        tasks: tokio::task::JoinSet::new(),
    };
    let mut trains = args
        .rail
        .rail
        .then(|| rail::Rail::new(&args.rail, plan.leg));
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(trips.len() as u64)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:30} {pos}/{len} movements written off ({elapsed}) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    if let Some(t) = &trains {
        println!(
            "Running {} trains with {} declarations on the Abidjan–Ouagadougou line",
            args.rail.trains,
            t.declarations()
        );
    }
    println!(
        "Simulating {} movements on {} corridors ({:.1} corridor hours at {}×; a release every {:?}, legs of {:?}) through {} national systems",
        trips.len(),
        corridors.len(),
        args.hours,
        args.speed,
        plan.release_every,
        plan.leg,
        runner.systems.len()
    );
    let mut why_not = Vec::new();
    let held_before = moonshot::held(&args.moonshot, &mut why_not).await;
    let started = Instant::now();
    let deadline = Duration::from_secs_f64(args.max_minutes * 60.0);
    let mut sent = vec![Sent::default(); trips.len()];
    loop {
        while let Ok((index, answer)) = answered.try_recv() {
            runner.ledger.answered(index, answer);
        }
        while runner.tasks.try_join_next().is_some() {}
        runner.pull().await;
        let elapsed = started.elapsed();
        let mut completed = 0;
        for (trip, state) in trips.iter().zip(sent.iter_mut()) {
            if state.done || runner.advance(trip, state, elapsed, plan.leg) {
                completed += 1;
            }
        }
        if let Some(fleet) = fleet.as_mut() {
            let ledger = &runner.ledger;
            fleet
                .tick(
                    &trips,
                    |i| sent[i].release.is_some_and(|r| ledger.accepted(r)),
                    elapsed,
                )
                .await?;
        }
        let released = sent
            .iter()
            .filter(|s| s.release.is_some_and(|i| runner.ledger.accepted(i)))
            .count();
        bar.set_position(completed as u64);
        bar.set_message(format!(
            "released {released}, on the road {}",
            released - completed
        ));
        let trains_settled = trains
            .as_mut()
            .is_none_or(|t| t.advance(&mut runner, elapsed));
        let finished = completed == trips.len()
            && trains_settled
            && runner.ledger.unanswered() == 0
            && runner.ledger.all_accounted();
        if finished || elapsed > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    bar.finish_and_clear();
    runner.tasks.abort_all();
    let released = sent
        .iter()
        .filter(|s| s.release.is_some_and(|i| runner.ledger.accepted(i)))
        .count();
    let completed = sent.iter().filter(|s| s.done).count();
    let summary = runner.ledger.summary();
    let refused_well_formed: u64 = summary.refused.values().sum::<u64>()
        - summary
            .malformed_by_family
            .values()
            .sum::<u64>()
            .min(summary.refused.values().sum());
    let seconds = started.elapsed().as_secs_f64();
    let held_after = moonshot::held(&args.moonshot, &mut why_not).await;
    let moonshot = moonshot::Moonshot::of(
        held_before,
        held_after,
        summary.sent.values().sum(),
        summary.deliveries,
        seconds,
        why_not,
    );
    let outcome = Outcome {
        released,
        completed,
        in_flight: released - completed,
        seconds,
        moonshot,
        all_accounted: summary.unaccounted_count == 0
            && summary.duplicates == 0
            && refused_well_formed == 0,
        summary,
        risk: None,
        telematics: None,
        rail: trains.as_ref().map(|t| t.report(&runner)),
    };
    print_summary(&outcome);
    for line in outcome.moonshot.lines() {
        println!("{line}");
    }
    if let Some(report) = &outcome.rail {
        for line in rail::lines(report) {
            println!("{line}");
        }
    }
    let mut outcome = outcome;
    if let (Some(fleet), Some(before)) = (&fleet, &before) {
        let report = telematics::account(&args, fleet, before, &trips, &runner).await?;
        for line in telematics::lines(&report) {
            println!("{line}");
        }
        outcome.all_accounted &= report.all_accounted;
        outcome.telematics = Some(report);
    }
    if args.api != "none" {
        match read_risk(&args, &trips, &sent, &runner.ledger).await {
            Ok(report) => {
                for line in risk::lines(&report) {
                    println!("{line}");
                }
                outcome.risk = Some(report);
            }
            Err(err) => {
                println!("\nRisk not reported: {err:#} (give --api and --operator, or --api none)")
            }
        }
    }
    if let Some(path) = &args.summary_json {
        std::fs::write(path, serde_json::to_string_pretty(&outcome)? + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
    }
    anyhow::ensure!(
        outcome.all_accounted,
        "not every message is accounted for: {} unaccounted, {} duplicate deliveries, {refused_well_formed} well-formed messages refused (see above)",
        outcome.summary.unaccounted_count,
        outcome.summary.duplicates
    );
    Ok(outcome)
}

/// Reads the lane the hub scored for each released movement, and the rules' figures.
async fn read_risk(
    args: &SimulateArgs,
    trips: &[plan::Trip],
    sent: &[Sent],
    ledger: &Ledger,
) -> anyhow::Result<risk::RiskReport> {
    let password = args
        .operator_password
        .clone()
        .or_else(|| std::env::var("SIGMAT_PASSWORD").ok())
        .unwrap_or_else(|| "sigmat-demo".into());
    let api = transit_http::client::HubClient::new(&args.api)
        .login(&args.operator, &password)
        .await
        .with_context(|| format!("logging in to {} as {}", args.api, args.operator))?;
    let mut scored = Vec::with_capacity(trips.len());
    for (trip, state) in trips.iter().zip(sent) {
        let released = state.release.is_some_and(|i| ledger.accepted(i));
        let lane = if released {
            api.movement(trip.movement.mrn.as_str())
                .await?
                .and_then(|view| view.risk)
                .map(|r| risk::Scored {
                    lane: r.lane,
                    rules: r.reasons.into_iter().map(|reason| reason.rule).collect(),
                })
        } else {
            None
        };
        scored.push((trip, lane));
    }
    let figures = api.risk_figures().await?;
    Ok(risk::report(&scored, &figures))
}

fn print_summary(o: &Outcome) {
    let s = &o.summary;
    let sent: u64 = s.sent.values().sum();
    println!("\nSent {sent} messages in {:.0} s:", o.seconds);
    for (kind, n) in &s.sent {
        println!("  {kind:<18} {n:>8}");
    }
    println!("Accepted by the adapters {:>8}", s.accepted);
    println!(
        "Refused by the adapters  {:>8}",
        s.refused.values().sum::<u64>()
    );
    for (reason, n) in &s.refused {
        println!("  {n:>6} × {reason}");
    }
    for (family, n) in &s.malformed_by_family {
        println!("  (malformed {family} messages sent: {n})");
    }
    println!(
        "Deliveries received      {:>8}  (duplicates: {})",
        s.deliveries, s.duplicates
    );
    println!(
        "Movements released {}, written off {}, still on the road {}",
        o.released, o.completed, o.in_flight
    );
    println!(
        "Accounted for {} of {sent} sent messages{}",
        s.accounted,
        if o.all_accounted {
            " — every one"
        } else {
            ""
        }
    );
    for missing in &s.unaccounted {
        println!("  not accounted: {missing}");
    }
}
