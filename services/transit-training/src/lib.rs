//! # transit-training — the training ground's exercises and the trainer's report
//!
//! An administration trains its border officers and forwarders on a corridor of their own,
//! isolated from live data. What they practise is written as files an administration can edit
//! (`training/exercises/*.toml`, English and French):
//!
//! - [`exercise::Exercise`]: the corridor, the roles trainees take (each at a post of the
//!   corridor or an office), what the ground plays minute by minute for the parties no trainee plays, the
//!   actions expected of each role (with a deadline) and the mistakes to flag. Read with
//!   [`exercise::Exercise::from_toml`], which checks it against the reference data.
//! - [`report::report`]: what each trainee did, against what was expected — done on time,
//!   late, wrongly or not at all, and every other action as a mistake.
//!
//! Pure: no I/O (the callers read the files and the training ground's records); times are
//! passed in.

pub mod exercise;
pub mod report;

pub use exercise::{Act, Exercise};
pub use report::{performed_from, report, Line, Outcome, Performed, Report};
pub use transit_model::Bilingual;

/// An exercise that cannot be used: which file, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("exercise {file}: {reason}")]
pub struct TrainingError {
    /// The exercise file (or its name).
    pub file: String,
    /// What is wrong, and what to do.
    pub reason: String,
}

impl TrainingError {
    pub(crate) fn new(file: &str, reason: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            reason: reason.into(),
        }
    }
}
