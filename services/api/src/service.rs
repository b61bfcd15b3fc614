//! The API's logic and its connections ([`ApiService`]); here the routes that need no caller
//! ([`SitePort`]: reference data, the web files, QR codes, readiness). Each other concern
//! implements its port in its own file.

use chrono::{Duration, Utc};
use tokio::sync::broadcast;
use transit_http::ApiError;
use transit_http::SitePort;
use transit_kafka::{Publisher, Topics};
use transit_model::Mrn;
use transit_store::api::{ApiStore, AuditRow};
use transit_store::queries::MovementQueries;

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
    pub(crate) link_thresholds: crate::links::LinkThresholds,
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

/// A database failure as the client sees it: that the hub cannot answer now, without the
/// database's own words (they name tables, columns and values). The operator finds them in
/// the log.
pub(crate) fn unavailable(err: transit_store::StoreError) -> ApiError {
    tracing::warn!(error = %err, "database unavailable");
    ApiError::unavailable("the hub's database cannot answer right now")
}

/// A free text people read (a reason, a note), trimmed: refused when empty (saying `what_for`),
/// longer than `max` characters, or holding control characters — which the database would
/// refuse (a NUL) or a screen would garble.
pub(crate) fn one_line(
    pointer: &str,
    value: &str,
    max: usize,
    what_for: &str,
) -> Result<String, ApiError> {
    let text = value.trim();
    if text.is_empty() {
        return Err(ApiError::invalid(pointer, what_for.to_owned()));
    }
    if text.chars().count() > max {
        return Err(ApiError::invalid(
            pointer,
            format!("at most {max} characters"),
        ));
    }
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(ApiError::invalid(
            pointer,
            format!(
                "contains the control character U+{:04X}; write it on one line, in plain text",
                u32::from(c)
            ),
        ));
    }
    Ok(text.to_owned())
}

/// An operator's note for the history (may be left empty): one line of plain text.
pub(crate) fn note(value: &str) -> Result<String, ApiError> {
    if value.trim().is_empty() {
        return Ok(String::new());
    }
    one_line("/note", value, 500, "")
}

pub(crate) fn parse_mrn(mrn: &str) -> Result<Mrn, ApiError> {
    Mrn::parse(mrn).map_err(|e| ApiError::invalid("/mrn", e.to_string()).with_ncts_code(93))
}

/// The answer for an MRN the hub does not have — and, word for word, for one the caller may
/// not see, so that a refusal never tells an outsider that a movement exists.
pub(crate) fn not_found(mrn: &Mrn) -> ApiError {
    ApiError::not_found(
        format!("the hub has no movement {mrn} that you may see"),
        "check the MRN on the transit document; a release sent seconds ago may still be on its way; an office not on the movement's route asks for the record first (diversion or undeclared passage)",
    )
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

impl SitePort for ApiService {
    fn reference(&self) -> serde_json::Value {
        crate::reference::public_json(&self.reference.borrow().version.document)
    }

    fn asset(&self, name: &str) -> Option<(&'static str, &'static str)> {
        web::asset(name)
    }

    fn qr_svg(&self, mrn: &str) -> String {
        web::qr_svg(mrn)
    }

    /// Ready: the database and the broker (where officers' actions go) answer.
    async fn ready(&self) -> Result<(), ApiError> {
        self.queries.ping().await.map_err(unavailable)?;
        self.publisher.reachable().await.map_err(|err| {
            tracing::warn!(error = %err, "not ready: the broker does not answer");
            ApiError::unavailable("the broker does not answer")
        })
    }
}
