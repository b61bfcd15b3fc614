//! Records set aside after failing for good — deliveries a national system keeps refusing
//! (parked), copies the broker refused (failed outbox records) — are listed for an operator and
//! put back in line after a fix. A [`SetAside`] says where one kind of them is kept; its two
//! queries are written once, here.

use sqlx::postgres::{PgHasArrayType, PgRow};
use sqlx::{PgPool, Postgres};

use crate::StoreError;

/// Where one kind of records set aside is kept, and how they are told apart.
#[derive(Debug)]
pub(crate) struct SetAside {
    /// The table.
    table: &'static str,
    /// The columns listed (those of the caller's row type).
    columns: &'static str,
    /// What holds while a record is set aside.
    held: &'static str,
    /// What putting one back in line sets.
    release: &'static str,
    /// The column operators name records by, and its SQL type.
    id: (&'static str, &'static str),
    /// The order they are listed in: oldest first.
    order: &'static str,
    /// Listing them, and putting them back, in errors.
    doing: (&'static str, &'static str),
}

/// A country adapter's deliveries parked after repeated refusals (`adapter deliveries …`).
pub(crate) const PARKED_DELIVERIES: SetAside = SetAside {
    table: "deliveries",
    columns: "message_id, message_type, mrn, parked_at, parked_reason",
    held: "parked_at IS NOT NULL AND acked_at IS NULL",
    release: "parked_at = NULL, parked_reason = NULL",
    id: ("message_id", "uuid"),
    order: "seq",
    doing: (
        "listing parked deliveries",
        "putting parked deliveries back in line",
    ),
};

/// The hub's outbox records the broker refused for good (`tracker outbox …`, and the dead
/// letters of kind `unpublished`).
pub(crate) const FAILED_OUTBOX: SetAside = SetAside {
    table: "outbox",
    columns: "id, topic, record_key, failure, created_at, failed_at",
    held: "failed_at IS NOT NULL AND published_at IS NULL",
    release: "failed_at = NULL, failure = NULL",
    id: ("id", "bigint"),
    order: "id",
    doing: (
        "reading the failed outbox records",
        "putting failed outbox records back in line",
    ),
};

impl SetAside {
    /// Up to `limit` of them, oldest first.
    pub(crate) async fn list<T>(&self, pool: &PgPool, limit: i64) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
    {
        let sql = format!(
            "SELECT {} FROM {} WHERE {} ORDER BY {} LIMIT $1",
            self.columns, self.table, self.held, self.order
        );
        sqlx::query_as(&sql)
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(StoreError::db(self.doing.0))
    }

    /// Puts those named by `ids` back in line (every one with `None`); returns how many were
    /// still set aside.
    pub(crate) async fn put_back<I>(
        &self,
        pool: &PgPool,
        ids: Option<&[I]>,
    ) -> Result<u64, StoreError>
    where
        I: for<'q> sqlx::Encode<'q, Postgres> + sqlx::Type<Postgres> + PgHasArrayType + Sync,
    {
        let (id, id_type) = self.id;
        let sql = format!(
            "UPDATE {} SET {} WHERE {} AND ($1::{id_type}[] IS NULL OR {id} = ANY($1))",
            self.table, self.release, self.held
        );
        let done = sqlx::query(&sql)
            .bind(ids)
            .execute(pool)
            .await
            .map_err(StoreError::db(self.doing.1))?;
        Ok(done.rows_affected())
    }
}
