//! The trainer's report: what each trainee did during an exercise, against what the exercise
//! expected of their role. Each expected action is done (on time, or late, with the minutes),
//! done wrongly (an incident with another code, seals reported otherwise), or missing; every
//! other action is a mistake — with the exercise's explanation when it names that one.

use chrono::{DateTime, Utc};

use crate::exercise::{Act, Exercise, Expected};

/// One action a trainee took, as the training ground recorded it (the message it became).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Performed {
    /// The trainee's role in the exercise.
    pub role: String,
    /// What they did.
    pub does: Act,
    /// For an incident: its code.
    pub code: Option<u8>,
    /// For a control: whether they reported the seals intact.
    pub seals_intact: Option<bool>,
    /// When.
    pub at: DateTime<Utc>,
}

/// How an expected action went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Done by its deadline, this many minutes after the start.
    OnTime(i64),
    /// Done after its deadline, this many minutes after the start.
    Late(i64),
    /// Done, but not as expected: what was done instead (incident code, seals).
    Wrong(String),
    /// Not done, and its deadline has passed.
    Missing,
    /// Not done yet, with time left: due by this minute (a report read during the exercise).
    Waiting(i64),
}

/// One line of the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// An expected action and how it went.
    Expected {
        /// The role.
        role: String,
        /// The action.
        does: Act,
        /// Why it was expected (in the report's language).
        why: String,
        /// How it went.
        outcome: Outcome,
    },
    /// An action nobody expected: a mistake.
    Mistake {
        /// The role.
        role: String,
        /// What was done.
        does: Act,
        /// Minutes after the start.
        minute: i64,
        /// Why it is a mistake (the exercise's explanation, or a general one).
        why: String,
    },
}

/// The report of one exercise for one class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The exercise.
    pub exercise: String,
    /// Its lines: the expected actions in the exercise's order, then the mistakes in time order.
    pub lines: Vec<Line>,
}

impl Report {
    /// How many expected actions were done on time, out of how many.
    pub fn score(&self) -> (usize, usize) {
        let expected = self
            .lines
            .iter()
            .filter(|l| matches!(l, Line::Expected { .. }))
            .count();
        let on_time = self
            .lines
            .iter()
            .filter(|l| {
                matches!(
                    l,
                    Line::Expected {
                        outcome: Outcome::OnTime(_),
                        ..
                    }
                )
            })
            .count();
        (on_time, expected)
    }

    /// The report as text, for the trainer's screen or a file.
    pub fn to_text(&self, language: &str) -> String {
        let fr = language == "fr";
        let (on_time, expected) = self.score();
        let mut out = format!(
            "{}: {on_time}/{expected} {}\n",
            self.exercise,
            if fr { "à temps" } else { "on time" }
        );
        for line in &self.lines {
            out.push_str(&match line {
                Line::Expected {
                    role,
                    does,
                    why,
                    outcome,
                } => {
                    let how = match (outcome, fr) {
                        (Outcome::OnTime(m), false) => format!("done at minute {m}"),
                        (Outcome::OnTime(m), true) => format!("fait à la minute {m}"),
                        (Outcome::Late(m), false) => format!("LATE, at minute {m}"),
                        (Outcome::Late(m), true) => format!("EN RETARD, à la minute {m}"),
                        (Outcome::Wrong(what), false) => format!("WRONG: {what}"),
                        (Outcome::Wrong(what), true) => format!("ERRONÉ : {what}"),
                        (Outcome::Missing, false) => "MISSING".to_owned(),
                        (Outcome::Missing, true) => "NON FAIT".to_owned(),
                        (Outcome::Waiting(m), false) => format!("waiting (due by minute {m})"),
                        (Outcome::Waiting(m), true) => {
                            format!("en attente (attendu avant la minute {m})")
                        }
                    };
                    format!("  {role:<22} {:<10} {how} — {why}\n", does.as_str())
                }
                Line::Mistake {
                    role,
                    does,
                    minute,
                    why,
                } => format!(
                    "  {role:<22} {:<10} {} {minute}: {why}\n",
                    does.as_str(),
                    if fr {
                        "ERREUR à la minute"
                    } else {
                        "MISTAKE at minute"
                    }
                ),
            });
        }
        out
    }
}

/// Whether `performed` is the action `expected` describes, detail included.
fn detail_of(expected: &Expected, performed: &Performed) -> Result<(), String> {
    if let (Some(want), Some(got)) = (expected.code, performed.code) {
        if want != got {
            return Err(format!("incident code {got}, expected {want}"));
        }
    }
    if let Some(want) = expected.seals_intact {
        if performed.seals_intact != Some(want) {
            return Err(format!(
                "seals reported {}, expected {}",
                if performed.seals_intact == Some(true) {
                    "intact"
                } else {
                    "not intact"
                },
                if want { "intact" } else { "not intact" }
            ));
        }
    }
    Ok(())
}

/// The report of `exercise`, started at `started` and played with minutes of `minute` (a
/// minute, or shorter when a class plays in accelerated time), from what the trainees
/// `performed`, as of `now`: an action not done yet is missing once its deadline has passed,
/// waiting before.
pub fn report(
    exercise: &Exercise,
    started: DateTime<Utc>,
    minute: chrono::Duration,
    performed: &[Performed],
    language: &str,
    now: DateTime<Utc>,
) -> Report {
    let unit = minute.num_milliseconds().max(1);
    let minute = |at: DateTime<Utc>| (at - started).num_milliseconds().div_euclid(unit);
    let mut used = vec![false; performed.len()];
    let mut lines = Vec::new();
    for expected in &exercise.expect {
        let candidates: Vec<usize> = (0..performed.len())
            .filter(|&i| {
                !used[i] && performed[i].role == expected.role && performed[i].does == expected.does
            })
            .collect();
        // The first one as expected; else the first one at all (done wrongly).
        let right = candidates
            .iter()
            .copied()
            .find(|&i| detail_of(expected, &performed[i]).is_ok());
        let outcome = match (right, candidates.first()) {
            (Some(i), _) => {
                used[i] = true;
                let m = minute(performed[i].at);
                if m <= i64::from(expected.within_minutes) {
                    Outcome::OnTime(m)
                } else {
                    Outcome::Late(m)
                }
            }
            (None, Some(&i)) => {
                used[i] = true;
                Outcome::Wrong(detail_of(expected, &performed[i]).err().unwrap_or_default())
            }
            (None, None) if minute(now) <= i64::from(expected.within_minutes) => {
                Outcome::Waiting(i64::from(expected.within_minutes))
            }
            (None, None) => Outcome::Missing,
        };
        lines.push(Line::Expected {
            role: expected.role.clone(),
            does: expected.does,
            why: expected.why.in_language(language).to_owned(),
            outcome,
        });
    }
    let mut mistakes: Vec<&Performed> = performed
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(p, _)| p)
        .collect();
    mistakes.sort_by_key(|p| p.at);
    for p in mistakes {
        let why = exercise
            .avoid
            .iter()
            .find(|a| a.role == p.role && a.does == p.does)
            .map(|a| a.why.in_language(language).to_owned())
            .unwrap_or_else(|| {
                if language == "fr" {
                    "action non attendue dans cet exercice".to_owned()
                } else {
                    "not expected in this exercise".to_owned()
                }
            });
        lines.push(Line::Mistake {
            role: p.role.clone(),
            does: p.does,
            minute: minute(p.at),
            why,
        });
    }
    Report {
        exercise: exercise.title.in_language(language).to_owned(),
        lines,
    }
}

/// The trainees' actions among a movement's accepted messages, each with when the hub received
/// it (when the trainee acted — a late passage carries an earlier event time): the messages
/// sent from an office a trainee role holds, as that role's acts. What the ground played, from
/// offices no trainee holds, is left out.
pub fn performed_from(
    exercise: &Exercise,
    reference: &transit_model::reference::ReferenceData,
    messages: &[(transit_model::StandardMessage, DateTime<Utc>)],
) -> Vec<Performed> {
    use transit_model::Body;
    messages
        .iter()
        .filter_map(|(message, received)| {
            let office = message.header().sender.office()?;
            let role = exercise.role_at(office, reference)?;
            let (does, code, seals_intact) = match message.body() {
                Body::ReleaseForTransit(_) => (Act::Release, None, None),
                Body::NotificationCrossingFrontier(_) => (Act::Passage, None, None),
                Body::IncidentNotification(i) => {
                    (Act::Incident, Some(u8::from(i.incident_code)), None)
                }
                Body::ArrivalAdvice(_) => (Act::Arrival, None, None),
                Body::DestinationControlResults(c) => (Act::Control, None, Some(c.seals_intact)),
                Body::ArrivalRecordRequest(_) | Body::TransitRecordRequest(_) => {
                    (Act::Diversion, None, None)
                }
                _ => return None,
            };
            Some(Performed {
                role: role.to_owned(),
                does,
                code,
                seals_intact,
                at: *received,
            })
        })
        .collect()
}
