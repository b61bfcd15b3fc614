//! The network's reference data, one row per imported version (`reference_versions`, migration
//! 0017). A new version is written with its outbox record for `<prefix>.hub.reference` in one
//! transaction, so every version kept is published, exactly as a movement's copies are.

use chrono::{DateTime, Utc};
use sqlx::Row;
use transit_model::reference::{ReferenceDocument, ReferenceVersion};
use uuid::Uuid;

use crate::StoreError;

/// The key of every record of the reference topic: it is compacted to the latest version.
pub const RECORD_KEY: &str = "reference";

/// Reads and adds versions of the reference data.
#[derive(Clone, Debug)]
pub struct ReferenceStore {
    pool: sqlx::PgPool,
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Imported {
    /// Kept as this version, and queued for publication.
    Version(i64),
    /// Not kept: the import was based on an older version than the latest (another operator
    /// imported in between).
    Stale {
        /// The latest version.
        latest: i64,
    },
}

/// The outbox record's id for `version`: the same for every attempt to publish it.
fn message_id(version: i64) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_OID,
        format!("sigmat-reference-{version}").as_bytes(),
    )
}

impl ReferenceStore {
    /// Reference data kept in `pool` (the tracker's schema).
    pub fn new(pool: sqlx::PgPool) -> Self {
        Self { pool }
    }

    /// The latest version, if the network has been seeded.
    pub async fn latest(&self) -> Result<Option<ReferenceVersion>, StoreError> {
        let row = sqlx::query(
            "SELECT version, document, imported_at, imported_by, note FROM reference_versions
             ORDER BY version DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::db("reading the reference data"))?;
        row.map(|row| {
            let document: sqlx::types::Json<ReferenceDocument> = row.get("document");
            Ok(ReferenceVersion {
                version: row.get("version"),
                imported_at: row.get("imported_at"),
                imported_by: row.get("imported_by"),
                note: row.get("note"),
                document: document.0,
            })
        })
        .transpose()
    }

    /// Version `version`, if it was kept.
    pub async fn version(&self, version: i64) -> Result<Option<ReferenceVersion>, StoreError> {
        let row = sqlx::query(
            "SELECT version, document, imported_at, imported_by, note FROM reference_versions
             WHERE version = $1",
        )
        .bind(version)
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::db("reading a reference data version"))?;
        Ok(row.map(|row| {
            let document: sqlx::types::Json<ReferenceDocument> = row.get("document");
            ReferenceVersion {
                version: row.get("version"),
                imported_at: row.get("imported_at"),
                imported_by: row.get("imported_by"),
                note: row.get("note"),
                document: document.0,
            }
        }))
    }

    /// Seeds version 1 with `document` if there is no version yet (two trackers starting
    /// together seed it once), publishing it to `topic`. Whether this call seeded it.
    pub async fn seed(
        &self,
        document: &ReferenceDocument,
        topic: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::db("starting to seed the reference data"))?;
        let version = ReferenceVersion {
            version: 1,
            imported_at: now,
            imported_by: "seed".into(),
            note: "the reference files published with this version of sigmat".into(),
            document: document.clone(),
        };
        let seeded = sqlx::query(
            "INSERT INTO reference_versions (version, document, imported_at, imported_by, note)
             SELECT 1, $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM reference_versions)
             ON CONFLICT (version) DO NOTHING",
        )
        .bind(sqlx::types::Json(&version.document))
        .bind(now)
        .bind(&version.imported_by)
        .bind(&version.note)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db("seeding the reference data"))?
        .rows_affected()
            == 1;
        if seeded {
            queue(&mut tx, &version, topic).await?;
        }
        tx.commit()
            .await
            .map_err(StoreError::db("committing the seeded reference data"))?;
        Ok(seeded)
    }

    /// Keeps `document` as the next version if the latest is still `based_on`, and queues it
    /// for `topic`. Imports are serialized: of two based on the same version, one is stale.
    pub async fn import(
        &self,
        based_on: i64,
        document: &ReferenceDocument,
        by: &str,
        note: &str,
        topic: &str,
        now: DateTime<Utc>,
    ) -> Result<Imported, StoreError> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::db("starting a reference data import"))?;
        sqlx::query("LOCK TABLE reference_versions IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db("locking the reference data"))?;
        let latest: i64 =
            sqlx::query_scalar("SELECT coalesce(max(version), 0) FROM reference_versions")
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::db("reading the latest reference version"))?;
        if latest != based_on {
            return Ok(Imported::Stale { latest });
        }
        let version = ReferenceVersion {
            version: latest + 1,
            imported_at: now,
            imported_by: by.to_owned(),
            note: note.to_owned(),
            document: document.clone(),
        };
        sqlx::query(
            "INSERT INTO reference_versions (version, document, imported_at, imported_by, note)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(version.version)
        .bind(sqlx::types::Json(&version.document))
        .bind(now)
        .bind(by)
        .bind(note)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db("keeping a reference version"))?;
        queue(&mut tx, &version, topic).await?;
        tx.commit()
            .await
            .map_err(StoreError::db("committing a reference version"))?;
        Ok(Imported::Version(version.version))
    }
}

/// Queues `version` for publication to `topic` in the outbox.
async fn queue(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    version: &ReferenceVersion,
    topic: &str,
) -> Result<(), StoreError> {
    let payload = serde_json::to_vec(version).map_err(StoreError::encode("reference version"))?;
    let headers = serde_json::to_string(&[
        (
            transit_model::envelope::header::EVENT_TYPE,
            "ReferenceVersion".to_owned(),
        ),
        (
            transit_model::envelope::header::EVENT_ID,
            message_id(version.version).to_string(),
        ),
    ])
    .map_err(StoreError::encode("reference version headers"))?;
    sqlx::query(
        "INSERT INTO outbox (message_id, topic, record_key, headers, payload, created_at)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6) ON CONFLICT (topic, message_id) DO NOTHING",
    )
    .bind(message_id(version.version))
    .bind(topic)
    .bind(RECORD_KEY)
    .bind(headers)
    .bind(payload)
    .bind(version.imported_at)
    .execute(&mut **tx)
    .await
    .map_err(StoreError::db(
        "queueing a reference version for publication",
    ))?;
    Ok(())
}
