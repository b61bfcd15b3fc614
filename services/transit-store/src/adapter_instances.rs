//! Several instances of one country's adapter on one schema, behind one address: what they
//! share through the database.
//!
//! - **Deliveries keep their order**: each batch is stored under a transaction lock of the
//!   schema (`AdapterStore::store_deliveries`), so a delivery's number is taken and committed before the
//!   next batch's: a national system reading "after number N" never finds a lower number
//!   committed behind its back.
//! - **One leader**: the instance holding the schema's leader lock (a PostgreSQL session
//!   lock, on a connection of its own: released when the process or its connection dies)
//!   pushes the deliveries and reports the link; the others stand by ([`Leadership`]).
//! - **The link as all instances see it**: each writes what the national system did with it
//!   ([`AdapterStore::note_activity`]); the leader reports the latest of any
//!   ([`AdapterStore::activity`]).

use chrono::{DateTime, Utc};
use sqlx::{Connection, PgConnection};

use crate::adapter::AdapterStore;
use crate::StoreError;

/// What one instance saw of the national system.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Activity {
    /// When it last pulled deliveries.
    pub last_pull_at: Option<DateTime<Utc>>,
    /// When it last acknowledged one.
    pub last_ack_at: Option<DateTime<Utc>>,
    /// When it last took a push.
    pub last_push_at: Option<DateTime<Utc>>,
    /// Records waiting on the instance's partitions of the from-hub topic (summed over the
    /// instances in [`AdapterStore::activity`]).
    pub lag: i64,
}

/// The leader lock, held on a connection of its own for as long as this value lives.
#[derive(Debug)]
pub struct Leadership {
    connection: PgConnection,
}

impl Leadership {
    /// Whether the lock is still held: its connection answers.
    pub async fn holds(&mut self) -> bool {
        self.connection.ping().await.is_ok()
    }
}

impl AdapterStore {
    /// Takes the schema's leader lock if no other instance holds it.
    pub async fn try_lead(&self) -> Result<Option<Leadership>, StoreError> {
        // Detached from the pool: the lock goes with the connection, never back into the pool.
        let mut connection = self
            .pool()
            .acquire()
            .await
            .map_err(StoreError::db("opening the leader's connection"))?
            .detach();
        let held: bool = sqlx::query_scalar(
            "SELECT pg_try_advisory_lock(hashtext(current_schema() || '.leader'))",
        )
        .fetch_one(&mut connection)
        .await
        .map_err(StoreError::db("asking for the leader lock"))?;
        Ok(held.then_some(Leadership { connection }))
    }

    /// Writes what `instance` saw, as of `now`.
    pub async fn note_activity(
        &self,
        instance: &str,
        seen: &Activity,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO link_activity (instance, seen_at, last_pull_at, last_ack_at, last_push_at, lag)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (instance) DO UPDATE SET seen_at = $2, last_pull_at = $3,
                 last_ack_at = $4, last_push_at = $5, lag = $6",
        )
        .bind(instance)
        .bind(now)
        .bind(seen.last_pull_at)
        .bind(seen.last_ack_at)
        .bind(seen.last_push_at)
        .bind(seen.lag)
        .execute(self.pool())
        .await
        .map_err(StoreError::db("noting the link's activity"))?;
        Ok(())
    }

    /// What the instances heard from since `since` saw, together: the latest of each time,
    /// the lag summed.
    pub async fn activity(&self, since: DateTime<Utc>) -> Result<Activity, StoreError> {
        type Latest = Option<DateTime<Utc>>;
        let (last_pull_at, last_ack_at, last_push_at, lag): (Latest, Latest, Latest, Option<i64>) =
            sqlx::query_as(
                "SELECT max(last_pull_at), max(last_ack_at), max(last_push_at), sum(lag)::bigint
             FROM link_activity WHERE seen_at >= $1",
            )
            .bind(since)
            .fetch_one(self.pool())
            .await
            .map_err(StoreError::db("reading the link's activity"))?;
        Ok(Activity {
            last_pull_at,
            last_ack_at,
            last_push_at,
            lag: lag.unwrap_or(0),
        })
    }
}
