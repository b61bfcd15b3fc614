//! The one error of this crate: a rule set that cannot be used. Always permanent: the import
//! is refused with what, where and what to do, and the rules in force stay.

/// A rule set refused: where (`rule seals-broken`, `lanes`), what is wrong, what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskError {
    /// Where in the set.
    pub at: String,
    /// What is wrong.
    pub problem: String,
    /// What to do.
    pub fix: String,
}

impl RiskError {
    pub(crate) fn new(at: &str, problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            at: at.to_owned(),
            problem: problem.into(),
            fix: fix.into(),
        }
    }
}

impl std::fmt::Display for RiskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} ({})", self.at, self.problem, self.fix)
    }
}

impl std::error::Error for RiskError {}
