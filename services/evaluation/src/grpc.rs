//! The gRPC surface: validates each request into a command, runs it, converts the result.
//! Errors become statuses only through `From<EvaluationError> for Status`.

use std::sync::Arc;

use interview_coach_common::{
    paging::{self, Cursor},
    time::timestamp,
};
use interview_coach_proto::{
    common::v1 as common_pb,
    evaluation::v1::{self as pb, evaluation_service_server::EvaluationService},
};
use rust_decimal::prelude::ToPrimitive;
use sqlx::PgPool;
use tonic::{Request, Response, Status};

use crate::{
    bank::Bank,
    counters,
    error::EvaluationError,
    evaluator::{Evaluator, Submission},
    questions::{Generated, QuestionGenerator},
    request::{self, EvaluateAnswer, GenerateQuestions, ListEvaluations},
    rubric::{Confidence, KeyPoint, RedFlag, Rubric, Severity},
    store::{self, Evaluation, EvaluationWriter, NewEvaluation},
};

/// The EvaluationService implementation.
#[derive(Clone, Debug)]
pub struct EvaluationApi {
    pool: PgPool,
    writer: EvaluationWriter,
    bank: Arc<Bank>,
    evaluator: Evaluator,
    generator: QuestionGenerator,
}

impl EvaluationApi {
    /// The service over `pool`, `bank` and the engines; starts its evaluation writer on the
    /// current runtime.
    pub fn new(
        pool: PgPool,
        bank: Arc<Bank>,
        evaluator: Evaluator,
        generator: QuestionGenerator,
    ) -> Self {
        Self {
            writer: EvaluationWriter::spawn(pool.clone()),
            pool,
            bank,
            evaluator,
            generator,
        }
    }

    async fn generate(
        &self,
        request: pb::GenerateQuestionsRequest,
    ) -> Result<pb::GenerateQuestionsResponse, EvaluationError> {
        let command = GenerateQuestions::try_from(request)?;
        let questions = self.generator.generate(&command).await;
        Ok(pb::GenerateQuestionsResponse {
            questions: questions.into_iter().map(question_to_proto).collect(),
        })
    }

    async fn evaluate(
        &self,
        request: pb::EvaluateAnswerRequest,
    ) -> Result<pb::EvaluateAnswerResponse, EvaluationError> {
        let command = EvaluateAnswer::try_from(request)?;
        // A repeat returns the stored evaluation. With an LLM, look first, so that a repeat
        // costs an indexed read and no LLM call. The built-in rubric scores in less CPU than
        // that read costs on every call, and repeats are rare: it scores, and the insert finds
        // the stored evaluation.
        if self.evaluator.uses_llm()
            && let Some(existing) = store::find_by_answer(&self.pool, command.answer_id).await?
        {
            return Ok(pb::EvaluateAnswerResponse {
                evaluation: Some(evaluation_to_proto(existing)),
                created: false,
            });
        }
        let rubric = Rubric::resolve(
            command.rubric,
            command.question_key.as_deref(),
            command.question_text.as_str(),
            &command.hints,
            command.interview_type,
            &self.bank,
        );
        let outcome = self
            .evaluator
            .evaluate(Submission {
                interview_type: command.interview_type,
                difficulty: command.difficulty,
                question: command.question_text.into_string(),
                hints: command.hints,
                rubric,
                answer: command.answer_text.into_string(),
            })
            .await?;
        let (stored, created) = self
            .writer
            .insert_once(NewEvaluation {
                session_id: command.session_id,
                question_id: command.question_id,
                answer_id: command.answer_id,
                score: outcome.score,
                feedback: outcome.feedback,
                strengths: outcome.strengths,
                improvements: outcome.improvements,
                provenance: outcome.provenance,
                confidence: outcome.confidence,
                red_flags: outcome.red_flags,
            })
            .await?;
        if created {
            counters::evaluation_stored(&stored.provenance);
            tracing::info!(
                answer_id = %stored.answer_id,
                score = %stored.score.as_decimal(),
                source = %stored.provenance.source,
                is_fallback = stored.provenance.is_fallback,
                "answer evaluated"
            );
        }
        Ok(pb::EvaluateAnswerResponse {
            evaluation: Some(evaluation_to_proto(stored)),
            created,
        })
    }

    async fn get(
        &self,
        request: pb::GetEvaluationRequest,
    ) -> Result<pb::GetEvaluationResponse, EvaluationError> {
        let answer_id = request::answer_id(&request)?;
        let evaluation = store::find_by_answer(&self.pool, answer_id)
            .await?
            .ok_or(EvaluationError::NotFound)?;
        Ok(pb::GetEvaluationResponse {
            evaluation: Some(evaluation_to_proto(evaluation)),
        })
    }

    async fn list(
        &self,
        request: pb::ListEvaluationsRequest,
    ) -> Result<pb::ListEvaluationsResponse, EvaluationError> {
        let command = ListEvaluations::try_from(request)?;
        let mut rows = store::list(
            &self.pool,
            &command.session_ids,
            command.after,
            command.page_size.fetch_limit(),
            command.basic,
        )
        .await?;
        let next_page_token = paging::next_page(&mut rows, command.page_size, |last| Cursor {
            created_at: last.created_at,
            id: last.id,
            scope: String::new(),
        });
        Ok(pb::ListEvaluationsResponse {
            evaluations: rows
                .into_iter()
                .map(evaluation_to_proto)
                .map(|mut e| {
                    if command.basic {
                        e.provenance = None;
                    }
                    e
                })
                .collect(),
            next_page_token,
        })
    }

    async fn summarize(
        &self,
        request: pb::SummarizeEvaluationsRequest,
    ) -> Result<pb::SummarizeEvaluationsResponse, EvaluationError> {
        let session_ids = request::summarized_sessions(&request)?;
        let sessions = store::summarize(&self.pool, &session_ids)
            .await?
            .into_iter()
            .map(|(session_id, count, sum)| pb::SessionEvaluationSummary {
                session_id: session_id.to_string(),
                evaluation_count: i32::try_from(count).unwrap_or(i32::MAX),
                score_sum: sum.to_f64().unwrap_or_default(),
            })
            .collect();
        Ok(pb::SummarizeEvaluationsResponse { sessions })
    }
}

fn key_point_to_proto(k: &KeyPoint) -> common_pb::KeyPoint {
    let source = k.source();
    common_pb::KeyPoint {
        point: source.point.clone(),
        terms: source.terms.clone(),
        idea: source.idea.clone(),
        weight: i32::try_from(source.weight).unwrap_or(1),
        follow_up: source.follow_up.clone(),
    }
}

fn red_flag_to_proto(f: &RedFlag) -> common_pb::RedFlag {
    let source = f.source();
    common_pb::RedFlag {
        claim: source.claim.clone(),
        correction: source.correction.clone(),
        patterns: source.patterns.clone(),
        severity: match source.severity {
            Severity::Major => common_pb::RedFlagSeverity::Major,
            Severity::Minor => common_pb::RedFlagSeverity::Minor,
        } as i32,
    }
}

fn question_to_proto(q: Generated) -> pb::GeneratedQuestion {
    let rubric = q.rubric;
    pb::GeneratedQuestion {
        key: q.key,
        text: q.text,
        hints: q.hints,
        examples: q.examples,
        key_points: rubric.points.iter().map(key_point_to_proto).collect(),
        provenance: Some(q.provenance.to_proto()),
        generate_time: Some(timestamp(q.generated_at)),
        reference_answer: rubric.reference_answer.unwrap_or_default(),
        red_flags: rubric.red_flags.iter().map(red_flag_to_proto).collect(),
        topic: rubric.topic.map(|t| common_pb::StoryTopic {
            about: t.about().to_owned(),
            terms: t.terms().to_vec(),
        }),
    }
}

fn confidence_to_proto(c: Option<Confidence>) -> i32 {
    (match c {
        None => common_pb::Confidence::Unspecified,
        Some(Confidence::Low) => common_pb::Confidence::Low,
        Some(Confidence::Medium) => common_pb::Confidence::Medium,
        Some(Confidence::High) => common_pb::Confidence::High,
    }) as i32
}

fn evaluation_to_proto(e: Evaluation) -> pb::Evaluation {
    pb::Evaluation {
        id: e.id.to_string(),
        session_id: e.session_id.to_string(),
        question_id: e.question_id.to_string(),
        answer_id: e.answer_id.to_string(),
        score: e.score.as_f64(),
        feedback: e.feedback,
        strengths: e.strengths,
        improvements: e.improvements,
        provenance: Some(e.provenance.to_proto()),
        create_time: Some(timestamp(e.created_at)),
        confidence: confidence_to_proto(e.confidence),
        red_flags: e.red_flags,
    }
}

#[tonic::async_trait]
impl EvaluationService for EvaluationApi {
    async fn generate_questions(
        &self,
        request: Request<pb::GenerateQuestionsRequest>,
    ) -> Result<Response<pb::GenerateQuestionsResponse>, Status> {
        Ok(Response::new(self.generate(request.into_inner()).await?))
    }

    async fn evaluate_answer(
        &self,
        request: Request<pb::EvaluateAnswerRequest>,
    ) -> Result<Response<pb::EvaluateAnswerResponse>, Status> {
        Ok(Response::new(self.evaluate(request.into_inner()).await?))
    }

    async fn get_evaluation(
        &self,
        request: Request<pb::GetEvaluationRequest>,
    ) -> Result<Response<pb::GetEvaluationResponse>, Status> {
        Ok(Response::new(self.get(request.into_inner()).await?))
    }

    async fn list_evaluations(
        &self,
        request: Request<pb::ListEvaluationsRequest>,
    ) -> Result<Response<pb::ListEvaluationsResponse>, Status> {
        Ok(Response::new(self.list(request.into_inner()).await?))
    }

    async fn summarize_evaluations(
        &self,
        request: Request<pb::SummarizeEvaluationsRequest>,
    ) -> Result<Response<pb::SummarizeEvaluationsResponse>, Status> {
        Ok(Response::new(self.summarize(request.into_inner()).await?))
    }
}
