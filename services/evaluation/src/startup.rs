//! Building and running the evaluation service.

use std::sync::Arc;

use interview_coach_common::{
    db::DatabaseSettings,
    server::ServerSettings,
    service_auth::ServiceCredential,
    startup::{self, Service, ShellError},
};
use interview_coach_proto::evaluation::v1::evaluation_service_server::{
    EvaluationServiceServer, SERVICE_NAME,
};
use sqlx::PgPool;
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
    /// The embedded question bank is invalid (a build problem).
    #[error("question bank: {0}")]
    Bank(#[from] BankError),
    /// The embedded cue lists are invalid (a build problem).
    #[error("scoring cues: {0}")]
    Cues(#[from] CuesError),
    /// The LLM client cannot be built.
    #[error("LLM client: {0}")]
    LlmClient(#[from] ClientBuildError),
    /// Bad settings, failed migrations, or the listener cannot be bound or serve.
    #[error(transparent)]
    Shell(#[from] ShellError),
}

/// The evaluation service, as [`Application`] builds it: nothing is kept between building
/// and serving (no background tasks).
pub struct Wiring;

/// The evaluation service: [`Application::build`], [`Application::port`],
/// [`Application::run_until_stopped`].
pub type Application = startup::Application<Wiring>;

impl Service for Wiring {
    const NAME: &'static str = "evaluation-service";
    const GRPC_SERVICE: &'static str = SERVICE_NAME;
    const DESCRIPTORS: &'static [u8] = interview_coach_proto::EVALUATION_DESCRIPTOR_SET;
    type Settings = Settings;
    type Error = ApplicationError;

    fn shell_settings(settings: &Settings) -> (&DatabaseSettings, &ServerSettings) {
        (&settings.database, &settings.server)
    }

    /// Loads and validates the question bank and the cue lists, prepares the LLM client if
    /// configured. Every RPC requires the service credential; health and reflection stay
    /// open.
    async fn build(settings: Settings, pool: PgPool) -> Result<(Routes, Self), ApplicationError> {
        metrics::describe();
        cues::validate()?;
        let bank = Arc::new(Bank::builtin()?);
        tracing::info!(questions = bank.all().len(), "question bank loaded");
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
                pool,
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
        Ok((Routes::new(service), Self))
    }
}
