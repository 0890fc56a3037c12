//! The evaluation service as the session service calls it: the service credential on every
//! call, a deadline on every call, a retry only where repeating is harmless, and the
//! evaluations it returned kept in a cache (they never change). The evaluation contract's
//! messages stay in here: what goes in and comes out are domain values.

use std::{future::Future, sync::Arc, time::Duration};

use chrono::DateTime;
use interview_coach_common::{
    domain::{Difficulty, InterviewType},
    observability,
    service_auth::ServiceCredential,
};
use interview_coach_proto::{
    common::v1 as common_pb,
    evaluation::v1::{self as pb, evaluation_service_client::EvaluationServiceClient},
};
use tonic::{Code, Request, Status, transport::Channel};
use tracing::{Instrument, Span};
use uuid::Uuid;

use crate::{
    clients::evaluation_cache::EvaluationCache,
    domain::{
        evaluation::{Confidence, Evaluation, EvaluationSummary, EvaluationsByAnswer},
        question::{
            GeneratedQuestion, KeyPoint, Provenance, RedFlag, Rubric, RubricOrigin, Severity, Topic,
        },
        session::PendingAnswer,
    },
    error::{Result, SessionError},
};

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
            Err(_) => Err(SessionError::downstream_deadline(
                SERVICE,
                "evaluation service deadline exceeded",
            )),
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
    ) -> Result<Vec<GeneratedQuestion>> {
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
        Ok(response.questions.into_iter().map(generated).collect())
    }

    /// Evaluates one answer (idempotent on the evaluation side: repeats return the stored
    /// evaluation), waiting at most `timeout`.
    pub async fn evaluate(
        &self,
        pending: &PendingAnswer,
        timeout: Duration,
    ) -> Result<Arc<Evaluation>> {
        let span = observability::client_span(EVALUATE);
        let request = self.request(evaluate_request(pending), timeout, &span)?;
        let response =
            Self::deadline(span, timeout, self.inner.clone().evaluate_answer(request)).await?;
        let (answer_id, evaluation) = evaluation(response.evaluation.ok_or_else(|| {
            SessionError::Internal("EvaluateAnswer returned no evaluation".into())
        })?);
        let evaluation = Arc::new(evaluation);
        if let Some(answer_id) = answer_id {
            self.cache.insert(answer_id, evaluation.clone());
        }
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
        for (answer_id, evaluation) in self
            .list_for_sessions(&[session_id], pb::EvaluationView::Full)
            .await?
        {
            self.cache.insert(answer_id, evaluation.clone());
            found.insert(answer_id, evaluation);
        }
        Ok(found)
    }

    /// The ids and scores of the session's evaluations, by answer, read from the service
    /// (not the cache: an answer evaluated meanwhile must be seen).
    pub async fn scores_of(&self, session_id: Uuid) -> Result<EvaluationsByAnswer> {
        Ok(self
            .list_for_sessions(&[session_id], pb::EvaluationView::Basic)
            .await?
            .into_iter()
            .collect())
    }

    /// Per session of `session_ids` with evaluations: their count and score sum, in batches
    /// of 100 sessions. Read-only: each batch retried once when the service is unavailable.
    pub async fn summarize(&self, session_ids: &[Uuid]) -> Result<Vec<EvaluationSummary>> {
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
            // A session id that is not a UUID cannot be one of ours.
            summaries.extend(response.sessions.into_iter().filter_map(|s| {
                Some(EvaluationSummary {
                    session_id: Uuid::parse_str(&s.session_id).ok()?,
                    count: s.evaluation_count,
                    score_sum: s.score_sum,
                })
            }));
        }
        Ok(summaries)
    }

    /// Every evaluation of `session_ids` with its answer id, in batches of 100 sessions and
    /// pages of 1,000; with [`pb::EvaluationView::Basic`] ids and scores only. One whose
    /// answer id is not a UUID cannot be of our answers and is left out.
    async fn list_for_sessions(
        &self,
        session_ids: &[Uuid],
        view: pb::EvaluationView,
    ) -> Result<Vec<(Uuid, Arc<Evaluation>)>> {
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
                evaluations.extend(page.evaluations.into_iter().filter_map(|e| {
                    let (answer_id, evaluation) = evaluation(e);
                    Some((answer_id?, Arc::new(evaluation)))
                }));
                if page.next_page_token.is_empty() {
                    break;
                }
                page_token = page.next_page_token;
            }
        }
        Ok(evaluations)
    }
}

/// The EvaluateAnswer request for a pending answer.
fn evaluate_request(pending: &PendingAnswer) -> pb::EvaluateAnswerRequest {
    let rubric = &pending.rubric;
    pb::EvaluateAnswerRequest {
        session_id: pending.session_id.to_string(),
        question_id: pending.question_id.to_string(),
        answer_id: pending.answer_id.to_string(),
        question_text: pending.question_text.clone(),
        interview_type: pending.interview_type.map_or(0, |t| t.to_proto() as i32),
        difficulty: pending.difficulty.map_or(0, |d| d.to_proto() as i32),
        answer_text: pending.answer_text.clone(),
        key_points: rubric
            .key_points
            .iter()
            .map(|k| common_pb::KeyPoint {
                point: k.point.clone(),
                terms: k.terms.clone(),
                idea: k.idea.clone(),
                weight: k.weight,
                follow_up: k.follow_up.clone(),
            })
            .collect(),
        red_flags: rubric
            .red_flags
            .iter()
            .map(|f| common_pb::RedFlag {
                claim: f.claim.clone(),
                correction: f.correction.clone(),
                patterns: f.patterns.clone(),
                severity: match f.severity {
                    Severity::Major => common_pb::RedFlagSeverity::Major,
                    Severity::Minor => common_pb::RedFlagSeverity::Minor,
                } as i32,
            })
            .collect(),
        topic: rubric.topic.as_ref().map(|t| common_pb::StoryTopic {
            about: t.about.clone(),
            terms: t.terms.clone(),
        }),
        reference_answer: rubric.reference_answer.clone(),
        question_key: rubric.key.clone(),
        hints: rubric.hints.clone(),
        rubric_digest: rubric.digest.clone(),
    }
}

/// A generated question in domain terms: its rubric's digest when it has one (the parts are
/// then not kept: the evaluation service stored them), else the parts.
fn generated(question: pb::GeneratedQuestion) -> GeneratedQuestion {
    let rubric = if question.rubric_digest.is_empty() {
        Rubric {
            key: question.key,
            hints: question.hints,
            digest: String::new(),
            key_points: question
                .key_points
                .into_iter()
                .map(|k| KeyPoint {
                    point: k.point,
                    terms: k.terms,
                    idea: k.idea,
                    weight: k.weight,
                    follow_up: k.follow_up,
                })
                .collect(),
            reference_answer: question.reference_answer,
            red_flags: question
                .red_flags
                .into_iter()
                .map(|f| RedFlag {
                    severity: match common_pb::RedFlagSeverity::try_from(f.severity) {
                        Ok(common_pb::RedFlagSeverity::Major) => Severity::Major,
                        _ => Severity::Minor,
                    },
                    claim: f.claim,
                    correction: f.correction,
                    patterns: f.patterns,
                })
                .collect(),
            topic: question.topic.map(|t| Topic {
                about: t.about,
                terms: t.terms,
            }),
        }
    } else {
        Rubric {
            key: question.key,
            hints: question.hints,
            digest: question.rubric_digest,
            ..Rubric::default()
        }
    };
    GeneratedQuestion {
        text: question.text,
        examples: question.examples,
        rubric,
        provenance: question.provenance.map(provenance).unwrap_or_default(),
        generated_at: question
            .generate_time
            .and_then(|t| DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0))),
    }
}

fn provenance(p: common_pb::Provenance) -> Provenance {
    Provenance {
        rubric_origin: match common_pb::RubricOrigin::try_from(p.rubric_origin) {
            Ok(common_pb::RubricOrigin::Bank) => Some(RubricOrigin::Bank),
            Ok(common_pb::RubricOrigin::Question) => Some(RubricOrigin::Question),
            Ok(common_pb::RubricOrigin::KeyPoints) => Some(RubricOrigin::KeyPoints),
            Ok(common_pb::RubricOrigin::Derived) => Some(RubricOrigin::Derived),
            Ok(common_pb::RubricOrigin::Unspecified) | Err(_) => None,
        },
        source: p.source,
        is_fallback: p.is_fallback,
        fallback_reason: p.fallback_reason,
        rubric_version: p.rubric_version,
        disagreement: p.disagreement,
    }
}

/// An evaluation in domain terms, with its answer id (`None`: not a UUID, so not one of our
/// answers).
fn evaluation(e: pb::Evaluation) -> (Option<Uuid>, Evaluation) {
    let answer_id = Uuid::parse_str(&e.answer_id).ok();
    let evaluation = Evaluation {
        confidence: match common_pb::Confidence::try_from(e.confidence) {
            Ok(common_pb::Confidence::Low) => Some(Confidence::Low),
            Ok(common_pb::Confidence::Medium) => Some(Confidence::Medium),
            Ok(common_pb::Confidence::High) => Some(Confidence::High),
            Ok(common_pb::Confidence::Unspecified) | Err(_) => None,
        },
        created_at: e
            .create_time
            .and_then(|t| DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0))),
        provenance: e.provenance.map(provenance),
        id: e.id,
        score: e.score,
        feedback: e.feedback,
        strengths: e.strengths,
        improvements: e.improvements,
        red_flags: e.red_flags,
    };
    (answer_id, evaluation)
}
