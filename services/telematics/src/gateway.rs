//! Taking a body from a provider: each event checked ([`Event::parse_batch`]), the good ones
//! published to `sigmat.hub.telematics` keyed by vehicle or seal, the body kept on
//! `sigmat.hub.telematics-refused` when anything in it was refused, all in one publish: the
//! answer goes back only once the broker has everything.

use chrono::{SubsecRound, Utc};
use transit_http::telematics::{RefusedEvent, TakenEvents};
use transit_http::{ApiError, Bytes, TelematicsPort};
use transit_kafka::{OutgoingRecord, Publisher, Topics};
use transit_telematics::{Event, Received, TelematicsError};

use crate::providers::Providers;

/// Where a body came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// An MQTT publish.
    Mqtt,
    /// An HTTPS batch.
    Https,
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Self::Mqtt => "mqtt",
            Self::Https => "https",
        }
    }
}

/// The gateway: the providers, the broker, the topics.
#[derive(Clone, Debug)]
pub struct Gateway {
    providers: Providers,
    publisher: Publisher,
    topics: Topics,
}

impl Gateway {
    /// A gateway publishing with `publisher` under `topics`.
    pub fn new(providers: Providers, publisher: Publisher, topics: Topics) -> Self {
        Self {
            providers,
            publisher,
            topics,
        }
    }

    /// The providers.
    pub fn providers(&self) -> &Providers {
        &self.providers
    }

    /// Takes `body` from `provider`. Err only if the broker did not take what was to be
    /// published (nothing is acknowledged to the provider: it sends again).
    pub async fn take(
        &self,
        provider: &str,
        body: &[u8],
        via: Via,
    ) -> Result<TakenEvents, transit_kafka::KafkaError> {
        let now = Utc::now().trunc_subsecs(3);
        let mut refused: Vec<RefusedEvent> = Vec::new();
        let mut records: Vec<OutgoingRecord> = Vec::new();
        let results = if self.providers.knows(provider) {
            Event::parse_batch(body, now).map_err(|e| vec![e])
        } else {
            Err(vec![TelematicsError::Refused {
                pointer: String::new(),
                reason: format!("{provider:?} is not a provider configured at the gateway; ask the hub's operators"),
            }])
        };
        match results {
            Ok(results) => {
                for result in results {
                    match result {
                        Ok(event) => records.push(self.record(provider, now, event)),
                        Err(e) => refused.push(refusal(e)),
                    }
                }
            }
            Err(errors) => refused.extend(errors.into_iter().map(refusal)),
        }
        let accepted = records.len();
        if !refused.is_empty() {
            records.push(OutgoingRecord {
                topic: self.topics.telematics_refused(),
                key: provider.to_owned(),
                headers: vec![
                    ("sigmat-provider".into(), provider.to_owned()),
                    ("sigmat-received-at".into(), now.to_rfc3339()),
                    ("sigmat-via".into(), via.as_str().into()),
                    (
                        "sigmat-refusal".into(),
                        serde_json::to_string(&refused).unwrap_or_default(),
                    ),
                ],
                payload: body.to_vec(),
            });
        }
        self.publisher.publish_all(&records).await?;
        metrics::counter!("sigmat_telematics_events_total", "outcome" => "accepted", "via" => via.as_str())
            .increment(accepted as u64);
        metrics::counter!("sigmat_telematics_events_total", "outcome" => "refused", "via" => via.as_str())
            .increment(refused.len() as u64);
        Ok(TakenEvents { accepted, refused })
    }

    fn record(&self, provider: &str, now: chrono::DateTime<Utc>, event: Event) -> OutgoingRecord {
        let key = event.key().to_owned();
        let received = Received {
            provider: provider.to_owned(),
            received_at: now,
            event,
        };
        OutgoingRecord {
            topic: self.topics.telematics(),
            key,
            headers: vec![("sigmat-provider".into(), provider.to_owned())],
            payload: serde_json::to_vec(&received).expect("an event serializes"),
        }
    }
}

/// Every series of the gateway's counter at zero, so a dashboard sees them before traffic.
pub(crate) fn start_at_zero() {
    for via in [Via::Mqtt, Via::Https] {
        for outcome in ["accepted", "refused"] {
            metrics::counter!("sigmat_telematics_events_total", "outcome" => outcome, "via" => via.as_str())
                .increment(0);
        }
    }
}

fn refusal(e: TelematicsError) -> RefusedEvent {
    match e {
        TelematicsError::Refused { pointer, reason } => RefusedEvent { pointer, reason },
        other => RefusedEvent {
            pointer: String::new(),
            reason: other.to_string(),
        },
    }
}

impl TelematicsPort for Gateway {
    fn provider(&self, token: Option<&str>) -> Result<String, ApiError> {
        self.providers.by_token(token)
    }

    async fn take(&self, provider: &str, body: Bytes) -> Result<TakenEvents, ApiError> {
        Gateway::take(self, provider, &body, Via::Https)
            .await
            .map_err(|e| {
                ApiError::unavailable(format!(
                    "the hub's broker did not take the events ({e}); send them again"
                ))
            })
    }
}

impl transit_http::ReadinessPort for Gateway {
    async fn ready(&self) -> Result<(), ApiError> {
        self.publisher
            .reachable(&self.topics.telematics())
            .await
            .map_err(|e| ApiError::unavailable(format!("the broker: {e}")))
    }
}
