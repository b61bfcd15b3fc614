//! # transit-store — everything that touches PostgreSQL
//!
//! - [`connect`] opens a pool on one schema (created if missing) and applies that component's
//!   migrations (`migrations/tracker`, `migrations/adapter`), so a service upgrades its own
//!   tables at start; [`drop_schema`] removes one a test or a benchmark made for itself.
//! - [`tracker::TrackerStore`]: the hub's transaction per batch — inbox dedupe
//!   ([`tracker::Claimed`]), movement row lock, event log, outbox — and the outbox relay's batches.
//! - [`adapter::AdapterStore`]: a country adapter's deliveries (kept until the national system
//!   acknowledges them) and refusals; [`adapter_instances`]: what several instances of one
//!   country's adapter share (the deliveries' order, the leader lock, the link's activity).
//! - [`queries::MovementQueries`]: read-only views for the API and for tests.
//! - [`reference::ReferenceStore`]: the network's reference data, one row per imported
//!   version, each queued for the reference topic in the same transaction.
//! - [`baseline`]: what `sigmat bench tracker` measures the tracker against — the same rows
//!   written as plain inserts, without the tracker's logic (shipped with the tool, so here and
//!   not in the dev-only test kit).
//! - [`api::ApiStore`]: movement search, operator figures, users, sessions, audit log and
//!   officer actions for the API.
//! - [`disclosures`]: the disclosure register — each copy of a declaration sent across a
//!   border (in the tracker's batch) and each read by another country's account (the API).
//! - [`archive::ArchiveStore`]: closed movements out of the hot tables with their event logs
//!   (rows exactly as stored) and back, for `sigmat archive`; published outbox records expired.
//! - [`training::TrainingStore`]: a class reset on the training ground — the movements a
//!   class played out of the training hub's and adapters' schemas, its accounts removed.
//!
//! Each store's `record_figures` records its pools' use (and the tracker's outbox backlog)
//! as metrics (`docs/metrics.md`).
//!
//! Errors are [`StoreError`]; [`StoreError::is_transient`] says whether to retry.

pub mod adapter;
pub mod adapter_instances;
pub mod api;
pub mod archive;
pub mod baseline;
mod columns;
mod connect;
pub mod disclosures;
mod error;
mod figures;
pub mod queries;
pub mod reference;
pub mod search;
mod set_aside;
pub mod tracker;
pub mod training;
mod trains;

pub use connect::{
    connect, connect_audit_writer, connect_patiently, drop_schema, AuditSettings, Component,
    DatabaseSettings,
};
pub use error::StoreError;
pub use sqlx::PgPool;
