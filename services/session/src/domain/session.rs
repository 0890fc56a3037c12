//! Sessions, their questions and answers as the use cases read and return them.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use interview_coach_common::domain::{Difficulty, InterviewType};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::{
    evaluation::{Evaluation, EvaluationsByAnswer},
    question::{Provenance, Rubric},
    status::{AnswerState, SessionStatus},
};

/// A stored session with its question and answer counts. Types and difficulties the
/// service no longer knows read as `None` (shown unspecified), as before.
#[derive(Clone, Debug)]
pub struct Session {
    pub id: Uuid,
    pub interview_type: Option<InterviewType>,
    pub duration_minutes: i32,
    pub difficulty: Option<Difficulty>,
    pub status: SessionStatus,
    /// Set when completed with answers.
    pub overall_score: Option<Decimal>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub question_count: i64,
    pub answered_count: i64,
    /// When answers close.
    pub deadline: DateTime<Utc>,
}

/// A stored answer to a question.
#[derive(Clone, Debug)]
pub struct Answer {
    pub id: Uuid,
    pub text: String,
    pub created_at: Option<DateTime<Utc>>,
    pub state: AnswerState,
}

/// A question of a session with what is shown of it, and its answer if any.
#[derive(Clone, Debug)]
pub struct Question {
    pub id: Uuid,
    /// 1-based place in the session.
    pub position: i32,
    pub text: String,
    pub interview_type: Option<InterviewType>,
    pub difficulty: Option<Difficulty>,
    pub hints: Vec<String>,
    pub examples: Vec<String>,
    pub provenance: Provenance,
    pub answer: Option<Answer>,
}

/// A session as read: in the detailed views with its questions, their answers and the
/// evaluations known of them.
#[derive(Clone, Debug)]
pub struct SessionView {
    pub session: Session,
    /// In order; empty in lists.
    pub questions: Vec<Question>,
    pub evaluations: EvaluationsByAnswer,
}

/// An answer as stored, with its evaluation when it came back in time.
#[derive(Clone, Debug)]
pub struct SubmittedAnswer {
    pub id: Uuid,
    pub text: String,
    pub created_at: DateTime<Utc>,
    /// `None`: still pending, for the queue worker.
    pub evaluation: Option<Arc<Evaluation>>,
}

/// An answer waiting for its evaluation, with what the evaluation needs.
#[derive(Clone, Debug)]
pub struct PendingAnswer {
    pub answer_id: Uuid,
    pub session_id: Uuid,
    pub question_id: Uuid,
    pub answer_text: String,
    pub question_text: String,
    pub interview_type: Option<InterviewType>,
    pub difficulty: Option<Difficulty>,
    /// The rubric the question was asked with.
    pub rubric: Rubric,
    /// Attempts so far, this one included.
    pub evaluation_attempts: i32,
}
