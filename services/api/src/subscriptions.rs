//! Traders' and guarantors' subscriptions behind `/api/v1/subscriptions…`: who may follow what
//! (a trader its own TIN; a guarantor a guarantee reference, for movements leaving its
//! country), where to (`https://` — plain `http://` to this machine only when configured),
//! how many (`[notifications] max_per_account`), with a secret given once;
//! every change audited. Operators see every subscription and may resend a notification.

use chrono::Utc;
use transit_http::api_views::Principal;
use transit_http::subscriptions::{NotificationView, SubscriptionRequest, SubscriptionView};
use transit_http::{ApiError, SubscriptionPort};
use transit_model::Role;
use transit_store::api::subscriptions::{NotificationRow, SubscriptionRow};
use uuid::Uuid;

use crate::answers::unavailable;
use crate::notify::KINDS;
use crate::service::ApiService;

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
    /// Whether `who` may see or act on `subscription`: its owner; an operator of every
    /// country; an operator of one country, when it is that country's — a guarantor's of that
    /// country, or a trader's whose TIN that country issued (its first two letters).
    fn owns(who: &Principal, subscription: &SubscriptionRow) -> bool {
        if subscription.owner == who.username {
            return true;
        }
        if who.role != Role::Operator {
            return false;
        }
        match who.country.as_deref() {
            None => true,
            Some(cc) => match subscription.party_kind {
                Role::Guarantor => subscription.country.as_deref() == Some(cc),
                _ => subscription.party.get(..2) == Some(cc),
            },
        }
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
        self.requested(&who, "subscribe", request.party.as_deref(), &remote)
            .await?;
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
        Ok(rows
            .into_iter()
            .filter(|r| Self::owns(&who, r))
            .map(|r| view(r, None))
            .collect())
    }

    async fn unsubscribe(
        &self,
        who: Principal,
        id: String,
        remote: String,
    ) -> Result<(), ApiError> {
        self.requested(&who, "unsubscribe", Some(&id), &remote)
            .await?;
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
        self.requested(&who, "resend notification", Some(&id), &remote)
            .await?;
        let id = parse_id(&id, "/id")?;
        let (row, _) = self
            .store
            .notification(id)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| no_notification(id))?;
        // Through its subscription: the owner, or an operator whose scope covers it.
        self.owned_subscription(&who, row.subscription_id)
            .await
            .map_err(|_| no_notification(id))?;
        let now = Utc::now();
        self.store
            .resend_notification(id, now)
            .await
            .map_err(unavailable)?;
        self.audit(
            Some(&who.username),
            "resend notification",
            Some(row.mrn.as_str()),
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

fn no_notification(id: Uuid) -> ApiError {
    ApiError::not_found(
        format!("you have no notification {id}"),
        "GET /api/v1/subscriptions/{id}/notifications lists them",
    )
}

#[cfg(test)]
mod scope_tests {
    use super::*;

    fn who(username: &str, role: Role, country: Option<&str>) -> Principal {
        Principal {
            user_id: 1,
            username: username.into(),
            display_name: username.into(),
            role,
            office: None,
            country: country.map(str::to_owned),
            party: None,
            language: "fr".into(),
        }
    }

    fn subscription(
        owner: &str,
        kind: Role,
        party: &str,
        country: Option<&str>,
    ) -> SubscriptionRow {
        SubscriptionRow {
            id: Uuid::nil(),
            owner: owner.into(),
            party_kind: kind,
            party: party.into(),
            country: country.map(str::to_owned),
            url: "https://receiver.example.org/hook".into(),
            secret: "s".into(),
            events: None,
            created_at: Utc::now(),
            cancelled_at: None,
        }
    }

    #[test]
    fn a_country_operator_sees_its_countrys_subscriptions_only() {
        let guarantor_ci = subscription("sgci", Role::Guarantor, "GRN-CI-1", Some("CI"));
        let trader_ci = subscription("sit", Role::Trader, "CI0123456X", None);
        let trader_bf = subscription("sahel", Role::Trader, "BF0456789K", None);
        let operator_bf = who("op-bf", Role::Operator, Some("BF"));
        let operator_all = who("op", Role::Operator, None);
        assert!(!ApiService::owns(&operator_bf, &guarantor_ci));
        assert!(!ApiService::owns(&operator_bf, &trader_ci));
        assert!(ApiService::owns(&operator_bf, &trader_bf));
        assert!(ApiService::owns(&operator_all, &guarantor_ci));
        assert!(ApiService::owns(
            &who("sit", Role::Trader, None),
            &trader_ci
        ));
        assert!(!ApiService::owns(
            &who("sahel", Role::Trader, None),
            &trader_ci
        ));
        assert!(!ApiService::owns(
            &who("officer", Role::Officer, Some("CI")),
            &trader_ci
        ));
    }
}
