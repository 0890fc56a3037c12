//! Building and running the evaluation service.

use std::{future::Future, sync::Arc};

use interview_coach_common::{
    config::ConfigError,
    server::Reflection,
    service_auth::ServiceCredential,
    startup::{Shell, ShellError},
};
use interview_coach_proto::evaluation::v1::evaluation_service_server::{
    EvaluationServiceServer, SERVICE_NAME,
};
use sqlx::{PgPool, migrate::MigrateError};
use tonic::service::{Routes, interceptor::InterceptedService};

use crate::{
    analysis::cues::{self, CuesError},
    app::{
        evaluations::Evaluations, evaluator::Evaluator, metrics, questions::QuestionGenerator,
        rubrics::Rubrics,
    },
    bank::{Bank, BankError},
    grpc::EvaluationHandlers,
    llm::{ClientBuildError, LlmClient},
    settings::Settings,
};

/// Why the service cannot start, or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    /// A bad setting.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Migrations failed.
    #[error("cannot apply migrations: {0}")]
    Migrate(#[from] MigrateError),
    /// The embedded question bank is invalid (a build problem).
    #[error("question bank: {0}")]
    Bank(#[from] BankError),
    /// The embedded cue lists are invalid (a build problem).
    #[error("scoring cues: {0}")]
    Cues(#[from] CuesError),
    /// The LLM client cannot be built.
    #[error("LLM client: {0}")]
    LlmClient(#[from] ClientBuildError),
    /// The listener cannot be bound, or the server failed.
    #[error(transparent)]
    Shell(#[from] ShellError),
}

/// A built service, bound to its port, not yet serving.
pub struct Application {
    shell: Shell,
}

impl Application {
    /// Connects to the database of `settings` and builds the service.
    pub async fn build(settings: Settings) -> Result<Self, ApplicationError> {
        let pool = settings.database.pool()?;
        Self::build_with_pool(settings, pool).await
    }

    /// Builds the service over `pool` (tests pass their own): loads and validates the
    /// question bank, applies migrations when `settings.database.migrate`, prepares the LLM
    /// client if configured and binds the listener. Health stays NOT_SERVING until the
    /// database answers. Every RPC requires the service credential; health and reflection
    /// stay open.
    pub async fn build_with_pool(
        settings: Settings,
        pool: PgPool,
    ) -> Result<Self, ApplicationError> {
        metrics::describe();
        cues::validate()?;
        let bank = Arc::new(Bank::builtin()?);
        tracing::info!(questions = bank.all().len(), "question bank loaded");
        settings.database.migrate_if_asked(&pool).await?;
        let llm = match &settings.llm {
            Some(llm) => {
                let client = LlmClient::new(llm)?;
                tracing::info!(
                    model = client.model(),
                    timeout_ms = llm.timeout.as_millis() as u64,
                    "LLM provider configured"
                );
                Some(Arc::new(client))
            }
            None => {
                tracing::info!("no LLM configured: built-in question bank and evaluator");
                None
            }
        };
        let rubrics = Rubrics::new(Arc::clone(&bank), pool.clone());
        let handlers = EvaluationHandlers::new(
            Evaluations::new(
                pool.clone(),
                Arc::clone(&bank),
                rubrics.clone(),
                Evaluator::new(llm.clone()),
            ),
            QuestionGenerator::new(bank, llm, rubrics),
        );
        let service = InterceptedService::new(
            EvaluationServiceServer::new(handlers)
                .max_decoding_message_size(settings.server.max_message_bytes),
            ServiceCredential::new(settings.service_token).require(),
        );

        let addr = settings.server.listen_addr;
        let shell = Shell::bind(
            &settings.server,
            Reflection::of(
                &[SERVICE_NAME],
                interview_coach_proto::EVALUATION_DESCRIPTOR_SET,
            ),
            Routes::new(service),
            pool,
        )
        .await?;
        tracing::info!(%addr, port = shell.port(), "evaluation-service listening");
        Ok(Self { shell })
    }

    /// The port the listener is bound to (useful with port 0).
    pub fn port(&self) -> u16 {
        self.shell.port()
    }

    /// Serves until `shutdown` resolves, then drains in-flight calls.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), ApplicationError> {
        Ok(self.shell.run_until_stopped(shutdown).await?)
    }
}
