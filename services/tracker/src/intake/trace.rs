//! A message's hop through the tracker, in its trace: a span that continues the trace its
//! record came with (the adapter's `traceparent` header), whose own `traceparent` every record
//! written for the message carries on — copies, refusals, dead letters — so the trace follows
//! it through the outbox and the relay to each destination adapter.

use transit_kafka::{header, OutgoingRecord};
use transit_runtime::telemetry::context;

use super::batch::Incoming;

/// The span of one message's decision and what it passes on.
pub(super) struct Hop {
    pub span: tracing::Span,
    traceparent: Option<String>,
    /// For the log lines about the message (empty when the span is not traced).
    pub trace_id: String,
}

impl Hop {
    pub fn of(m: &Incoming<'_>) -> Self {
        let span = tracing::info_span!(
            "decide",
            mrn = m.message.mrn().as_str(),
            message_type = m.message.message_type().code(),
            trace_id = tracing::field::Empty
        );
        context::continue_trace(
            &span,
            m.record
                .headers
                .get(header::TRACEPARENT)
                .map(String::as_str),
        );
        let traceparent = context::traceparent(&span);
        let trace_id = traceparent
            .as_deref()
            .and_then(context::trace_id_in)
            .unwrap_or_default()
            .to_owned();
        if !trace_id.is_empty() {
            span.record("trace_id", trace_id.as_str());
        }
        Self {
            span,
            traceparent,
            trace_id,
        }
    }

    /// `record`, carrying this hop's trace on.
    pub fn stamp(&self, record: OutgoingRecord) -> OutgoingRecord {
        match &self.traceparent {
            Some(value) => record.with_header(header::TRACEPARENT, value.as_str()),
            None => record,
        }
    }
}
