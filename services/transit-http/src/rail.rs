//! Trains for officers and operators: a train's consist as the hub built it from the
//! declarations on the road (`GET /api/v1/trains/{train}`: wagons by number, seals, containers,
//! the declarations each carries, wagons set aside, the train's confirmations), and one
//! confirmation for the whole train at the officer's office
//! (`POST /api/v1/trains/{train}/confirmations`: departure, passage or arrival, wagons found and
//! missing). Behind them, a [`RailPort`].

use std::future::Future;
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api_views::Principal;
use crate::request::{bad_json, caller, Remote};
use crate::{ApiError, ApiPort};
use transit_lifecycle::MovementState;
use transit_model::Mrn;

/// A wagon of the train.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WagonView {
    /// Its number.
    pub id: String,
    /// Its place in the list (wagons by number; the declarations do not say where a wagon
    /// stands in the train), from 1.
    pub position: usize,
    /// Its type, when declared.
    pub type_code: Option<String>,
    /// Its nationality, when declared.
    pub nationality: Option<String>,
    /// Seals on it and on its containers (none shown when it carries none of the caller's
    /// declarations).
    pub seals: Vec<String>,
    /// Containers loaded on it (likewise).
    pub containers: Vec<String>,
    /// The declarations whose goods are on it (MRNs) that the caller may see.
    pub declarations: Vec<String>,
}

/// A declaration on the train.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrainDeclarationView {
    /// Its MRN.
    pub mrn: Mrn,
    /// Its state.
    pub state: MovementState,
    /// Office of departure.
    pub departure_office: String,
    /// Offices of transit, in route order.
    pub route: Vec<String>,
    /// Office of destination.
    pub destination_office: String,
    /// The wagons its goods are on.
    pub wagons: Vec<String>,
}

/// One confirmation of the train, as the hub took it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrainConfirmationView {
    /// Its id.
    pub id: String,
    /// The office.
    pub office: String,
    /// `departure`, `passage` or `arrival`.
    pub stage: String,
    /// When the train was there.
    pub at: DateTime<Utc>,
    /// `pending`, `applied` or `refused`.
    pub outcome: String,
    /// Why it was refused.
    pub reason: Option<String>,
    /// The declarations that passed or arrived (MRNs).
    pub passed: Vec<String>,
    /// The declarations with a wagon missing (MRNs).
    pub incidents: Vec<String>,
}

/// `GET /api/v1/trains/{train}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrainView {
    /// The train's number.
    pub train: String,
    /// The railway undertaking, when declared.
    pub undertaking: Option<String>,
    /// The wagons on the train, by number.
    pub wagons: Vec<WagonView>,
    /// Wagons set aside at departure.
    pub set_aside: Vec<WagonView>,
    /// The declarations on the train.
    pub declarations: Vec<TrainDeclarationView>,
    /// The latest confirmations, newest first.
    pub confirmations: Vec<TrainConfirmationView>,
}

/// `POST /api/v1/trains/{train}/confirmations`: the train confirmed once at the officer's
/// office.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrainConfirmationRequest {
    /// `departure` (wagons missing are set aside), `passage` (rail border station) or
    /// `arrival` (destination station).
    pub stage: String,
    /// The wagons found.
    pub wagons_present: Vec<String>,
    /// The wagons not found.
    pub wagons_missing: Vec<String>,
    /// When the train was there (default: now); an officer confirming offline gives it.
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
}

/// The answer: what the confirmation comes to (the hub sends each declaration's message).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrainConfirmed {
    /// The confirmation's id (the same for a retry under the same `Idempotency-Key`).
    pub confirmation_id: String,
    /// The train.
    pub train: String,
    /// The stage.
    pub stage: String,
    /// The declarations that pass (or arrive): each gets its IE118 (IE006).
    pub passed: Vec<String>,
    /// The declarations with a wagon missing: each gets an IE180.
    pub incidents: Vec<String>,
    /// Wagons set aside (departure).
    pub set_aside: usize,
    /// A retry under an `Idempotency-Key` the hub had already taken: answered from what the
    /// first confirmation came to (200), nothing sent again.
    pub replayed: bool,
}

/// What the hub API does for trains.
pub trait RailPort: ApiPort {
    /// Train `train` as `who` may see it (404 when no declaration of it is theirs to see).
    fn train(
        &self,
        who: Principal,
        train: String,
    ) -> impl Future<Output = Result<TrainView, ApiError>> + Send;
    /// Confirms train `train` at `who`'s office, checked as the tracker will, published.
    fn confirm_train(
        &self,
        who: Principal,
        train: String,
        request: TrainConfirmationRequest,
        key: Option<String>,
        office: Option<String>,
        remote: String,
    ) -> impl Future<Output = Result<TrainConfirmed, ApiError>> + Send;
}

/// The hub API's rail routes.
pub(crate) fn rail_routes<P: RailPort>(port: Arc<P>) -> Router {
    Router::new()
        .route("/api/v1/trains/{train}", get(train::<P>))
        .route("/api/v1/trains/{train}/confirmations", post(confirm::<P>))
        .with_state(port)
}

async fn train<P: RailPort>(
    State(port): State<Arc<P>>,
    Path(train): Path<String>,
    headers: HeaderMap,
) -> Result<Json<TrainView>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.train(who, train).await.map(Json)
}

async fn confirm<P: RailPort>(
    State(port): State<Arc<P>>,
    Remote(remote): Remote,
    Path(train): Path<String>,
    headers: HeaderMap,
    body: Result<Json<TrainConfirmationRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<TrainConfirmed>), ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    let Json(request) = body.map_err(bad_json)?;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let key = header("idempotency-key");
    if key.as_ref().is_some_and(|k| k.len() > 100) {
        return Err(ApiError::bad_request(
            "/headers/Idempotency-Key",
            "an Idempotency-Key is at most 100 characters (a UUID is 36)",
        ));
    }
    let confirmed = port
        .confirm_train(who, train, request, key, header("x-sigmat-office"), remote)
        .await?;
    let status = if confirmed.replayed {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((status, Json(confirmed)))
}
