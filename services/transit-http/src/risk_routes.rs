//! Risk analysis for operators: the rules in force as the caller may read them and importing
//! changed rules (`/api/v1/risk/rules`), and each rule's figures — fired, controlled, found
//! (`/api/v1/risk/figures`). Behind them, a [`RiskPort`]. A movement's own lane and reasons
//! come with the movement (`GET /api/v1/movements/{mrn}`, `risk`).

use std::future::Future;
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use transit_risk::RuleSet;

use crate::api_routes::{bad_json, caller, Remote};
use crate::api_views::Principal;
use crate::reference_routes::ImportOutcome;
use crate::{ApiError, ApiPort};

/// `GET /api/v1/risk/rules`: the rules in force, as the caller may read them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RulesView {
    /// The reference data version they came with.
    pub version: i64,
    /// The rules, without other countries' private ones.
    pub rules: RuleSet,
    /// How many private rules each other country has (their reasons are theirs).
    pub hidden: Vec<HiddenRules>,
}

/// Another country's private rules: how many.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HiddenRules {
    /// The country.
    pub owner: String,
    /// How many.
    pub count: usize,
}

/// `PUT /api/v1/risk/rules`: the rules as the caller read them (`GET`), changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RulesImport {
    /// The version they were read from: if anyone imported since, the import is refused (409).
    pub based_on: i64,
    /// Why, for the history and the audit log.
    pub note: String,
    /// The rules. A country's operator changes only that country's rules; other countries'
    /// private rules, which they cannot read, are kept as they are.
    pub rules: RuleSet,
}

/// One rule's figures since the network began.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleFigures {
    /// The rule.
    pub rule: String,
    /// Its owner.
    pub owner: String,
    /// Movements it fired on.
    pub fired: i64,
    /// Of those, movements controlled at destination after it fired.
    pub controlled: i64,
    /// Of those, controls that found discrepancies (B1).
    pub found: i64,
    /// found / controlled (none before the first control).
    pub hit_rate: Option<f64>,
}

/// What the hub API does about risk rules (operators).
pub trait RiskPort: ApiPort {
    /// The rules in force as `who` may read them.
    fn risk_rules(
        &self,
        who: Principal,
    ) -> impl Future<Output = Result<RulesView, ApiError>> + Send;
    /// Imports changed rules as the next reference data version (audited).
    fn import_risk_rules(
        &self,
        who: Principal,
        request: RulesImport,
        remote: String,
    ) -> impl Future<Output = Result<ImportOutcome, ApiError>> + Send;
    /// Each rule's figures, for the rules `who` may read.
    fn risk_figures(
        &self,
        who: Principal,
    ) -> impl Future<Output = Result<Vec<RuleFigures>, ApiError>> + Send;
}

/// The risk routes.
pub(crate) fn risk_routes<P: RiskPort>(port: Arc<P>) -> Router {
    Router::new()
        .route("/api/v1/risk/rules", get(rules::<P>).put(import::<P>))
        .route("/api/v1/risk/figures", get(figures::<P>))
        .with_state(port)
}

async fn rules<P: RiskPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
) -> Result<Json<RulesView>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.risk_rules(who).await.map(Json)
}

async fn import<P: RiskPort>(
    State(port): State<Arc<P>>,
    Remote(remote): Remote,
    headers: HeaderMap,
    body: Result<Json<RulesImport>, JsonRejection>,
) -> Result<Json<ImportOutcome>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    let Json(request) = body.map_err(bad_json)?;
    port.import_risk_rules(who, request, remote).await.map(Json)
}

async fn figures<P: RiskPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
) -> Result<Json<Vec<RuleFigures>>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.risk_figures(who).await.map(Json)
}
