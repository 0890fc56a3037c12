//! The stored states of sessions and answers. Rows carry them as text; the repository
//! parses them once, and everything above it compares these enums.

use crate::error::{Result, SessionError};

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

    /// Parses a stored value that the table's CHECK constraint vouches for: anything else
    /// is a broken invariant, not bad input.
    pub fn from_stored(s: &str) -> Result<Self> {
        Self::parse(s).ok_or_else(|| SessionError::Internal(format!("unknown status {s:?}")))
    }

    /// How messages name it ("in progress").
    pub fn label(self) -> String {
        self.as_str().replace('_', " ")
    }
}

/// Where an answer's evaluation stands, stored as `pending` or `evaluated`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerState {
    /// Stored; its evaluation is not recorded yet (the queue worker's work).
    Pending,
    /// Its evaluation is stored by the evaluation service.
    Evaluated,
}

impl AnswerState {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Evaluated => "evaluated",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Evaluated]
            .into_iter()
            .find(|state| state.as_str() == s)
    }

    /// Parses a stored value that the table's CHECK constraint vouches for: anything else
    /// is a broken invariant, not bad input.
    pub fn from_stored(s: &str) -> Result<Self> {
        Self::parse(s)
            .ok_or_else(|| SessionError::Internal(format!("unknown evaluation status {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn answer_states_round_trip_and_unknown_values_are_internal_errors() {
        for state in [AnswerState::Pending, AnswerState::Evaluated] {
            assert_eq!(AnswerState::parse(state.as_str()), Some(state));
        }
        assert!(matches!(
            AnswerState::from_stored("completed"),
            Err(SessionError::Internal(_))
        ));
        assert!(matches!(
            SessionStatus::from_stored("evaluated"),
            Err(SessionError::Internal(_))
        ));
    }
}
