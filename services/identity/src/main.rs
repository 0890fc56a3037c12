//! identity-service: `serve` (default), `healthcheck` or `migrate`.

use std::process::ExitCode;

use identity_service::{Application, Settings, settings::DEFAULT_LISTEN_ADDR};
use interview_coach_common::{cli, shutdown};

#[tokio::main]
async fn main() -> ExitCode {
    cli::main("identity-service", DEFAULT_LISTEN_ADDR, || async {
        let application = Application::build(Settings::from_env()?).await?;
        application.run_until_stopped(shutdown::signal()).await?;
        Ok(())
    })
    .await
}
