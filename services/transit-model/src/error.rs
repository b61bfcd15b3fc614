//! The one error type of the model: a value that does not satisfy its rule.

/// A value refused by a `parse` or a constructor. Always permanent: the same input is refused
/// again, so a caller rejects it rather than retrying.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} {value:?}: {reason}")]
pub struct ModelError {
    /// Which kind of value was refused ("MRN", "office reference", …).
    pub what: &'static str,
    /// The refused input, as given (truncated to 64 characters).
    pub value: String,
    /// Why, in one sentence a customs IT person can act on.
    pub reason: String,
}

impl ModelError {
    /// A refusal of `value` as a `what`, for `reason` (kept to its first 64 characters).
    pub fn new(what: &'static str, value: &str, reason: impl Into<String>) -> Self {
        Self {
            what,
            value: value.chars().take(64).collect(),
            reason: reason.into(),
        }
    }
}
