//! The tracker's rail statements: each train confirmation claimed once and settled with what
//! it came to, the train locked while one is handled, the declarations on a train, the wagons
//! set aside.

use chrono::{DateTime, Utc};
use transit_lifecycle::Movement;
use uuid::Uuid;

use super::TrackerTx;
use crate::trains::{en_route, SET_ASIDE, TRAIN_MOVEMENTS};
use crate::StoreError;

/// A train confirmation to claim.
#[derive(Debug, Clone)]
pub struct NewTrainConfirmation<'a> {
    /// Its id.
    pub id: Uuid,
    /// The train's number.
    pub train: &'a str,
    /// The office confirming.
    pub office: &'a str,
    /// `departure`, `passage` or `arrival`.
    pub stage: &'a str,
    /// When the train was there.
    pub at: DateTime<Utc>,
    /// The confirmation as sent.
    pub confirmation: serde_json::Value,
}

/// What a confirmation came to.
#[derive(Debug, Clone)]
pub enum TrainOutcome<'a> {
    /// Expanded: the declarations that passed (or arrived) and those with an incident.
    Applied {
        /// MRNs.
        passed: &'a [String],
        /// MRNs.
        incidents: &'a [String],
    },
    /// Refused whole, with the reason.
    Refused(&'a str),
}

impl TrackerTx {
    /// Stores a confirmation (outcome `pending` until settled) unless it is stored already:
    /// whether it was new. A redelivered record is not.
    pub async fn claim_train_confirmation(
        &mut self,
        c: &NewTrainConfirmation<'_>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let stored = sqlx::query(
            "INSERT INTO rail_confirmations (id, train, office, stage, at, received_at, outcome, confirmation)
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(c.id)
        .bind(c.train)
        .bind(c.office)
        .bind(c.stage)
        .bind(c.at)
        .bind(now)
        .bind(&c.confirmation)
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("claiming a train confirmation"))?;
        Ok(stored.rows_affected() == 1)
    }

    /// Locks train `train` until the transaction ends (the row is made first).
    pub async fn lock_train(&mut self, train: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO rail_trains (train, updated_at) VALUES ($1, $2)
             ON CONFLICT (train) DO UPDATE SET updated_at = $2",
        )
        .bind(train)
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("locking a train"))?;
        Ok(())
    }

    /// The movements on the road whose border transport means is `train` (the caller keeps
    /// those by rail), and the (MRN, wagon) pairs set aside on it.
    pub async fn train_movements(
        &mut self,
        train: &str,
    ) -> Result<(Vec<Movement>, Vec<(String, String)>), StoreError> {
        let states = en_route();
        let movements: Vec<sqlx::types::Json<Movement>> = sqlx::query_scalar(TRAIN_MOVEMENTS)
            .bind(train)
            .bind(&states)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(StoreError::db("reading the movements on a train"))?;
        let aside: Vec<(String, String)> = sqlx::query_as(SET_ASIDE)
            .bind(train)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(StoreError::db("reading the wagons set aside"))?;
        Ok((movements.into_iter().map(|m| m.0).collect(), aside))
    }

    /// Keeps the wagons `confirmation` set aside: (MRN, wagon) pairs.
    pub async fn set_wagons_aside(
        &mut self,
        confirmation: &NewTrainConfirmation<'_>,
        pairs: &[(String, String)],
    ) -> Result<(), StoreError> {
        if pairs.is_empty() {
            return Ok(());
        }
        let (mrns, wagons): (Vec<&str>, Vec<&str>) =
            pairs.iter().map(|(m, w)| (m.as_str(), w.as_str())).unzip();
        sqlx::query(
            "INSERT INTO rail_set_aside (mrn, wagon, train, office, at, confirmation_id)
             SELECT m, w, $3, $4, $5, $6 FROM unnest($1::text[], $2::text[]) AS t(m, w)
             ON CONFLICT (mrn, wagon) DO NOTHING",
        )
        .bind(&mrns)
        .bind(&wagons)
        .bind(confirmation.train)
        .bind(confirmation.office)
        .bind(confirmation.at)
        .bind(confirmation.id)
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("setting wagons aside"))?;
        Ok(())
    }

    /// Records what confirmation `id` came to.
    pub async fn settle_train_confirmation(
        &mut self,
        id: Uuid,
        outcome: TrainOutcome<'_>,
    ) -> Result<(), StoreError> {
        let (name, reason, passed, incidents) = match outcome {
            TrainOutcome::Applied { passed, incidents } => ("applied", None, passed, incidents),
            TrainOutcome::Refused(reason) => ("refused", Some(reason), &[][..], &[][..]),
        };
        sqlx::query(
            "UPDATE rail_confirmations SET outcome = $2, reason = $3, passed = $4, incidents = $5
             WHERE id = $1",
        )
        .bind(id)
        .bind(name)
        .bind(reason)
        .bind(serde_json::json!(passed))
        .bind(serde_json::json!(incidents))
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("settling a train confirmation"))?;
        Ok(())
    }
}
