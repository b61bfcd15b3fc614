//! The training ground's erasures: a class reset takes its movements out of the training
//! hub's schema and its adapters' schemas, and its practice accounts out of the training hub.
//!
//! Only ever run on a training ground's schemas, and only for the movements a class played
//! (the caller names them): nothing is chosen by a pattern that could match live data.
//!
//! Which tables a movement has rows in is read from the catalogue, not listed here, so a
//! table a later migration adds is erased too: every table of the schema with an `mrn`
//! column, plus the tracker's inbox (by the movement's messages) and outbox (by record key,
//! the MRN). Tables a trigger guards against DELETE (the audit log and the disclosure register,
//! append-only) are left as they are; they name practice movements and trainees only.

use sqlx::PgPool;

use crate::StoreError;

/// What an erasure removed, table by table (only the tables it removed rows from).
pub type Erased = Vec<(String, u64)>;

/// A training ground's schema: the training hub's, or one of its adapters'.
#[derive(Clone, Debug)]
pub struct TrainingStore {
    pool: PgPool,
}

impl TrainingStore {
    /// A pool opened on the schema (with [`crate::Component::Tracker`] or
    /// [`crate::Component::Adapter`]).
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Removes every row of `mrns` from the schema, in one transaction.
    pub async fn erase_movements(&self, mrns: &[String]) -> Result<Erased, StoreError> {
        let mut erased = Erased::new();
        if mrns.is_empty() {
            return Ok(erased);
        }
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::db("starting a class reset"))?;
        let tables: Vec<(String, bool)> = sqlx::query_as(
            // Every table of the schema with an mrn column (a partitioned one once, not each
            // partition), but those a trigger guards against DELETE; those another table
            // references (the movements) last. 8 is a trigger's DELETE bit (pg_trigger.tgtype).
            "SELECT c.relname::text,
                    EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = c.oid)
             FROM pg_class c
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'mrn' AND NOT a.attisdropped
             WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
               AND NOT c.relispartition
               AND NOT EXISTS (
                   SELECT 1 FROM pg_trigger t
                   WHERE t.tgrelid = c.oid AND (t.tgtype & 8) <> 0)
             ORDER BY 2, 1",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::db("listing the tables a movement has rows in"))?;
        let has = |name: &str| tables.iter().any(|(t, _)| t == name);
        if has("movement_events") {
            let inbox = sqlx::query(
                "DELETE FROM inbox i USING movement_events e
                 WHERE e.mrn = ANY($1) AND i.message_id = e.message_id",
            )
            .bind(mrns)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db("erasing a class's inbox entries"))?;
            erased.push(("inbox".into(), inbox.rows_affected()));
            let outbox = sqlx::query("DELETE FROM outbox WHERE record_key = ANY($1)")
                .bind(mrns)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::db("erasing a class's outbox records"))?;
            erased.push(("outbox".into(), outbox.rows_affected()));
        }
        for (table, _) in &tables {
            let done = sqlx::query(&format!(
                "DELETE FROM \"{}\" WHERE mrn = ANY($1)",
                table.replace('"', "\"\"")
            ))
            .bind(mrns)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db("erasing a class's rows"))?;
            erased.push((table.clone(), done.rows_affected()));
        }
        tx.commit()
            .await
            .map_err(StoreError::db("committing a class reset"))?;
        erased.retain(|(_, n)| *n > 0);
        Ok(erased)
    }

    /// Removes the accounts whose login name starts with `prefix` (a class's, `class-a.`),
    /// with their sessions and their officer actions' idempotency records: the login names
    /// removed.
    pub async fn remove_accounts(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::db("starting to remove a class's accounts"))?;
        let ids = "SELECT id FROM users WHERE starts_with(username, $1)";
        for (table, what) in [
            ("officer_actions", "removing a class's officer actions"),
            ("sessions", "closing a class's sessions"),
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id IN ({ids})"))
                .bind(prefix)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::db(what))?;
        }
        let mut names: Vec<String> = sqlx::query_scalar(
            "DELETE FROM users WHERE starts_with(username, $1) RETURNING username",
        )
        .bind(prefix)
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::db("removing a class's accounts"))?;
        tx.commit().await.map_err(StoreError::db(
            "committing the removal of a class's accounts",
        ))?;
        names.sort();
        Ok(names)
    }
}
