//! What the database can do without the tracker's logic: the baseline the tracker benchmark
//! measures itself against, in the same run and the same database.

use sqlx::PgPool;
use uuid::Uuid;

use crate::StoreError;

/// Creates `plain_events` in the pool's schema and inserts `rows` into it, `batch` rows per
/// transaction, one multi-row INSERT each — durable like the tracker's batches.
pub async fn insert_plain_rows(
    pool: &PgPool,
    rows: &[(String, Uuid, serde_json::Value)],
    batch: usize,
) -> Result<(), StoreError> {
    sqlx::query("CREATE TABLE IF NOT EXISTS plain_events (mrn text NOT NULL, message_id uuid PRIMARY KEY, message jsonb NOT NULL)")
        .execute(pool)
        .await
        .map_err(StoreError::db("creating plain_events"))?;
    for chunk in rows.chunks(batch.max(1)) {
        let mrns: Vec<&str> = chunk.iter().map(|(m, _, _)| m.as_str()).collect();
        let ids: Vec<Uuid> = chunk.iter().map(|(_, id, _)| *id).collect();
        let messages: Vec<sqlx::types::Json<&serde_json::Value>> =
            chunk.iter().map(|(_, _, v)| sqlx::types::Json(v)).collect();
        let mut tx = pool
            .begin()
            .await
            .map_err(StoreError::db("starting a transaction"))?;
        sqlx::query(
            "INSERT INTO plain_events SELECT * FROM UNNEST($1::text[], $2::uuid[], $3::jsonb[])",
        )
        .bind(&mrns)
        .bind(&ids)
        .bind(&messages)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db("inserting plain rows"))?;
        tx.commit()
            .await
            .map_err(StoreError::db("committing plain rows"))?;
    }
    Ok(())
}

/// The server's `synchronous_commit` setting, so a benchmark can print what it measured.
pub async fn synchronous_commit(pool: &PgPool) -> Result<String, StoreError> {
    let (value,): (String,) = sqlx::query_as("SHOW synchronous_commit")
        .fetch_one(pool)
        .await
        .map_err(StoreError::db("reading synchronous_commit"))?;
    Ok(value)
}

/// Drops a schema and everything in it (benchmarks clean up after themselves).
pub async fn drop_schema(pool: &PgPool, schema: &str) -> Result<(), StoreError> {
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(pool)
        .await
        .map_err(StoreError::db("dropping a schema"))?;
    Ok(())
}
