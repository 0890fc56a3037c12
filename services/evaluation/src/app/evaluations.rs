//! The evaluation use cases: score an answer once and store it, read one, page through a
//! session's, sum them per session.

use std::sync::Arc;

use interview_coach_common::paging::{self, Cursor};
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    evaluator::{Evaluator, Submission},
    metrics,
    rubrics::Rubrics,
};
use crate::{
    bank::Bank,
    domain::commands::{EvaluateAnswer, ListEvaluations},
    error::EvaluationError,
    repo::evaluations::{self, Evaluation, EvaluationWriter, NewEvaluation, SessionSummary},
};

/// Scores, stores and reads evaluations.
#[derive(Clone, Debug)]
pub struct Evaluations {
    pool: PgPool,
    writer: EvaluationWriter,
    bank: Arc<Bank>,
    rubrics: Rubrics,
    evaluator: Evaluator,
}

impl Evaluations {
    /// The use cases over `pool`, `bank`, `rubrics` and `evaluator`; starts the evaluation
    /// writer on the current runtime.
    pub fn new(pool: PgPool, bank: Arc<Bank>, rubrics: Rubrics, evaluator: Evaluator) -> Self {
        Self {
            writer: EvaluationWriter::spawn(pool.clone()),
            pool,
            bank,
            rubrics,
            evaluator,
        }
    }

    /// The answer's evaluation, scored now or, for a repeat, as stored; `true` when this
    /// call stored it.
    pub async fn evaluate(
        &self,
        command: EvaluateAnswer,
    ) -> Result<(Evaluation, bool), EvaluationError> {
        // A repeat returns the stored evaluation. With an LLM, look first, so that a repeat
        // costs an indexed read and no LLM call. The built-in rubric scores in less CPU than
        // that read costs on every call, and repeats are rare: it scores, and the insert finds
        // the stored evaluation.
        if self.evaluator.uses_llm()
            && let Some(existing) =
                evaluations::find_by_answer(&self.pool, command.answer_id).await?
        {
            return Ok((existing, false));
        }
        let rubric = match command.rubric_digest {
            Some(digest) if !command.rubric.is_whole() => self
                .rubrics
                .find(&digest)
                .await?
                .ok_or(EvaluationError::UnknownRubric)?,
            _ => self.bank.rubric_for(
                command.rubric,
                command.question_key.as_deref(),
                command.question_text.as_str(),
                &command.hints,
                command.interview_type,
            ),
        };
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
                verdict: outcome.verdict,
                provenance: outcome.provenance,
                confidence: outcome.confidence,
                red_flags: outcome.red_flags,
            })
            .await?;
        if created {
            metrics::evaluation_stored(&stored.provenance);
            tracing::info!(
                answer_id = %stored.answer_id,
                score = %stored.verdict.score.as_decimal(),
                source = %stored.provenance.source,
                is_fallback = stored.provenance.is_fallback,
                "answer evaluated"
            );
        }
        Ok((stored, created))
    }

    /// The stored evaluation of `answer_id`; NOT_FOUND when it has none yet.
    pub async fn get(&self, answer_id: Uuid) -> Result<Evaluation, EvaluationError> {
        evaluations::find_by_answer(&self.pool, answer_id)
            .await?
            .ok_or(EvaluationError::NotFound)
    }

    /// A page of the sessions' evaluations, oldest first, and the next page's token.
    pub async fn list(
        &self,
        query: &ListEvaluations,
    ) -> Result<(Vec<Evaluation>, String), EvaluationError> {
        let mut rows = evaluations::list(
            &self.pool,
            &query.session_ids,
            query.after.clone(),
            query.page_size.fetch_limit(),
            query.basic,
        )
        .await?;
        let next = paging::next_page(&mut rows, query.page_size, |last| Cursor {
            created_at: last.created_at,
            id: last.id,
            scope: String::new(),
        });
        Ok((rows, next))
    }

    /// Per session of `session_ids` with evaluations, their count and score sum.
    pub async fn summarize(
        &self,
        session_ids: &[Uuid],
    ) -> Result<Vec<SessionSummary>, EvaluationError> {
        evaluations::summarize(&self.pool, session_ids).await
    }
}
