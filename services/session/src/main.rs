use std::process::ExitCode;

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
