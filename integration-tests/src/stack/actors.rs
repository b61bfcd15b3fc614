//! The scenario verbs, grouped by who acts, so that a test reads like the scenario it plays:
//!
//! ```ignore
//! stack.national("CI").releases(&movement).await;
//! stack.officer("BFNGK001").await.confirms_passage(&movement).await;
//! stack.national("BF").confirms_arrival(&movement, Utc::now()).await;
//! ```
//!
//! A national system speaks to its country's adapter; an officer to the hub's API, with an
//! account at the office made for the test. Each verb panics with who did what when it is
//! refused; a test expecting a refusal sends the message itself ([`National::sends`]).

use chrono::{DateTime, Utc};
use transit_http::client::{ClientError, HubClient};
use transit_http::views::Accepted;
use transit_model::{OfficeRef, StandardMessage};
use transit_scenario::Movement;

use crate::Stack;

/// A country's national system, at its adapter.
#[derive(Debug)]
pub struct National {
    country: String,
    adapter: HubClient,
}

impl National {
    /// Sends `message` to the adapter; its answer, refusal included.
    pub async fn sends(&self, message: &StandardMessage) -> Result<Accepted, ClientError> {
        self.adapter.submit(message).await
    }

    /// Sends `message`, which must be accepted; `what` names it in the failure.
    async fn accepted(&self, message: &StandardMessage, what: &str) -> Accepted {
        self.sends(message).await.unwrap_or_else(|e| {
            panic!(
                "{}'s adapter refused {what} of {}: {e}",
                self.country,
                message.mrn()
            )
        })
    }

    /// Releases `movement` for transit (IE029).
    pub async fn releases(&self, movement: &Movement) -> Accepted {
        self.accepted(&movement.release(), "the release").await
    }

    /// Confirms `movement`'s passage at the border post `office` (IE118).
    pub async fn confirms_passage(
        &self,
        movement: &Movement,
        office: &OfficeRef,
        at: DateTime<Utc>,
    ) -> Accepted {
        self.accepted(&movement.passage(office, at), "the passage")
            .await
    }

    /// Confirms `movement`'s arrival at its destination (IE006).
    pub async fn confirms_arrival(&self, movement: &Movement, at: DateTime<Utc>) -> Accepted {
        self.accepted(&movement.arrival(at), "the arrival").await
    }

    /// Reports an incident to `movement` at `office` (IE180).
    pub async fn reports_incident(
        &self,
        movement: &Movement,
        office: &OfficeRef,
        at: DateTime<Utc>,
    ) -> Accepted {
        self.accepted(&movement.incident(office, at), "the incident")
            .await
    }
}

/// An officer at one office, logged in to the hub's API.
#[derive(Debug)]
pub struct Officer {
    office: String,
    api: HubClient,
}

impl Officer {
    /// Takes `action` (`passage`, `arrival`…) on `movement`, as the officer app does (one new
    /// idempotency key per tap); it must be accepted.
    async fn acts(&self, movement: &Movement, action: &str) -> serde_json::Value {
        let key = uuid::Uuid::new_v4().to_string();
        self.api
            .act(
                movement.mrn.as_str(),
                &serde_json::json!({ "action": action }),
                &key,
            )
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "the officer at {} could not confirm the {action} of {}: {e}",
                    self.office, movement.mrn
                )
            })
    }

    /// Confirms that `movement`'s truck crossed here.
    pub async fn confirms_passage(&self, movement: &Movement) -> serde_json::Value {
        self.acts(movement, "passage").await
    }

    /// Confirms that `movement`'s truck arrived here.
    pub async fn confirms_arrival(&self, movement: &Movement) -> serde_json::Value {
        self.acts(movement, "arrival").await
    }
}

impl Stack {
    /// The national system of `country` (`CI`), speaking to its adapter.
    pub fn national(&self, country: &str) -> National {
        National {
            country: country.to_owned(),
            adapter: self.adapter(country),
        }
    }

    /// An officer at `office` (`BFNGK001`), with an account of the test's own
    /// (`officer-bfngk001`), logged in.
    pub async fn officer(&self, office: &str) -> Officer {
        let username = format!("officer-{}", office.to_lowercase());
        self.add_user(&username, "officer", Some(office), None);
        Officer {
            office: office.to_owned(),
            api: self.api_as(&username).await,
        }
    }
}
