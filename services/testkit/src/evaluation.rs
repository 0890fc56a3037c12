//! evaluation-service in-process.

use evaluation_service::{Application, Settings, llm::LlmSettings};
use interview_coach_proto::evaluation::v1::evaluation_service_client::EvaluationServiceClient;
use sqlx::PgPool;
use tonic::transport::Channel;

use crate::{Running, SERVICE_TOKEN, running::ephemeral};

/// Test settings on `port` (0 = any), with [`SERVICE_TOKEN`] and no LLM.
pub fn evaluation_settings(port: u16) -> Settings {
    let mut settings = Settings::for_tests(SERVICE_TOKEN);
    settings.server = ephemeral(port);
    settings
}

/// Starts evaluation with `settings` over `pool`'s database, connected as its own role.
pub async fn start_evaluation_with(pool: &PgPool, settings: Settings) -> Running {
    let app = Application::build_with_pool(
        settings,
        crate::db::as_role(pool, crate::db::EVALUATION_ROLE),
    )
    .await
    .expect("evaluation builds");
    Running::start(app.port(), |stop| async move {
        let _ = app.run_until_stopped(stop).await;
    })
    .await
}

/// Starts evaluation on `port` (0 = any).
pub async fn start_evaluation(pool: &PgPool, port: u16) -> Running {
    start_evaluation_with(pool, evaluation_settings(port)).await
}

/// evaluation running alone, with a connected client.
pub struct EvaluationApp {
    pub url: String,
    pub client: EvaluationServiceClient<Channel>,
    pub pool: PgPool,
    pub running: Running,
}

impl EvaluationApp {
    /// Starts the service without an LLM.
    pub async fn spawn(pool: PgPool) -> Self {
        Self::spawn_with(pool, None).await
    }

    /// Starts the service with `llm` (e.g. a wiremock server).
    pub async fn spawn_with(pool: PgPool, llm: Option<LlmSettings>) -> Self {
        let mut settings = evaluation_settings(0);
        settings.llm = llm;
        let running = start_evaluation_with(&pool, settings).await;
        let url = running.url();
        let client = EvaluationServiceClient::connect(url.clone())
            .await
            .expect("connect evaluation");
        Self {
            url,
            client,
            pool,
            running,
        }
    }
}
