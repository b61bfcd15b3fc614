//! Rail: a national system's confirmation for a whole train (`transit_rail::TrainConfirmation`)
//! in each family's own form. What every family shares is here: the stage's national words,
//! and the check that turns the fields a family read into the standardized confirmation.

use chrono::{DateTime, Utc};
use transit_model::OfficeRef;
use transit_rail::{Stage, TrainConfirmation};

use crate::{national_message_id, ErrorClass, Mapping, TranslateError};

/// A national train confirmation, translated, with the national system's own reference.
#[derive(Clone, Debug, PartialEq)]
pub struct TranslatedTrain {
    /// The standardized confirmation (its id derives from the national reference).
    pub confirmation: TrainConfirmation,
    /// The national reference (what the acknowledgement quotes back).
    pub reference: String,
}

/// The fields a family read from a national train confirmation.
#[derive(Clone, Debug)]
pub struct TrainFields<'a> {
    /// The national system's reference of the message.
    pub reference: &'a str,
    /// The confirming office, already mapped.
    pub office: OfficeRef,
    /// The train's number.
    pub train: &'a str,
    /// The stage (its word read with [`stage`]).
    pub stage: Stage,
    /// When the train was there.
    pub at: DateTime<Utc>,
    /// Wagons found.
    pub present: Vec<String>,
    /// Wagons missing.
    pub missing: Vec<String>,
}

/// A family's words for the stages: departure, passage, arrival.
pub type StageWords = [&'static str; 3];

/// SYDAM's and GAINDE's words (French).
pub const FRENCH_STAGES: StageWords = ["DEPART", "PASSAGE", "ARRIVEE"];

/// ASYCUDA's words (English).
pub const ENGLISH_STAGES: StageWords = ["DEPARTURE", "PASSAGE", "ARRIVAL"];

const STAGES: [Stage; 3] = [Stage::Departure, Stage::Passage, Stage::Arrival];

/// The stage `word` names among `words`.
pub fn stage(
    word: &str,
    words: StageWords,
    place: impl std::fmt::Display,
) -> Result<Stage, TranslateError> {
    words
        .iter()
        .position(|w| *w == word.trim())
        .map(|i| STAGES[i])
        .ok_or_else(|| {
            TranslateError::new(
                ErrorClass::UnknownCode,
                place.to_string(),
                format!("{word:?} is not a train stage: {}", words.join(", ")),
            )
        })
}

/// The word among `words` for `stage`.
pub fn stage_word(stage: Stage, words: StageWords) -> &'static str {
    words[STAGES.iter().position(|s| *s == stage).unwrap_or(1)]
}

impl TrainFields<'_> {
    /// The standardized confirmation, checked (a train number of 1 to 35 characters, no wagon
    /// twice); its id derives from `mapping`'s country and the national reference.
    pub fn translate(self, mapping: &Mapping, at: &str) -> Result<TranslatedTrain, TranslateError> {
        let reference = self.reference.trim();
        if reference.is_empty() || reference.chars().count() > 70 {
            return Err(TranslateError::new(
                ErrorClass::InvalidValue,
                at,
                "the message's own reference is missing or longer than 70 characters: the hub tells one confirmation from another by it",
            ));
        }
        let confirmation = TrainConfirmation {
            confirmation_id: national_message_id(mapping.country(), reference),
            train: self.train.trim().to_owned(),
            office: self.office,
            stage: self.stage,
            at: self.at,
            wagons_present: self.present.iter().map(|w| w.trim().to_owned()).collect(),
            wagons_missing: self.missing.iter().map(|w| w.trim().to_owned()).collect(),
        };
        confirmation.check().map_err(|(pointer, reason)| {
            TranslateError::new(
                ErrorClass::InvalidValue,
                format!("{at} ({pointer})"),
                reason,
            )
        })?;
        Ok(TranslatedTrain {
            confirmation,
            reference: reference.to_owned(),
        })
    }
}
