//! # national-sim — a national customs system, simulated
//!
//! One [`Simulator`] plays the national side of a country adapter, in the country's own
//! format (ASYCUDA XML, SYDAM JSON, GAINDE EDIFACT): it **sends** national messages
//! (declarations, passages, arrivals, control results) to the adapter, and **receives** what
//! the adapter delivers — pushed to its webhook, or pulled and acknowledged — translating each
//! back to check it. It can **go down** (its webhook stops listening) and **come back** on the
//! same address, to prove that an adapter loses nothing while a national system is away.
//!
//! Its code tables are the ones shipped for its country, or a mapping given to it
//! ([`Simulator::with_mapping`], [`mapping`]): a country onboarded after this build is played
//! with its own tables, read from a file (`--mapping FILE`) or obtained elsewhere.
//!
//! Used by the integration tests and by the demo (`national-sim --help`).

pub mod mapping;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::sync::oneshot;
use transit_http::client::HubClient;
use transit_http::webhook::{receiver_routes, verify, Push, WebhookReceiver};
use transit_model::{CountryCode, MessageType, StandardMessage};
use transit_national::{Family, Translator};

/// One message the simulated national system received.
#[derive(Clone, Debug)]
pub struct Received {
    /// The adapter's `X-Sigmat-Message-Id` (or the pulled delivery's id).
    pub message_id: String,
    /// The message, translated back from the national format.
    pub message: StandardMessage,
    /// The national bytes as received.
    pub national: Vec<u8>,
    /// The message's trace context, as the adapter sent it.
    pub traceparent: Option<String>,
}

/// Guarantee checks: one answer of the hub the simulated national system received.
#[derive(Clone, Debug)]
pub struct ReceivedGuaranteeResult {
    /// The answer, read back from the national format (or the standardized JSON).
    pub result: transit_model::guarantee_check::GuaranteeCheckResult,
    /// The bytes as received.
    pub national: Vec<u8>,
}

/// What the simulator has received, and what it could not read.
#[derive(Debug, Default)]
struct Inbox {
    received: Mutex<Vec<Received>>,
    guarantee_results: Mutex<Vec<ReceivedGuaranteeResult>>,
    errors: Mutex<Vec<String>>,
}

#[derive(Debug)]
struct Receiver {
    inbox: Arc<Inbox>,
    translator: Arc<dyn Translator>,
    /// The webhook secret shared with the adapter: pushes must be signed with it.
    secret: Option<Vec<u8>>,
}

/// How far a push's signing time may be from the simulator's clock, in seconds.
const SIGNATURE_TOLERANCE_SECS: i64 = 300;

impl Receiver {
    fn take(
        &self,
        message_id: String,
        content_type: &str,
        body: &[u8],
        traceparent: Option<String>,
    ) -> Result<(), String> {
        // Guarantee checks: the hub's answer, in the family's form (NCTS) or, for a family
        // without one, in the standardized JSON whatever the family's media type.
        let result = match self.translator.guarantee_result_to_standard(body) {
            Some(read) => Some(read),
            None if content_type.starts_with("application/json") => {
                serde_json::from_slice::<transit_model::guarantee_check::GuaranteeCheckResult>(body)
                    .ok()
                    .map(Ok)
            }
            None => None,
        };
        if let Some(result) = result {
            let result = result.map_err(|e| e.to_string())?;
            self.inbox
                .guarantee_results
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(ReceivedGuaranteeResult {
                    result,
                    national: body.to_vec(),
                });
            return Ok(());
        }
        let message = if content_type.starts_with("application/json")
            && self.translator.media_type() != "application/json"
        {
            // A type without a national form comes in the standardized JSON.
            transit_codec::json::decode(body).map_err(|e| e.to_string())?
        } else {
            self.translator
                .to_standard(body)
                .map_err(|e| e.to_string())?
        };
        self.inbox
            .received
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Received {
                message_id,
                message,
                national: body.to_vec(),
                traceparent,
            });
        Ok(())
    }
}

impl WebhookReceiver for Receiver {
    async fn receive(&self, push: Push) -> u16 {
        if let Some(secret) = &self.secret {
            if let Err(e) = verify(
                secret,
                push.timestamp.as_deref(),
                push.signature.as_deref(),
                &push.body,
                chrono::Utc::now().timestamp(),
                SIGNATURE_TOLERANCE_SECS,
            ) {
                tracing::warn!(error = %e, "simulator refused an unsigned or badly signed push");
                self.inbox
                    .errors
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(format!("push refused: {e}"));
                return 401;
            }
        }
        let Push {
            message_id,
            content_type,
            body,
            traceparent,
            ..
        } = push;
        match self.take(
            message_id.unwrap_or_default(),
            &content_type,
            &body,
            traceparent,
        ) {
            Ok(()) => 200,
            Err(e) => {
                tracing::warn!(error = %e, "simulator could not read a delivery");
                self.inbox
                    .errors
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(e);
                400
            }
        }
    }
}

/// A running webhook listener.
#[derive(Debug)]
struct Listening {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// A simulated national customs system of one country.
#[derive(Debug)]
pub struct Simulator {
    country: CountryCode,
    translator: Arc<dyn Translator>,
    adapter: HubClient,
    inbox: Arc<Inbox>,
    address: Mutex<Option<SocketAddr>>,
    listening: tokio::sync::Mutex<Option<Listening>>,
    webhook_secret: Option<Vec<u8>>,
}

/// The answer the adapter gave to a message sent.
#[derive(Clone, Debug)]
pub struct Sent {
    /// HTTP status (202 accepted).
    pub status: u16,
    /// The answer, in the national format.
    pub answer: Vec<u8>,
}

impl Simulator {
    /// A simulator of `country`'s national system, of `family`, in front of the adapter at
    /// `adapter_url`. Uses the mapping shipped for the country.
    pub fn new(family: Family, country: CountryCode, adapter_url: &str) -> anyhow::Result<Self> {
        Self::with_mapping(family, country, None, adapter_url)
    }

    /// A simulator of `country`'s national system, of `family`, playing with `mapping` (read
    /// with [`mapping::read_file`] or [`mapping::from_text`]; `None`: the one shipped for the
    /// country), in front of the adapter at `adapter_url`. A mapping of another country or
    /// family is refused ([`mapping::MappingRefusal`]).
    pub fn with_mapping(
        family: Family,
        country: CountryCode,
        mapping: Option<transit_national::Mapping>,
        adapter_url: &str,
    ) -> anyhow::Result<Self> {
        let mapping = mapping::choose(family, country, mapping)?;
        let translator = national_families::translator_with(family, mapping)?;
        Ok(Self {
            country,
            translator,
            adapter: HubClient::new(adapter_url),
            inbox: Arc::default(),
            address: Mutex::new(None),
            listening: tokio::sync::Mutex::new(None),
            webhook_secret: None,
        })
    }

    /// The same simulator, refusing (401) every push not signed with `secret`, as a national
    /// system that checks the hub's signature does. Call before [`Simulator::listen`].
    pub fn verifying_pushes_with(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.webhook_secret = Some(secret.into());
        self
    }

    /// The same simulator, trusting the certificate authority in `ca_pem` when it calls its
    /// adapter over HTTPS.
    pub fn trusting(mut self, ca_pem: &[u8]) -> anyhow::Result<Self> {
        self.adapter = self.adapter.trusting(ca_pem).map_err(anyhow::Error::msg)?;
        Ok(self)
    }

    /// The same simulator, calling its adapter with the national system's `token`.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.adapter = self.adapter.with_token(token);
        self
    }

    /// The country.
    pub fn country(&self) -> CountryCode {
        self.country
    }

    /// The translator in use (to read answers).
    pub fn translator(&self) -> &dyn Translator {
        self.translator.as_ref()
    }

    /// Starts the webhook listener on `address` (port 0 picks one); returns where it listens.
    pub async fn listen(&self, address: SocketAddr) -> anyhow::Result<SocketAddr> {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("simulator webhook cannot listen on {address}"))?;
        let bound = listener.local_addr()?;
        let router = receiver_routes(Arc::new(Receiver {
            inbox: self.inbox.clone(),
            translator: self.translator.clone(),
            secret: self.webhook_secret.clone(),
        }));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(transit_http::serve(listener, router, async move {
            let _ = stopped.await;
        }));
        *self.address.lock().unwrap_or_else(|p| p.into_inner()) = Some(bound);
        *self.listening.lock().await = Some(Listening { stop, task });
        Ok(bound)
    }

    /// The webhook URL to give the adapter.
    pub fn webhook_url(&self) -> Option<String> {
        self.address
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .map(|a| format!("http://{a}/webhook"))
    }

    /// Stops listening: pushes to the webhook now fail, as when the national system is down.
    pub async fn go_down(&self) {
        if let Some(listening) = self.listening.lock().await.take() {
            let _ = listening.stop.send(());
            let _ = listening.task.await;
        }
    }

    /// Listens again on the same address.
    pub async fn come_back(&self) -> anyhow::Result<()> {
        let address = self
            .address
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .context("the simulator never listened")?;
        self.listen(address).await.map(|_| ())
    }

    /// Sends a message, written in the national format, to the adapter.
    pub async fn send(&self, message: &StandardMessage) -> anyhow::Result<Sent> {
        let national = self.translator.to_national(message)?;
        self.send_national(national).await
    }

    /// Rail: sends a confirmation for a whole train, in the national format.
    pub async fn send_train(
        &self,
        confirmation: &transit_rail::TrainConfirmation,
    ) -> anyhow::Result<Sent> {
        let national = self.translator.train_to_national(confirmation)?;
        self.send_national(national).await
    }

    /// Sends national bytes as they are.
    pub async fn send_national(&self, national: Vec<u8>) -> anyhow::Result<Sent> {
        let (status, answer) = self
            .adapter
            .submit_national(self.translator.media_type(), national)
            .await?;
        Ok(Sent { status, answer })
    }

    /// Pulls pending deliveries from the adapter, checks each national form, acknowledges it.
    /// Returns how many were taken.
    pub async fn pull(&self) -> anyhow::Result<usize> {
        let receiver = Receiver {
            inbox: self.inbox.clone(),
            translator: self.translator.clone(),
            secret: None,
        };
        let mut taken = 0;
        for delivery in self.adapter.pending(0).await? {
            let (content_type, body) = match &delivery.national {
                // The text, in the encoding this national system reads.
                Some(n) => (
                    self.translator.media_type(),
                    self.translator.mapping().encoding().encode_xml(n),
                ),
                None => (
                    "application/json",
                    delivery.message.to_string().into_bytes(),
                ),
            };
            receiver
                .take(
                    delivery.message_id.to_string(),
                    content_type,
                    &body,
                    delivery.traceparent.clone(),
                )
                .map_err(|e| anyhow::anyhow!("delivery {}: {e}", delivery.message_id))?;
            self.adapter.acknowledge(delivery.message_id).await?;
            taken += 1;
        }
        Ok(taken)
    }

    /// Everything received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.inbox
            .received
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Everything received since the last call, in order (a long run reads its deliveries
    /// this way instead of copying all of them each time).
    pub fn take_received(&self) -> Vec<Received> {
        std::mem::take(
            &mut *self
                .inbox
                .received
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        )
    }

    /// Deliveries the simulator could not read (should stay empty).
    pub fn errors(&self) -> Vec<String> {
        self.inbox
            .errors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Guarantee checks: every answer of the hub received so far, in order.
    pub fn guarantee_results(&self) -> Vec<ReceivedGuaranteeResult> {
        self.inbox
            .guarantee_results
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Pulls what is waiting, unless deliveries are pushed to the simulator's webhook.
    pub async fn pull_if_no_webhook(&self) -> anyhow::Result<usize> {
        if self.webhook_url().is_some() {
            return Ok(0);
        }
        self.pull().await
    }

    /// Guarantee checks: waits until the hub's answer to check `check_id` has been received
    /// (pulling when the simulator has no webhook), at most `patience`.
    pub async fn wait_for_guarantee_result(
        &self,
        check_id: transit_model::MessageId,
        patience: Duration,
    ) -> anyhow::Result<ReceivedGuaranteeResult> {
        let started = Instant::now();
        loop {
            if self.webhook_url().is_none() {
                self.pull().await?;
            }
            let found = self
                .inbox
                .guarantee_results
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .find(|r| r.result.check_id == check_id)
                .cloned();
            if let Some(found) = found {
                return Ok(found);
            }
            if started.elapsed() > patience {
                anyhow::bail!(
                    "{}'s national system never received the answer to guarantee check {check_id}; unreadable: {:?}",
                    self.country,
                    self.errors()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until a message of `kind` for `mrn` has been received (pulling when the simulator
    /// has no webhook), at most `patience`.
    pub async fn wait_for(
        &self,
        mrn: &str,
        kind: MessageType,
        patience: Duration,
    ) -> anyhow::Result<Received> {
        let started = Instant::now();
        loop {
            if self.webhook_url().is_none() {
                self.pull().await?;
            }
            if let Some(found) = self
                .received()
                .into_iter()
                .find(|r| r.message.mrn().as_str() == mrn && r.message.message_type() == kind)
            {
                return Ok(found);
            }
            if started.elapsed() > patience {
                let got: Vec<String> = self
                    .received()
                    .iter()
                    .map(|r| format!("{} {}", r.message.message_type().code(), r.message.mrn()))
                    .collect();
                anyhow::bail!(
                    "{}'s national system never received {} for {mrn}; it has {got:?}; unreadable: {:?}",
                    self.country,
                    kind.code(),
                    self.errors()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
