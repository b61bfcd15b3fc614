//! The disclosure register (`GET /api/v1/disclosures`): what of a country's transit data went
//! to which other country, when and under which agreement — every copy the hub sent across a
//! border and every read by another country's account. A country's operator reads its own
//! country's outgoing data only; a hub operator names the country. Behind it, a
//! [`DisclosurePort`].

use std::future::Future;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api_views::Principal;
use crate::request::{bad_query, caller};
use crate::{ApiError, ApiPort};
use transit_model::MessageType;
use transit_model::Mrn;

/// `GET /api/v1/disclosures?to=BF&since=…&until=…`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DisclosureQuery {
    /// Whose data (a hub operator's choice; a country's operator reads its own).
    #[serde(default)]
    pub from: Option<String>,
    /// To which country (none: every country).
    #[serde(default)]
    pub to: Option<String>,
    /// From this instant (RFC 3339; default: 30 days before `until`).
    #[serde(default)]
    pub since: Option<DateTime<Utc>>,
    /// Before this instant (RFC 3339; default: now).
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
}

/// One entry of the register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DisclosureView {
    /// The movement.
    pub mrn: Mrn,
    /// Whose data (the movement's departure country).
    pub from: String,
    /// Who received it.
    pub to: String,
    /// The receiving office (for a read: the reader's office, or their country's office on
    /// the movement).
    pub office: String,
    /// The office's role: `transit`, `destination`, `divertedDestination`.
    pub role: String,
    /// `copy` (sent to the office's national system) or `read` (through this API).
    pub channel: String,
    /// The copy's message id.
    pub message_id: Option<String>,
    /// The copy's type (`IE050`…).
    pub message_type: Option<MessageType>,
    /// Who read it.
    pub reader: Option<String>,
    /// The agreement it went under (none: passed on as the departure sent it).
    pub agreement: Option<String>,
    /// The groups of data that went.
    pub shared: Vec<String>,
    /// The groups left out.
    pub withheld: Vec<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// The register's answer: the period read and its entries, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DisclosureReport {
    /// Whose data.
    pub from: String,
    /// To which country (none: all).
    pub to: Option<String>,
    /// From.
    pub since: DateTime<Utc>,
    /// Until (exclusive).
    pub until: DateTime<Utc>,
    /// The entries (at most 10,000; `truncated` when there were more).
    pub entries: Vec<DisclosureView>,
    /// More entries than returned: narrow the period.
    pub truncated: bool,
}

/// What the hub API does about the disclosure register.
pub trait DisclosurePort: ApiPort {
    /// The entries of `query` (operators; a country's operator only its own country's data).
    fn disclosures(
        &self,
        who: Principal,
        query: DisclosureQuery,
        remote: String,
    ) -> impl Future<Output = Result<DisclosureReport, ApiError>> + Send;
}

/// The disclosure route.
pub(crate) fn disclosure_routes<P: DisclosurePort>(port: Arc<P>) -> Router {
    Router::new()
        .route("/api/v1/disclosures", get(list::<P>))
        .with_state(port)
}

async fn list<P: DisclosurePort>(
    State(port): State<Arc<P>>,
    crate::request::Remote(remote): crate::request::Remote,
    headers: HeaderMap,
    query: Result<Query<DisclosureQuery>, QueryRejection>,
) -> Result<Json<DisclosureReport>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    let Query(query) = query.map_err(bad_query)?;
    port.disclosures(who, query, remote).await.map(Json)
}
