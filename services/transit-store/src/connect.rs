use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use transit_runtime::config::Secret;

use crate::StoreError;

/// How to reach the database. Part of every service's configuration (`[database]`).
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `postgres://user:password@host:port/database`.
    pub url: Secret,
    /// The schema this component owns (created if missing), e.g. `tracker` or `adapter_ci`.
    pub schema: String,
    /// Pool size.
    #[serde(default = "default_max_connections")]
    pub max_connections: u32,
}

fn default_max_connections() -> u32 {
    8
}

/// How the API reaches the audit log (`[audit]`): as the role `sigmat_audit`, which may only
/// insert into it (`migrations/tracker/0008_audit_writer.sql`).
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditSettings {
    /// `postgres://sigmat_audit:password@host:port/database`: the tracker's database, signed
    /// in as the insert-only role.
    pub url: Secret,
    /// Pool size (default 4).
    #[serde(default = "default_audit_connections")]
    pub max_connections: u32,
}

fn default_audit_connections() -> u32 {
    4
}

/// Which migrations a schema gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Component {
    /// The hub's tracker (and the API, which reads the tracker's schema).
    Tracker,
    /// A country adapter.
    Adapter,
}

/// Opens a pool whose connections use `settings.schema`, creating it and applying the
/// component's migrations. Safe to run from several processes at once.
pub async fn connect(
    settings: &DatabaseSettings,
    component: Component,
) -> Result<PgPool, StoreError> {
    let schema = &settings.schema;
    check_schema_name(schema)?;
    let pool = open(
        &settings.url,
        schema,
        settings.max_connections,
        "connecting",
    )
    .await?;
    if let Err(err) = sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
        .execute(&pool)
        .await
    {
        // Two processes creating the same schema at once: one wins, the other sees a
        // unique violation on the catalogue. Anything else is real.
        let exists: Option<(String,)> =
            sqlx::query_as("SELECT nspname::text FROM pg_namespace WHERE nspname = $1")
                .bind(schema)
                .fetch_optional(&pool)
                .await
                .map_err(StoreError::db("checking the schema"))?;
        if exists.is_none() {
            return Err(StoreError::db("creating the schema")(err));
        }
    }
    match component {
        Component::Tracker => sqlx::migrate!("./migrations/tracker").run(&pool).await?,
        Component::Adapter => sqlx::migrate!("./migrations/adapter").run(&pool).await?,
    }
    Ok(pool)
}

/// Drops `schema` and everything in it: what a test or a benchmark that made a schema of its
/// own does when it is done. The name is checked as [`connect`] checks it.
pub async fn drop_schema(pool: &PgPool, schema: &str) -> Result<(), StoreError> {
    check_schema_name(schema)?;
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(pool)
        .await
        .map_err(StoreError::db("dropping a schema"))?;
    Ok(())
}

/// [`connect`], waiting (with backoff, logged) while PostgreSQL cannot be reached, as when
/// the services start before it. Errors retrying cannot cure (a wrong password, a migration
/// that fails) are returned at once.
pub async fn connect_patiently(
    settings: &DatabaseSettings,
    component: Component,
) -> Result<PgPool, StoreError> {
    transit_runtime::patience::until_reachable(
        "connecting to PostgreSQL",
        || connect(settings, component),
        StoreError::is_transient,
    )
    .await
}

/// Opens the audit log's writer: a pool signed in as the insert-only role, on the tracker's
/// `schema`. It applies no migrations (the role may not); the tracker's `connect` does.
pub async fn connect_audit_writer(
    settings: &AuditSettings,
    schema: &str,
) -> Result<PgPool, StoreError> {
    check_schema_name(schema)?;
    open(
        &settings.url,
        schema,
        settings.max_connections,
        "connecting as the audit log's writer",
    )
    .await
}

async fn open(
    url: &Secret,
    schema: &str,
    max_connections: u32,
    what: &'static str,
) -> Result<PgPool, StoreError> {
    let options = PgConnectOptions::from_str(url.expose())
        .map_err(|e| StoreError::Settings(format!("database url: {e}")))?
        .options([("search_path", schema)]);
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(StoreError::db(what))
}

fn check_schema_name(schema: &str) -> Result<(), StoreError> {
    let valid = schema
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && schema.len() <= 63;
    if !valid {
        return Err(StoreError::Settings(format!(
            "schema {schema:?} must be lower-case letters, digits and _ (at most 63)"
        )));
    }
    Ok(())
}
