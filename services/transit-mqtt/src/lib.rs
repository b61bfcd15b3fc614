//! # transit-mqtt — MQTT, wrapped
//!
//! The one crate that speaks MQTT (3.1.1, through `rumqttc`): the tracking providers' protocol
//! at the telematics gateway, and the simulator's.
//!
//! - [`Subscription`]: a persistent session (`clean_session = false`, QoS 1) on the filters it
//!   is given; each message is handed over as an [`Incoming`] and acknowledged to the broker
//!   only when the caller says so ([`Subscription::ack`]), after it kept what arrived: a
//!   gateway that dies before acknowledging gets the message again from the broker.
//! - [`Connection`]: a publishing connection that counts the broker's acknowledgements, so a
//!   sender can wait until everything it published was taken ([`Connection::wait_acknowledged`]).
//! - [`MqttSettings`]: the broker's address, the credentials (one user per tracking provider at
//!   the broker; the gateway has its own), TLS with the broker's certificate authority.

mod settings;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rumqttc::{AsyncClient, Event, EventLoop, MqttOptions, Packet, Publish, QoS};

pub use settings::{MqttSettings, MqttTls};

/// What goes wrong talking to the broker.
#[derive(Debug, thiserror::Error)]
pub enum MqttError {
    /// The connection failed or dropped (transient: the client reconnects).
    #[error("the MQTT broker at {address}: {reason}")]
    Connection {
        /// `host:port`.
        address: String,
        /// What happened.
        reason: String,
    },
    /// The settings cannot work (permanent): a certificate that does not read, say.
    #[error("MQTT settings: {0}")]
    Settings(String),
}

impl MqttError {
    /// Whether trying again may help.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Connection { .. })
    }
}

/// A message from the broker.
#[derive(Debug)]
pub struct Incoming {
    /// Its topic.
    pub topic: String,
    /// Its payload.
    pub payload: Vec<u8>,
    publish: Publish,
}

/// A subscription with acknowledgements in the caller's hands.
pub struct Subscription {
    client: AsyncClient,
    events: EventLoop,
    filters: Vec<String>,
    address: String,
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("filters", &self.filters)
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

/// Acknowledges messages of a [`Subscription`]; cheap to clone.
#[derive(Clone)]
pub struct Acknowledger(AsyncClient);

impl std::fmt::Debug for Acknowledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Acknowledger").finish_non_exhaustive()
    }
}

impl Acknowledger {
    /// Tells the broker `incoming` is kept: it will not be sent again.
    pub async fn ack(&self, incoming: &Incoming) -> Result<(), MqttError> {
        self.0
            .ack(&incoming.publish)
            .await
            .map_err(|e| MqttError::Connection {
                address: String::new(),
                reason: e.to_string(),
            })
    }

    /// Publishes `payload` on `topic` (QoS 1), e.g. an answer to a provider.
    pub async fn publish(&self, topic: &str, payload: Vec<u8>) -> Result<(), MqttError> {
        self.0
            .publish(topic, QoS::AtLeastOnce, false, payload)
            .await
            .map_err(|e| MqttError::Connection {
                address: String::new(),
                reason: e.to_string(),
            })
    }
}

fn options(
    settings: &MqttSettings,
    client_id: &str,
    manual_acks: bool,
) -> Result<MqttOptions, MqttError> {
    let mut options = MqttOptions::new(client_id, &settings.host, settings.port);
    options
        .set_keep_alive(Duration::from_secs(settings.keep_alive_s.max(5)))
        .set_clean_session(!manual_acks)
        .set_manual_acks(manual_acks)
        .set_inflight(settings.inflight.max(1))
        .set_max_packet_size(
            settings.max_payload_bytes + 1024,
            settings.max_payload_bytes + 1024,
        )
        .set_request_channel_capacity(1024);
    if let Some(user) = &settings.username {
        let password = settings
            .password
            .as_ref()
            .map(|p| p.expose().to_owned())
            .unwrap_or_default();
        options.set_credentials(user.clone(), password);
    }
    if let Some(tls) = &settings.tls {
        options.set_transport(rumqttc::Transport::Tls(rumqttc::TlsConfiguration::Rustls(
            Arc::new(settings::client_config(tls)?),
        )));
    }
    Ok(options)
}

impl Subscription {
    /// A persistent session as `client_id` on `filters` (QoS 1). Nothing is sent before the
    /// first [`Subscription::next`].
    pub fn new(
        settings: &MqttSettings,
        client_id: &str,
        filters: &[String],
    ) -> Result<Self, MqttError> {
        let (client, events) = AsyncClient::new(options(settings, client_id, true)?, 1024);
        Ok(Self {
            client,
            events,
            filters: filters.to_vec(),
            address: format!("{}:{}", settings.host, settings.port),
        })
    }

    /// What acknowledges this subscription's messages.
    pub fn acknowledger(&self) -> Acknowledger {
        Acknowledger(self.client.clone())
    }

    /// The next message. (Re)subscribes after each connection; a connection error is returned
    /// (transient) and the next call reconnects.
    pub async fn next(&mut self) -> Result<Incoming, MqttError> {
        loop {
            let event = self
                .events
                .poll()
                .await
                .map_err(|e| MqttError::Connection {
                    address: self.address.clone(),
                    reason: e.to_string(),
                })?;
            match event {
                Event::Incoming(Packet::ConnAck(_)) => {
                    let filters = self
                        .filters
                        .iter()
                        .map(|f| rumqttc::SubscribeFilter::new(f.clone(), QoS::AtLeastOnce));
                    self.client.subscribe_many(filters).await.map_err(|e| {
                        MqttError::Connection {
                            address: self.address.clone(),
                            reason: e.to_string(),
                        }
                    })?;
                    tracing::info!(address = %self.address, filters = ?self.filters, "MQTT subscribed");
                }
                Event::Incoming(Packet::Publish(publish)) => {
                    return Ok(Incoming {
                        topic: publish.topic.clone(),
                        payload: publish.payload.to_vec(),
                        publish,
                    })
                }
                _ => {}
            }
        }
    }
}

/// A publishing connection; its event loop runs on a task of its own.
#[derive(Clone)]
pub struct Connection {
    client: AsyncClient,
    published: Arc<AtomicU64>,
    acknowledged: Arc<AtomicU64>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("published", &self.published.load(Ordering::Relaxed))
            .field("acknowledged", &self.acknowledged.load(Ordering::Relaxed))
            .finish()
    }
}

impl Connection {
    /// Connects as `client_id` (a clean session) and drives the connection in the background,
    /// reconnecting after a failure.
    pub fn open(settings: &MqttSettings, client_id: &str) -> Result<Self, MqttError> {
        let (client, mut events) = AsyncClient::new(options(settings, client_id, false)?, 4096);
        let acknowledged = Arc::new(AtomicU64::new(0));
        let counted = acknowledged.clone();
        tokio::spawn(async move {
            loop {
                match events.poll().await {
                    Ok(Event::Incoming(Packet::PubAck(_))) => {
                        counted.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(_) => {}
                    Err(rumqttc::ConnectionError::RequestsDone) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "MQTT connection failed; reconnecting");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                }
            }
        });
        Ok(Self {
            client,
            published: Arc::new(AtomicU64::new(0)),
            acknowledged,
        })
    }

    /// Publishes `payload` on `topic`, QoS 1 (queued: see [`Connection::wait_acknowledged`]).
    pub async fn publish(&self, topic: &str, payload: Vec<u8>) -> Result<(), MqttError> {
        self.client
            .publish(topic, QoS::AtLeastOnce, false, payload)
            .await
            .map_err(|e| MqttError::Connection {
                address: String::new(),
                reason: e.to_string(),
            })?;
        self.published.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Messages published so far, and how many of them the broker acknowledged.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.published.load(Ordering::Relaxed),
            self.acknowledged.load(Ordering::Relaxed),
        )
    }

    /// Waits until the broker acknowledged everything published, up to `patience`; false if
    /// it did not.
    pub async fn wait_acknowledged(&self, patience: Duration) -> bool {
        let until = tokio::time::Instant::now() + patience;
        loop {
            let (published, acknowledged) = self.counts();
            if acknowledged >= published {
                return true;
            }
            if tokio::time::Instant::now() > until {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
