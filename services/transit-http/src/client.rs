//! A small client for the adapter and API routes, used by the `sigmat` tool and the tests.

use std::time::Duration;

use transit_model::StandardMessage;
use uuid::Uuid;

use crate::views::{Accepted, Delivery, MovementView};
use crate::ApiError;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The service could not be reached (not started? wrong URL?). Transient.
    #[error("cannot reach {url}: {source}. Is the service running? (deploy/local/status)")]
    Unreachable {
        /// The URL called.
        url: String,
        /// The transport error.
        source: reqwest::Error,
    },
    /// The service answered with an error.
    #[error("{url} answered {0}", .answer)]
    Refused {
        /// The URL called.
        url: String,
        /// Its answer.
        answer: ApiError,
    },
}

impl ClientError {
    /// Whether trying again may succeed: the service unreachable, or its answer's kind
    /// transient ([`crate::ErrorKind::is_transient`]: unavailable, too many attempts, another
    /// 5xx). Any other answer is the service's verdict on the call itself.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unreachable { .. } => true,
            Self::Refused { answer, .. } => answer.kind.is_transient(),
        }
    }
}

/// Calls one adapter or API by base URL (`http://127.0.0.1:8101`).
#[derive(Clone, Debug)]
pub struct HubClient {
    base: String,
    http: reqwest::Client,
    token: Option<String>,
}

impl HubClient {
    /// A client for the service at `base`.
    pub fn new(base: impl Into<String>) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        Self {
            base: base.into().trim_end_matches('/').to_owned(),
            http,
            token: None,
        }
    }

    /// The same client, trusting the certificate authority in `ca_pem` (PEM) for HTTPS: a
    /// service whose certificate a private CA signed.
    pub fn trusting(mut self, ca_pem: &[u8]) -> Result<Self, String> {
        let ca = reqwest::Certificate::from_pem(ca_pem)
            .map_err(|e| format!("the CA certificate is not PEM: {e}"))?;
        self.http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .add_root_certificate(ca)
            .build()
            .map_err(|e| format!("cannot build the client: {e}"))?;
        Ok(self)
    }

    /// Logs in to the API; returns a client that sends the session's bearer token.
    pub async fn login(&self, username: &str, password: &str) -> Result<Self, ClientError> {
        let url = format!("{}/api/v1/sessions", self.base);
        let response = self
            .http
            .post(&url)
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await;
        let session: crate::api_views::SessionView = decode(url, response).await?;
        Ok(Self {
            token: Some(session.token),
            ..self.clone()
        })
    }

    /// The session's bearer token, once logged in.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The same client, sending `token` as its bearer token: a national system's token at
    /// an adapter, a session's at the API.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    fn get(&self, url: &str) -> reqwest::RequestBuilder {
        self.authorized(self.http.get(url))
    }

    fn post(&self, url: &str) -> reqwest::RequestBuilder {
        self.authorized(self.http.post(url))
    }

    fn authorized(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(t) => request.bearer_auth(t),
            None => request,
        }
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Submits a message to an adapter.
    pub async fn submit(&self, message: &StandardMessage) -> Result<Accepted, ClientError> {
        let url = format!("{}/api/v1/messages", self.base);
        let response = self.post(&url).json(message).send().await;
        decode(url, response).await
    }

    /// Submits raw bytes to an adapter (to test refusals).
    pub async fn submit_raw(&self, body: Vec<u8>) -> Result<Accepted, ClientError> {
        let url = format!("{}/api/v1/messages", self.base);
        let response = self
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await;
        decode(url, response).await
    }

    /// Submits a message in a national format to an adapter; returns the HTTP status and the
    /// answer (in the national format). Fails only when the adapter cannot be reached.
    pub async fn submit_national(
        &self,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<(u16, Vec<u8>), ClientError> {
        let url = format!("{}/api/v1/messages", self.base);
        let response = self
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .map_err(|source| ClientError::Unreachable {
                url: url.clone(),
                source,
            })?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|source| ClientError::Unreachable { url, source })?;
        Ok((status, bytes.to_vec()))
    }

    /// Pulls an adapter's unacknowledged deliveries after `after`.
    pub async fn pending(&self, after: i64) -> Result<Vec<Delivery>, ClientError> {
        let url = format!(
            "{}/api/v1/deliveries?after={after}&limit={}",
            self.base,
            crate::routes::MAX_PULL
        );
        let response = self.get(&url).send().await;
        decode(url, response).await
    }

    /// Acknowledges one delivery.
    pub async fn acknowledge(&self, message_id: Uuid) -> Result<(), ClientError> {
        let url = format!("{}/api/v1/deliveries/{message_id}/ack", self.base);
        let response = self.post(&url).send().await;
        let response = response.map_err(|source| ClientError::Unreachable {
            url: url.clone(),
            source,
        })?;
        if response.status().is_success() {
            return Ok(());
        }
        Err(refused(url, response).await)
    }

    /// A movement from the API; `None` if the hub does not know it (yet).
    pub async fn movement(&self, mrn: &str) -> Result<Option<MovementView>, ClientError> {
        let url = format!("{}/api/v1/movements/{mrn}", self.base);
        match decode(
            url,
            self.get(&format!("{}/api/v1/movements/{mrn}", self.base))
                .send()
                .await,
        )
        .await
        {
            Ok(view) => Ok(Some(view)),
            Err(ClientError::Refused { answer, .. })
                if answer.kind == crate::ErrorKind::NotFound =>
            {
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// Takes an officer's action (`{"action": "passage"}`…) on `mrn` under an idempotency
    /// key, as the officer app does; the API's answer.
    pub async fn act(
        &self,
        mrn: &str,
        action: &serde_json::Value,
        key: &str,
    ) -> Result<serde_json::Value, ClientError> {
        let url = format!("{}/api/v1/movements/{mrn}/actions", self.base);
        let response = self
            .post(&url)
            .header("Idempotency-Key", key)
            .json(action)
            .send()
            .await;
        decode(url, response).await
    }

    /// Dead letters (operators), newest first; `query` as `GET /api/v1/dead-letters` takes it.
    pub async fn dead_letters(
        &self,
        query: &[(&str, String)],
    ) -> Result<Vec<transit_model::dead_letters::DeadLetter>, ClientError> {
        let url = format!("{}/api/v1/dead-letters", self.base);
        decode(url.clone(), self.get(&url).query(query).send().await).await
    }

    /// One dead letter with its record (operators).
    pub async fn dead_letter(
        &self,
        id: &str,
    ) -> Result<crate::operator_routes::DeadLetterDetail, ClientError> {
        let url = format!("{}/api/v1/dead-letters/{id}", self.base);
        decode(url.clone(), self.get(&url).send().await).await
    }

    /// Replays a dead letter (operators); what the API did.
    pub async fn replay(
        &self,
        id: &str,
    ) -> Result<crate::operator_routes::ReplayOutcome, ClientError> {
        let url = format!("{}/api/v1/dead-letters/{id}/replay", self.base);
        decode(url.clone(), self.post(&url).send().await).await
    }

    /// The network's latest reference data version, with its files (hub operators).
    pub async fn reference_document(
        &self,
    ) -> Result<transit_model::reference::ReferenceVersion, ClientError> {
        let url = format!("{}/api/v1/reference/document", self.base);
        decode(url.clone(), self.get(&url).send().await).await
    }

    /// Imports the next reference data version (hub operators); what the API did.
    pub async fn import_reference(
        &self,
        request: &crate::reference::ImportRequest,
    ) -> Result<crate::reference::ImportOutcome, ClientError> {
        let url = format!("{}/api/v1/reference/document", self.base);
        let put = self.authorized(self.http.put(&url)).json(request);
        decode(url.clone(), put.send().await).await
    }

    /// The disclosure register's entries for `query` (`from=CI&to=BF&since=…`; operators).
    pub async fn disclosures(
        &self,
        query: &str,
    ) -> Result<crate::disclosures::DisclosureReport, ClientError> {
        let url = format!("{}/api/v1/disclosures?{query}", self.base);
        decode(url.clone(), self.get(&url).send().await).await
    }

    /// The risk rules in force as this operator may read them.
    pub async fn risk_rules(&self) -> Result<crate::risk::RulesView, ClientError> {
        let url = format!("{}/api/v1/risk/rules", self.base);
        decode(url.clone(), self.get(&url).send().await).await
    }

    /// Imports changed risk rules (operators); what the API did.
    pub async fn import_risk_rules(
        &self,
        request: &crate::risk::RulesImport,
    ) -> Result<crate::reference::ImportOutcome, ClientError> {
        let url = format!("{}/api/v1/risk/rules", self.base);
        let put = self.authorized(self.http.put(&url)).json(request);
        decode(url.clone(), put.send().await).await
    }

    /// Each risk rule's figures, as this operator may read them.
    pub async fn risk_figures(&self) -> Result<Vec<crate::risk::RuleFigures>, ClientError> {
        let url = format!("{}/api/v1/risk/figures", self.base);
        decode(url.clone(), self.get(&url).send().await).await
    }

    /// What looks wrong on the network now; `query` as `GET /api/v1/risk/anomalies` takes it
    /// (`silenceMinutes=0&burst=1`).
    pub async fn risk_anomalies(
        &self,
        query: &str,
    ) -> Result<crate::risk::AnomaliesView, ClientError> {
        let url = format!("{}/api/v1/risk/anomalies?{query}", self.base);
        decode(url.clone(), self.get(&url).send().await).await
    }

    /// Sets a movement's lane at a country's offices over the one scored (operators); the
    /// movement's risk there as it now reads.
    pub async fn override_lane(
        &self,
        mrn: &str,
        request: &crate::risk::LaneOverride,
    ) -> Result<crate::views::RiskView, ClientError> {
        let url = format!("{}/api/v1/movements/{mrn}/lane", self.base);
        let post = self.authorized(self.http.post(&url)).json(request);
        decode(url.clone(), post.send().await).await
    }

    /// Silences a rule at a country's offices, or lifts the silence (operators).
    pub async fn silence_rule(
        &self,
        request: &crate::risk::SilenceRequest,
    ) -> Result<crate::reference::ImportOutcome, ClientError> {
        let url = format!("{}/api/v1/risk/silences", self.base);
        let post = self.authorized(self.http.post(&url)).json(request);
        decode(url.clone(), post.send().await).await
    }

    /// Whether `/health` answers 200.
    pub async fn healthy(&self) -> bool {
        let url = format!("{}/health", self.base);
        self.http
            .get(url)
            .timeout(Duration::from_secs(2))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
    }
}

async fn decode<T: serde::de::DeserializeOwned>(
    url: String,
    response: Result<reqwest::Response, reqwest::Error>,
) -> Result<T, ClientError> {
    let response = response.map_err(|source| ClientError::Unreachable {
        url: url.clone(),
        source,
    })?;
    if !response.status().is_success() {
        return Err(refused(url, response).await);
    }
    response
        .json()
        .await
        .map_err(|source| ClientError::Unreachable { url, source })
}

async fn refused(url: String, response: reqwest::Response) -> ClientError {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    let answer = serde_json::from_str(&text).unwrap_or_else(|_| {
        ApiError::new(
            crate::ErrorKind::Other {
                status,
                name: "unexpected_answer".into(),
            },
            "/",
            text,
            "see the service's log",
        )
    });
    ClientError::Refused { url, answer }
}

/// The text a plain `GET url` answers (a service's `/metrics`); an answer other than 200 is
/// refused with its status.
pub async fn get_text(url: &str) -> Result<String, ClientError> {
    let unreachable = |source| ClientError::Unreachable {
        url: url.to_owned(),
        source,
    };
    let answer = reqwest::get(url).await.map_err(unreachable)?;
    let status = answer.status();
    let text = answer.text().await.map_err(unreachable)?;
    if !status.is_success() {
        return Err(ClientError::Refused {
            url: url.to_owned(),
            answer: ApiError::unavailable(format!(
                "{status}: {}",
                text.chars().take(200).collect::<String>()
            )),
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_on_the_call_itself_is_permanent_and_unavailable_is_transient() {
        let refused = |answer| ClientError::Refused {
            url: "http://127.0.0.1:8101".into(),
            answer,
        };
        assert!(refused(ApiError::unavailable("the database does not answer")).is_transient());
        assert!(!refused(ApiError::bad_request("/mrn", "not an MRN")).is_transient());
        assert!(!refused(ApiError::not_found("movement", "check the MRN")).is_transient());
    }
}
