//! The evaluation service as the session service calls it: the service credential on every
//! call, a deadline on every call, a retry only where repeating is harmless, and the
//! evaluations it returned kept in a cache (they never change).

use std::{collections::HashMap, future::Future, sync::Arc, time::Duration};

use interview_coach_common::{
    domain::{Difficulty, InterviewType},
    observability,
    service_auth::ServiceCredential,
};
use interview_coach_proto::evaluation::v1::{
    self as pb, evaluation_service_client::EvaluationServiceClient,
};
use tonic::{Code, Request, Status, transport::Channel};
use tracing::{Instrument, Span};
use uuid::Uuid;

use crate::{
    clients::evaluation_cache::EvaluationCache,
    error::{Result, SessionError},
};

/// Evaluations of a session by answer id.
pub type EvaluationsByAnswer = HashMap<Uuid, Arc<pb::Evaluation>>;

/// Indexes evaluations by their answer.
pub fn by_answer(evaluations: Vec<pb::Evaluation>) -> EvaluationsByAnswer {
    evaluations
        .into_iter()
        .filter_map(|e| {
            Uuid::parse_str(&e.answer_id)
                .ok()
                .map(|id| (id, Arc::new(e)))
        })
        .collect()
}

/// Most session ids one ListEvaluations call takes.
const SESSIONS_PER_CALL: usize = 100;
/// Page size asked of ListEvaluations.
const EVALUATIONS_PER_PAGE: i32 = 1000;
const SERVICE: &str = "the evaluation service";
const GENERATE: &str = "interview_coach.evaluation.v1.EvaluationService/GenerateQuestions";
const EVALUATE: &str = "interview_coach.evaluation.v1.EvaluationService/EvaluateAnswer";
const LIST: &str = "interview_coach.evaluation.v1.EvaluationService/ListEvaluations";
const SUMMARIZE: &str = "interview_coach.evaluation.v1.EvaluationService/SummarizeEvaluations";

/// A cheap-to-clone client of the evaluation service.
#[derive(Clone)]
pub struct EvaluationClient {
    inner: EvaluationServiceClient<Channel>,
    credential: ServiceCredential,
    generate_timeout: Duration,
    evaluate_timeout: Duration,
    cache: EvaluationCache,
}

impl EvaluationClient {
    /// A client over `channel` (connected lazily).
    pub fn new(
        channel: Channel,
        credential: ServiceCredential,
        generate_timeout: Duration,
        evaluate_timeout: Duration,
        cache: EvaluationCache,
    ) -> Self {
        Self {
            inner: EvaluationServiceClient::new(channel),
            credential,
            generate_timeout,
            evaluate_timeout,
            cache,
        }
    }

    /// The configured deadline of EvaluateAnswer.
    pub fn evaluate_timeout(&self) -> Duration {
        self.evaluate_timeout
    }

    /// A request carrying the credential, the deadline and the trace context of `span`.
    fn request<T>(&self, message: T, timeout: Duration, span: &Span) -> Result<Request<T>> {
        let mut request = Request::new(message);
        request.set_timeout(timeout);
        self.credential
            .attach(&mut request)
            .map_err(|status| SessionError::Internal(status.message().to_owned()))?;
        observability::inject_context(span, request.metadata_mut());
        Ok(request)
    }

    /// Runs `call` inside `span` with a hard client-side deadline.
    async fn deadline<T>(
        span: Span,
        timeout: Duration,
        call: impl Future<Output = Result<tonic::Response<T>, Status>>,
    ) -> Result<T> {
        match tokio::time::timeout(timeout, call).instrument(span).await {
            Ok(Ok(response)) => Ok(response.into_inner()),
            Ok(Err(status)) => Err(SessionError::Downstream {
                service: SERVICE,
                status,
            }),
            Err(_) => Err(SessionError::Downstream {
                service: SERVICE,
                status: Status::deadline_exceeded("evaluation service deadline exceeded"),
            }),
        }
    }

    fn retryable(err: &SessionError) -> bool {
        matches!(err, SessionError::Downstream { status, .. } if status.code() == Code::Unavailable)
    }

    /// A read-only call (`method`, made by `call`) with `message`: retried once when the
    /// service is unavailable.
    async fn read<M, T, Fut>(
        &self,
        method: &'static str,
        timeout: Duration,
        message: &M,
        call: impl Fn(EvaluationServiceClient<Channel>, Request<M>) -> Fut,
    ) -> Result<T>
    where
        M: Clone,
        Fut: Future<Output = Result<tonic::Response<T>, Status>>,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let span = observability::client_span(method);
            let request = self.request(message.clone(), timeout, &span)?;
            match Self::deadline(span, timeout, call(self.inner.clone(), request)).await {
                Err(err) if attempt < 2 && Self::retryable(&err) => continue,
                other => return other,
            }
        }
    }

    /// `count` questions, avoiding `exclude_keys` while possible. Read-only: retried once
    /// when the service is unavailable.
    pub async fn generate_questions(
        &self,
        interview_type: InterviewType,
        difficulty: Difficulty,
        count: i32,
        exclude_keys: Vec<String>,
    ) -> Result<Vec<pb::GeneratedQuestion>> {
        let message = pb::GenerateQuestionsRequest {
            interview_type: interview_type.to_proto() as i32,
            difficulty: difficulty.to_proto() as i32,
            count,
            exclude_keys,
        };
        let response = self
            .read(
                GENERATE,
                self.generate_timeout,
                &message,
                |mut c, r| async move { c.generate_questions(r).await },
            )
            .await?;
        Ok(response.questions)
    }

    /// Evaluates one answer (idempotent on the evaluation side: repeats return the stored
    /// evaluation), waiting at most `timeout`.
    pub async fn evaluate(
        &self,
        message: pb::EvaluateAnswerRequest,
        timeout: Duration,
    ) -> Result<Arc<pb::Evaluation>> {
        let span = observability::client_span(EVALUATE);
        let request = self.request(message, timeout, &span)?;
        let response =
            Self::deadline(span, timeout, self.inner.clone().evaluate_answer(request)).await?;
        let evaluation = Arc::new(response.evaluation.ok_or_else(|| {
            SessionError::Internal("EvaluateAnswer returned no evaluation".into())
        })?);
        self.cache.insert(evaluation.clone());
        Ok(evaluation)
    }

    /// The evaluations of `answers` (id, marked evaluated) of session `session_id`: from the
    /// cache, or one ListEvaluations of the session when an answer marked evaluated is not
    /// cached. An answer still marked pending shows its evaluation only if one is known.
    pub async fn evaluations_of(
        &self,
        session_id: Uuid,
        answers: &[(Uuid, bool)],
    ) -> Result<EvaluationsByAnswer> {
        let mut found = EvaluationsByAnswer::with_capacity(answers.len());
        let mut missing = false;
        for (answer_id, evaluated) in answers {
            match self.cache.get(answer_id) {
                Some(evaluation) => {
                    found.insert(*answer_id, evaluation);
                }
                None => missing |= *evaluated,
            }
        }
        if !missing {
            return Ok(found);
        }
        metrics::counter!("evaluation_cache_misses_total").increment(1);
        for evaluation in self
            .list_for_sessions(&[session_id], pb::EvaluationView::Full)
            .await?
        {
            let evaluation = Arc::new(evaluation);
            self.cache.insert(evaluation.clone());
            if let Ok(answer_id) = Uuid::parse_str(&evaluation.answer_id) {
                found.insert(answer_id, evaluation);
            }
        }
        Ok(found)
    }

    /// Per session of `session_ids` with evaluations: their count and score sum, in batches
    /// of 100 sessions. Read-only: each batch retried once when the service is unavailable.
    pub async fn summarize(
        &self,
        session_ids: &[Uuid],
    ) -> Result<Vec<pb::SessionEvaluationSummary>> {
        let mut summaries = Vec::new();
        for chunk in session_ids.chunks(SESSIONS_PER_CALL) {
            let message = pb::SummarizeEvaluationsRequest {
                session_ids: chunk.iter().map(Uuid::to_string).collect(),
            };
            let response = self
                .read(
                    SUMMARIZE,
                    self.evaluate_timeout,
                    &message,
                    |mut c, r| async move { c.summarize_evaluations(r).await },
                )
                .await?;
            summaries.extend(response.sessions);
        }
        Ok(summaries)
    }

    /// Every evaluation of `session_ids`, in batches of 100 sessions and pages of 1,000; with
    /// [`pb::EvaluationView::Basic`] ids and scores only.
    pub async fn list_for_sessions(
        &self,
        session_ids: &[Uuid],
        view: pb::EvaluationView,
    ) -> Result<Vec<pb::Evaluation>> {
        let mut evaluations = Vec::new();
        for chunk in session_ids.chunks(SESSIONS_PER_CALL) {
            let ids: Vec<String> = chunk.iter().map(Uuid::to_string).collect();
            let mut page_token = String::new();
            loop {
                let message = pb::ListEvaluationsRequest {
                    session_ids: ids.clone(),
                    page_size: EVALUATIONS_PER_PAGE,
                    page_token: page_token.clone(),
                    view: view as i32,
                };
                let page = self
                    .read(
                        LIST,
                        self.evaluate_timeout,
                        &message,
                        |mut c, r| async move { c.list_evaluations(r).await },
                    )
                    .await?;
                evaluations.extend(page.evaluations);
                if page.next_page_token.is_empty() {
                    break;
                }
                page_token = page.next_page_token;
            }
        }
        Ok(evaluations)
    }
}
