//! The gRPC adapter: each RPC validates its request into a domain command
//! ([`convert`]), runs the use case and converts the result. Errors become statuses only
//! through `From<EvaluationError> for Status` (`error.rs`).

pub mod convert;

use interview_coach_proto::evaluation::v1::{
    self as pb, evaluation_service_server::EvaluationService,
};
use tonic::{Request, Response, Status};

use crate::{
    app::{evaluations::Evaluations, questions::QuestionGenerator},
    domain::commands::{EvaluateAnswer, GenerateQuestions, ListEvaluations},
    error::EvaluationError,
};

/// The EvaluationService implementation.
#[derive(Clone, Debug)]
pub struct EvaluationHandlers {
    evaluations: Evaluations,
    generator: QuestionGenerator,
}

impl EvaluationHandlers {
    /// Handlers over the two use cases.
    pub fn new(evaluations: Evaluations, generator: QuestionGenerator) -> Self {
        Self {
            evaluations,
            generator,
        }
    }
}

#[tonic::async_trait]
impl EvaluationService for EvaluationHandlers {
    async fn generate_questions(
        &self,
        request: Request<pb::GenerateQuestionsRequest>,
    ) -> Result<Response<pb::GenerateQuestionsResponse>, Status> {
        let command =
            GenerateQuestions::try_from(request.into_inner()).map_err(EvaluationError::from)?;
        let questions = self.generator.generate(&command).await?;
        Ok(Response::new(pb::GenerateQuestionsResponse {
            questions: questions
                .into_iter()
                .map(convert::question_to_proto)
                .collect(),
        }))
    }

    async fn evaluate_answer(
        &self,
        request: Request<pb::EvaluateAnswerRequest>,
    ) -> Result<Response<pb::EvaluateAnswerResponse>, Status> {
        let command =
            EvaluateAnswer::try_from(request.into_inner()).map_err(EvaluationError::from)?;
        let (evaluation, created) = self.evaluations.evaluate(command).await?;
        Ok(Response::new(pb::EvaluateAnswerResponse {
            evaluation: Some(convert::evaluation_to_proto(evaluation)),
            created,
        }))
    }

    async fn get_evaluation(
        &self,
        request: Request<pb::GetEvaluationRequest>,
    ) -> Result<Response<pb::GetEvaluationResponse>, Status> {
        let answer_id = convert::answer_id(request.get_ref()).map_err(EvaluationError::from)?;
        let evaluation = self.evaluations.get(answer_id).await?;
        Ok(Response::new(pb::GetEvaluationResponse {
            evaluation: Some(convert::evaluation_to_proto(evaluation)),
        }))
    }

    async fn list_evaluations(
        &self,
        request: Request<pb::ListEvaluationsRequest>,
    ) -> Result<Response<pb::ListEvaluationsResponse>, Status> {
        let query =
            ListEvaluations::try_from(request.into_inner()).map_err(EvaluationError::from)?;
        let (evaluations, next_page_token) = self.evaluations.list(&query).await?;
        Ok(Response::new(pb::ListEvaluationsResponse {
            evaluations: evaluations
                .into_iter()
                .map(|e| convert::listed_evaluation(e, query.basic))
                .collect(),
            next_page_token,
        }))
    }

    async fn summarize_evaluations(
        &self,
        request: Request<pb::SummarizeEvaluationsRequest>,
    ) -> Result<Response<pb::SummarizeEvaluationsResponse>, Status> {
        let session_ids =
            convert::summarized_sessions(request.get_ref()).map_err(EvaluationError::from)?;
        let sessions = self.evaluations.summarize(&session_ids).await?;
        Ok(Response::new(pb::SummarizeEvaluationsResponse {
            sessions: sessions
                .into_iter()
                .map(convert::summary_to_proto)
                .collect(),
        }))
    }
}
