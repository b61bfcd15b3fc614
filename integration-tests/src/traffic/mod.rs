//! Simulated corridor traffic for the fault tests: movements on the five SIGMAT corridors,
//! driven through each country's adapter as its national system would, with a share of the
//! arrivals confirmed by officers through the API, a share of damaged national messages and of
//! messages about movements the hub never heard of. Every call is retried until it is answered
//! for good ([`send`]), so whatever a fault does, the [`ledger`] can account for every message.

mod drive;
pub mod ledger;
pub mod send;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use transit_http::client::HubClient;
use transit_model::reference::ReferenceData;
use transit_scenario::{Corridor, Movement};
use uuid::Uuid;

use send::{Answer, Officer};

/// The corridors of the reference data the traffic runs on (the simulator's).
pub use sigmat::simulate::CORRIDORS;

/// The countries of those corridors: one adapter each.
pub const COUNTRIES: [&str; 7] = ["CI", "BF", "NE", "BJ", "TG", "SN", "ML"];

/// How much traffic, and of what kind.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Movements released, spread over the corridors in turn.
    pub movements: usize,
    /// Releases per second.
    pub releases_per_second: f64,
    /// Every n-th movement's arrival is confirmed by an officer through the API.
    pub officer_every: usize,
    /// Every n-th release is preceded by a damaged national message (cut off halfway).
    pub damaged_every: usize,
    /// Every n-th arrival is followed by an arrival for a movement never released.
    pub ghost_every: usize,
    /// Every n-th movement is loaded on the truck of the movement before it (0: never): one
    /// truck on two open movements, which the starter risk rules score yellow.
    pub shared_truck_every: usize,
    /// Each leg's driving time, compressed: a border post confirms the passage no sooner than
    /// this after the release, the destination the arrival no sooner than this after the
    /// passages (so that many movements are on the road at once).
    pub leg: Duration,
    /// How long the whole run may take.
    pub deadline: Duration,
}

/// Where the traffic goes: each country's adapter (as its national system) and database schema,
/// and an officer account at every office of destination.
#[derive(Clone, Debug)]
pub struct Network {
    /// Country → a client with the national system's token.
    pub adapters: HashMap<String, HubClient>,
    /// Country → a pool on its adapter's schema.
    pub adapter_pools: HashMap<String, sqlx::PgPool>,
    /// Office of destination → an officer there.
    pub officers: HashMap<String, Officer>,
}

/// One movement of the run, and what its messages were answered.
#[derive(Clone, Debug)]
pub struct Tracked {
    /// The movement.
    pub movement: Movement,
    /// Whether its arrival was confirmed by an officer through the API.
    pub by_officer: bool,
    /// The ids of its messages the hub accepted for processing (release, passages, arrival).
    pub accepted: Vec<Uuid>,
    stage: Stage,
    /// When it reached its stage.
    since: Instant,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    New,
    Releasing,
    Released,
    Passing,
    Passed,
    Arriving,
    ArrivalSent,
    Done,
}

/// A message about a movement the hub never heard of, and the id it was accepted under.
#[derive(Clone, Debug)]
pub struct Ghost {
    /// The country whose adapter sent it (and is owed the refusal).
    pub country: String,
    /// The unknown MRN.
    pub mrn: transit_model::Mrn,
    /// The message id.
    pub id: Uuid,
}

/// How far the traffic has got, for a fault schedule that follows it.
#[derive(Debug, Default)]
pub struct Progress {
    /// Releases accepted so far.
    pub released: AtomicUsize,
    /// Movements completed so far (the departure holds the arrival confirmation).
    pub completed: AtomicUsize,
}

impl Progress {
    /// Movements released and not yet completed.
    pub fn in_flight(&self) -> usize {
        self.released
            .load(Ordering::Relaxed)
            .saturating_sub(self.completed.load(Ordering::Relaxed))
    }
}

/// Everything the run sent and what it was answered.
#[derive(Debug, Default)]
pub struct Sent {
    /// The movements.
    pub movements: Vec<Tracked>,
    /// Messages about unknown movements, accepted by their adapter for the hub to refuse.
    pub ghosts: Vec<Ghost>,
    /// Country → damaged messages its adapter refused.
    pub damaged: HashMap<String, u64>,
    /// Officer actions answered "replayed" (taken once, answered again after a retry).
    pub replays: u64,
    /// Every HTTP call, first tries and retries.
    pub calls: u64,
    /// Calls answered "unavailable" (5xx, 429) or not at all, and made again.
    pub retried: u64,
    /// Whether every movement completed before the deadline.
    pub completed: bool,
    /// How long the run took.
    pub took: Duration,
}

enum Finished {
    Released(usize, Answer),
    Passed(usize, Vec<Answer>),
    Arrived(usize, Uuid, bool),
    Ghost(Ghost),
    Damaged(String, u16),
}

fn country(office: &transit_model::OfficeRef) -> String {
    office.country().as_str().to_owned()
}

/// Delivered records, country → MRN → (message type, recipient office).
type Seen = HashMap<String, HashMap<String, Vec<(String, String)>>>;

async fn delivered(network: &Network) -> Option<Seen> {
    let mut seen = Seen::new();
    for (country, pool) in &network.adapter_pools {
        let rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT mrn, message_type, recipient FROM deliveries")
                .fetch_all(pool)
                .await
                .ok()?;
        let by_mrn = seen.entry(country.clone()).or_default();
        for (mrn, message_type, recipient) in rows {
            by_mrn
                .entry(mrn)
                .or_default()
                .push((message_type, recipient));
        }
    }
    Some(seen)
}

fn has(seen: &Seen, country: &str, mrn: &str, message_type: &str, recipient: &str) -> usize {
    seen.get(country)
        .and_then(|by_mrn| by_mrn.get(mrn))
        .map_or(0, |rows| {
            rows.iter()
                .filter(|(t, r)| t == message_type && r == recipient)
                .count()
        })
}

/// The movements of `plan`, spread over the corridors in turn.
pub fn movements(plan: &Plan) -> Vec<Tracked> {
    let data = ReferenceData::builtin();
    let corridors: Vec<Corridor> = CORRIDORS
        .iter()
        .map(|id| Corridor::from_reference(&data, id).expect("a corridor of the reference data"))
        .collect();
    let mut tracked: Vec<Tracked> = Vec::with_capacity(plan.movements);
    for n in 0..plan.movements {
        let mut movement =
            Movement::new(corridors[n % corridors.len()].clone(), Utc::now()).with_own_vehicle();
        let shared = plan.shared_truck_every > 0
            && n % plan.shared_truck_every == plan.shared_truck_every - 1;
        if let (true, Some(before)) = (shared, tracked.last()) {
            movement.vehicle = before.movement.vehicle.clone();
        }
        tracked.push(Tracked {
            movement,
            by_officer: n % plan.officer_every == plan.officer_every - 1,
            accepted: Vec::new(),
            stage: Stage::New,
            since: Instant::now(),
        });
    }
    tracked
}

/// Runs `plan` on `network`, keeping `progress` up to date.
pub async fn run(plan: Plan, network: Network, progress: Arc<Progress>) -> Sent {
    drive::Driver::new(&plan, &network, progress).run().await
}

fn apply(sent: &mut Sent, finished: Finished, released: &AtomicUsize) {
    let accepted = |answer: &Answer, what: &str| match answer {
        Answer::Accepted(id) => *id,
        Answer::Refused(status, reason) => panic!("{what} was refused: {status} {reason}"),
    };
    match finished {
        Finished::Released(n, answer) => {
            let tracked = &mut sent.movements[n];
            tracked.accepted.push(accepted(&answer, "a release"));
            tracked.stage = Stage::Released;
            tracked.since = Instant::now();
            released.fetch_add(1, Ordering::Relaxed);
        }
        Finished::Passed(n, answers) => {
            let tracked = &mut sent.movements[n];
            for answer in &answers {
                tracked.accepted.push(accepted(answer, "a passage"));
            }
            tracked.stage = Stage::Passed;
            tracked.since = Instant::now();
        }
        Finished::Arrived(n, id, replayed) => {
            let tracked = &mut sent.movements[n];
            tracked.accepted.push(id);
            tracked.stage = Stage::ArrivalSent;
            sent.replays += u64::from(replayed);
        }
        Finished::Ghost(ghost) => sent.ghosts.push(ghost),
        Finished::Damaged(country, status) => {
            assert_eq!(
                status, 400,
                "a damaged message from {country} was answered {status}"
            );
            *sent.damaged.entry(country).or_default() += 1;
        }
    }
}
