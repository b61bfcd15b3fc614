//! The API's logic and its connections ([`ApiService`]), and the audit log's entries every
//! capability writes. Each capability implements its port on it in its own module; this one
//! imports none of them (`integration-tests/tests/architecture.rs` checks it).

use chrono::{Duration, Utc};
use tokio::sync::broadcast;
use transit_http::ApiError;
use transit_kafka::{Publisher, Topics};
use transit_model::Mrn;
use transit_store::api::{ApiStore, AuditRow};
use transit_store::queries::MovementQueries;

use crate::answers::{not_found, unavailable};
use crate::throttle::Throttle;

/// The API's logic and its connections.
#[derive(Debug)]
pub struct ApiService {
    pub(crate) queries: MovementQueries,
    pub(crate) store: ApiStore,
    pub(crate) publisher: Publisher,
    pub(crate) topics: Topics,
    /// The reference data version in force (followed from the reference topic).
    pub(crate) reference:
        tokio::sync::watch::Receiver<std::sync::Arc<transit_model::reference::Loaded>>,
    pub(crate) live: broadcast::Sender<String>,
    /// Live-update streams open at once, at most `live_streams_max`.
    pub(crate) streams: std::sync::Arc<tokio::sync::Semaphore>,
    pub(crate) session_hours: i64,
    /// How long an arrived movement may wait for its control result before it is overdue.
    pub(crate) control_overdue: Duration,
    /// When a national link raises an alert.
    pub(crate) link_thresholds: crate::settings::LinkThresholds,
    /// Where subscriptions may post, and how many an account may hold.
    pub(crate) notifications: crate::notifier::NotifierSettings,
    /// Which addresses a subscription's webhook may have (checked again at each post).
    pub(crate) egress: std::sync::Arc<transit_http::egress::EgressPolicy>,
    /// Failed logins per account and address.
    pub(crate) throttle: std::sync::Mutex<Throttle>,
    /// A hash to verify against when the user name is unknown, so that the answer takes as
    /// long as for a known one.
    pub(crate) dummy_hash: String,
    /// Password verifications running at once (each costs ~19 MiB and tens of milliseconds
    /// of a core, off the async workers).
    pub(crate) verifiers: tokio::sync::Semaphore,
}

impl ApiService {
    /// The movement `mrn` as the hub keeps it; 404 if the hub has none.
    pub(crate) async fn stored_movement(
        &self,
        mrn: &Mrn,
    ) -> Result<transit_store::queries::MovementRecord, ApiError> {
        self.queries
            .movement(mrn.as_str())
            .await
            .map_err(unavailable)?
            .ok_or_else(|| not_found(mrn))
    }
}

impl ApiService {
    /// The audit log's first entry for a state-changing request: written before anything is
    /// checked or done, so that a request that is refused, fails or crashes half-way is on
    /// record; if it cannot be written, nothing is done (503).
    pub(crate) async fn requested(
        &self,
        who: &transit_http::api_views::Principal,
        action: &str,
        target: Option<&str>,
        remote: &str,
    ) -> Result<(), ApiError> {
        self.audit(
            Some(&who.username),
            action,
            target,
            "requested",
            remote,
            None,
        )
        .await
    }

    pub(crate) async fn audit(
        &self,
        who: Option<&str>,
        action: &str,
        target: Option<&str>,
        outcome: &str,
        remote: &str,
        detail: Option<String>,
    ) -> Result<(), ApiError> {
        let entry = AuditRow {
            at: Utc::now(),
            username: who.map(str::to_owned),
            action: action.to_owned(),
            target: target.map(str::to_owned),
            outcome: outcome.to_owned(),
            remote: Some(remote.to_owned()).filter(|r| !r.is_empty()),
            detail,
        };
        self.store.audit(&entry).await.map_err(|err| {
            tracing::error!(error = %err, ?entry, "audit entry not written");
            ApiError::unavailable("the audit log cannot be written, so nothing is done; try again")
        })
    }
}
