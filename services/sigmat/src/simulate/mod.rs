//! `sigmat simulate`: corridor traffic through the running adapters, each country's national
//! system played in its own family (SYDAM JSON, ASYCUDA XML, GAINDE EDIFACT), with every sent
//! message accounted for at the end.
//!
//! - [`plan`]: what is sent and when (pure);
//! - [`ledger`]: what accounts for each sent message, from the national systems' side (pure);
//! - this module: the national systems, the clock, the progress bar and the summary.
//!
//! A border post confirms a passage only once it holds the movement's transit record, the
//! destination only once every passage reached the departure — as on the road. Each sender
//! retries an unanswered call with the same message, as a national system does.

pub mod ledger;
pub mod plan;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use national_sim::Simulator;
use tokio::sync::{mpsc, Semaphore};
use transit_model::reference::ReferenceData;
use transit_model::{CountryCode, OfficeRef, StandardMessage};
use transit_national::{Family, Mapping};

use crate::scenario::{Corridor, Movement};
use ledger::{Kind, Ledger, Summary};
use plan::{Plan, Trip};

/// The corridors simulated.
pub const CORRIDORS: [&str; 5] = [
    "abidjan-ouagadougou",
    "abidjan-ouagadougou-niamey",
    "cotonou-niamey",
    "lome-ouagadougou",
    "dakar-bamako",
];

/// The local stack's adapters (deploy/local/up): country, port.
const LOCAL_ADAPTERS: [(&str, u16); 7] = [
    ("CI", 18101),
    ("BF", 18102),
    ("NE", 18103),
    ("BJ", 18104),
    ("TG", 18105),
    ("SN", 18106),
    ("ML", 18107),
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
    /// Calls in flight at once, over all national systems.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// A country's adapter, as CC=URL (repeat); default the local stack's seven.
    #[arg(long = "adapter", value_name = "CC=URL")]
    pub adapters: Vec<String>,
    /// A national system's token at its adapter, as CC=TOKEN (repeat); default the local
    /// demo's sigmat-demo-<cc>.
    #[arg(long = "token", value_name = "CC=TOKEN")]
    pub tokens: Vec<String>,
    /// Give up waiting after this many real minutes.
    #[arg(long, default_value_t = 30.0)]
    pub max_minutes: f64,
    /// Write the closing summary as JSON here too.
    #[arg(long)]
    pub summary_json: Option<std::path::PathBuf>,
    /// No progress bar (logs, CI).
    #[arg(long)]
    pub quiet: bool,
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
        }
    }
}

fn pairs(values: &[String], what: &str) -> anyhow::Result<HashMap<String, String>> {
    values
        .iter()
        .map(|v| {
            let (cc, rest) = v.split_once('=').with_context(|| {
                format!("--{what} {v}: write it as CC=VALUE, e.g. CI=http://127.0.0.1:18101")
            })?;
            Ok((cc.to_ascii_uppercase(), rest.to_owned()))
        })
        .collect()
}

/// The national systems: one simulator per country of the corridors, in its family.
fn national_systems(args: &SimulateArgs) -> anyhow::Result<HashMap<String, Arc<Simulator>>> {
    let urls = pairs(&args.adapters, "adapter")?;
    let tokens = pairs(&args.tokens, "token")?;
    LOCAL_ADAPTERS
        .iter()
        .map(|(cc, port)| {
            let country = CountryCode::parse(cc)?;
            let family = Mapping::builtin(country).map_or(Family::Standard, |m| m.family());
            let url = urls
                .get(*cc)
                .cloned()
                .unwrap_or_else(|| format!("http://127.0.0.1:{port}"));
            let token = tokens
                .get(*cc)
                .cloned()
                .unwrap_or_else(|| format!("sigmat-demo-{}", cc.to_ascii_lowercase()));
            let sim = Simulator::new(family, country, &url)?.with_token(token);
            Ok(((*cc).to_owned(), Arc::new(sim)))
        })
        .collect()
}

/// Where one trip stands: the ledger index of each message sent.
#[derive(Debug, Default, Clone)]
struct Sent {
    release: Option<usize>,
    passages: Vec<Option<usize>>,
    incident: Option<usize>,
    arrival: Option<usize>,
    unknown: Option<usize>,
    control: Option<usize>,
    done: bool,
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
}

type Answer = (usize, Result<(), (u16, String)>);

fn country(office: &OfficeRef) -> String {
    office.country().as_str().to_owned()
}

/// What an adapter's refusal says, for grouping: the family and the refusal's class (SYDAM
/// `erreur.classe`, ASYCUDA `<Class>`, GAINDE `ERC`), else the answer's first characters.
fn reason(sim: &Simulator, answer: &[u8]) -> String {
    let text = String::from_utf8_lossy(answer);
    let between = |open: &str, close: char| {
        text.split_once(open)
            .and_then(|(_, rest)| rest.split(close).next())
            .map(str::to_owned)
    };
    let class = serde_json::from_slice::<serde_json::Value>(answer)
        .ok()
        .and_then(|v| v["erreur"]["classe"].as_str().map(str::to_owned))
        .or_else(|| between("<Class>", '<'))
        .or_else(|| between("ERC+", '\''))
        .unwrap_or_else(|| {
            text.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .take(60)
                .collect()
        });
    format!("{}: {class}", sim.translator().family())
}

/// Sends national bytes (or a message in the national format) until the adapter answers.
async fn send(
    sim: Arc<Simulator>,
    what: Result<StandardMessage, Vec<u8>>,
) -> Result<(), (u16, String)> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(100);
    loop {
        let sent = match &what {
            Ok(message) => sim.send(message).await,
            Err(bytes) => sim.send_national(bytes.clone()).await,
        };
        match sent {
            Ok(s) if s.status == 202 => return Ok(()),
            Ok(s) if s.status != 429 && s.status < 500 => {
                return Err((s.status, reason(&sim, &s.answer)))
            }
            _ if started.elapsed() > Duration::from_secs(120) => {
                return Err((0, "no answer from the adapter for two minutes".into()))
            }
            _ => {}
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(2));
    }
}

struct Runner {
    systems: HashMap<String, Arc<Simulator>>,
    ledger: Ledger,
    answers: mpsc::UnboundedSender<Answer>,
    permits: Arc<Semaphore>,
    tasks: tokio::task::JoinSet<()>,
}

impl Runner {
    fn dispatch(
        &mut self,
        country: &str,
        kind: Kind,
        what: Result<StandardMessage, Vec<u8>>,
        expected: Vec<ledger::Delivery>,
    ) -> usize {
        let sim = self.systems[country].clone();
        let index = self
            .ledger
            .sent(kind, sim.translator().family().as_str(), expected);
        let (answers, permits) = (self.answers.clone(), self.permits.clone());
        self.tasks.spawn(async move {
            let Ok(_permit) = permits.acquire_owned().await else {
                return;
            };
            let _ = answers.send((index, send(sim, what).await));
        });
        index
    }

    fn message(
        &mut self,
        country: &str,
        kind: Kind,
        movement: &Movement,
        message: StandardMessage,
    ) -> usize {
        let expected = plan::expected(movement, &message);
        self.dispatch(country, kind, Ok(message), expected)
    }

    async fn pull(&mut self) {
        let pulls = self.systems.values().map(|sim| {
            let sim = sim.clone();
            async move {
                if let Err(err) = sim.pull().await {
                    tracing::warn!(country = %sim.country(), error = %err, "pulling deliveries failed; trying again");
                }
                sim.take_received()
            }
        });
        for received in futures_util::future::join_all(pulls).await {
            for r in received {
                let header = r.message.header();
                let to = header
                    .recipient
                    .office()
                    .map(|o| o.as_str().to_owned())
                    .unwrap_or_default();
                let from = header
                    .sender
                    .office()
                    .map(|o| o.as_str().to_owned())
                    .unwrap_or_default();
                let message_type = r.message.message_type().code();
                self.ledger.delivered((
                    message_type.to_owned(),
                    r.message.mrn().to_string(),
                    to,
                    ledger::detail(message_type, &from),
                ));
            }
        }
    }

    fn has(&self, message_type: &str, movement: &Movement, to: &OfficeRef) -> bool {
        self.reported(message_type, movement, to, None)
    }

    /// Whether `to` holds `message_type` about `movement`, reported by `by` for forwarded
    /// reports.
    fn reported(
        &self,
        message_type: &str,
        movement: &Movement,
        to: &OfficeRef,
        by: Option<&OfficeRef>,
    ) -> bool {
        self.ledger.has(&(
            message_type.to_owned(),
            movement.mrn.to_string(),
            to.as_str().to_owned(),
            by.map(|o| ledger::detail(message_type, o.as_str()))
                .unwrap_or_default(),
        ))
    }

    /// Sends what is due for one trip; whether it is complete.
    fn advance(&mut self, trip: &Trip, sent: &mut Sent, elapsed: Duration, leg: Duration) -> bool {
        let m = &trip.movement;
        let c = &m.corridor;
        let accepted = |s: &Option<usize>, l: &Ledger| s.is_some_and(|i| l.accepted(i));
        if sent.release.is_none() {
            if elapsed < trip.release_at {
                return false;
            }
            let departure = country(&c.departure);
            if trip.malformed {
                let sim = &self.systems[&departure];
                if let Ok(national) = sim.translator().to_national(&m.release()) {
                    let cut = national[..national.len() / 2].to_vec();
                    self.dispatch(&departure, Kind::Malformed, Err(cut), Vec::new());
                }
            }
            sent.release = Some(self.message(&departure, Kind::Release, m, m.release()));
            sent.passages = vec![None; c.transit.len()];
            return false;
        }
        if !accepted(&sent.release, &self.ledger) {
            return false;
        }
        for (i, office) in c.transit.iter().enumerate() {
            if sent.passages[i].is_none()
                && elapsed >= trip.passage_due(leg, i)
                && self.has("IE050", m, office)
            {
                let late = if trip.late && i == 0 {
                    leg
                } else {
                    Duration::ZERO
                };
                let at = Utc::now() - chrono::Duration::from_std(late).unwrap_or_default();
                sent.passages[i] =
                    Some(self.message(&country(office), Kind::Passage, m, m.passage(office, at)));
            }
        }
        let passed = sent.passages.iter().all(|p| accepted(p, &self.ledger))
            && c.transit
                .iter()
                .all(|o| self.reported("IE118", m, &c.departure, Some(o)));
        let first_passed = c
            .transit
            .first()
            .is_some_and(|o| self.reported("IE118", m, &c.departure, Some(o)));
        if trip.incident && sent.incident.is_none() && first_passed {
            let office = &c.transit[0];
            sent.incident = Some(self.message(
                &country(office),
                Kind::Incident,
                m,
                m.incident(office, Utc::now()),
            ));
        }
        let incident_in = !trip.incident
            || c.transit
                .first()
                .is_some_and(|o| self.reported("IE180", m, &c.departure, Some(o)));
        if sent.arrival.is_none()
            && passed
            && incident_in
            && elapsed >= trip.arrival_due(leg)
            && self.has("IE001", m, &c.destination)
        {
            sent.arrival = Some(self.message(
                &country(&c.destination),
                Kind::Arrival,
                m,
                m.arrival(Utc::now()),
            ));
        }
        if trip.unknown_after && sent.unknown.is_none() && accepted(&sent.arrival, &self.ledger) {
            let nobody = Movement::new(c.clone(), Utc::now());
            let arrival = nobody.arrival(Utc::now());
            let expected = plan::refusal_of_unknown(&arrival);
            sent.unknown = Some(self.dispatch(
                &country(&c.destination),
                Kind::UnknownMovement,
                Ok(arrival),
                expected,
            ));
        }
        if sent.control.is_none() && self.has("IE006", m, &c.departure) {
            sent.control = Some(self.message(
                &country(&c.destination),
                Kind::ControlResults,
                m,
                m.control_results(Utc::now()),
            ));
        }
        sent.done = self.has("IE045", m, &c.departure);
        sent.done
    }
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
    let mut runner = Runner {
        systems: national_systems(&args)?,
        ledger: Ledger::default(),
        answers,
        permits: Arc::new(Semaphore::new(args.concurrency.max(1))),
        tasks: tokio::task::JoinSet::new(),
    };
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
        let released = sent
            .iter()
            .filter(|s| s.release.is_some_and(|i| runner.ledger.accepted(i)))
            .count();
        bar.set_position(completed as u64);
        bar.set_message(format!(
            "released {released}, on the road {}",
            released - completed
        ));
        let finished = completed == trips.len()
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
    let outcome = Outcome {
        released,
        completed,
        in_flight: released - completed,
        seconds: started.elapsed().as_secs_f64(),
        all_accounted: summary.unaccounted_count == 0
            && summary.duplicates == 0
            && refused_well_formed == 0,
        summary,
    };
    print_summary(&outcome);
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
