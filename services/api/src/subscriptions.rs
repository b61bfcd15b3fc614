//! Traders' and guarantors' subscriptions behind `/api/v1/subscriptions…`: who may follow what
//! (a trader its own TIN; a guarantor a guarantee reference, for movements leaving its
//! country), where to (`https://` — plain `http://` to this machine only when configured),
//! how many (`[notifications] max_per_account`), with a secret given once;
//! every change audited. Operators see every subscription and may resend a notification.

use chrono::Utc;
use transit_http::api_views::Principal;
use transit_http::subscription_routes::{NotificationView, SubscriptionRequest, SubscriptionView};
use transit_http::{ApiError, SubscriptionPort};
use transit_model::Role;
use transit_store::api::subscriptions::{NotificationRow, SubscriptionRow};
use uuid::Uuid;

use crate::notify::KINDS;
use crate::service::{unavailable, ApiService};

fn view(row: SubscriptionRow, secret: Option<String>) -> SubscriptionView {
    SubscriptionView {
        id: row.id.to_string(),
        party_kind: row.party_kind.as_str().to_owned(),
        party: row.party,
        url: row.url,
        events: row.events,
        created_at: row.created_at,
        cancelled_at: row.cancelled_at,
        secret,
    }
}

fn notification_view(row: NotificationRow) -> NotificationView {
    NotificationView {
        id: row.id.to_string(),
        mrn: row.mrn,
        payload: row.payload,
        created_at: row.created_at,
        attempts: row.attempts,
        last_error: row.last_error,
        next_attempt_at: (row.delivered_at.is_none() && row.parked_at.is_none())
            .then_some(row.next_attempt_at),
        delivered_at: row.delivered_at,
        parked_at: row.parked_at,
    }
}

fn parse_id(id: &str, pointer: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id)
        .map_err(|_| ApiError::invalid(pointer, format!("{id:?} is not an id (a UUID)")))
}

fn only_traders_and_guarantors(who: &Principal) -> ApiError {
    ApiError::denied(
        format!(
            "{} is an {}; subscriptions are for traders and guarantors",
            who.username, who.role
        ),
        "ask the hub operator for a trader or guarantor account",
    )
}

impl ApiService {
    /// Whether `who` may see or act on `subscription`.
    fn owns(who: &Principal, subscription: &SubscriptionRow) -> bool {
        who.role == Role::Operator || subscription.owner == who.username
    }

    async fn owned_subscription(
        &self,
        who: &Principal,
        id: Uuid,
    ) -> Result<SubscriptionRow, ApiError> {
        self.store
            .subscription(id)
            .await
            .map_err(unavailable)?
            .filter(|s| Self::owns(who, s))
            .ok_or_else(|| {
                ApiError::not_found(
                    format!("you have no subscription {id}"),
                    "GET /api/v1/subscriptions lists yours",
                )
            })
    }
}

impl SubscriptionPort for ApiService {
    async fn add_subscription(
        &self,
        who: Principal,
        request: SubscriptionRequest,
        remote: String,
    ) -> Result<SubscriptionView, ApiError> {
        let (party, country) = match who.role {
            Role::Trader => {
                let own = who.party.clone().unwrap_or_default();
                match request.party {
                    Some(other) if other != own => {
                        return Err(ApiError::denied(
                            format!(
                                "{} may follow its own declarations ({own}), not {other}",
                                who.username
                            ),
                            "leave party out, or give your own TIN",
                        ))
                    }
                    _ => (own, None),
                }
            }
            Role::Guarantor => {
                let reference =
                    request
                        .party
                        .filter(|p| !p.trim().is_empty())
                        .ok_or_else(|| {
                            ApiError::invalid(
                                "/party",
                                "a guarantor names the guarantee reference to follow (GRN-…)",
                            )
                        })?;
                transit_model::Text35::parse(&reference)
                    .map_err(|e| ApiError::invalid("/party", e.to_string()))?;
                (reference, who.country.clone())
            }
            Role::Officer | Role::Operator | Role::Adapter => {
                return Err(only_traders_and_guarantors(&who))
            }
        };
        self.egress
            .check_url(&request.url)
            .map_err(|refused| ApiError::invalid("/url", refused.0))?;
        let held = self
            .store
            .subscriptions(Some(&who.username))
            .await
            .map_err(unavailable)?
            .iter()
            .filter(|s| s.cancelled_at.is_none())
            .count();
        if i64::try_from(held).unwrap_or(i64::MAX) >= self.notifications.max_per_account {
            return Err(ApiError::unprocessable(
                format!(
                    "{} already holds {held} subscriptions, the most one account may",
                    who.username
                ),
                "cancel one you no longer need (DELETE /api/v1/subscriptions/{id})",
            ));
        }
        if let Some(events) = &request.events {
            if let Some(unknown) = events.iter().find(|e| !KINDS.contains(&e.as_str())) {
                return Err(ApiError::invalid(
                    "/events",
                    format!(
                        "{unknown:?} is not a kind of event; the kinds are {}",
                        KINDS.join(", ")
                    ),
                ));
            }
        }
        let secret = crate::auth::new_token();
        let row = SubscriptionRow {
            id: Uuid::new_v4(),
            owner: who.username.clone(),
            party_kind: who.role,
            party,
            country,
            url: request.url,
            secret: secret.clone(),
            events: request.events,
            created_at: Utc::now(),
            cancelled_at: None,
        };
        self.store
            .create_subscription(&row)
            .await
            .map_err(unavailable)?;
        self.audit(
            Some(&who.username),
            "subscribe",
            Some(&row.party),
            "ok",
            &remote,
            Some(format!(
                "{} → {}",
                row.id,
                transit_http::webhook::loggable_url(&row.url)
            )),
        )
        .await?;
        Ok(view(row, Some(secret)))
    }

    async fn subscriptions(&self, who: Principal) -> Result<Vec<SubscriptionView>, ApiError> {
        let owner = match who.role {
            Role::Operator => None,
            Role::Trader | Role::Guarantor => Some(who.username.as_str()),
            Role::Officer | Role::Adapter => return Err(only_traders_and_guarantors(&who)),
        };
        let rows = self.store.subscriptions(owner).await.map_err(unavailable)?;
        Ok(rows.into_iter().map(|r| view(r, None)).collect())
    }

    async fn unsubscribe(
        &self,
        who: Principal,
        id: String,
        remote: String,
    ) -> Result<(), ApiError> {
        let id = parse_id(&id, "/id")?;
        let subscription = self.owned_subscription(&who, id).await?;
        self.store
            .cancel_subscription(id, Utc::now())
            .await
            .map_err(unavailable)?;
        self.audit(
            Some(&who.username),
            "unsubscribe",
            Some(&subscription.party),
            "ok",
            &remote,
            Some(id.to_string()),
        )
        .await
    }

    async fn notifications(
        &self,
        who: Principal,
        id: String,
    ) -> Result<Vec<NotificationView>, ApiError> {
        let id = parse_id(&id, "/id")?;
        self.owned_subscription(&who, id).await?;
        let rows = self
            .store
            .notifications(id, 200)
            .await
            .map_err(unavailable)?;
        Ok(rows.into_iter().map(notification_view).collect())
    }

    async fn resend(
        &self,
        who: Principal,
        id: String,
        remote: String,
    ) -> Result<NotificationView, ApiError> {
        let id = parse_id(&id, "/id")?;
        let (row, _) = self
            .store
            .notification(id)
            .await
            .map_err(unavailable)?
            .filter(|(_, owner)| who.role == Role::Operator || *owner == who.username)
            .ok_or_else(|| {
                ApiError::not_found(
                    format!("you have no notification {id}"),
                    "GET /api/v1/subscriptions/{id}/notifications lists them",
                )
            })?;
        let now = Utc::now();
        self.store
            .resend_notification(id, now)
            .await
            .map_err(unavailable)?;
        self.audit(
            Some(&who.username),
            "resend notification",
            Some(&row.mrn),
            "ok",
            &remote,
            Some(id.to_string()),
        )
        .await?;
        Ok(notification_view(NotificationRow {
            next_attempt_at: now,
            delivered_at: None,
            parked_at: None,
            ..row
        }))
    }
}
