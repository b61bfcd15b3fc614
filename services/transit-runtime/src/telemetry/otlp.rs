//! The tracer provider: ids for every span, and — with `[telemetry] otlp_endpoint` — a batch
//! exporter posting them to a collector (OTLP/HTTP, JSON) from the async runtime.

use opentelemetry::KeyValue;
use opentelemetry_otlp::{Protocol, SpanExporter, WithExportConfig};
use opentelemetry_sdk::runtime::Tokio;
use opentelemetry_sdk::trace::span_processor_with_async_runtime::BatchSpanProcessor;
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use opentelemetry_sdk::Resource;

use super::TelemetrySettings;

/// The provider for `service`, and why spans cannot be exported if the endpoint is unusable
/// (the service still runs; it says so in its log).
pub(super) fn provider(
    service: &str,
    attributes: &[(&str, &str)],
    settings: &TelemetrySettings,
) -> (SdkTracerProvider, Option<String>) {
    let resource = Resource::builder()
        .with_service_name(service.to_owned())
        .with_attributes(
            attributes
                .iter()
                .map(|(k, v)| KeyValue::new(k.to_string(), v.to_string())),
        )
        .build();
    let ratio = settings.sample_ratio.clamp(0.0, 1.0);
    let builder = SdkTracerProvider::builder()
        .with_resource(resource)
        .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(
            ratio,
        ))));
    let Some(endpoint) = &settings.otlp_endpoint else {
        return (builder.build(), None);
    };
    let exporter = SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpJson)
        .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
        .with_timeout(std::time::Duration::from_secs(5))
        .build();
    match exporter {
        Ok(exporter) => {
            let processor = BatchSpanProcessor::builder(exporter, Tokio).build();
            (builder.with_span_processor(processor).build(), None)
        }
        Err(err) => (builder.build(), Some(err.to_string())),
    }
}
