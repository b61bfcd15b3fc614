//! Risk analysis for operators: the rules in force as the caller may read them and importing
//! changed rules (`/api/v1/risk/rules`), and each rule's figures — fired, controlled, found
//! (`/api/v1/risk/figures`), what looks wrong on the network now (`/api/v1/risk/anomalies`),
//! a movement's lane set by an operator over the one scored (`/api/v1/movements/{mrn}/lane`),
//! and silencing a rule at a country's offices
//! (`/api/v1/risk/silences`). Behind them, a [`RiskPort`]. A movement's own lane and reasons
//! come with the movement (`GET /api/v1/movements/{mrn}`, `risk`).

use std::future::Future;
use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use transit_risk::RuleSet;

use crate::api_views::Principal;
use crate::reference::ImportOutcome;
use crate::request::{bad_json, bad_query, caller, Remote};
use crate::{ApiError, ApiPort};
use transit_lifecycle::MovementState;
use transit_model::Mrn;

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

/// `POST /api/v1/risk/silences`: a rule silenced (or its silence lifted) at a country's
/// offices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SilenceRequest {
    /// The rule.
    pub rule: String,
    /// Why (kept in the history and the audit log).
    pub reason: String,
    /// The country whose offices: a country's operator's own (may be left out); a hub
    /// operator names one.
    #[serde(default)]
    pub country: Option<String>,
    /// Lift the silence instead.
    #[serde(default)]
    pub lift: bool,
}

/// `POST /api/v1/movements/{mrn}/lane`: the lane at a country's offices, set over the one
/// scored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LaneOverride {
    /// The lane.
    pub lane: transit_risk::Lane,
    /// Why (kept in the audit log and shown to the officers).
    pub reason: String,
    /// The country whose offices: a country's operator's own (may be left out); a hub
    /// operator names one.
    #[serde(default)]
    pub country: Option<String>,
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

/// `GET /api/v1/risk/anomalies`: how a burst of confirmations is told (defaults: 10 within 10
/// minutes after 6 hours of silence).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnomalyQuery {
    /// Minutes of silence before a burst.
    pub silence_minutes: Option<i64>,
    /// Messages that make a burst.
    pub burst: Option<i64>,
    /// Minutes they come within.
    pub within_minutes: Option<i64>,
}

/// What looks wrong on the network now, as the caller may see it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnomaliesView {
    /// Trucks on their current leg for more than twice the time nine in ten take.
    pub overdue_on_leg: Vec<LegOverdueView>,
    /// Open movements scoring red (at the caller's offices; for the hub, every rule counting).
    pub red: Vec<RedView>,
    /// Offices of destination receiving diverted movements far more than the network does.
    pub diversion_rates: Vec<DiversionRateView>,
    /// Offices whose confirmations came in a burst after a long silence.
    pub bursts: Vec<BurstView>,
    /// What tracked trucks and seals reported in the last seven days: trucks off their
    /// corridor's road or standing still too long, seals opened between offices.
    #[serde(default)]
    pub telematics: Vec<TelematicsAnomalyView>,
}

/// A tracked truck or seal that reported something wrong.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TelematicsAnomalyView {
    /// The movement.
    pub mrn: Mrn,
    /// `off-route`, `long-stop` or `seal-breach`.
    pub kind: String,
    /// When (event time).
    pub at: chrono::DateTime<chrono::Utc>,
    /// Where: latitude.
    pub latitude: f64,
    /// Where: longitude.
    pub longitude: f64,
    /// What, in a line (`8,412 m from the road (limit 3,000 m)`).
    pub detail: String,
    /// The movement's office of departure.
    pub departure_office: String,
    /// Its office of destination.
    pub destination_office: String,
}

/// A truck overdue on its current leg.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegOverdueView {
    /// The movement.
    pub mrn: Mrn,
    /// The last office it passed (or its departure).
    pub from: String,
    /// The next office it must reach.
    pub to: String,
    /// Hours on the leg so far.
    pub hours: f64,
    /// The leg's 90th percentile, hours.
    pub p90_hours: f64,
}

/// An open movement scoring red.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedView {
    /// The movement.
    pub mrn: Mrn,
    /// Where it departed.
    pub departure_office: String,
    /// Where it goes.
    pub destination_office: String,
    /// Its state.
    pub state: MovementState,
    /// When it last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// The rules that count, whose reasons the caller reads.
    pub rules: Vec<String>,
    /// Countries whose private rules count (their effect only).
    pub raised_by: Vec<String>,
}

/// An office of destination and the diversions to it over the last seven days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiversionRateView {
    /// The office.
    pub office: String,
    /// Movements to it.
    pub movements: i64,
    /// Of those, diverted to it.
    pub diverted: i64,
    /// diverted / movements.
    pub rate: f64,
    /// The same over every office of destination.
    pub network_rate: f64,
}

/// A burst of confirmations after a silence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BurstView {
    /// The office.
    pub office: String,
    /// When the burst began.
    pub at: chrono::DateTime<chrono::Utc>,
    /// Hours of silence before it.
    pub silence_hours: f64,
    /// Messages within the window.
    pub messages: i64,
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
    /// Silences a rule at a country's offices, or lifts the silence (audited; a new version of
    /// the rules).
    fn silence_rule(
        &self,
        who: Principal,
        request: SilenceRequest,
        remote: String,
    ) -> impl Future<Output = Result<ImportOutcome, ApiError>> + Send;
    /// What looks wrong on the network now, as `who` may see it.
    fn anomalies(
        &self,
        who: Principal,
        query: AnomalyQuery,
    ) -> impl Future<Output = Result<AnomaliesView, ApiError>> + Send;
    /// Sets the lane of `mrn` at a country's offices over the one scored (audited); the
    /// movement's risk there as it now reads.
    fn override_lane(
        &self,
        who: Principal,
        mrn: String,
        request: LaneOverride,
        remote: String,
    ) -> impl Future<Output = Result<crate::views::RiskView, ApiError>> + Send;
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
        .route("/api/v1/risk/silences", post(silence::<P>))
        .route("/api/v1/risk/anomalies", get(anomalies::<P>))
        .route("/api/v1/movements/{mrn}/lane", post(override_lane::<P>))
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

async fn silence<P: RiskPort>(
    State(port): State<Arc<P>>,
    Remote(remote): Remote,
    headers: HeaderMap,
    body: Result<Json<SilenceRequest>, JsonRejection>,
) -> Result<Json<ImportOutcome>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    let Json(request) = body.map_err(bad_json)?;
    port.silence_rule(who, request, remote).await.map(Json)
}

async fn anomalies<P: RiskPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
    query: Result<Query<AnomalyQuery>, QueryRejection>,
) -> Result<Json<AnomaliesView>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    let Query(query) = query.map_err(bad_query)?;
    port.anomalies(who, query).await.map(Json)
}

async fn override_lane<P: RiskPort>(
    State(port): State<Arc<P>>,
    Remote(remote): Remote,
    Path(mrn): Path<String>,
    headers: HeaderMap,
    body: Result<Json<LaneOverride>, JsonRejection>,
) -> Result<Json<crate::views::RiskView>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    let Json(request) = body.map_err(bad_json)?;
    port.override_lane(who, mrn, request, remote)
        .await
        .map(Json)
}

async fn figures<P: RiskPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
) -> Result<Json<Vec<RuleFigures>>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.risk_figures(who).await.map(Json)
}
