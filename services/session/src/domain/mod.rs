//! The session service's domain values: requests validated once at the edge
//! (`grpc::convert`) and trusted below it, and what the use cases read and return.

pub mod evaluation;
pub mod progress;
pub mod question;
pub mod session;
pub mod status;

use interview_coach_common::{
    domain::{AnswerText, Difficulty, InterviewType},
    paging::{AboveMax, Cursor, PageSize, PageSizes},
};
use uuid::Uuid;

pub use status::{AnswerState, SessionStatus};

/// ListSessions' page sizes: 20 by default, larger requests get 100.
pub const SESSION_PAGES: PageSizes = PageSizes {
    default: 20,
    max: 100,
    above_max: AboveMax::Clamp,
};

/// Session length, 30 to 60 minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DurationMinutes(i32);

impl DurationMinutes {
    /// Validates the range.
    pub fn new(minutes: i32) -> Result<Self, &'static str> {
        if (30..=60).contains(&minutes) {
            Ok(Self(minutes))
        } else {
            Err("must be between 30 and 60 minutes")
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }

    /// One question per 10 minutes: 30 → 3 … 60 → 6.
    pub fn default_question_count(self) -> QuestionCount {
        QuestionCount(self.0 / 10)
    }
}

/// Number of questions, 1 to 10.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuestionCount(i32);

impl QuestionCount {
    /// Validates the range.
    pub fn new(count: i32) -> Result<Self, &'static str> {
        if (1..=10).contains(&count) {
            Ok(Self(count))
        } else {
            Err("must be between 1 and 10")
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// A validated CreateSession.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub interview_type: InterviewType,
    pub difficulty: Difficulty,
    pub duration: DurationMinutes,
    /// How many questions to ask for.
    pub question_count: QuestionCount,
}

/// A validated SubmitAnswer.
#[derive(Clone, Debug)]
pub struct NewAnswer {
    pub session_id: Uuid,
    pub question_id: Uuid,
    pub text: AnswerText,
}

/// A validated ListSessions.
#[derive(Clone, Debug)]
pub struct ListQuery {
    /// Sessions per page.
    pub page_size: PageSize,
    /// Where the page starts.
    pub after: Option<Cursor>,
    /// Only this status.
    pub status: Option<SessionStatus>,
}

/// The page-token scope of a listing: its status filter, so a token cannot be replayed
/// under another filter.
pub fn list_scope(status: Option<SessionStatus>) -> &'static str {
    status.map_or("", SessionStatus::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_bounds_and_default_question_count() {
        assert!(DurationMinutes::new(29).is_err());
        assert!(DurationMinutes::new(61).is_err());
        for (minutes, questions) in [(30, 3), (45, 4), (60, 6)] {
            let duration = DurationMinutes::new(minutes).unwrap();
            assert_eq!(duration.default_question_count().get(), questions);
        }
    }
}
