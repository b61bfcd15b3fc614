//! The network's reference data for operators (`/api/v1/reference/document`): the version in
//! force with its files, and importing the next one. Behind them, a [`ReferencePort`]. (The
//! public `GET /api/v1/reference` — offices and corridors for maps and forms — is in
//! `api_routes`.)

use std::future::Future;
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use transit_model::reference::{ReferenceDocument, ReferenceVersion};

use crate::api_views::Principal;
use crate::request::{bad_json, caller, Remote};
use crate::{ApiError, ApiPort};

/// `PUT /api/v1/reference/document`: the next version of the reference data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportRequest {
    /// The version this one was prepared from (the `version` of `GET`): if another operator
    /// imported since, the import is refused (409) rather than undoing their change.
    pub based_on: i64,
    /// Why, for the history and the audit log.
    pub note: String,
    /// Every reference file, keyed by its path under `schemas/`.
    pub document: ReferenceDocument,
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportOutcome {
    /// The version now latest: the new one, or the one it was based on if nothing changed.
    pub version: i64,
    /// Whether a new version was kept (false: the files hold the same data).
    pub imported: bool,
    /// What changed, one line each (`+` added, `-` removed, `~` changed).
    pub changes: Vec<String>,
}

/// What the hub API does about the reference data (hub operators only).
pub trait ReferencePort: ApiPort {
    /// The latest version, with its files.
    fn reference_document(
        &self,
        who: Principal,
    ) -> impl Future<Output = Result<ReferenceVersion, ApiError>> + Send;
    /// Keeps the next version and sends it to every service (audited).
    fn import_reference(
        &self,
        who: Principal,
        request: ImportRequest,
        remote: String,
    ) -> impl Future<Output = Result<ImportOutcome, ApiError>> + Send;
}

/// The reference data routes.
pub(crate) fn reference_routes<P: ReferencePort>(port: Arc<P>) -> Router {
    Router::new()
        .route(
            "/api/v1/reference/document",
            get(document::<P>).put(import::<P>),
        )
        .with_state(port)
}

async fn document<P: ReferencePort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
) -> Result<Json<ReferenceVersion>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.reference_document(who).await.map(Json)
}

async fn import<P: ReferencePort>(
    State(port): State<Arc<P>>,
    Remote(remote): Remote,
    headers: HeaderMap,
    body: Result<Json<ImportRequest>, JsonRejection>,
) -> Result<Json<ImportOutcome>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    let Json(request) = body.map_err(bad_json)?;
    port.import_reference(who, request, remote).await.map(Json)
}
