//! Where the tests find the local stack, in one place: the broker, the database (as the
//! tracker's role and as the audit log's insert-only role), the service binaries and the
//! folder for the services' logs. Each is read from its `SIGMAT_TEST_…` variable, which
//! `deploy/local/test` sets from `deploy/local/lib.sh`; the defaults are that file's.

use std::path::PathBuf;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// The local one-node broker (`SIGMAT_TEST_BROKERS`).
pub fn brokers() -> String {
    env_or("SIGMAT_TEST_BROKERS", "127.0.0.1:19092")
}

/// The tracker's database (`SIGMAT_TEST_DATABASE_URL`).
pub fn database_url() -> String {
    env_or(
        "SIGMAT_TEST_DATABASE_URL",
        "postgres://sigmat@127.0.0.1:15532/sigmat",
    )
}

/// The tracker's database as the audit log's insert-only role sees it
/// (`SIGMAT_TEST_AUDIT_DATABASE_URL`).
pub fn audit_database_url() -> String {
    env_or(
        "SIGMAT_TEST_AUDIT_DATABASE_URL",
        "postgres://sigmat_audit@127.0.0.1:15532/sigmat",
    )
}

/// The service binaries the stacks start (`SIGMAT_TEST_BIN_DIR`, else `target/debug`).
pub fn bin_dir() -> PathBuf {
    PathBuf::from(env_or(
        "SIGMAT_TEST_BIN_DIR",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../target/debug"),
    ))
}

/// Where the services of the stack `id` write their logs.
pub fn log_dir(id: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/integration-logs"
    ))
    .join(id)
}
