//! The user's progress: what GetProgress shows, and the sessions it is computed from.

use chrono::{DateTime, Utc};
use interview_coach_common::domain::InterviewType;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::status::SessionStatus;

/// A session of the user as progress reads it.
#[derive(Clone, Debug)]
pub struct ProgressSession {
    pub id: Uuid,
    pub interview_type: Option<InterviewType>,
    pub status: SessionStatus,
    pub overall_score: Option<Decimal>,
    pub completed_at: Option<DateTime<Utc>>,
    pub has_answers: bool,
}

/// The average score of one interview type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeProgress {
    pub interview_type: InterviewType,
    pub average_score: f64,
    pub answer_count: i32,
}

/// A completed session's score, for the trend.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionScore {
    pub session_id: Uuid,
    pub interview_type: Option<InterviewType>,
    pub overall_score: f64,
    pub completed_at: Option<DateTime<Utc>>,
}

/// What GetProgress shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub sessions_completed: i32,
    /// Mean of the completed sessions' scores; `None` before the first.
    pub mean_overall_score: Option<f64>,
    /// The most recent completed sessions, oldest first.
    pub recent_scores: Vec<SessionScore>,
    /// Per type with evaluations, in the types' order.
    pub by_type: Vec<TypeProgress>,
    /// The type with the lowest average; `None` without evaluations.
    pub weakest_type: Option<InterviewType>,
}
