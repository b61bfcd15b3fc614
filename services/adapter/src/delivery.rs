//! Delivery: the country's `from-hub` topic → the adapter's `deliveries` table.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;
use transit_kafka::{header, BatchConsumer, ConsumedRecord};
use transit_model::guarantee_check::{GuaranteeCheckResult, GUARANTEE_CHECK_RESULT_EVENT};
use transit_national::Translator;
use transit_runtime::telemetry::context;
use transit_store::adapter::{AdapterStore, NewDelivery};
use uuid::Uuid;

/// The delivery loop's parts.
#[derive(Debug)]
pub struct Delivery {
    store: AdapterStore,
    consumer: BatchConsumer,
    translator: crate::mapping::MappingInForce,
}

impl Delivery {
    pub(crate) fn new(
        store: AdapterStore,
        consumer: BatchConsumer,
        translator: crate::mapping::MappingInForce,
    ) -> Self {
        Self {
            store,
            consumer,
            translator,
        }
    }

    /// Runs until `stop` turns true. A batch is retried until stored; offsets are committed
    /// only after.
    pub async fn run(self, mut stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        while !*stop.borrow() {
            let batch = tokio::select! {
                batch = self.consumer.next_batch(500, Duration::from_millis(20), Duration::from_millis(500)) => batch,
                _ = stop.changed() => break,
            };
            let batch = match batch {
                Ok(batch) if batch.is_empty() => continue,
                Ok(batch) => batch,
                Err(err) => {
                    tracing::warn!(error = %err, "cannot read from the broker; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            // The whole batch is written with the national mapping in force when it starts.
            let translator = self.translator.translator();
            let deliveries: Vec<NewDelivery> = batch
                .iter()
                .map(|record| to_delivery(record, translator.as_deref()))
                .collect();
            let mut backoff = Duration::from_millis(100);
            loop {
                match self.store.store_deliveries(&deliveries, Utc::now()).await {
                    Ok(new) => {
                        crate::figures::received(
                            deliveries.iter().map(|d| d.message_type.as_str()),
                        );
                        tracing::info!(
                            received = deliveries.len(),
                            new,
                            "deliveries stored for the national system"
                        );
                        self.written_again_if_the_mapping_changed(&translator, &deliveries)
                            .await;
                        break;
                    }
                    Err(err) if err.is_transient() => {
                        tracing::warn!(error = %err, "deliveries not stored; retrying the same batch");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(Duration::from_secs(10));
                    }
                    Err(err) => return Err(err.into()),
                }
            }
            if let Err(err) = self.consumer.commit(&batch).await {
                tracing::warn!(error = %err, "offsets not committed; the batch will be redelivered and deduplicated");
            }
        }
        Ok(())
    }
}

impl Delivery {
    /// A new national mapping put in force while the batch was being stored may have been
    /// followed by its pass over the line before the batch was in it: the batch is written
    /// again with it here (the pass does the rest of the line).
    async fn written_again_if_the_mapping_changed(
        &self,
        used: &Option<std::sync::Arc<dyn Translator>>,
        deliveries: &[NewDelivery],
    ) {
        let now = self.translator.translator();
        let (Some(used), Some(now)) = (used, now) else {
            return;
        };
        if std::sync::Arc::ptr_eq(used, &now) {
            return;
        }
        for delivery in deliveries {
            let Ok(message) = serde_json::from_str(&delivery.message) else {
                continue;
            };
            let written = crate::mapping::rewrite::written_again(
                now.as_ref(),
                &message,
                delivery.national.as_deref(),
            );
            if let Some(national) = written {
                if let Err(err) = self
                    .store
                    .rewrite_national(delivery.message_id, &national)
                    .await
                {
                    tracing::warn!(error = %err, message_id = %delivery.message_id, "a delivery written with the previous national mapping could not be written again; the next mapping's pass will");
                }
            }
        }
    }
}

/// The delivery's hop in the message's trace: a span continuing the record's `traceparent`;
/// its own value is kept with the delivery and passed to the national system.
fn deliver_span(record: &ConsumedRecord, message_id: &Uuid, mrn: &str) -> Option<String> {
    let span = tracing::info_span!("deliver", %mrn, %message_id);
    context::continue_trace(
        &span,
        record.headers.get(header::TRACEPARENT).map(String::as_str),
    );
    let traceparent = context::traceparent(&span);
    let trace_id = traceparent.as_deref().and_then(context::trace_id_in);
    tracing::debug!(%mrn, %message_id, trace_id, "delivery received from the hub");
    traceparent
}

/// Keeps a record whatever its shape: the hub wrote it, and the national system decides.
/// With a translator, the national form is made now and kept beside the standardized one;
/// a type without a national form keeps a note and is delivered in the standardized JSON.
/// A guarantee check result (an event record) is kept the same way.
fn to_delivery(record: &ConsumedRecord, translator: Option<&dyn Translator>) -> NewDelivery {
    let guarantee_result = record.headers.get(header::EVENT_TYPE).map(String::as_str)
        == Some(GUARANTEE_CHECK_RESULT_EVENT);
    let (format, national, national_note, recipient) = if guarantee_result {
        guarantee_result_form(record, translator)
    } else {
        message_form(record, translator)
    };
    // Kept as the hub sent it; a payload that is not JSON is kept as a JSON string.
    let message = match serde_json::from_slice::<&serde_json::value::RawValue>(&record.payload) {
        Ok(raw) => raw.get().to_owned(),
        Err(_) => serde_json::Value::String(String::from_utf8_lossy(&record.payload).into_owned())
            .to_string(),
    };
    let message_id = record
        .headers
        .get(header::MESSAGE_ID)
        .and_then(|id| Uuid::parse_str(id).ok())
        .unwrap_or_else(|| {
            // No id header: derive one from the record's position so redelivery still dedupes.
            Uuid::new_v5(
                &Uuid::NAMESPACE_OID,
                format!("{}/{}/{}", record.topic, record.partition, record.offset).as_bytes(),
            )
        });
    let traceparent = deliver_span(
        record,
        &message_id,
        record.key.as_deref().unwrap_or_default(),
    );
    NewDelivery {
        traceparent,
        message_id,
        message_type: record
            .headers
            .get(header::MESSAGE_TYPE)
            .cloned()
            .unwrap_or_default(),
        mrn: record.key.clone().unwrap_or_default(),
        recipient,
        message,
        format,
        national,
        national_note,
    }
}

/// The form kept of a standardized message: (format, national form, note, recipient).
fn message_form(
    record: &ConsumedRecord,
    translator: Option<&dyn Translator>,
) -> (String, Option<Vec<u8>>, Option<String>, String) {
    let decoded = transit_codec::json::decode(&record.payload);
    let recipient = match &decoded {
        Ok(m) => m.header().recipient.as_str().to_owned(),
        Err(_) => serde_json::from_slice::<serde_json::Value>(&record.payload)
            .ok()
            .and_then(|v| v.pointer("/header/recipient")?.as_str().map(str::to_owned))
            .unwrap_or_default(),
    };
    kept_form(record, translator, recipient, |t| {
        decoded
            .as_ref()
            .map_err(|e| format!("the hub's message does not decode: {e}"))
            .and_then(|m| t.to_national(m).map_err(|e| e.to_string()))
    })
}

/// Guarantee checks: the form kept of the hub's answer — in the national format when the
/// family has one (NCTS CD201C, CD205C), else the JSON with a note; its recipient is the
/// office that asked.
fn guarantee_result_form(
    record: &ConsumedRecord,
    translator: Option<&dyn Translator>,
) -> (String, Option<Vec<u8>>, Option<String>, String) {
    let decoded = serde_json::from_slice::<GuaranteeCheckResult>(&record.payload);
    let recipient = decoded
        .as_ref()
        .map(|r| r.office_of_departure.as_str().to_owned())
        .unwrap_or_default();
    kept_form(record, translator, recipient, |t| {
        decoded
            .as_ref()
            .map_err(|e| format!("the hub's guarantee check result does not decode: {e}"))
            .and_then(|r| t.guarantee_result_to_national(r).map_err(|e| e.to_string()))
    })
}

/// (format, national form, note, recipient): standardized without a translator; else the
/// family's form `to_national` makes, or the note saying why there is none.
fn kept_form(
    record: &ConsumedRecord,
    translator: Option<&dyn Translator>,
    recipient: String,
    to_national: impl FnOnce(&dyn Translator) -> Result<Vec<u8>, String>,
) -> (String, Option<Vec<u8>>, Option<String>, String) {
    let Some(t) = translator else {
        return ("standard".to_owned(), None, None, recipient);
    };
    let (national, note) = national_or_note(record, to_national(t));
    (t.family().to_string(), national, note, recipient)
}

/// The national form, or the note saying why the delivery stays in the standardized JSON.
fn national_or_note(
    record: &ConsumedRecord,
    translated: Result<Vec<u8>, String>,
) -> (Option<Vec<u8>>, Option<String>) {
    match translated {
        Ok(bytes) => (Some(bytes), None),
        Err(note) => {
            let trace_id = record
                .headers
                .get(header::TRACEPARENT)
                .and_then(|t| context::trace_id_in(t));
            tracing::warn!(mrn = record.key.as_deref(), trace_id, %note, "delivery kept in the standardized JSON");
            (None, Some(note))
        }
    }
}
