//! Trains as the API reads them (migration 0023): the declarations on the road that name a
//! train, the wagons set aside, the train's confirmations.

use chrono::{DateTime, Utc};
use transit_lifecycle::Movement;
use uuid::Uuid;

use super::{db, ApiStore};
use crate::trains::{en_route, SET_ASIDE, TRAIN_MOVEMENTS};
use crate::StoreError;

/// One train confirmation as kept.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct TrainConfirmationRow {
    /// Its id.
    pub id: Uuid,
    /// The office.
    pub office: String,
    /// `departure`, `passage` or `arrival`.
    pub stage: String,
    /// When the train was there.
    pub at: DateTime<Utc>,
    /// When the hub took it.
    pub received_at: DateTime<Utc>,
    /// `pending`, `applied` or `refused`.
    pub outcome: String,
    /// Why it was refused.
    pub reason: Option<String>,
    /// The declarations that passed or arrived (MRNs).
    pub passed: serde_json::Value,
    /// The declarations with an incident (MRNs).
    pub incidents: serde_json::Value,
}

impl ApiStore {
    /// The movements on the road whose border transport means is `train`, and the (MRN,
    /// wagon) pairs set aside on it.
    pub async fn train_movements(
        &self,
        train: &str,
    ) -> Result<(Vec<Movement>, Vec<(String, String)>), StoreError> {
        let states = en_route();
        let movements: Vec<sqlx::types::Json<Movement>> = sqlx::query_scalar(TRAIN_MOVEMENTS)
            .bind(train)
            .bind(&states)
            .fetch_all(&self.pool)
            .await
            .map_err(db("reading the movements on a train"))?;
        let aside = sqlx::query_as(SET_ASIDE)
            .bind(train)
            .fetch_all(&self.pool)
            .await
            .map_err(db("reading the wagons set aside"))?;
        Ok((movements.into_iter().map(|m| m.0).collect(), aside))
    }

    /// Train `train`'s latest confirmations, newest first, at most `limit`.
    pub async fn train_confirmations(
        &self,
        train: &str,
        limit: i64,
    ) -> Result<Vec<TrainConfirmationRow>, StoreError> {
        sqlx::query_as(
            "SELECT id, office, stage, at, received_at, outcome, reason, passed, incidents
             FROM rail_confirmations WHERE train = $1 ORDER BY received_at DESC LIMIT $2",
        )
        .bind(train)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db("reading a train's confirmations"))
    }

    /// The confirmation `id` and its train, if the tracker has taken it.
    pub async fn train_confirmation(
        &self,
        id: Uuid,
    ) -> Result<Option<(String, TrainConfirmationRow)>, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT train FROM rail_confirmations WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(db("reading a train confirmation"))?;
        let Some((train,)) = row else {
            return Ok(None);
        };
        let found: Option<TrainConfirmationRow> = sqlx::query_as(
            "SELECT id, office, stage, at, received_at, outcome, reason, passed, incidents
             FROM rail_confirmations WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db("reading a train confirmation"))?;
        Ok(found.map(|row| (train, row)))
    }
}
