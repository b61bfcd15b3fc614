//! Pushing a delivery to a national system's webhook, signed so the national system can tell
//! the hub's pushes from anyone else's.
//!
//! With a shared secret configured, every push carries [`TIMESTAMP_HEADER`] (seconds since
//! 1970) and [`SIGNATURE_HEADER`]: `sha256=` followed by the hexadecimal HMAC-SHA256, keyed with
//! the secret, of the timestamp, a full stop and the body (`"1764500000.<body bytes>"`). The
//! national system recomputes it ([`verify`]) and refuses a push whose signature differs or
//! whose timestamp is more than a few minutes away from its clock (a replayed push).

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};

use crate::egress::{EgressPolicy, GuardedResolver, NotPublic};
use sha2::Sha256;

/// Header with the time the push was signed, in seconds since 1970.
pub const TIMESTAMP_HEADER: &str = "x-sigmat-timestamp";
/// Header with the push's signature: `sha256=<hex HMAC-SHA256 of "{timestamp}.{body}">`.
pub const SIGNATURE_HEADER: &str = "x-sigmat-signature";

fn mac(secret: &[u8], timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length: new_from_slice cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC accepts any key");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The [`SIGNATURE_HEADER`] value of `body` signed at `timestamp` with `secret`.
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let tag = mac(secret, &timestamp.to_string(), body)
        .finalize()
        .into_bytes();
    format!("sha256={}", hex::encode(tag))
}

/// Why a push's signature is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No timestamp or signature header.
    #[error("the push has no {TIMESTAMP_HEADER} or {SIGNATURE_HEADER} header")]
    Missing,
    /// The signature does not match the body and timestamp.
    #[error("the signature does not match the body: wrong secret, or the push was altered")]
    Mismatch,
    /// The timestamp is too far from now.
    #[error(
        "the push was signed too long ago (or in the future): a replay, or a clock that is off"
    )]
    Stale,
}

/// Checks a push as a national system would: the signature over `"{timestamp}.{body}"` with
/// `secret`, compared in constant time, and a timestamp within `tolerance` seconds of `now`.
pub fn verify(
    secret: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: i64,
    tolerance: i64,
) -> Result<(), SignatureError> {
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err(SignatureError::Missing);
    };
    let tag = signature
        .strip_prefix("sha256=")
        .and_then(|h| hex::decode(h).ok())
        .ok_or(SignatureError::Mismatch)?;
    mac(secret, timestamp, body)
        .verify_slice(&tag)
        .map_err(|_| SignatureError::Mismatch)?;
    let signed_at: i64 = timestamp.parse().map_err(|_| SignatureError::Mismatch)?;
    if (now - signed_at).abs() > tolerance {
        return Err(SignatureError::Stale);
    }
    Ok(())
}

/// `url` as it may be written in a log: without a user name, password or query string,
/// which may carry credentials.
pub fn loggable_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            let hidden = parsed.query().is_some();
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.set_query(None);
            let mut shown = parsed.to_string();
            if hidden {
                shown.push_str("?…");
            }
            shown
        }
        Err(_) => "(an invalid URL)".to_owned(),
    }
}

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
    /// The address is not one the client may send to ([`crate::egress`]): nothing was sent.
    #[error("{0}")]
    Refused(#[from] NotPublic),
    /// It answered, but not with 2xx (a redirect included: none is followed). Retried too: the
    /// national system decides when it is ready.
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

impl PushError {
    /// Whether trying again may succeed: the receiver down, slow (408) or overloaded (429), or
    /// failing (5xx). A 4xx answer is its refusal of the post itself, and an address the client
    /// may not send to stays one: both permanent (retried only until the item is parked).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unreachable { .. } => true,
            Self::Refused(_) => false,
            Self::Answered { status, .. } => {
                !(400..500).contains(status) || *status == 408 || *status == 429
            }
        }
    }
}

/// A client for one national system's webhook.
#[derive(Clone)]
pub struct WebhookClient {
    url: String,
    shown_url: String,
    http: reqwest::Client,
    secret: Option<Vec<u8>>,
}

impl std::fmt::Debug for WebhookClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookClient")
            .field("url", &self.shown_url)
            .field("signed", &self.secret.is_some())
            .finish_non_exhaustive()
    }
}

impl WebhookClient {
    /// A client posting to `url`, each call limited to `timeout`.
    pub fn new(url: impl Into<String>, timeout: Duration) -> Self {
        let url = url.into();
        Self {
            shown_url: loggable_url(&url),
            url,
            http: reqwest::Client::builder()
                .timeout(timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default(),
            secret: None,
        }
    }

    /// A client for a URL somebody outside the hub chose (a subscription's webhook): the URL is
    /// checked by `policy`, every address its name resolves to is checked again at each push
    /// (the connection goes only to a checked address), no redirect is followed and no proxy
    /// is used.
    pub fn guarded(
        url: &str,
        timeout: Duration,
        policy: Arc<EgressPolicy>,
    ) -> Result<Self, NotPublic> {
        policy.check_url(url)?;
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver::new(policy)))
            .build()
            .map_err(|e| NotPublic(format!("cannot build the webhook client: {e}")))?;
        Ok(Self {
            shown_url: loggable_url(url),
            url: url.to_owned(),
            http,
            secret: None,
        })
    }

    /// The same client, signing every push with `secret` (see the module documentation).
    pub fn with_secret(mut self, secret: &[u8]) -> Self {
        self.secret = Some(secret.to_vec());
        self
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
            .redirect(reqwest::redirect::Policy::none())
            .add_root_certificate(ca)
            .build()
            .map_err(|e| format!("cannot build the webhook client: {e}"))?;
        let url = url.into();
        Ok(Self {
            shown_url: loggable_url(&url),
            url,
            http,
            secret: None,
        })
    }

    /// The webhook URL as it may be logged (no credentials, no query string).
    pub fn loggable_url(&self) -> &str {
        &self.shown_url
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
            .header(reqwest::header::CONTENT_TYPE, content_type);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        if let Some(secret) = &self.secret {
            let now = chrono::Utc::now().timestamp();
            request = request
                .header(TIMESTAMP_HEADER, now.to_string())
                .header(SIGNATURE_HEADER, signature(secret, now, &body));
        }
        let response = request.body(body).send().await.map_err(|source| {
            if crate::egress::refused_by_policy(&source) {
                PushError::Refused(NotPublic(format!(
                    "{} resolves to an address that is not public",
                    self.shown_url
                )))
            } else {
                PushError::Unreachable {
                    url: self.shown_url.clone(),
                    source: source.without_url(),
                }
            }
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let body = response.text().await.unwrap_or_default();
        Err(PushError::Answered {
            url: self.shown_url.clone(),
            status: status.as_u16(),
            body: body.chars().take(300).collect(),
        })
    }
}

/// What a national system (or its simulator) does with a pushed delivery: answer an HTTP
/// status (2xx = taken).
pub trait WebhookReceiver: Send + Sync + 'static {
    /// One push.
    fn receive(&self, push: Push) -> impl std::future::Future<Output = u16> + Send;
}

/// One push as received.
#[derive(Clone, Debug)]
pub struct Push {
    /// The `X-Sigmat-Message-Id` header.
    pub message_id: Option<String>,
    /// The media type.
    pub content_type: String,
    /// The [`TIMESTAMP_HEADER`].
    pub timestamp: Option<String>,
    /// The [`SIGNATURE_HEADER`].
    pub signature: Option<String>,
    /// The W3C `traceparent` header: the message's trace.
    pub traceparent: Option<String>,
    /// The body.
    pub body: axum::body::Bytes,
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
            .receive(Push {
                message_id: text("x-sigmat-message-id"),
                content_type: text("content-type").unwrap_or_default(),
                timestamp: text(TIMESTAMP_HEADER),
                signature: text(SIGNATURE_HEADER),
                traceparent: text("traceparent"),
                body,
            })
            .await;
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
    axum::Router::new()
        .route("/webhook", axum::routing::post(receive::<R>))
        .with_state(receiver)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_permanent_and_down_slow_or_busy_is_transient() {
        let answered = |status| PushError::Answered {
            url: "https://example.org".into(),
            status,
            body: String::new(),
        };
        for status in [400, 401, 404, 422] {
            assert!(!answered(status).is_transient(), "{status}");
        }
        for status in [408, 429, 500, 503, 302] {
            assert!(answered(status).is_transient(), "{status}");
        }
    }

    #[test]
    fn a_signed_push_verifies_and_any_change_is_refused() {
        let (secret, body, at) = (
            b"shared-secret".as_slice(),
            b"<ASYCUDA/>".as_slice(),
            1_764_500_000,
        );
        let signed = signature(secret, at, body);
        let ts = at.to_string();
        assert_eq!(
            verify(secret, Some(&ts), Some(&signed), body, at + 10, 300),
            Ok(())
        );
        assert_eq!(
            verify(b"other", Some(&ts), Some(&signed), body, at, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(
                secret,
                Some(&ts),
                Some(&signed),
                b"<ASYCUDA>x</ASYCUDA>",
                at,
                300
            ),
            Err(SignatureError::Mismatch)
        );
        let later = (at + 1).to_string();
        assert_eq!(
            verify(secret, Some(&later), Some(&signed), body, at, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(secret, Some(&ts), Some(&signed), body, at + 301, 300),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(secret, None, Some(&signed), body, at, 300),
            Err(SignatureError::Missing)
        );
    }

    #[test]
    fn the_signature_is_the_documented_hmac() {
        // HMAC-SHA256(key "key", "1.body"), computed independently with Python's hmac module.
        assert_eq!(
            signature(b"key", 1, b"body"),
            "sha256=91b5374b153842ad05b2c4eab9349b8321b14703165bd3fb8b034dfb8be98ae5"
        );
    }

    #[test]
    fn logged_urls_carry_no_credentials() {
        assert_eq!(
            loggable_url("https://user:p4ss@national.example/hook?token=abc"),
            "https://national.example/hook?…"
        );
        assert_eq!(
            loggable_url("http://127.0.0.1:9/webhook"),
            "http://127.0.0.1:9/webhook"
        );
    }
}
