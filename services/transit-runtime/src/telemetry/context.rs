//! W3C trace context: a `traceparent` value in and out of a `tracing` span.
//!
//! A message's trace starts where it enters sigmat — the national system's request, when it
//! sends a `traceparent` header, continues its own trace — and the value travels with every
//! copy: a Kafka header from adapter to tracker, through the outbox and the relay to the
//! destination adapter, and on to the national system's delivery. Each hop makes its span a
//! child of the value it received ([`continue_trace`]) and passes its own on ([`traceparent`]).

use std::collections::HashMap;

use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::TraceContextExt;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The header's name, on HTTP requests and Kafka records alike.
pub const TRACEPARENT: &str = "traceparent";

/// Makes `span` a child of the trace `traceparent` names. Without one, or with one that is
/// not a valid W3C value, `span` starts a new trace.
pub fn continue_trace(span: &tracing::Span, traceparent: Option<&str>) {
    let Some(value) = traceparent else {
        return;
    };
    let carrier = HashMap::from([(TRACEPARENT.to_owned(), value.to_owned())]);
    let parent = TraceContextPropagator::new().extract(&carrier);
    if parent.span().span_context().is_valid() {
        // Fails only when the span is disabled, and then there is nothing to trace.
        let _ = span.set_parent(parent);
    }
}

/// The `traceparent` value naming `span`, to send on; none when the span is not traced.
pub fn traceparent(span: &tracing::Span) -> Option<String> {
    let context = span.context();
    if !context.span().span_context().is_valid() {
        return None;
    }
    let mut carrier = HashMap::new();
    TraceContextPropagator::new().inject_context(&context, &mut carrier);
    carrier.remove(TRACEPARENT)
}

/// The trace id in a `traceparent` value (`00-<trace id>-<span id>-<flags>`): 32 hex digits.
pub fn trace_id_in(traceparent: &str) -> Option<&str> {
    let mut parts = traceparent.split('-');
    let (_version, id) = (parts.next()?, parts.next()?);
    (id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trace_id_is_read_from_a_traceparent() {
        let value = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assert_eq!(trace_id_in(value), Some("4bf92f3577b34da6a3ce929d0e0e4736"));
        assert_eq!(trace_id_in("00-nothex-00f067aa0ba902b7-01"), None);
        assert_eq!(trace_id_in(""), None);
    }

    #[test]
    fn a_span_continues_the_trace_it_is_given_and_names_itself_as_its_child() {
        let _guard = crate::telemetry::for_tests();
        let span = tracing::info_span!("hop");
        let given = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        continue_trace(&span, Some(given));
        let passed = traceparent(&span).expect("a traced span");
        assert_eq!(trace_id_in(&passed), trace_id_in(given));
        assert_ne!(passed, given, "a span of its own, in the same trace");
        // Garbage starts a new trace instead.
        let fresh = tracing::info_span!("hop");
        continue_trace(&fresh, Some("not a traceparent"));
        let own = traceparent(&fresh).expect("a traced span");
        assert_ne!(trace_id_in(&own), trace_id_in(given));
    }
}
