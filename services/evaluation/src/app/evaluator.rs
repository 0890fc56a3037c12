//! Scoring one answer: the gates first (non-attempts never reach an LLM), then the LLM when
//! one is configured, falling back to the built-in evaluator when it fails (marked
//! `is_fallback` with the reason), else the built-in evaluator. The CPU work runs on the
//! blocking pool.

use std::sync::Arc;

use interview_coach_common::domain::{Difficulty, InterviewType};

use super::metrics::{self, LlmOperation};
use crate::{
    domain::{
        provenance::Provenance,
        rubric::{Confidence, Rubric},
        verdict::Verdict,
    },
    error::EvaluationError,
    llm::{self, Completion, LlmClient},
    scoring::{self, Question},
};

/// An LLM score at or above this on an answer the built-in engine found a red flag in is a
/// disagreement worth a person's look.
const DISAGREEMENT_SCORE: f64 = 7.0;

/// What is scored.
#[derive(Clone, Debug)]
pub struct Submission {
    pub interview_type: InterviewType,
    pub difficulty: Difficulty,
    /// The question as asked.
    pub question: String,
    /// Its hints.
    pub hints: Vec<String>,
    /// The rubric.
    pub rubric: Rubric,
    pub answer: String,
}

impl Submission {
    fn question(&self) -> Question<'_> {
        Question {
            interview_type: self.interview_type,
            difficulty: self.difficulty,
            text: &self.question,
            hints: &self.hints,
            rubric: &self.rubric,
        }
    }
}

/// The outcome, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The score and its feedback.
    pub verdict: Verdict,
    /// Which engine.
    pub provenance: Provenance,
    /// How far it can be trusted.
    pub confidence: Confidence,
    /// Claims of the red flags the built-in engine found, most severe first.
    pub red_flags: Vec<String>,
}

impl Outcome {
    fn builtin(assessment: scoring::Assessment, provenance: Provenance) -> Self {
        Self {
            verdict: assessment.verdict,
            provenance,
            confidence: assessment.confidence,
            red_flags: assessment.red_flags,
        }
    }
}

/// Scores answers.
#[derive(Clone, Debug)]
pub struct Evaluator {
    llm: Option<Arc<LlmClient>>,
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, EvaluationError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| EvaluationError::Internal(format!("scoring task failed: {err}")))
}

impl Evaluator {
    /// An evaluator using `llm` when given.
    pub fn new(llm: Option<Arc<LlmClient>>) -> Self {
        Self { llm }
    }

    /// Whether scoring calls an LLM (slow, paid) rather than the built-in rubric.
    pub fn uses_llm(&self) -> bool {
        self.llm.is_some()
    }

    /// Scores `submission`: gates first, then the LLM (falling back to the built-in engine)
    /// or the built-in engine on the blocking pool.
    pub async fn evaluate(&self, submission: Submission) -> Result<Outcome, EvaluationError> {
        let submission = Arc::new(submission);
        let builtin = Provenance::builtin().with_rubric(&submission.rubric.origin);
        let Some(llm) = &self.llm else {
            let s = Arc::clone(&submission);
            let assessment = blocking(move || scoring::assess(&s.question(), &s.answer)).await?;
            return Ok(Outcome::builtin(assessment, builtin));
        };
        let s = Arc::clone(&submission);
        // The gates, and the red flags the LLM's score is checked against.
        let (gated, red_flags) = blocking(move || {
            let gated = scoring::screen(&s.question(), &s.answer);
            let flags: Vec<String> = scoring::red_flags_in(&s.rubric, &s.answer)
                .into_iter()
                .map(|r| r.flag.claim().to_owned())
                .collect();
            (gated, flags)
        })
        .await?;
        if let Some(gated) = gated {
            return Ok(Outcome::builtin(gated, builtin));
        }
        let system = llm::prompt::evaluation_system(
            submission.interview_type,
            submission.difficulty,
            &submission.rubric,
        );
        let user = llm::prompt::evaluation_user(
            &submission.question,
            &submission.hints,
            &submission.answer,
        );
        match llm.complete(system, user, llm::output::evaluation).await {
            Ok(Completion {
                value: reply,
                retried,
            }) => {
                metrics::llm_answered(LlmOperation::Evaluate, retried);
                let disagreement =
                    !red_flags.is_empty() && reply.score.as_f64() >= DISAGREEMENT_SCORE;
                if disagreement {
                    tracing::warn!(
                        score = %reply.score,
                        red_flags = ?red_flags,
                        "the LLM scored highly an answer the built-in engine found a red flag in"
                    );
                }
                Ok(Outcome {
                    verdict: reply,
                    provenance: Provenance {
                        disagreement,
                        ..Provenance::llm(llm.source()).with_rubric(&submission.rubric.origin)
                    },
                    confidence: submission.rubric.confidence(),
                    red_flags,
                })
            }
            Err(err) => {
                metrics::llm_fell_back(LlmOperation::Evaluate, &err);
                tracing::warn!(reason = %err.reason(), error = %err, "LLM evaluation failed, using the built-in evaluator");
                let s = Arc::clone(&submission);
                let assessment =
                    blocking(move || scoring::assess(&s.question(), &s.answer)).await?;
                Ok(Outcome::builtin(
                    assessment,
                    Provenance::fallback(err.reason()).with_rubric(&submission.rubric.origin),
                ))
            }
        }
    }
}
