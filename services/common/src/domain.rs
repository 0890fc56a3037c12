//! The interview vocabulary shared by session and evaluation: validated once at the edge,
//! trusted below it.

use std::fmt;

use interview_coach_proto::common::v1 as pb;

use crate::text::BoundedText;

/// Longest answer accepted, in characters (session stores it, evaluation scores it).
pub const MAX_ANSWER_CHARS: usize = 10_000;

/// A candidate's answer: 1 to [`MAX_ANSWER_CHARS`] characters, not blank, no NUL.
pub type AnswerText = BoundedText<MAX_ANSWER_CHARS>;

/// Kind of interview, stored as `technical`, `behavioral`, `system-design`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InterviewType {
    /// Coding and computer-science knowledge.
    Technical,
    /// Past experience, told with STAR.
    Behavioral,
    /// Designing systems.
    SystemDesign,
}

impl InterviewType {
    /// Every type.
    pub const ALL: [Self; 3] = [Self::Technical, Self::Behavioral, Self::SystemDesign];

    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Technical => "technical",
            Self::Behavioral => "behavioral",
            Self::SystemDesign => "system-design",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// From the wire enum; `None` for UNSPECIFIED or unknown values.
    pub fn from_proto(value: i32) -> Option<Self> {
        match pb::InterviewType::try_from(value).ok()? {
            pb::InterviewType::Unspecified => None,
            pb::InterviewType::Technical => Some(Self::Technical),
            pb::InterviewType::Behavioral => Some(Self::Behavioral),
            pb::InterviewType::SystemDesign => Some(Self::SystemDesign),
        }
    }

    /// To the wire enum.
    pub fn to_proto(self) -> pb::InterviewType {
        match self {
            Self::Technical => pb::InterviewType::Technical,
            Self::Behavioral => pb::InterviewType::Behavioral,
            Self::SystemDesign => pb::InterviewType::SystemDesign,
        }
    }
}

impl fmt::Display for InterviewType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Difficulty, stored as `easy`, `medium`, `hard`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Difficulty {
    /// Entry level.
    Easy,
    /// Mid level.
    Medium,
    /// Senior level.
    Hard,
}

impl Difficulty {
    /// Every difficulty.
    pub const ALL: [Self; 3] = [Self::Easy, Self::Medium, Self::Hard];

    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Easy => "easy",
            Self::Medium => "medium",
            Self::Hard => "hard",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// From the wire enum; `None` for UNSPECIFIED or unknown values.
    pub fn from_proto(value: i32) -> Option<Self> {
        match pb::Difficulty::try_from(value).ok()? {
            pb::Difficulty::Unspecified => None,
            pb::Difficulty::Easy => Some(Self::Easy),
            pb::Difficulty::Medium => Some(Self::Medium),
            pb::Difficulty::Hard => Some(Self::Hard),
        }
    }

    /// To the wire enum.
    pub fn to_proto(self) -> pb::Difficulty {
        match self {
            Self::Easy => pb::Difficulty::Easy,
            Self::Medium => pb::Difficulty::Medium,
            Self::Hard => pb::Difficulty::Hard,
        }
    }
}

impl fmt::Display for Difficulty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_round_trip_and_unspecified_is_refused() {
        for t in InterviewType::ALL {
            assert_eq!(InterviewType::parse(t.as_str()), Some(t));
            assert_eq!(InterviewType::from_proto(t.to_proto() as i32), Some(t));
        }
        for d in Difficulty::ALL {
            assert_eq!(Difficulty::parse(d.as_str()), Some(d));
            assert_eq!(Difficulty::from_proto(d.to_proto() as i32), Some(d));
        }
        assert_eq!(InterviewType::from_proto(0), None);
        assert_eq!(InterviewType::from_proto(99), None);
        assert_eq!(Difficulty::from_proto(0), None);
        assert_eq!(Difficulty::from_proto(-1), None);
        assert_eq!(InterviewType::SystemDesign.as_str(), "system-design");
    }
}
