//! The simulation's moving parts: sending a message to an adapter until it answers (as a
//! national system retries), and the runner that advances each trip — release, passages,
//! incident, arrival, control results — once what it waits for has reached the national
//! systems, recording every message and its answer in the ledger.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use national_sim::Simulator;
use tokio::sync::{mpsc, Semaphore};
use transit_model::{MessageType, OfficeRef, StandardMessage};

use super::ledger::{self, Answer, Kind, Ledger};
use super::plan::{self, Trip};
use transit_scenario::Movement;

/// Where one trip stands: the ledger index of each message sent.
#[derive(Debug, Default, Clone)]
pub(super) struct Sent {
    pub(super) release: Option<usize>,
    pub(super) passages: Vec<Option<usize>>,
    pub(super) incident: Option<usize>,
    pub(super) diversion: Option<usize>,
    pub(super) arrival: Option<usize>,
    pub(super) unknown: Option<usize>,
    pub(super) control: Option<usize>,
    pub(super) done: bool,
}

pub(super) type Answered = (usize, Answer);

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
async fn send(sim: Arc<Simulator>, what: Result<StandardMessage, Vec<u8>>) -> Answer {
    let started = Instant::now();
    let mut pause = Duration::from_millis(100);
    loop {
        let sent = match &what {
            Ok(message) => sim.send(message).await,
            Err(bytes) => sim.send_national(bytes.clone()).await,
        };
        match sent {
            Ok(s) if s.status == 202 => return Answer::Accepted,
            Ok(s) if s.status != 429 && s.status < 500 => {
                return Answer::Refused(s.status, reason(&sim, &s.answer))
            }
            _ if started.elapsed() > Duration::from_secs(120) => return Answer::Silent,
            _ => {}
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(2));
    }
}

pub(super) struct Runner {
    /// Countries whose passages the trucks' trackers confirm (`--telematics`): their national
    /// systems no longer send the IE118.
    pub(super) automatic: Vec<transit_model::CountryCode>,
    pub(super) systems: HashMap<String, Arc<Simulator>>,
    pub(super) ledger: Ledger,
    pub(super) answers: mpsc::UnboundedSender<Answered>,
    pub(super) permits: Arc<Semaphore>,
    pub(super) tasks: tokio::task::JoinSet<()>,
}

impl Runner {
    pub(super) fn dispatch(
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

    pub(super) fn message(
        &mut self,
        country: &str,
        kind: Kind,
        movement: &Movement,
        message: StandardMessage,
    ) -> usize {
        let expected = plan::expected(movement, &message);
        self.dispatch(country, kind, Ok(message), expected)
    }

    pub(super) async fn pull(&mut self) {
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
                self.ledger.delivered(ledger::Delivery::to(
                    r.message.message_type(),
                    r.message.mrn(),
                    header.recipient.clone(),
                    header.sender.office(),
                ));
            }
        }
    }

    pub(super) fn has(
        &self,
        message_type: MessageType,
        movement: &Movement,
        to: &OfficeRef,
    ) -> bool {
        self.reported(message_type, movement, to, None)
    }

    /// Whether `to` holds `message_type` about `movement`, reported by `by` for forwarded
    /// reports.
    pub(super) fn reported(
        &self,
        message_type: MessageType,
        movement: &Movement,
        to: &OfficeRef,
        by: Option<&OfficeRef>,
    ) -> bool {
        self.ledger
            .has(&ledger::Delivery::new(message_type, &movement.mrn, to, by))
    }

    /// Sends what is due for one trip; whether it is complete.
    pub(super) fn advance(
        &mut self,
        trip: &Trip,
        sent: &mut Sent,
        elapsed: Duration,
        leg: Duration,
    ) -> bool {
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
                && !self.automatic.contains(&office.country())
                && elapsed >= trip.passage_due(leg, i)
                && self.has(MessageType::AnticipatedTransitRecord, m, office)
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
        let passed = sent
            .passages
            .iter()
            .zip(&c.transit)
            .all(|(p, o)| self.automatic.contains(&o.country()) || accepted(p, &self.ledger))
            && c.transit.iter().all(|o| {
                self.reported(
                    MessageType::NotificationCrossingFrontier,
                    m,
                    &c.departure,
                    Some(o),
                )
            });
        let first_passed = c.transit.first().is_some_and(|o| {
            self.reported(
                MessageType::NotificationCrossingFrontier,
                m,
                &c.departure,
                Some(o),
            )
        });
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
            || c.transit.first().is_some_and(|o| {
                self.reported(MessageType::IncidentNotification, m, &c.departure, Some(o))
            });
        let on_the_doorstep = passed
            && incident_in
            && elapsed >= trip.arrival_due(leg)
            && self.has(MessageType::AnticipatedArrivalRecord, m, &c.destination);
        // Where the goods are presented: the declared destination, or the office they were
        // diverted to once it holds the record (IE002 answered with IE003).
        let arrive_at = match &trip.diverted_to {
            None => on_the_doorstep.then(|| c.destination.clone()),
            Some(office) => {
                if sent.diversion.is_none() && on_the_doorstep {
                    sent.diversion = Some(self.message(
                        &country(office),
                        Kind::Diversion,
                        m,
                        m.arrival_record_request(office, Utc::now()),
                    ));
                }
                (accepted(&sent.diversion, &self.ledger)
                    && self.has(MessageType::ArrivalRecordResponse, m, office))
                .then(|| office.clone())
            }
        };
        if let (None, Some(office)) = (sent.arrival, arrive_at) {
            sent.arrival = Some(self.message(
                &country(&office),
                Kind::Arrival,
                m,
                m.arrival_at(&office, Utc::now()),
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
        if sent.control.is_none() && self.has(MessageType::ArrivalAdvice, m, &c.departure) {
            let office = trip.diverted_to.as_ref().unwrap_or(&c.destination);
            sent.control = Some(self.message(
                &country(office),
                Kind::ControlResults,
                m,
                m.control_results_at(office, Utc::now()),
            ));
        }
        sent.done = self.has(MessageType::WriteOffNotification, m, &c.departure);
        sent.done
    }
}
