//! # transit-testkit — what the tests share, and nothing ships
//!
//! A dev-only crate: every crate that uses it lists it under `[dev-dependencies]`, never
//! `[dependencies]` (checked by `integration-tests/tests/architecture.rs`), so no binary
//! carries a line of it.
//!
//! - [`family_conformance!`]: the tests every national family passes — a golden fixture for
//!   every exchanged type, snapshots both ways, round trips that keep every mapped field,
//!   conformity level 4, the size limit — written once and expanded in each family's
//!   `tests/translation.rs`; the checks it calls are in [`family`].
//! - [`Isolated`]: one in-process service test's own id, PostgreSQL schema, topic prefix and
//!   consumer groups, and the local stack's addresses (`SIGMAT_TEST_BROKERS`,
//!   `SIGMAT_TEST_DATABASE_URL`, `SIGMAT_TEST_AUDIT_DATABASE_URL`, defaulting to
//!   `deploy/local/infra-up`'s), so tests run side by side against one broker and database.
//! - [`http_get`]: a plain HTTP/1.1 GET, for health listeners (no HTTP client needed).
//! - [`eventually`]: polls a condition until it holds or the patience runs out.
//! - [`check_against_official_schemas`]: an NCTS message against the official XSDs
//!   (`xmllint`), when `SIGMAT_NCTS_XSD_DIR` names them.

pub mod family;
mod http;
mod isolation;
mod official_schemas;
mod wait;

pub use http::http_get;
pub use isolation::Isolated;
pub use official_schemas::{
    check_against_official_schemas, official_schemas_dir, OFFICIAL_SCHEMAS_SKIPPED,
};
pub use wait::eventually;

/// What [`family_conformance!`] expands to needs, so a family's tests need not list it.
#[doc(hidden)]
pub mod __private {
    pub use insta;
    pub use serde_json;
    pub use transit_codec;
    pub use transit_national;
}
