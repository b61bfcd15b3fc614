//! What an officer (through the API) or a national system (through its adapter) sends for a
//! whole train: an event record on the office's country's `to-hub` topic
//! (`sigmat-event-type: train-confirmation`), keyed by the train's number;
//! `schemas/rail/v1/train-confirmation.schema.json` is its published form.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use transit_model::{MessageId, OfficeRef};

/// The value of the `sigmat-event-type` header on a train confirmation.
pub const TRAIN_CONFIRMATION_EVENT: &str = "train-confirmation";

/// Where on its journey a train is confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// At the station of departure, before the train leaves: the wagons missing are set aside
    /// (their declarations wait for another train); nothing is sent.
    Departure,
    /// At a rail border station: each declaration with a wagon found has crossed (IE118).
    Passage,
    /// At a destination station: each declaration bound there with a wagon found has arrived
    /// (IE006); control results follow per declaration.
    Arrival,
}

impl Stage {
    /// Its name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Departure => "departure",
            Self::Passage => "passage",
            Self::Arrival => "arrival",
        }
    }
}

/// One confirmation for a whole train at one office.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrainConfirmation {
    /// Unique per confirmation; the messages it generates derive their ids from it.
    pub confirmation_id: MessageId,
    /// The train's number (the declarations' border transport means).
    pub train: String,
    /// The office confirming: a rail border station or a destination station.
    pub office: OfficeRef,
    /// Departure, passage or arrival.
    pub stage: Stage,
    /// When the train was there.
    pub at: DateTime<Utc>,
    /// The wagons found (their numbers).
    pub wagons_present: Vec<String>,
    /// The wagons of the consist not found: left behind, or set aside at departure.
    pub wagons_missing: Vec<String>,
}

/// The most wagons a confirmation may list: far above the longest train (about 60 wagons on
/// the Abidjan–Ouagadougou line), far below what would strain the hub.
pub const MAX_WAGONS: usize = 200;

impl TrainConfirmation {
    /// Reads one from its JSON, checked: a train number and wagon numbers of 1 to 35
    /// characters without surrounding spaces, at most [`MAX_WAGONS`] wagons in all, none listed
    /// twice.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let confirmation: Self = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        confirmation
            .check()
            .map_err(|(pointer, reason)| format!("{pointer}: {reason}"))?;
        Ok(confirmation)
    }

    /// Checks what the types do not (see [`TrainConfirmation::parse`]): where (a JSON
    /// pointer) and why.
    pub fn check(&self) -> Result<(), (String, String)> {
        if !is_number(&self.train) {
            return Err((
                "/train".into(),
                format!(
                    "train {:?}: a train number has 1 to 35 characters, without surrounding spaces",
                    self.train
                ),
            ));
        }
        let all: Vec<(String, &String)> = [
            ("wagonsPresent", &self.wagons_present),
            ("wagonsMissing", &self.wagons_missing),
        ]
        .iter()
        .flat_map(|(list, wagons)| {
            wagons
                .iter()
                .enumerate()
                .map(move |(i, w)| (format!("/{list}/{i}"), w))
        })
        .collect();
        if all.len() > MAX_WAGONS {
            return Err((
                "/wagonsPresent".into(),
                format!("{} wagons listed; at most {MAX_WAGONS}", all.len()),
            ));
        }
        for (i, (pointer, wagon)) in all.iter().enumerate() {
            if !is_number(wagon) {
                return Err((
                    pointer.clone(),
                    format!("wagon {wagon:?}: a wagon number has 1 to 35 characters, without surrounding spaces"),
                ));
            }
            if all[..i].iter().any(|(_, w)| w == wagon) {
                return Err((pointer.clone(), format!("wagon {wagon} is listed twice")));
            }
        }
        Ok(())
    }
}

/// Whether `value` is a train or wagon number: 1 to 35 characters, no surrounding spaces.
fn is_number(value: &str) -> bool {
    !value.is_empty() && value.chars().count() <= 35 && value.trim() == value
}
