//! The national system's calls behind the adapter's routes: submissions, unavailability
//! notices, pulling deliveries (with their national form) and acknowledging them, readiness.
//! Submissions themselves are [`crate::service`]'s.

use std::sync::Arc;

use chrono::Utc;
use transit_http::views::{Delivery, Reply};
use transit_http::{AdapterPort, AdapterRight, ApiError, Bytes, UnavailabilityNotice};
use transit_national::CharacterEncoding;
use uuid::Uuid;

use crate::service::{unavailable, AdapterService, Ingested};

impl AdapterService {
    /// Checks a national system's unavailability notice: a reason, and an office of its own
    /// country if it names one.
    fn check_notice(&self, notice: &UnavailabilityNotice) -> Result<(), ApiError> {
        if notice.reason.trim().is_empty() || notice.reason.chars().count() > 300 {
            return Err(ApiError::invalid(
                "/reason",
                "say why in 1 to 300 characters, as the other parties will read it",
            ));
        }
        if let Some(office) = &notice.office {
            let parsed = transit_model::OfficeRef::parse(office)
                .map_err(|e| ApiError::invalid("/office", e.to_string()))?;
            if parsed.country() != self.country {
                return Err(ApiError::invalid(
                    "/office",
                    format!("{office} is not an office of {}", self.country),
                ));
            }
        }
        Ok(())
    }
}

impl AdapterPort for AdapterService {
    async fn declare_unavailable(&self, notice: UnavailabilityNotice) -> Result<(), ApiError> {
        self.check_notice(&notice)?;
        tracing::warn!(reason = %notice.reason, office = ?notice.office, "the national system declares itself unavailable");
        self.store
            .declare_unavailable(notice.reason.trim(), notice.office.as_deref(), Utc::now())
            .await
            .map_err(unavailable)
    }

    async fn declare_available(&self) -> Result<(), ApiError> {
        tracing::info!("the national system declares itself available again");
        self.store.declare_available().await.map_err(unavailable)
    }

    const MAX_BODY_BYTES: usize = transit_codec::MAX_MESSAGE_BYTES + 1;

    fn submissions(&self) -> Arc<tokio::sync::Semaphore> {
        self.submissions.clone()
    }

    fn refusal_kept(&self, remote: Option<std::net::IpAddr>) -> Result<(), ApiError> {
        let Some(remote) = remote else {
            return Ok(());
        };
        let admitted = self
            .refusal_throttle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .admit(remote, Utc::now());
        admitted.map_err(|seconds| {
            let error = ApiError::too_many_attempts(
                format!(
                    "more than {} refused calls from this address in a minute; this one is not kept; wait {seconds} s",
                    crate::refusals::RefusalThrottle::PER_MINUTE
                ),
                seconds,
            );
            crate::figures::refusal(&error);
            error
        })
    }

    fn authorize(&self, token: Option<&str>, right: AdapterRight) -> Result<String, ApiError> {
        self.clients.authorize(token, right)
    }

    async fn refuse_call(&self, refusal: ApiError, request: String, body: Bytes) -> Reply {
        tracing::warn!(country = %self.country, %request, status = refusal.status(), reason = %refusal.reason, "call refused");
        crate::figures::refusal(&refusal);
        let kept = self
            .store
            .keep_refusal(
                "http",
                None,
                &format!("{request}: {refusal}"),
                &body,
                Utc::now(),
            )
            .await;
        let outcome = match kept {
            Ok(()) => Ingested::Refused {
                error: refusal,
                reference: None,
            },
            Err(err) => {
                tracing::error!(error = %err, "refused call could not be kept");
                Ingested::Unavailable(ApiError::unavailable(
                    "the adapter's database is unreachable",
                ))
            }
        };
        self.reply(&outcome)
    }

    async fn submit(
        &self,
        body: Bytes,
        traceparent: Option<String>,
        admitted: tokio::sync::OwnedSemaphorePermit,
    ) -> Reply {
        let outcome = self
            .ingest(body, "http", traceparent.as_deref(), Some(admitted))
            .await;
        self.reply(&outcome)
    }

    async fn national(&self, message_id: Uuid) -> Result<Reply, ApiError> {
        let row = self
            .store
            .delivery(message_id)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| {
                ApiError::not_found(
                    format!("no delivery with message id {message_id}"),
                    "use a messageId listed by GET /api/v1/deliveries",
                )
            })?;
        Ok(match (row.national, &self.translator.translator()) {
            (Some(bytes), Some(t)) => Reply {
                status: 200,
                content_type: t.media_type().into(),
                body: bytes,
            },
            _ => Reply {
                status: 200,
                content_type: "application/json".into(),
                body: serde_json::to_vec(&row.message).unwrap_or_default(),
            },
        })
    }

    async fn pending(&self, after: i64, limit: i64) -> Result<Vec<Delivery>, ApiError> {
        self.activity.pulled(Utc::now());
        let rows = self
            .store
            .pending(after, limit)
            .await
            .map_err(unavailable)?;
        let format = self.format();
        let encoding = self
            .translator
            .translator()
            .map_or(CharacterEncoding::Utf8, |t| t.mapping().encoding());
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
                format: format.clone(),
                // As text: the characters of the document written in the national system's
                // encoding (its exact bytes are at /api/v1/deliveries/{id}/national).
                national: row.national.map(|b| match encoding.decode(&b) {
                    Ok(text) => text.into_owned(),
                    Err(_) => String::from_utf8_lossy(&b).into_owned(),
                }),
                national_note: row.national_note,
                traceparent: row.traceparent,
            })
            .collect())
    }

    async fn acknowledge(&self, message_id: Uuid) -> Result<(), ApiError> {
        self.activity.acknowledged(Utc::now());
        let found = self
            .store
            .acknowledge(message_id, Utc::now())
            .await
            .map_err(unavailable)?;
        if found {
            crate::figures::delivered("acknowledged");
            Ok(())
        } else {
            Err(ApiError::not_found(
                format!("no delivery with message id {message_id}"),
                "acknowledge the messageId of a delivery listed by GET /api/v1/deliveries",
            ))
        }
    }

    /// Ready: the database and the broker answer, and the consumer has its partitions (an
    /// adapter with none — still joining, or one instance more than the topic's partitions —
    /// delivers nothing), and is getting through them.
    async fn ready(&self) -> Result<(), ApiError> {
        self.store.ping().await.map_err(unavailable)?;
        if let Err(err) = self
            .publisher
            .reachable(&self.topics.to_hub(self.country))
            .await
        {
            tracing::warn!(error = %err, "not ready: the broker does not answer");
            return Err(ApiError::unavailable("the broker does not answer"));
        }
        if let Some(why) = self.consumer.not_working() {
            return Err(ApiError::unavailable(format!(
                "the delivery consumer {why}"
            )));
        }
        Ok(())
    }
}
