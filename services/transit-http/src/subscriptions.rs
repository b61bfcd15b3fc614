//! Traders' and guarantors' webhook subscriptions (`/api/v1/subscriptions…`,
//! `/api/v1/notifications/{id}/resend`). Behind them, a [`SubscriptionPort`].

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
use transit_model::Mrn;

/// `POST /api/v1/subscriptions`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubscriptionRequest {
    /// A trader: its own TIN (the default). A guarantor: the guarantee reference to follow.
    #[serde(default)]
    pub party: Option<String>,
    /// Where to post notifications: `https://…` (`http://` only to this machine).
    pub url: String,
    /// Only these kinds of event (default: all): release, passage, arrival, control,
    /// incident, enquiry, recovery, writeOff, cancelled, guaranteeReleased.
    #[serde(default)]
    pub events: Option<Vec<String>>,
}

/// A subscription.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionView {
    /// Its id.
    pub id: String,
    /// `trader` or `guarantor`.
    pub party_kind: String,
    /// The TIN or guarantee reference followed.
    pub party: String,
    /// Where notifications go.
    pub url: String,
    /// The kinds of event sent (none: all).
    pub events: Option<Vec<String>>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// The secret that signs every notification (`X-Sigmat-Signature: sha256=` HMAC-SHA256 of
    /// `timestamp.body`, with `X-Sigmat-Timestamp`): given once, in the answer that creates
    /// the subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// One notification and how its delivery goes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationView {
    /// Its id (the receiver deduplicates by it).
    pub id: String,
    /// The movement.
    pub mrn: Mrn,
    /// What was (or will be) posted (`schemas/events/v1/notification.schema.json`).
    pub payload: serde_json::Value,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// Posts tried.
    pub attempts: i32,
    /// The last failure.
    pub last_error: Option<String>,
    /// When it is tried next, if not delivered.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the receiver took it.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When it was parked after repeated refusals (resend it after a fix).
    pub parked_at: Option<DateTime<Utc>>,
}

/// What the hub API does about subscriptions.
pub trait SubscriptionPort: ApiPort {
    /// Subscribes `who` (a trader or guarantor) to a webhook.
    fn add_subscription(
        &self,
        who: Principal,
        request: SubscriptionRequest,
        remote: String,
    ) -> impl Future<Output = Result<SubscriptionView, ApiError>> + Send;
    /// `who`'s subscriptions (an operator's: all).
    fn subscriptions(
        &self,
        who: Principal,
    ) -> impl Future<Output = Result<Vec<SubscriptionView>, ApiError>> + Send;
    /// Cancels one.
    fn unsubscribe(
        &self,
        who: Principal,
        id: String,
        remote: String,
    ) -> impl Future<Output = Result<(), ApiError>> + Send;
    /// A subscription's notifications, newest first.
    fn notifications(
        &self,
        who: Principal,
        id: String,
    ) -> impl Future<Output = Result<Vec<NotificationView>, ApiError>> + Send;
    /// Sends a notification again (after a parking, or to a receiver that lost it).
    fn resend(
        &self,
        who: Principal,
        id: String,
        remote: String,
    ) -> impl Future<Output = Result<NotificationView, ApiError>> + Send;
}

/// The subscription routes.
pub(crate) fn subscription_routes<P: SubscriptionPort>(port: Arc<P>) -> Router {
    Router::new()
        .route("/api/v1/subscriptions", post(subscribe::<P>).get(list::<P>))
        .route(
            "/api/v1/subscriptions/{id}",
            axum::routing::delete(unsubscribe::<P>),
        )
        .route(
            "/api/v1/subscriptions/{id}/notifications",
            get(notifications::<P>),
        )
        .route("/api/v1/notifications/{id}/resend", post(resend::<P>))
        .with_state(port)
}

async fn subscribe<P: SubscriptionPort>(
    State(port): State<Arc<P>>,
    Remote(remote): Remote,
    headers: HeaderMap,
    body: Result<Json<SubscriptionRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<SubscriptionView>), ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    let Json(request) = body.map_err(bad_json)?;
    let view = port.add_subscription(who, request, remote).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

async fn list<P: SubscriptionPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
) -> Result<Json<Vec<SubscriptionView>>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.subscriptions(who).await.map(Json)
}

async fn unsubscribe<P: SubscriptionPort>(
    State(port): State<Arc<P>>,
    Remote(remote): Remote,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.unsubscribe(who, id, remote)
        .await
        .map(|()| StatusCode::NO_CONTENT)
}

async fn notifications<P: SubscriptionPort>(
    State(port): State<Arc<P>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Vec<NotificationView>>, ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    port.notifications(who, id).await.map(Json)
}

async fn resend<P: SubscriptionPort>(
    State(port): State<Arc<P>>,
    Remote(remote): Remote,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<NotificationView>), ApiError> {
    let who = caller(port.as_ref(), &headers).await?;
    let view = port.resend(who, id, remote).await?;
    Ok((StatusCode::ACCEPTED, Json(view)))
}
