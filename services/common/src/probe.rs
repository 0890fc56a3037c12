//! A `grpc.health.v1` client: the `healthcheck` subcommand of every binary and the
//! readiness wait of tests (poll health, never sleep).

use std::time::Duration;

use tonic::transport::Endpoint;
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};

/// Asks `url` (e.g. `http://127.0.0.1:50051`) once whether it is SERVING.
pub async fn check(url: &str, timeout: Duration) -> Result<bool, tonic::transport::Error> {
    let channel = Endpoint::from_shared(url.to_owned())?
        .connect_timeout(timeout)
        .timeout(timeout)
        .connect()
        .await?;
    let response = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await;
    Ok(matches!(response, Ok(r) if r.get_ref().status() == ServingStatus::Serving))
}

/// Polls `url` until it reports SERVING; false when `deadline` passes first.
pub async fn wait_until_serving(url: &str, deadline: Duration) -> bool {
    let poll = async {
        loop {
            if matches!(check(url, Duration::from_millis(500)).await, Ok(true)) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(deadline, poll).await.is_ok()
}
