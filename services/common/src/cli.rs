//! The command line every service binary shares:
//!
//! - `<binary>` or `<binary> serve`: run the service until SIGTERM/SIGINT;
//! - `<binary> healthcheck`: ask the local server's `grpc.health.v1` once, exit 0 if SERVING
//!   (container healthchecks need no extra tool);
//! - `<binary> migrate`: apply pending migrations and exit (compose's migrate step, the
//!   Kubernetes Job).
//!
//! A bad configuration prints one clear line and exits non-zero.

use std::{error::Error, future::Future, net::SocketAddr, process::ExitCode, time::Duration};

use crate::{config, db::DatabaseSettings, telemetry};

/// Runs the binary `name` whose server listens on `default_addr` unless `LISTEN_ADDR` says
/// otherwise; `serve` builds and runs the service.
pub async fn main<F, Fut>(name: &'static str, default_addr: &str, serve: F) -> ExitCode
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(), Box<dyn Error + Send + Sync>>>,
{
    let command = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "serve".to_owned());
    let result = match command.as_str() {
        "serve" => match telemetry::init(name) {
            Ok(telemetry) => {
                let result = match metrics_addr(name) {
                    Ok(addr) => {
                        if let Some(addr) = addr {
                            if let Err(err) = crate::observability::install_prometheus(addr) {
                                tracing::warn!(error = %err, "metrics disabled");
                            } else {
                                tracing::info!(%addr, "metrics served at /metrics");
                            }
                        }
                        serve().await
                    }
                    Err(err) => Err(err.into()),
                };
                telemetry.shutdown().await;
                result
            }
            Err(err) => Err(err.into()),
        },
        "healthcheck" => return healthcheck(default_addr).await,
        "migrate" => migrate().await,
        "-h" | "--help" | "help" => {
            println!("usage: {name} [serve|healthcheck|migrate]");
            return ExitCode::SUCCESS;
        }
        other => Err(format!(
            "unknown command {other:?}; usage: {name} [serve|healthcheck|migrate]"
        )
        .into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "{name} failed");
            eprintln!("{name}: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `METRICS_ADDR`: where Prometheus metrics are served; `off` disables them. Defaults:
/// identity 0.0.0.0:9101, session 0.0.0.0:9102, evaluation 0.0.0.0:9103.
fn metrics_addr(name: &str) -> Result<Option<SocketAddr>, config::ConfigError> {
    let default = match name {
        "identity-service" => "0.0.0.0:9101",
        "session-service" => "0.0.0.0:9102",
        "evaluation-service" => "0.0.0.0:9103",
        _ => "off",
    };
    let value = config::string_or("METRICS_ADDR", default);
    if value.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    value.parse().map(Some).map_err(|_| {
        config::ConfigError::new(
            "METRICS_ADDR",
            format!("{value:?} is not an address or off"),
        )
    })
}

async fn healthcheck(default_addr: &str) -> ExitCode {
    let addr = match config::parse_or::<SocketAddr>(
        "LISTEN_ADDR",
        default_addr
            .parse()
            .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0))),
    ) {
        Ok(addr) => addr,
        Err(err) => {
            eprintln!("healthcheck: {err}");
            return ExitCode::FAILURE;
        }
    };
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_owned()
    } else {
        addr.ip().to_string()
    };
    let url = if addr.is_ipv6() && !addr.ip().is_unspecified() {
        format!("http://[{host}]:{}", addr.port())
    } else {
        format!("http://{host}:{}", addr.port())
    };
    match crate::probe::check(&url, Duration::from_secs(3)).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("healthcheck: {url} is NOT_SERVING");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("healthcheck: {url} unreachable: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate() -> Result<(), Box<dyn Error + Send + Sync>> {
    let settings = DatabaseSettings::from_env()?;
    let pool = match settings.migration_pool()? {
        Some(migrator) => migrator,
        None => settings.pool()?,
    };
    crate::db::migrate(&pool).await?;
    println!("migrations applied");
    Ok(())
}
