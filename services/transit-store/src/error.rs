/// A database failure, classified for the caller.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or the statement failed; see [`StoreError::is_transient`].
    #[error("database error while {context}: {source}")]
    Database {
        /// What was being done.
        context: &'static str,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// Migrations could not be applied: a person must look.
    #[error("cannot apply database migrations: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// Stored data does not decode (a bug or a manual edit): a person must look.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// A setting is wrong.
    #[error("invalid database setting: {0}")]
    Settings(String),
}

impl StoreError {
    pub(crate) fn db(context: &'static str) -> impl FnOnce(sqlx::Error) -> Self {
        move |source| Self::Database { context, source }
    }

    /// A value that cannot be written as JSON (a bug: a person must look).
    pub(crate) fn encode(what: &'static str) -> impl FnOnce(serde_json::Error) -> Self {
        move |err| Self::Corrupt(format!("cannot encode {what} as JSON: {err}"))
    }

    /// A stored value that is not a valid one of its type (an MRN, a message type, a state…):
    /// a manual edit or a bug, a person must look.
    pub(crate) fn stored(column: &'static str) -> impl FnOnce(transit_model::ModelError) -> Self {
        move |err| Self::Corrupt(format!("column {column}: {err}"))
    }

    /// Whether retrying may succeed: connection loss, pool exhaustion, serialization failures
    /// and deadlocks are transient; constraint violations, bad SQL, corrupt data are not.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Database { source, .. } => match source {
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Tls(_)
                | sqlx::Error::Protocol(_)
                | sqlx::Error::WorkerCrashed => true,
                sqlx::Error::Database(db) => {
                    let code = db.code().unwrap_or_default();
                    // serialization_failure, deadlock_detected, admin_shutdown, cannot_connect_now
                    matches!(code.as_ref(), "40001" | "40P01" | "57P01" | "57P03")
                        || code.starts_with("08")
                }
                _ => false,
            },
            Self::Migration(_) | Self::Corrupt(_) | Self::Settings(_) => false,
        }
    }
}
