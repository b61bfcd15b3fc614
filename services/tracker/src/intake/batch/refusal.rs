//! Refusals: a message the hub refuses is answered (IE906 to its sender), kept in the event
//! log and copied to the dead-letter topic; one refused before and sent again is answered again.

use chrono::{DateTime, Utc};
use transit_codec::json;
use transit_kafka::{header, OutgoingRecord, Topics};
use transit_lifecycle::Rejection;
use transit_model::StandardMessage;
use transit_store::tracker::{Outcome, TrackerTx};
use transit_store::StoreError;

use super::super::trace::Hop;
use crate::figures::Outcome as Counting;

use super::{event, Incoming, Writes};

/// A message the hub refused, sent again with the same id and content, gets the same answer
/// again: a national system that lost the answer asks by sending again. The new IE906 carries
/// the first one's errors under an id derived from where the resend was read, so a redelivery
/// of the resend is not answered twice. An accepted message sent again is dropped: its copies
/// already went out.
pub(super) async fn answer_again(
    topics: &Topics,
    tx: &mut TrackerTx,
    writes: &mut Writes,
    m: &Incoming<'_>,
    hop: &Hop,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let topic = topics.from_hub(m.country);
    let first_id = m.message.id().derive("IE906");
    let first = match writes.queued(&topic, first_id.as_uuid()) {
        Some(payload) => Some(payload.to_vec()),
        None => tx.queued(&topic, first_id.as_uuid()).await?,
    };
    let Some(Ok(first)) = first.map(|payload| json::decode(&payload)) else {
        return Ok(()); // it was accepted: nothing to say
    };
    let record = m.record;
    let mut header = first.header().clone();
    header.message_id = first_id.derive(&format!(
        "again/{}/{}/{}",
        record.topic, record.partition, record.offset
    ));
    header.prepared_at = now;
    let Ok(again) = StandardMessage::new(header, first.body().clone()) else {
        return Ok(());
    };
    tracing::info!(mrn = %m.message.mrn(), message_id = %m.message.id(), trace_id = %hop.trace_id, "refused message sent again; answered again");
    let answer = OutgoingRecord::for_message(&topic, &again, json::encode(&again));
    writes.queue(again.id().as_uuid(), hop.stamp(answer));
    Ok(())
}

/// Answers the sender (IE906 on its country's `from-hub` topic), keeps the refused message in
/// the event log, and copies it to the dead-letter topic with the reason.
pub(super) fn reject(
    topics: &Topics,
    writes: &mut Writes,
    m: &Incoming<'_>,
    hop: &Hop,
    rejection: &Rejection,
    now: DateTime<Utc>,
    variant: &str,
) {
    let _in_its_trace = hop.span.enter();
    let message = &m.message;
    tracing::warn!(
        mrn = %message.mrn(),
        trace_id = %hop.trace_id,
        message_id = %message.id(),
        message_type = %message.message_type(),
        code = u8::from(rejection.code),
        reason = %rejection.reason,
        "message refused"
    );
    let nack = rejection.to_nack(message, now);
    let nack_id = if variant.is_empty() {
        nack.id()
    } else {
        nack.id().derive(variant)
    };
    let answer =
        OutgoingRecord::for_message(topics.from_hub(m.country), &nack, json::encode(&nack));
    writes.queue(nack_id.as_uuid(), hop.stamp(answer));
    let dead = OutgoingRecord::for_message(
        topics.dead_letter(),
        message,
        m.canonical.as_bytes().to_vec(),
    )
    .with_header(header::REJECTION_REASON, rejection.to_string());
    let dead = hop.stamp(dead);
    writes.queue(
        message
            .id()
            .derive(&format!("dead-letter/{variant}"))
            .as_uuid(),
        dead,
    );
    writes.events.push(event(
        m,
        now,
        Outcome::Rejected {
            code: u8::from(rejection.code),
            reason: rejection.reason.clone(),
        },
    ));
    writes.count(m, Counting::Refused(u8::from(rejection.code)));
}
