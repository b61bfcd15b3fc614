//! One exercise, as an administration writes it (`training/exercises/*.toml`): the corridor,
//! the roles trainees take (each at an office of the corridor), what the training ground plays
//! minute by minute for the parties no trainee plays, the actions expected of the trainees
//! (with a deadline) and the mistakes to flag — every text in English and French.

use std::collections::BTreeMap;

use serde::Deserialize;
use transit_model::reference::ReferenceData;
use transit_model::{Bilingual, OfficeRef};

use crate::TrainingError;

/// What a trainee does, or what the ground plays: the message it becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Act {
    /// Release for transit (IE029), from the departure.
    Release,
    /// Passage at a border office (IE118).
    Passage,
    /// An incident (IE180), with its code.
    Incident,
    /// Arrival at destination (IE006).
    Arrival,
    /// Control results at destination (IE018), seals intact or not.
    Control,
    /// The goods presented at an undeclared office, which asks for the record (IE002/IE114).
    Diversion,
}

impl Act {
    /// Its name as exercise files write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Release => "release",
            Self::Passage => "passage",
            Self::Incident => "incident",
            Self::Arrival => "arrival",
            Self::Control => "control",
            Self::Diversion => "diversion",
        }
    }
}

/// A step of the script: what the ground plays for a party no trainee plays, or only what the
/// trainer tells the class.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Minutes after the exercise starts.
    pub minute: u32,
    /// What is played (none: a cue only).
    #[serde(default)]
    pub play: Option<Act>,
    /// Where: a place ([`Exercise::office_at`]: `departure`, `border`, `destination`, or an
    /// office code).
    #[serde(default)]
    pub at: Option<String>,
    /// For an incident: its code (1 route deviation, 2 seals broken, 3 transhipment,
    /// 4 unloading, 5 accident).
    #[serde(default)]
    pub code: Option<u8>,
    /// What the trainer says to the class at this minute (the situation they face).
    #[serde(default)]
    pub cue: Option<Bilingual>,
}

/// An action expected of a trainee.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// The role (a key of `roles`).
    pub role: String,
    /// What they should do.
    pub does: Act,
    /// For an incident: its code.
    #[serde(default)]
    pub code: Option<u8>,
    /// For a control: whether the seals should be reported intact.
    #[serde(default)]
    pub seals_intact: Option<bool>,
    /// By when, in minutes after the exercise starts.
    pub within_minutes: u32,
    /// Why, as the report explains it.
    pub why: Bilingual,
}

/// A mistake to flag if a trainee makes it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Avoid {
    /// The role.
    pub role: String,
    /// The action that is a mistake here.
    pub does: Act,
    /// Why it is one.
    pub why: Bilingual,
}

/// An exercise.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// A stable id (the file's name without `.toml`).
    pub id: String,
    /// Its title.
    pub title: Bilingual,
    /// What the class is told before it starts.
    pub briefing: Bilingual,
    /// The corridor it is played on (an id of the reference data's corridors).
    pub corridor: String,
    /// The roles trainees take, each at a place ([`Exercise::office_at`]).
    pub roles: BTreeMap<String, String>,
    /// What the ground plays, in minute order.
    #[serde(default)]
    pub script: Vec<Step>,
    /// What the trainees are expected to do.
    pub expect: Vec<Expected>,
    /// Mistakes to flag.
    #[serde(default)]
    pub avoid: Vec<Avoid>,
}

impl Exercise {
    /// Reads an exercise file and checks it against the reference data: the corridor exists,
    /// every expectation and mistake names a declared role, an incident names its code, steps
    /// are in minute order and name offices that exist.
    pub fn from_toml(
        name: &str,
        text: &str,
        reference: &ReferenceData,
    ) -> Result<Self, TrainingError> {
        let exercise: Self =
            toml::from_str(text).map_err(|e| TrainingError::new(name, e.message().to_owned()))?;
        exercise.check(name, reference)?;
        Ok(exercise)
    }

    fn check(&self, name: &str, reference: &ReferenceData) -> Result<(), TrainingError> {
        let fail = |why: String| Err(TrainingError::new(name, why));
        if reference.corridor(&self.corridor).is_none() {
            let known: Vec<&str> = reference
                .corridors()
                .iter()
                .map(|c| c.id.as_str())
                .collect();
            return fail(format!(
                "corridor {:?} is not in the reference data (known: {})",
                self.corridor,
                known.join(", ")
            ));
        }
        if self.expect.is_empty() {
            return fail("an exercise expects at least one action of a trainee".into());
        }
        for role in self
            .expect
            .iter()
            .map(|e| &e.role)
            .chain(self.avoid.iter().map(|a| &a.role))
        {
            if !self.roles.contains_key(role) {
                return fail(format!(
                    "role {role:?} is not declared in [roles] ({})",
                    self.roles.keys().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
        }
        for expected in &self.expect {
            if expected.does == Act::Incident && expected.code.is_none() {
                return fail(format!(
                    "the incident expected of {} needs its code (2: seals broken…)",
                    expected.role
                ));
            }
        }
        for pair in self.script.windows(2) {
            if pair[1].minute < pair[0].minute {
                return fail(format!(
                    "script steps go in minute order: minute {} comes after minute {}",
                    pair[1].minute, pair[0].minute
                ));
            }
        }
        let unknown = |what: String, at: &str| {
            fail(format!(
                "{what}: {at:?} is neither a place of the corridor (departure, border, destination) nor an office of the reference data"
            ))
        };
        for (role, at) in &self.roles {
            if self.office_at(at, reference).is_none() {
                return unknown(format!("role {role}"), at);
            }
        }
        for step in &self.script {
            let Some(at) = &step.at else { continue };
            let Some(office) = self.office_at(at, reference) else {
                return unknown(format!("step at minute {}", step.minute), at);
            };
            if let (Some(play), Some((role, _))) = (
                step.play,
                self.roles
                    .iter()
                    .find(|(_, place)| self.office_at(place, reference).as_ref() == Some(&office)),
            ) {
                return fail(format!(
                    "step at minute {} plays {} at {office}, where trainee role {role} works: the ground plays only for offices no trainee holds (make it a cue, or an expected action)",
                    step.minute,
                    play.as_str()
                ));
            }
        }
        for step in &self.script {
            if step.play == Some(Act::Incident) && step.code.is_none() {
                return fail(format!(
                    "the incident played at minute {} needs its code",
                    step.minute
                ));
            }
        }
        Ok(())
    }

    /// The office at `place` on the exercise's corridor: `departure` (its first office),
    /// `border` (its first office in another country than the departure's), `destination`
    /// (its last office), or an office code of the reference data.
    pub fn office_at(&self, place: &str, reference: &ReferenceData) -> Option<OfficeRef> {
        let corridor = reference.corridor(&self.corridor)?;
        let departure = corridor.offices.first()?;
        match place {
            "departure" => Some(departure.clone()),
            "destination" => corridor.offices.last().cloned(),
            "border" => corridor
                .offices
                .iter()
                .find(|o| o.country() != departure.country())
                .cloned(),
            code => OfficeRef::parse(code)
                .ok()
                .filter(|o| reference.office(o).is_some()),
        }
    }

    /// The role a trainee at `office` holds, if any.
    pub fn role_at(&self, office: &OfficeRef, reference: &ReferenceData) -> Option<&str> {
        self.roles
            .iter()
            .find(|(_, place)| self.office_at(place, reference).as_ref() == Some(office))
            .map(|(role, _)| role.as_str())
    }

    /// How long it lasts: its last step or deadline, in minutes.
    pub fn minutes(&self) -> u32 {
        let steps = self.script.iter().map(|s| s.minute);
        let deadlines = self.expect.iter().map(|e| e.within_minutes);
        steps.chain(deadlines).max().unwrap_or(0)
    }
}
