//! The latest link report of each country's adapter (`link_status`, migration 0014).

use chrono::{DateTime, Utc};

use super::ApiStore;
use crate::StoreError;

/// One country's latest link report as kept.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct LinkStatusRow {
    /// The country.
    pub country: String,
    /// When the hub received it.
    pub received_at: DateTime<Utc>,
    /// The report (`schemas/events/v1/link-status.schema.json`).
    pub report: serde_json::Value,
}

impl ApiStore {
    /// Every country's latest link report, by country.
    pub async fn link_statuses(&self) -> Result<Vec<LinkStatusRow>, StoreError> {
        sqlx::query_as("SELECT country, received_at, report FROM link_status ORDER BY country")
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::db("reading the link reports"))
    }
}
