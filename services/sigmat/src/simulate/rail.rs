//! `--rail`: trains on the Abidjan–Ouagadougou line alongside the road traffic. Each train of
//! 10 to 30 wagons carries a quarter more declarations than wagons (some wagons carry two),
//! released by Côte d'Ivoire's SYDAM; once Niangoloko's ASYCUDA holds every transit record,
//! it confirms the whole train once, in its own format; the destination station confirms the
//! train's arrival once, then records control results per declaration. Every n-th train
//! leaves a wagon behind before the border (its declarations get an incident at the border
//! and again at the destination, and stay on the road), every n-th runs a leg late. What each confirmation must bring to the departure is computed
//! with the hub's own pure rules (`transit_rail::expand`), so the ledger checks the live hub
//! against them: every message accounted for.

use std::time::Duration;

use chrono::{DateTime, Utc};
use transit_lifecycle::Movement as Tracked;
use transit_model::{MessageId, MessageType, OfficeRef};
use transit_rail::{expand, Stage, Train as Consist, TrainConfirmation};
use transit_scenario::{Corridor, Movement};

use super::ledger::{Delivery, Kind};
use super::plan;
use super::runner::Runner;

/// `sigmat simulate` rail options.
#[derive(clap::Args, Debug, Clone)]
pub struct RailArgs {
    /// Run trains on the Abidjan–Ouagadougou line too.
    #[arg(long)]
    pub rail: bool,
    /// Trains.
    #[arg(long, default_value_t = 2)]
    pub trains: usize,
    /// The fewest wagons a train has.
    #[arg(long, default_value_t = 10)]
    pub wagons_min: usize,
    /// The most wagons a train has.
    #[arg(long, default_value_t = 30)]
    pub wagons_max: usize,
    /// Every n-th train leaves a wagon (one carrying two declarations) behind before the
    /// border (0: never).
    #[arg(long, default_value_t = 2)]
    pub left_behind_every: usize,
    /// Every n-th train runs a leg late: it reaches the border and the destination a leg
    /// after the others (0: never). (`--late-every` is the road movements' own.)
    #[arg(
        long = "train-late-every",
        id = "train_late_every",
        default_value_t = 3
    )]
    pub late_every: usize,
}

impl Default for RailArgs {
    /// No trains; the other values as the command line's defaults.
    fn default() -> Self {
        Self {
            rail: false,
            trains: 2,
            wagons_min: 10,
            wagons_max: 30,
            left_behind_every: 2,
            late_every: 3,
        }
    }
}

/// One train of the simulation.
#[derive(Debug, Clone)]
pub struct Train {
    /// Its number.
    pub number: String,
    /// Its wagons.
    pub wagons: Vec<String>,
    /// Each declaration and the wagon its goods are on.
    pub loads: Vec<(Movement, usize)>,
    /// The wagon left behind before the border, if any.
    pub left_behind: Option<usize>,
    /// Whether it runs a leg late.
    pub late: bool,
}

/// The trains `args` describe, numbered after `now` (pure).
pub fn trains(args: &RailArgs, now: DateTime<Utc>) -> Vec<Train> {
    let corridor = Corridor::abidjan_ouagadougou();
    let span = args
        .wagons_max
        .max(args.wagons_min)
        .saturating_sub(args.wagons_min)
        + 1;
    let stamp = now.format("%H%M%S");
    (0..args.trains)
        .map(|t| {
            let count = (args.wagons_min.max(1) + (t * 7) % span).max(1);
            let number = format!("T{}-{stamp}-{t}", 400 + t);
            let wagons: Vec<String> = (0..count).map(|w| format!("SR-{t}{w:03}")).collect();
            // One declaration per wagon, then a quarter more sharing every fourth wagon.
            let extra = (count / 4).max(1);
            let on: Vec<usize> = (0..count)
                .chain((0..extra).map(|j| (j * 4) % count))
                .collect();
            let loads = on
                .into_iter()
                .map(|w| {
                    let movement = Movement::new(corridor.clone(), now)
                        .on_train(&number, &[wagons[w].as_str()]);
                    (movement, w)
                })
                .collect();
            let nth = |every: usize| every > 0 && t % every == every - 1;
            Train {
                number,
                wagons,
                loads,
                // Wagon 0 carries two declarations (the first and the first extra one).
                left_behind: nth(args.left_behind_every).then_some(0),
                late: nth(args.late_every),
            }
        })
        .collect()
}

/// A confirmation of `train` at `office`: every wagon found but the one left behind.
fn confirmation(train: &Train, office: &str, stage: Stage, at: DateTime<Utc>) -> TrainConfirmation {
    let (mut present, mut missing) = (Vec::new(), Vec::new());
    for (i, wagon) in train.wagons.iter().enumerate() {
        let list = if Some(i) == train.left_behind {
            &mut missing
        } else {
            &mut present
        };
        list.push(wagon.clone());
    }
    TrainConfirmation {
        confirmation_id: MessageId::from_uuid(uuid::Uuid::new_v4()),
        train: train.number.clone(),
        office: OfficeRef::parse(office).unwrap_or_else(|_| unreachable!("a reference office")),
        stage,
        at,
        wagons_present: present,
        wagons_missing: missing,
    }
}

/// What `confirmation` must bring to the national systems, by the hub's own rules: each
/// declaration's message and what that message causes (no IE181 to the office reporting).
fn expected(train: &Train, tracked: &[Tracked], confirmation: &TrainConfirmation) -> Vec<Delivery> {
    let consist = Consist::build(&train.number, tracked, &[]);
    let Ok(expansion) = expand(&consist, tracked, confirmation, Utc::now()) else {
        return Vec::new();
    };
    let reporter = &confirmation.office;
    expansion
        .messages
        .iter()
        .flat_map(|message| {
            let movement = train
                .loads
                .iter()
                .map(|(m, _)| m)
                .find(|m| &m.mrn == message.mrn());
            movement
                .map(|m| plan::expected(m, message))
                .unwrap_or_default()
        })
        .filter(|d| {
            !(d.message_type == MessageType::IncidentForwarded && d.to.office() == Some(reporter))
        })
        .collect()
}

/// Where one train stands: the ledger index of each message sent.
#[derive(Debug, Clone, Default)]
struct State {
    releases: Vec<Option<usize>>,
    passage: Option<usize>,
    arrival: Option<usize>,
    controls: Vec<Option<usize>>,
}

/// The trains of a simulation, advanced each tick.
#[derive(Debug)]
pub struct Rail {
    trains: Vec<Train>,
    tracked: Vec<Vec<Tracked>>,
    states: Vec<State>,
    leg: Duration,
}

/// What the trains came to.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RailReport {
    /// Trains run.
    pub trains: usize,
    /// Their wagons.
    pub wagons: usize,
    /// Their declarations.
    pub declarations: usize,
    /// Train confirmations sent (each one for a whole train).
    pub confirmations: usize,
    /// Declarations whose passage reached the departure.
    pub passages: usize,
    /// Incidents for wagons left behind that reached the departure.
    pub incidents: usize,
    /// Declarations written off.
    pub written_off: usize,
}

impl Rail {
    /// The trains of `args`, released now.
    pub(super) fn new(args: &RailArgs, leg: Duration) -> Self {
        let now = Utc::now();
        let trains = trains(args, now);
        let tracked = trains
            .iter()
            .map(|t| {
                t.loads
                    .iter()
                    .filter_map(|(m, _)| {
                        transit_lifecycle::decide(None, &m.release(), now)
                            .ok()
                            .map(|d| d.movement)
                    })
                    .collect()
            })
            .collect();
        let states = trains
            .iter()
            .map(|t| State {
                releases: vec![None; t.loads.len()],
                controls: vec![None; t.loads.len()],
                ..State::default()
            })
            .collect();
        Self {
            trains,
            tracked,
            states,
            leg,
        }
    }

    /// Declarations on the trains.
    pub fn declarations(&self) -> usize {
        self.trains.iter().map(|t| t.loads.len()).sum()
    }

    /// Sends what is due; whether every train is settled: each declaration written off, or
    /// (left behind) its incidents at the departure.
    pub(super) fn advance(&mut self, runner: &mut Runner, elapsed: Duration) -> bool {
        let mut settled = true;
        for k in 0..self.trains.len() {
            settled &= self.advance_one(k, runner, elapsed);
        }
        settled
    }

    fn advance_one(&mut self, k: usize, runner: &mut Runner, elapsed: Duration) -> bool {
        let (train, tracked, state) = (&self.trains[k], &self.tracked[k], &mut self.states[k]);
        let c = Corridor::abidjan_ouagadougou();
        for (i, (m, _)) in train.loads.iter().enumerate() {
            if state.releases[i].is_none() {
                state.releases[i] = Some(runner.message("CI", Kind::Release, m, m.release()));
            }
        }
        let border = &c.transit[0];
        let all = |what: MessageType, to: &OfficeRef, runner: &Runner| {
            train.loads.iter().all(|(m, _)| runner.has(what, m, to))
        };
        let late = self.leg * u32::from(train.late);
        if state.passage.is_none()
            && elapsed >= self.leg + late
            && all(MessageType::AnticipatedTransitRecord, border, runner)
        {
            let confirmation = confirmation(train, border.as_str(), Stage::Passage, Utc::now());
            state.passage = Some(send(
                runner,
                "BF",
                Kind::TrainPassage,
                &confirmation,
                expected(train, tracked, &confirmation),
            ));
        }
        let Some(passage) = state.passage else {
            return false;
        };
        let reached = |m: &Movement, w: usize, runner: &Runner| {
            let kind = if Some(w) == train.left_behind {
                MessageType::IncidentNotification
            } else {
                MessageType::NotificationCrossingFrontier
            };
            runner.reported(kind, m, &c.departure, Some(border))
        };
        let crossed = runner.ledger.accepted(passage)
            && train.loads.iter().all(|(m, w)| reached(m, *w, runner));
        if state.arrival.is_none()
            && crossed
            && elapsed >= self.leg * 2 + late
            && all(
                MessageType::AnticipatedArrivalRecord,
                &c.destination,
                runner,
            )
        {
            let confirmation =
                confirmation(train, c.destination.as_str(), Stage::Arrival, Utc::now());
            state.arrival = Some(send(
                runner,
                "BF",
                Kind::TrainArrival,
                &confirmation,
                expected(train, tracked, &confirmation),
            ));
        }
        let mut settled = state.arrival.is_some();
        for (i, (m, w)) in train.loads.iter().enumerate() {
            if Some(*w) == train.left_behind {
                settled &= runner.reported(
                    MessageType::IncidentNotification,
                    m,
                    &c.departure,
                    Some(&c.destination),
                );
                continue;
            }
            if state.controls[i].is_none()
                && runner.has(MessageType::ArrivalAdvice, m, &c.departure)
            {
                state.controls[i] = Some(runner.message(
                    "BF",
                    Kind::ControlResults,
                    m,
                    m.control_results_at(&c.destination, Utc::now()),
                ));
            }
            settled &= runner.has(MessageType::WriteOffNotification, m, &c.departure);
        }
        settled
    }

    /// What the trains came to, as the departure's national system saw it.
    pub(super) fn report(&self, runner: &Runner) -> RailReport {
        let c = Corridor::abidjan_ouagadougou();
        let loads = || {
            self.trains
                .iter()
                .flat_map(|t| t.loads.iter().map(|(m, _)| m))
        };
        RailReport {
            trains: self.trains.len(),
            wagons: self.trains.iter().map(|t| t.wagons.len()).sum(),
            declarations: self.declarations(),
            confirmations: self
                .states
                .iter()
                .map(|s| usize::from(s.passage.is_some()) + usize::from(s.arrival.is_some()))
                .sum(),
            passages: loads()
                .filter(|m| {
                    runner.reported(
                        MessageType::NotificationCrossingFrontier,
                        m,
                        &c.departure,
                        Some(&c.transit[0]),
                    )
                })
                .count(),
            incidents: loads()
                .filter(|m| {
                    runner.reported(
                        MessageType::IncidentNotification,
                        m,
                        &c.departure,
                        Some(&c.transit[0]),
                    )
                })
                .count(),
            written_off: loads()
                .filter(|m| runner.has(MessageType::WriteOffNotification, m, &c.departure))
                .count(),
        }
    }
}

/// Sends `confirmation` from `country`'s national system in its format.
fn send(
    runner: &mut Runner,
    country: &str,
    kind: Kind,
    confirmation: &TrainConfirmation,
    expected: Vec<Delivery>,
) -> usize {
    let national = runner.systems[country]
        .translator()
        .train_to_national(confirmation)
        .unwrap_or_default();
    runner.dispatch(country, kind, Err(national), expected)
}

/// The summary's lines.
pub fn lines(r: &RailReport) -> Vec<String> {
    vec![
        format!(
            "\nRail: {} trains, {} wagons, {} declarations; {} train confirmations (one per train and station)",
            r.trains, r.wagons, r.declarations, r.confirmations
        ),
        format!(
            "  passages at the departure {}, incidents for wagons left behind {}, written off {}",
            r.passages, r.incidents, r.written_off
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trains_have_their_wagons_a_quarter_more_declarations_and_their_share_of_particulars() {
        let args = RailArgs {
            rail: true,
            trains: 4,
            wagons_min: 10,
            wagons_max: 30,
            left_behind_every: 2,
            late_every: 3,
        };
        let trains = trains(&args, Utc::now());
        assert_eq!(trains.len(), 4);
        for t in &trains {
            assert!((10..=30).contains(&t.wagons.len()));
            assert_eq!(t.loads.len(), t.wagons.len() + t.wagons.len() / 4);
        }
        let behind: Vec<bool> = trains.iter().map(|t| t.left_behind.is_some()).collect();
        assert_eq!(behind, [false, true, false, true]);
        assert!(trains[2].late && !trains[0].late);
        // The wagon left behind carries exactly two declarations.
        let t = &trains[1];
        assert_eq!(
            t.loads
                .iter()
                .filter(|(_, w)| Some(*w) == t.left_behind)
                .count(),
            2
        );
    }
}
