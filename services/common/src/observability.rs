//! Per-call instrumentation of gRPC servers and clients.
//!
//! - Servers: [`GrpcObservabilityLayer`] opens one span per call whose parent is the W3C
//!   trace context of the incoming headers, records the span's `trace_id` (so every log line
//!   of the call carries it), and counts requests by method and code with a latency
//!   histogram. Health checks and reflection are neither traced nor counted.
//! - Clients: [`client_span`] + [`inject_context`] put the current trace context into the
//!   outgoing metadata, so one user request is one trace across services.
//! - Metrics: [`install_prometheus`] serves everything recorded with the `metrics` crate on
//!   an HTTP port in the Prometheus text format.

use std::{
    future::Future,
    net::SocketAddr,
    pin::Pin,
    task::{Context, Poll},
    time::Instant,
};

use opentelemetry::{
    global, propagation::Extractor, propagation::Injector, trace::TraceContextExt,
};
use tonic::{
    Code,
    codegen::http::{self, HeaderMap},
    metadata::{MetadataKey, MetadataMap, MetadataValue},
};
use tracing::{Instrument, Span, field::Empty};
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// Paths that are infrastructure, not business calls.
fn is_observed(path: &str) -> bool {
    !(path.starts_with("/grpc.health.v1.Health/") || path.starts_with("/grpc.reflection."))
}

struct HeaderExtractor<'a>(&'a HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }
    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

struct MetadataInjector<'a>(&'a mut MetadataMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(key), Ok(value)) = (
            MetadataKey::from_bytes(key.as_bytes()),
            MetadataValue::try_from(value.as_str()),
        ) {
            self.0.insert(key, value);
        }
    }
}

/// The hex trace id of `span` (empty when it has none).
pub fn trace_id(span: &Span) -> String {
    let context = span.context();
    let span_context = context.span().span_context().clone();
    if span_context.is_valid() {
        span_context.trace_id().to_string()
    } else {
        String::new()
    }
}

fn server_span(path: &str, headers: &HeaderMap) -> Span {
    let (service, method) = path
        .trim_start_matches('/')
        .split_once('/')
        .unwrap_or(("", path));
    let span = tracing::info_span!(
        "grpc.server",
        otel.name = %path.trim_start_matches('/'),
        otel.kind = "server",
        rpc.system = "grpc",
        rpc.service = %service,
        rpc.method = %method,
        rpc.grpc.status_code = Empty,
        trace_id = Empty,
    );
    let parent = global::get_text_map_propagator(|p| p.extract(&HeaderExtractor(headers)));
    let _ = span.set_parent(parent);
    span.record("trace_id", trace_id(&span).as_str());
    span
}

/// A client span for a call of `method` (`package.Service/Method`).
pub fn client_span(method: &'static str) -> Span {
    tracing::info_span!(
        "grpc.client",
        otel.name = method,
        otel.kind = "client",
        rpc.system = "grpc",
    )
}

/// Writes the trace context of `span` into outgoing `metadata` (W3C `traceparent`).
pub fn inject_context(span: &Span, metadata: &mut MetadataMap) {
    let context = span.context();
    global::get_text_map_propagator(|p| {
        p.inject_context(&context, &mut MetadataInjector(metadata))
    });
}

fn grpc_code(headers: &HeaderMap) -> Code {
    headers
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i32>().ok())
        .map_or(Code::Ok, Code::from_i32)
}

/// Tower layer that instruments every gRPC call of a server.
#[derive(Clone, Copy, Debug, Default)]
pub struct GrpcObservabilityLayer;

impl<S> tower::Layer<S> for GrpcObservabilityLayer {
    type Service = GrpcObservability<S>;

    fn layer(&self, inner: S) -> Self::Service {
        GrpcObservability { inner }
    }
}

/// The service [`GrpcObservabilityLayer`] wraps around a server.
#[derive(Clone, Debug)]
pub struct GrpcObservability<S> {
    inner: S,
}

impl<S, ReqBody, ResBody> tower::Service<http::Request<ReqBody>> for GrpcObservability<S>
where
    S: tower::Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        let path = request.uri().path().to_owned();
        if !is_observed(&path) {
            return Box::pin(self.inner.call(request));
        }
        let span = server_span(&path, request.headers());
        let started = Instant::now();
        let future = {
            let _entered = span.enter();
            self.inner.call(request)
        };
        Box::pin(async move {
            let result = future.instrument(span.clone()).await;
            let code = match &result {
                Ok(response) => grpc_code(response.headers()),
                Err(_) => Code::Unknown,
            };
            span.record("rpc.grpc.status_code", code as i32);
            let code_label = format!("{code:?}");
            metrics::counter!("grpc_server_requests_total", "method" => path.clone(), "code" => code_label)
                .increment(1);
            metrics::histogram!("grpc_server_request_duration_seconds", "method" => path)
                .record(started.elapsed().as_secs_f64());
            result
        })
    }
}

/// Serves the recorded metrics at `http://<addr>/metrics` (Prometheus text format).
pub fn install_prometheus(addr: SocketAddr) -> Result<(), String> {
    const LATENCY_BUCKETS: &[f64] = &[
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    ];
    metrics_exporter_prometheus::PrometheusBuilder::new()
        .with_http_listener(addr)
        .set_buckets(LATENCY_BUCKETS)
        .map_err(|err| err.to_string())?
        .install()
        .map_err(|err| format!("cannot serve metrics on {addr}: {err}"))?;
    metrics::describe_counter!(
        "grpc_server_requests_total",
        "gRPC calls by method and status code"
    );
    metrics::describe_histogram!(
        "grpc_server_request_duration_seconds",
        metrics::Unit::Seconds,
        "gRPC call latency by method"
    );
    metrics::describe_gauge!("db_pool_connections", "database pool connections by state");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_and_reflection_are_not_observed() {
        assert!(!is_observed("/grpc.health.v1.Health/Check"));
        assert!(!is_observed(
            "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
        ));
        assert!(is_observed(
            "/interview_coach.session.v1.SessionService/GetSession"
        ));
    }

    #[test]
    fn status_code_comes_from_the_grpc_status_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(grpc_code(&headers), Code::Ok);
        headers.insert("grpc-status", http::HeaderValue::from_static("5"));
        assert_eq!(grpc_code(&headers), Code::NotFound);
    }
}
