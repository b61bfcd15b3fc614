//! The tracker's guarantee-check statements: the guarantees in use on other movements, each
//! reference locked while a check of it is answered, and each check kept once with its answer.

use chrono::{DateTime, Utc};
use transit_lifecycle::GuaranteeInUse;
use transit_model::guarantee_check::{GuaranteeCheck, GuaranteeCheckResult};
use transit_model::Mrn;

use super::{TrackerTx, OPEN_STATES};
use crate::StoreError;

impl TrackerTx {
    /// Whether check `check_id` was answered already (a redelivered record was).
    pub async fn guarantee_check_answered(
        &mut self,
        check_id: uuid::Uuid,
    ) -> Result<bool, StoreError> {
        sqlx::query_scalar::<_, bool>(
            "SELECT EXISTS (SELECT 1 FROM guarantee_checks WHERE check_id = $1)",
        )
        .bind(check_id)
        .fetch_one(&mut *self.tx)
        .await
        .map_err(StoreError::db(
            "reading whether a guarantee check was answered",
        ))
    }

    /// Locks guarantee references `grns` until the transaction ends, in one order, so two
    /// trackers answering checks of one reference take turns (and never wait crosswise).
    pub async fn lock_guarantees(&mut self, grns: &[&str]) -> Result<(), StoreError> {
        let mut keys: Vec<String> = grns.iter().map(|g| format!("guarantee/{g}")).collect();
        keys.sort_unstable();
        keys.dedup();
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k ORDER BY k")
            .bind(&keys)
            .execute(&mut *self.tx)
            .await
            .map_err(StoreError::db("locking guarantee references"))?;
        Ok(())
    }

    /// The references of `grns` engaged by movements other than `mrn`: named by a movement
    /// still open, or registered by a use for a movement still open — or not on the hub yet,
    /// when the use was registered after `unreleased_since`.
    pub async fn guarantees_in_use(
        &mut self,
        grns: &[&str],
        mrn: &Mrn,
        unreleased_since: DateTime<Utc>,
    ) -> Result<Vec<GuaranteeInUse>, StoreError> {
        let open: Vec<&str> = OPEN_STATES.iter().map(|s| s.as_str()).collect();
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT guarantee_reference, mrn FROM movements
             WHERE guarantee_reference = ANY($1) AND mrn <> $2 AND state = ANY($3)
             UNION
             SELECT g, c.mrn FROM guarantee_checks c, unnest(c.grns) AS g
             WHERE c.use_registered AND c.grns && $1 AND g = ANY($1) AND c.mrn <> $2
               AND CASE WHEN EXISTS (SELECT 1 FROM movements m WHERE m.mrn = c.mrn)
                        THEN EXISTS (SELECT 1 FROM movements m
                                     WHERE m.mrn = c.mrn AND m.state = ANY($3))
                        ELSE c.answered_at > $4 END",
        )
        .bind(grns)
        .bind(mrn.as_str())
        .bind(&open)
        .bind(unreleased_since)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(StoreError::db("reading the guarantees in use"))?;
        Ok(rows
            .into_iter()
            .filter_map(|(grn, mrn)| {
                Some(GuaranteeInUse {
                    grn,
                    mrn: Mrn::parse(&mrn).ok()?,
                })
            })
            .collect())
    }

    /// Keeps `check` with its answer.
    pub async fn keep_guarantee_check(
        &mut self,
        check: &GuaranteeCheck,
        result: &GuaranteeCheckResult,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let grns: Vec<&str> = check.guarantees.iter().map(|g| g.grn.as_str()).collect();
        sqlx::query(
            "INSERT INTO guarantee_checks (check_id, kind, mrn, office, grns, use_registered,
                                           asked_at, answered_at, check_body, result)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (check_id) DO NOTHING",
        )
        .bind(check.check_id.as_uuid())
        .bind(check.kind.as_str())
        .bind(check.mrn.as_str())
        .bind(check.office_of_departure.as_str())
        .bind(&grns)
        .bind(result.use_registered)
        .bind(check.asked_at)
        .bind(now)
        .bind(serde_json::to_value(check).unwrap_or_default())
        .bind(serde_json::to_value(result).unwrap_or_default())
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::db("keeping a guarantee check"))?;
        Ok(())
    }
}
