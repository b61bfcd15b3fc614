//! The run itself: releases at the planned pace, and each movement taken to its next stage
//! once the hub has delivered what that stage waits for — passages once every border post and
//! the destination hold their records, the arrival once the departure holds every passage, done
//! once the departure holds the arrival. Each call runs as a task of its own and reports back
//! ([`Finished`]), so a slow or failing adapter holds up only its own movements.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use transit_scenario::Movement;

use super::send::{self, Answer, Calls};
use super::{apply, country, delivered, has, movements, Finished, Ghost, Network, Plan};
use super::{Progress, Seen, Sent, Stage};

/// How often the run looks at what the hub has delivered.
const LOOK_EVERY: Duration = Duration::from_millis(250);

pub(super) struct Driver<'a> {
    plan: &'a Plan,
    network: &'a Network,
    progress: Arc<Progress>,
    started: Instant,
    calls: Arc<Calls>,
    sent: Sent,
    tx: mpsc::UnboundedSender<Finished>,
    rx: mpsc::UnboundedReceiver<Finished>,
    senders: JoinSet<()>,
    started_releases: usize,
    arrivals_sent: usize,
    /// Reports still owed by the tasks started.
    outstanding: usize,
}

impl<'a> Driver<'a> {
    pub(super) fn new(plan: &'a Plan, network: &'a Network, progress: Arc<Progress>) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        Self {
            plan,
            network,
            progress,
            started: Instant::now(),
            calls: Arc::new(Calls::default()),
            sent: Sent {
                movements: movements(plan),
                ..Sent::default()
            },
            tx,
            rx,
            senders: JoinSet::new(),
            started_releases: 0,
            arrivals_sent: 0,
            outstanding: 0,
        }
    }

    /// Until every movement is done (or the deadline passes): collect what the tasks report,
    /// start the releases that are due, and move each movement on by what was delivered.
    pub(super) async fn run(mut self) -> Sent {
        loop {
            self.collect();
            if self.sent.movements.iter().all(|t| t.stage == Stage::Done) && self.outstanding == 0 {
                self.sent.completed = true;
                break;
            }
            if self.started.elapsed() > self.plan.deadline {
                break;
            }
            self.release_due();
            if let Some(seen) = delivered(self.network).await {
                for n in 0..self.sent.movements.len() {
                    self.move_on(n, &seen);
                }
            }
            tokio::time::sleep(LOOK_EVERY).await;
        }
        self.sent.took = self.started.elapsed();
        self.sent.calls = self.calls.made.load(Ordering::Relaxed);
        self.sent.retried = self.calls.retried.load(Ordering::Relaxed);
        self.sent
    }

    fn collect(&mut self) {
        while let Some(ended) = self.senders.try_join_next() {
            ended.expect("a sender failed: see its panic above");
        }
        while let Ok(finished) = self.rx.try_recv() {
            self.outstanding -= 1;
            apply(&mut self.sent, finished, &self.progress.released);
        }
    }

    /// Releases at the planned pace; every `damaged_every`-th preceded by its own first half.
    fn release_due(&mut self) {
        let plan = self.plan;
        let due = (self.started.elapsed().as_secs_f64() * plan.releases_per_second) as usize + 1;
        while self.started_releases < due.min(self.sent.movements.len()) {
            let n = self.started_releases;
            self.started_releases += 1;
            let tracked = &mut self.sent.movements[n];
            tracked.stage = Stage::Releasing;
            let departure = country(&tracked.movement.corridor.departure);
            let adapter = self.network.adapters[&departure].clone();
            let release = tracked.movement.release();
            let damaged = n % plan.damaged_every == plan.damaged_every - 1;
            let (tx, calls) = (self.tx.clone(), self.calls.clone());
            self.outstanding += 1 + usize::from(damaged);
            self.senders.spawn(async move {
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
    }

    /// Movement `n` on to its next stage, if what that stage waits for was delivered (and its
    /// leg's driving time is over).
    fn move_on(&mut self, n: usize, seen: &Seen) {
        let tracked = &self.sent.movements[n];
        let on_the_road = tracked.since.elapsed() < self.plan.leg;
        let m = &tracked.movement;
        let (mrn, corridor) = (m.mrn.to_string(), &m.corridor);
        let departure = corridor.departure.as_str();
        match tracked.stage {
            Stage::Released | Stage::Passed if on_the_road => {}
            Stage::Released => {
                // Border posts confirm once they hold the transit record, in route order.
                let records_in = corridor
                    .transit
                    .iter()
                    .all(|o| has(seen, &country(o), &mrn, "IE050", o.as_str()) > 0)
                    && has(
                        seen,
                        &country(&corridor.destination),
                        &mrn,
                        "IE001",
                        corridor.destination.as_str(),
                    ) > 0;
                if records_in {
                    self.pass(n);
                }
            }
            Stage::Passed => {
                let confirmed = has(
                    seen,
                    &country(&corridor.departure),
                    &mrn,
                    "IE118",
                    departure,
                );
                if confirmed >= corridor.transit.len() {
                    self.arrive(n);
                }
            }
            Stage::ArrivalSent
                if has(
                    seen,
                    &country(&corridor.departure),
                    &mrn,
                    "IE006",
                    departure,
                ) > 0 =>
            {
                self.sent.movements[n].stage = Stage::Done;
                self.progress.completed.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
    }

    /// Every border post of movement `n` confirms its passage, in route order.
    fn pass(&mut self, n: usize) {
        let tracked = &mut self.sent.movements[n];
        tracked.stage = Stage::Passing;
        let m = &tracked.movement;
        let passages: Vec<_> = m
            .corridor
            .transit
            .iter()
            .map(|o| {
                (
                    self.network.adapters[&country(o)].clone(),
                    m.passage(o, Utc::now()),
                )
            })
            .collect();
        let (tx, calls) = (self.tx.clone(), self.calls.clone());
        self.outstanding += 1;
        self.senders.spawn(async move {
            let mut answers = Vec::new();
            for (adapter, passage) in &passages {
                answers.push(send::submit(adapter, passage, &calls).await);
            }
            let _ = tx.send(Finished::Passed(n, answers));
        });
    }

    /// The destination confirms movement `n`'s arrival — through its national system, or by
    /// an officer through the API; every `ghost_every`-th arrival is followed by one for a
    /// movement the hub never heard of.
    fn arrive(&mut self, n: usize) {
        let tracked = &mut self.sent.movements[n];
        tracked.stage = Stage::Arriving;
        self.arrivals_sent += 1;
        let ghost = self.arrivals_sent % self.plan.ghost_every == 0;
        let m = tracked.movement.clone();
        let mrn = m.mrn.to_string();
        let destination = country(&m.corridor.destination);
        let adapter = self.network.adapters[&destination].clone();
        let officer = tracked
            .by_officer
            .then(|| self.network.officers[m.corridor.destination.as_str()].clone());
        let arrival = m.arrival(Utc::now());
        let (tx, calls) = (self.tx.clone(), self.calls.clone());
        self.outstanding += 1 + usize::from(ghost);
        self.senders.spawn(async move {
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
                let Answer::Accepted(id) = send::submit(&adapter, &message, &calls).await else {
                    panic!("the adapter refused a well-formed arrival")
                };
                let _ = tx.send(Finished::Ghost(Ghost {
                    country: destination,
                    mrn: unknown.mrn.clone(),
                    id,
                }));
            }
        });
    }
}
