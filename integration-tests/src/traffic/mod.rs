//! Simulated corridor traffic for the fault tests: movements on the five SIGMAT corridors,
//! driven through each country's adapter as its national system would, with a share of the
//! arrivals confirmed by officers through the API, a share of damaged national messages and of
//! messages about movements the hub never heard of. Every call is retried until it is answered
//! for good ([`send`]), so whatever a fault does, the [`ledger`] can account for every message.

pub mod ledger;
pub mod send;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::mpsc;
use transit_http::client::HubClient;
use transit_model::reference::ReferenceData;
use transit_scenario::{Corridor, Movement};
use uuid::Uuid;

use send::{Answer, Calls, Officer};

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
    pub mrn: String,
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
    let (plan, network) = (&plan, &network);
    let started = Instant::now();
    let calls = Arc::new(Calls::default());
    let mut sent = Sent {
        movements: movements(plan),
        ..Sent::default()
    };
    let (tx, mut rx) = mpsc::unbounded_channel::<Finished>();
    let mut senders = tokio::task::JoinSet::new();
    let mut started_releases = 0usize;
    let mut arrivals_sent = 0usize;
    let mut outstanding = 0usize;
    loop {
        while let Some(ended) = senders.try_join_next() {
            ended.expect("a sender failed: see its panic above");
        }
        while let Ok(finished) = rx.try_recv() {
            outstanding -= 1;
            apply(&mut sent, finished, &progress.released);
        }
        if sent.movements.iter().all(|t| t.stage == Stage::Done) && outstanding == 0 {
            sent.completed = true;
            break;
        }
        if started.elapsed() > plan.deadline {
            break;
        }
        // Releases at the planned pace.
        let due = (started.elapsed().as_secs_f64() * plan.releases_per_second) as usize + 1;
        while started_releases < due.min(sent.movements.len()) {
            let n = started_releases;
            started_releases += 1;
            let tracked = &mut sent.movements[n];
            tracked.stage = Stage::Releasing;
            let departure = country(&tracked.movement.corridor.departure);
            let adapter = network.adapters[&departure].clone();
            let release = tracked.movement.release();
            let damaged = n % plan.damaged_every == plan.damaged_every - 1;
            let (tx, calls) = (tx.clone(), calls.clone());
            outstanding += 1 + usize::from(damaged);
            senders.spawn(async move {
                if damaged {
                    let json = serde_json::to_vec(&release).expect("a message encodes");
                    let cut = &json[..json.len() / 2];
                    let status = send::submit_raw(&adapter, cut, &calls).await;
                    let _ = tx.send(Finished::Damaged(departure, status));
                }
                let answer = send::submit(&adapter, &release, &calls).await;
                let _ = tx.send(Finished::Released(n, answer));
            });
        }
        // The rest follows what the hub has delivered so far.
        let Some(seen) = delivered(network).await else {
            tokio::time::sleep(Duration::from_millis(250)).await;
            continue;
        };
        for n in 0..sent.movements.len() {
            let tracked = &mut sent.movements[n];
            let m = tracked.movement.clone();
            let mrn = m.mrn.to_string();
            let corridor = &m.corridor;
            let on_the_road = tracked.since.elapsed() < plan.leg;
            match tracked.stage {
                Stage::Released | Stage::Passed if on_the_road => {}
                Stage::Released => {
                    // Border posts confirm once they hold the transit record, in route order.
                    let records_in = corridor
                        .transit
                        .iter()
                        .all(|o| has(&seen, &country(o), &mrn, "IE050", o.as_str()) > 0)
                        && has(
                            &seen,
                            &country(&corridor.destination),
                            &mrn,
                            "IE001",
                            corridor.destination.as_str(),
                        ) > 0;
                    if !records_in {
                        continue;
                    }
                    tracked.stage = Stage::Passing;
                    let passages: Vec<_> = corridor
                        .transit
                        .iter()
                        .map(|o| {
                            (
                                network.adapters[&country(o)].clone(),
                                m.passage(o, Utc::now()),
                            )
                        })
                        .collect();
                    let (tx, calls) = (tx.clone(), calls.clone());
                    outstanding += 1;
                    senders.spawn(async move {
                        let mut answers = Vec::new();
                        for (adapter, passage) in &passages {
                            answers.push(send::submit(adapter, passage, &calls).await);
                        }
                        let _ = tx.send(Finished::Passed(n, answers));
                    });
                }
                Stage::Passed => {
                    let departure = corridor.departure.as_str();
                    let confirmed = has(
                        &seen,
                        &country(&corridor.departure),
                        &mrn,
                        "IE118",
                        departure,
                    );
                    if confirmed < corridor.transit.len() {
                        continue;
                    }
                    tracked.stage = Stage::Arriving;
                    arrivals_sent += 1;
                    let ghost = arrivals_sent % plan.ghost_every == 0;
                    let destination = country(&corridor.destination);
                    let adapter = network.adapters[&destination].clone();
                    let officer = tracked
                        .by_officer
                        .then(|| network.officers[corridor.destination.as_str()].clone());
                    let arrival = m.arrival(Utc::now());
                    let (tx, calls) = (tx.clone(), calls.clone());
                    outstanding += 1 + usize::from(ghost);
                    senders.spawn(async move {
                        let (id, replayed) = match officer {
                            Some(officer) => {
                                let action = serde_json::json!({"action": "arrival"});
                                let key = format!("arrival-{mrn}");
                                let answer = officer.act(&mrn, &action, &key, &calls).await;
                                (answer.message_id, answer.replayed)
                            }
                            None => match send::submit(&adapter, &arrival, &calls).await {
                                Answer::Accepted(id) => (id, false),
                                Answer::Refused(status, reason) => {
                                    panic!("the arrival of {mrn} was refused: {status} {reason}")
                                }
                            },
                        };
                        let _ = tx.send(Finished::Arrived(n, id, replayed));
                        if ghost {
                            let unknown = Movement::new(m.corridor.clone(), Utc::now());
                            let message = unknown.arrival(Utc::now());
                            let Answer::Accepted(id) =
                                send::submit(&adapter, &message, &calls).await
                            else {
                                panic!("the adapter refused a well-formed arrival")
                            };
                            let _ = tx.send(Finished::Ghost(Ghost {
                                country: destination,
                                mrn: unknown.mrn.to_string(),
                                id,
                            }));
                        }
                    });
                }
                Stage::ArrivalSent => {
                    let departure = corridor.departure.as_str();
                    if has(
                        &seen,
                        &country(&corridor.departure),
                        &mrn,
                        "IE006",
                        departure,
                    ) > 0
                    {
                        tracked.stage = Stage::Done;
                        progress.completed.fetch_add(1, Ordering::Relaxed);
                    }
                }
                _ => {}
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    sent.took = started.elapsed();
    sent.calls = calls.made.load(Ordering::Relaxed);
    sent.retried = calls.retried.load(Ordering::Relaxed);
    sent
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
