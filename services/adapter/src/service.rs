//! What the adapter does behind its HTTP routes.

use chrono::Utc;
use transit_codec::json;
use transit_http::views::{Accepted, Delivery};
use transit_http::{AdapterPort, ApiError, Bytes};
use transit_kafka::{OutgoingRecord, Publisher, Topics};
use transit_model::CountryCode;
use transit_store::adapter::AdapterStore;
use uuid::Uuid;

/// The adapter's logic.
#[derive(Debug)]
pub struct AdapterService {
    country: CountryCode,
    topics: Topics,
    publisher: Publisher,
    store: AdapterStore,
}

impl AdapterService {
    pub(crate) fn new(
        country: CountryCode,
        topics: Topics,
        publisher: Publisher,
        store: AdapterStore,
    ) -> Self {
        Self {
            country,
            topics,
            publisher,
            store,
        }
    }

    async fn refuse(&self, body: &[u8], error: ApiError) -> ApiError {
        tracing::warn!(country = %self.country, pointer = %error.pointer, reason = %error.reason, "submission refused");
        if let Err(err) = self
            .store
            .keep_refusal("http", &error.to_string(), body, Utc::now())
            .await
        {
            tracing::error!(error = %err, "refused submission could not be kept");
            return ApiError::unavailable("the adapter's database is unreachable");
        }
        error
    }
}

impl AdapterPort for AdapterService {
    async fn submit(&self, body: Bytes) -> Result<Accepted, ApiError> {
        let message = match json::decode(&body) {
            Ok(message) => message,
            Err(err) => {
                let mut answer = ApiError::invalid(
                    &err.pointer,
                    format!("{} (line {}, column {})", err.reason, err.line, err.column),
                );
                if err.pointer == "/header/mrn" {
                    // An MRN that fails its pattern or check digit: NCTS error 93.
                    answer = answer.with_ncts_code(93);
                }
                return Err(self.refuse(&body, answer).await);
            }
        };
        let sender_country = message.header().sender.office().map(|o| o.country());
        if sender_country != Some(self.country) {
            let error = ApiError::forbidden(
                "/header/sender",
                format!(
                    "this is {}'s adapter; it only accepts messages from {} offices, not from {}",
                    self.country,
                    self.country,
                    message.header().sender.as_str()
                ),
                format!(
                    "send messages of {} offices to their own country's adapter",
                    message.header().sender.as_str()
                ),
            );
            return Err(self.refuse(&body, error).await);
        }
        let topic = self.topics.to_hub(self.country);
        let record = OutgoingRecord::for_message(&topic, &message, json::encode(&message));
        self.publisher.publish_all(&[record]).await.map_err(|err| {
            tracing::warn!(error = %err, mrn = %message.mrn(), "broker unavailable; submission not accepted");
            ApiError::unavailable(format!("the broker did not accept the message: {err}"))
        })?;
        tracing::info!(mrn = %message.mrn(), message_type = %message.message_type(), message_id = %message.id(), "message published to the hub");
        Ok(Accepted {
            message_id: message.id().as_uuid(),
            message_type: message.message_type().code().to_owned(),
            mrn: message.mrn().to_string(),
            topic,
        })
    }

    async fn pending(&self, after: i64, limit: i64) -> Result<Vec<Delivery>, ApiError> {
        let rows = self.store.pending(after, limit).await.map_err(|err| {
            ApiError::unavailable(format!("the adapter's database is unreachable: {err}"))
        })?;
        Ok(rows
            .into_iter()
            .map(|row| Delivery {
                seq: row.seq,
                message_id: row.message_id,
                message_type: row.message_type,
                mrn: row.mrn,
                recipient: row.recipient,
                received_at: row.received_at,
                message: row.message,
            })
            .collect())
    }

    async fn acknowledge(&self, message_id: Uuid) -> Result<(), ApiError> {
        let found = self
            .store
            .acknowledge(message_id, Utc::now())
            .await
            .map_err(|err| {
                ApiError::unavailable(format!("the adapter's database is unreachable: {err}"))
            })?;
        if found {
            Ok(())
        } else {
            Err(ApiError::not_found(
                format!("no delivery with message id {message_id}"),
                "acknowledge the messageId of a delivery listed by GET /api/v1/deliveries",
            ))
        }
    }

    async fn ready(&self) -> Result<(), ApiError> {
        self.store.refusal_count().await.map(|_| ()).map_err(|err| {
            ApiError::unavailable(format!("the adapter's database is unreachable: {err}"))
        })
    }
}
