//! evaluation-service: `serve` (default), `healthcheck` or `migrate`.

use std::process::ExitCode;

/// jemalloc: scoring allocates many small strings, which glibc's malloc serves slowly
/// under concurrency.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use evaluation_service::{Application, Settings, settings::DEFAULT_LISTEN_ADDR};
use interview_coach_common::{cli, shutdown};

#[tokio::main]
async fn main() -> ExitCode {
    cli::main("evaluation-service", DEFAULT_LISTEN_ADDR, || async {
        let application = Application::build(Settings::from_env()?).await?;
        application.run_until_stopped(shutdown::signal()).await?;
        Ok(())
    })
    .await
}
