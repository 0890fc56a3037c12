//! Logs and traces.
//!
//! - Logs: `tracing` with `RUST_LOG` levels (default `info`); `LOG_FORMAT=json` (default)
//!   writes one JSON object per line including the current span's fields (so every line of
//!   a call carries its `trace_id`), `LOG_FORMAT=pretty` a compact human form.
//! - Traces: every span goes through OpenTelemetry, so W3C trace context is extracted and
//!   injected on every hop; spans are exported over OTLP/gRPC only when
//!   `OTEL_EXPORTER_OTLP_ENDPOINT` is set (otherwise nothing is exported and nothing is
//!   logged about it). [`Telemetry::shutdown`] flushes what is buffered.

use opentelemetry::{global, trace::TracerProvider as _};
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::{
    Resource,
    propagation::TraceContextPropagator,
    runtime,
    trace::{SdkTracerProvider, span_processor_with_async_runtime::BatchSpanProcessor},
};
use tracing_subscriber::{EnvFilter, Layer, fmt, prelude::*};

use crate::config::{self, ConfigError};

/// Owns the tracer provider; flush it with [`Telemetry::shutdown`] before exiting.
pub struct Telemetry {
    provider: SdkTracerProvider,
}

impl Telemetry {
    /// Exports what is still buffered and stops the exporter.
    pub async fn shutdown(self) {
        let provider = self.provider;
        // The provider's shutdown blocks until the batch processor has flushed.
        let _ = tokio::task::spawn_blocking(move || provider.shutdown()).await;
    }
}

/// Installs logging and tracing from the environment (`RUST_LOG`, `LOG_FORMAT`,
/// `OTEL_EXPORTER_OTLP_ENDPOINT`). Must run inside the Tokio runtime.
pub fn init(service_name: &'static str) -> Result<Telemetry, ConfigError> {
    let endpoint = config::parse_opt::<String>("OTEL_EXPORTER_OTLP_ENDPOINT")?;
    let format = config::string_or("LOG_FORMAT", "json");
    init_with(service_name, endpoint.as_deref(), &format)
}

/// Like [`init`] with explicit settings (tests point `otlp_endpoint` at a receiver).
/// Safe to call more than once: only the first call installs the global subscriber.
pub fn init_with(
    service_name: &'static str,
    otlp_endpoint: Option<&str>,
    log_format: &str,
) -> Result<Telemetry, ConfigError> {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new("info,sqlx=warn,h2=warn,tower=warn,hyper=warn"))
        .map_err(|err| ConfigError::new("RUST_LOG", err.to_string()))?;

    let mut builder = SdkTracerProvider::builder()
        .with_resource(Resource::builder().with_service_name(service_name).build());
    if let Some(endpoint) = otlp_endpoint {
        let exporter = SpanExporter::builder()
            .with_tonic()
            .with_endpoint(endpoint)
            .build()
            .map_err(|err| ConfigError::new("OTEL_EXPORTER_OTLP_ENDPOINT", err.to_string()))?;
        builder = builder
            .with_span_processor(BatchSpanProcessor::builder(exporter, runtime::Tokio).build());
    }
    let provider = builder.build();
    global::set_text_map_propagator(TraceContextPropagator::new());
    let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer(service_name));

    let logs = match log_format {
        "json" => fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .boxed(),
        "pretty" | "text" => fmt::layer().compact().boxed(),
        other => {
            return Err(ConfigError::new(
                "LOG_FORMAT",
                format!("expected json or pretty, got {other:?}"),
            ));
        }
    };
    let installed = tracing_subscriber::registry()
        .with(filter)
        .with(otel)
        .with(logs)
        .try_init()
        .is_ok();
    if installed {
        global::set_tracer_provider(provider.clone());
        tracing::info!(
            service = service_name,
            otlp = otlp_endpoint.is_some(),
            "telemetry initialised"
        );
    }
    Ok(Telemetry { provider })
}
