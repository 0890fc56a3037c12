//! Structured logs with `tracing`.
//!
//! `RUST_LOG` sets levels (default `info`); `LOG_FORMAT=json` (the default) writes one JSON
//! object per line, `LOG_FORMAT=pretty` a human-friendly form for local runs.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::{self, ConfigError};

/// Installs the global subscriber. Safe to call more than once (later calls do nothing),
/// so tests can call it freely.
pub fn init(service_name: &'static str) -> Result<(), ConfigError> {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new("info,sqlx=warn,h2=warn,tower=warn"))
        .map_err(|err| ConfigError::new("RUST_LOG", err.to_string()))?;
    let format = config::string_or("LOG_FORMAT", "json");
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format.as_str() {
        "json" => registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true),
            )
            .try_init(),
        "pretty" | "text" => registry.with(fmt::layer().compact()).try_init(),
        other => {
            return Err(ConfigError::new(
                "LOG_FORMAT",
                format!("expected json or pretty, got {other:?}"),
            ));
        }
    };
    if result.is_ok() {
        tracing::info!(service = service_name, "telemetry initialised");
    }
    Ok(())
}
