//! The session service's domain values: validated once at the edge (`grpc::convert`),
//! trusted below it.

use interview_coach_common::{
    domain::{AnswerText, Difficulty, InterviewType},
    paging::{AboveMax, Cursor, PageSize, PageSizes},
};
use uuid::Uuid;

/// ListSessions' page sizes: 20 by default, larger requests get 100.
pub const SESSION_PAGES: PageSizes = PageSizes {
    default: 20,
    max: 100,
    above_max: AboveMax::Clamp,
};

/// A session's lifecycle state, stored as `in_progress`, `completed`, `abandoned`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionStatus {
    /// Open for answers until the deadline.
    InProgress,
    /// Finished with a score.
    Completed,
    /// Given up or timed out unanswered.
    Abandoned,
}

impl SessionStatus {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Abandoned => "abandoned",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::InProgress, Self::Completed, Self::Abandoned]
            .into_iter()
            .find(|status| status.as_str() == s)
    }
}

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

    /// The minutes.
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

    /// The count.
    pub fn get(self) -> i32 {
        self.0
    }
}

/// A validated CreateSession.
#[derive(Clone, Debug)]
pub struct NewSession {
    /// Type of the interview.
    pub interview_type: InterviewType,
    /// Difficulty.
    pub difficulty: Difficulty,
    /// Length.
    pub duration: DurationMinutes,
    /// How many questions to ask for.
    pub question_count: QuestionCount,
}

/// A validated SubmitAnswer.
#[derive(Clone, Debug)]
pub struct NewAnswer {
    /// The session.
    pub session_id: Uuid,
    /// The question.
    pub question_id: Uuid,
    /// The answer.
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

    #[test]
    fn statuses_round_trip_through_their_stored_names() {
        for status in [
            SessionStatus::InProgress,
            SessionStatus::Completed,
            SessionStatus::Abandoned,
        ] {
            assert_eq!(SessionStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(SessionStatus::parse("evaluated"), None);
    }
}
