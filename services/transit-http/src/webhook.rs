//! Pushing a delivery to a national system's webhook.

use std::time::Duration;

/// What the national system answered, or why it could not be reached.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// No answer (down, unreachable, timed out). Transient.
    #[error("cannot reach {url}: {source}")]
    Unreachable {
        /// The webhook.
        url: String,
        /// The transport error.
        source: reqwest::Error,
    },
    /// It answered, but not with 2xx. Retried too: the national system decides when it is ready.
    #[error("{url} answered {status}: {body}")]
    Answered {
        /// The webhook.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The start of its answer.
        body: String,
    },
}

/// A client for one national system's webhook.
#[derive(Clone, Debug)]
pub struct WebhookClient {
    url: String,
    http: reqwest::Client,
}

impl WebhookClient {
    /// A client posting to `url`, each call limited to `timeout`.
    pub fn new(url: impl Into<String>, timeout: Duration) -> Self {
        Self {
            url: url.into(),
            http: reqwest::Client::builder()
                .timeout(timeout)
                .build()
                .unwrap_or_default(),
        }
    }

    /// A client that also trusts the certificate authority in `ca_pem` (a national system
    /// behind a private CA).
    pub fn with_ca(
        url: impl Into<String>,
        timeout: Duration,
        ca_pem: &[u8],
    ) -> Result<Self, String> {
        let ca = reqwest::Certificate::from_pem(ca_pem)
            .map_err(|e| format!("the CA certificate is not PEM: {e}"))?;
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .add_root_certificate(ca)
            .build()
            .map_err(|e| format!("cannot build the webhook client: {e}"))?;
        Ok(Self {
            url: url.into(),
            http,
        })
    }

    /// The webhook URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Posts one message; `Ok` on a 2xx answer.
    pub async fn push(
        &self,
        content_type: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<(), PushError> {
        let mut request = self
            .http
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let response = request
            .send()
            .await
            .map_err(|source| PushError::Unreachable {
                url: self.url.clone(),
                source,
            })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let body = response.text().await.unwrap_or_default();
        Err(PushError::Answered {
            url: self.url.clone(),
            status: status.as_u16(),
            body: body.chars().take(300).collect(),
        })
    }
}

/// What a national system (or its simulator) does with a pushed delivery: answer an HTTP
/// status (2xx = taken).
pub trait WebhookReceiver: Send + Sync + 'static {
    /// One push: the `X-Sigmat-Message-Id` header, the media type and the body.
    fn receive(
        &self,
        message_id: Option<String>,
        content_type: String,
        body: axum::body::Bytes,
    ) -> impl std::future::Future<Output = u16> + Send;
}

/// The receiving side of a webhook: `POST /webhook`.
pub fn receiver_routes<R: WebhookReceiver>(receiver: std::sync::Arc<R>) -> axum::Router {
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    async fn receive<R: WebhookReceiver>(
        State(receiver): State<std::sync::Arc<R>>,
        headers: HeaderMap,
        body: axum::body::Bytes,
    ) -> StatusCode {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let status = receiver
            .receive(
                text("x-sigmat-message-id"),
                text("content-type").unwrap_or_default(),
                body,
            )
            .await;
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
    axum::Router::new()
        .route("/webhook", axum::routing::post(receive::<R>))
        .with_state(receiver)
}
