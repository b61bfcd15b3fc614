//! Each risk rule's figures as the tracker counts them (`risk_rule_figures`, migration 0019).

use super::ApiStore;
use crate::StoreError;

/// One rule's figures as kept.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct RuleFiguresRow {
    /// The rule.
    pub rule: String,
    /// Its owner (`region` or a country).
    pub owner: String,
    /// Movements it fired on.
    pub fired: i64,
    /// Of those, controlled at destination after it fired.
    pub controlled: i64,
    /// Of those, controls that found discrepancies.
    pub found: i64,
}

impl ApiStore {
    /// Every rule's figures, by owner and rule.
    pub async fn risk_figures(&self) -> Result<Vec<RuleFiguresRow>, StoreError> {
        sqlx::query_as(
            "SELECT rule, owner, fired, controlled, found FROM risk_rule_figures ORDER BY owner, rule",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the risk rules' figures"))
    }
}
