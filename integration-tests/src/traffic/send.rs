//! Sending as a national system or an officer's phone does: the same message again, with the
//! same id, until someone answers — whatever is down in the meantime.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use transit_http::client::{ClientError, HubClient};
use transit_model::StandardMessage;
use uuid::Uuid;

/// Calls made, and calls that found a service down or unavailable and were made again.
#[derive(Debug, Default)]
pub struct Calls {
    /// Every HTTP call, first tries and retries.
    pub made: AtomicU64,
    /// Calls answered "unavailable" (5xx, 429) or not answered at all.
    pub retried: AtomicU64,
}

impl Calls {
    fn count(&self, retry: bool) {
        self.made.fetch_add(1, Ordering::Relaxed);
        if retry {
            self.retried.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// How a submission ended.
#[derive(Clone, Debug)]
pub enum Answer {
    /// Accepted; the message id the hub will process.
    Accepted(Uuid),
    /// Refused for good, with the status and the reason.
    Refused(u16, String),
}

/// How long a sender keeps trying before the test gives up on a message.
const GIVE_UP_AFTER: Duration = Duration::from_secs(180);

fn pause(attempt: u32) -> Duration {
    Duration::from_millis((100 * 2u64.pow(attempt.min(3))).min(1000))
}

/// Whether a raw answer's status means "try again later" rather than "no" (what
/// `ClientError::is_transient` says of an answer the client read).
fn transient(status: u16) -> bool {
    status >= 500 || status == 429
}

/// Submits `message` to an adapter until it answers for good.
pub async fn submit(adapter: &HubClient, message: &StandardMessage, calls: &Calls) -> Answer {
    let started = Instant::now();
    for attempt in 0.. {
        let outcome = adapter.submit(message).await;
        let retry = outcome.as_ref().is_err_and(ClientError::is_transient);
        calls.count(retry);
        match outcome {
            Ok(accepted) => return Answer::Accepted(accepted.message_id),
            Err(ClientError::Refused { answer, .. }) if !retry => {
                return Answer::Refused(answer.status(), answer.reason)
            }
            Err(error) => assert!(
                started.elapsed() < GIVE_UP_AFTER,
                "{} {} still not answered after {GIVE_UP_AFTER:?}: {error}",
                message.message_type(),
                message.mrn()
            ),
        }
        tokio::time::sleep(pause(attempt)).await;
    }
    unreachable!("the loop returns or panics")
}

/// Submits raw bytes (a damaged message) until the adapter answers for good; the status.
pub async fn submit_raw(adapter: &HubClient, body: &[u8], calls: &Calls) -> u16 {
    let started = Instant::now();
    for attempt in 0.. {
        let outcome = adapter.submit_raw(body.to_vec()).await;
        let retry = outcome.as_ref().is_err_and(ClientError::is_transient);
        calls.count(retry);
        if !retry {
            return match &outcome {
                Ok(_) => 202,
                Err(ClientError::Refused { answer, .. }) => answer.status(),
                Err(ClientError::Unreachable { .. }) => {
                    unreachable!("an unreachable adapter is retried")
                }
            };
        }
        assert!(
            started.elapsed() < GIVE_UP_AFTER,
            "a damaged message still not answered after {GIVE_UP_AFTER:?}: {outcome:?}"
        );
        tokio::time::sleep(pause(attempt)).await;
    }
    unreachable!("the loop returns or panics")
}

/// An officer signed in to the API from a phone.
#[derive(Clone, Debug)]
pub struct Officer {
    /// The API's base URL.
    pub api: String,
    /// The account.
    pub username: String,
    /// Its password.
    pub password: String,
}

/// What the API said to an officer's action.
#[derive(Clone, Debug)]
pub struct ActionAnswer {
    /// The message the action produced.
    pub message_id: Uuid,
    /// Whether the API answered "replayed" (it had taken the action before).
    pub replayed: bool,
}

impl Officer {
    async fn token(&self, calls: &Calls) -> Option<String> {
        let outcome = HubClient::new(&self.api)
            .login(&self.username, &self.password)
            .await;
        calls.count(outcome.is_err());
        match outcome {
            Ok(client) => client.token().map(str::to_owned),
            Err(ref error @ ClientError::Refused { ref answer, .. }) if !error.is_transient() => {
                panic!("{} cannot sign in: {answer}", self.username)
            }
            Err(_) => None,
        }
    }

    /// Takes `action` (`{"action": "arrival"}`…) on `mrn` under `key`, signing in (again)
    /// and retrying until the API answers for good, as the officer app does.
    pub async fn act(
        &self,
        mrn: &str,
        action: &serde_json::Value,
        key: &str,
        calls: &Calls,
    ) -> ActionAnswer {
        let started = Instant::now();
        let http = reqwest::Client::new();
        let mut token = None;
        for attempt in 0.. {
            assert!(
                started.elapsed() < GIVE_UP_AFTER,
                "{}'s action on {mrn} still not answered after {GIVE_UP_AFTER:?}",
                self.username
            );
            if token.is_none() {
                token = self.token(calls).await;
                if token.is_none() {
                    tokio::time::sleep(pause(attempt)).await;
                    continue;
                }
            }
            let response = http
                .post(format!("{}/api/v1/movements/{mrn}/actions", self.api))
                .bearer_auth(token.as_deref().unwrap_or_default())
                .header("Idempotency-Key", key)
                .json(action)
                .timeout(Duration::from_secs(10))
                .send()
                .await;
            let status = response.as_ref().map_or(0, |r| r.status().as_u16());
            calls.count(status == 0 || transient(status) || status == 401);
            match response {
                Ok(r) if r.status().is_success() => {
                    let Ok(body) = r.json::<serde_json::Value>().await else {
                        continue; // the answer was cut off: ask again
                    };
                    return ActionAnswer {
                        message_id: body["messageId"]
                            .as_str()
                            .and_then(|id| id.parse().ok())
                            .expect("an action's answer names its message"),
                        replayed: body["replayed"] == true,
                    };
                }
                // Signed out (the session was not found, e.g. its database was restarted
                // mid-request): sign in again.
                Ok(r) if r.status().as_u16() == 401 => token = None,
                Ok(r) if !transient(r.status().as_u16()) => {
                    let status = r.status();
                    panic!(
                        "{}'s action on {mrn} refused: {status} {}",
                        self.username,
                        r.text().await.unwrap_or_default()
                    )
                }
                _ => {}
            }
            tokio::time::sleep(pause(attempt)).await;
        }
        unreachable!("the loop returns or panics")
    }
}
