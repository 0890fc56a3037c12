use std::process::ExitCode;

/// jemalloc: the service allocates many small buffers per call, which glibc's malloc serves
/// slowly under concurrency.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use session_service::{Application, Settings};

#[tokio::main]
async fn main() -> ExitCode {
    interview_coach_common::cli::main("session-service", "0.0.0.0:50052", || async {
        let app = Application::build(Settings::from_env()?).await?;
        app.run_until_stopped(interview_coach_common::shutdown::signal())
            .await?;
        Ok(())
    })
    .await
}
