//! The requests of the evaluation service as domain values: every field checked (in
//! `grpc::convert`), so the use cases trust them.

use interview_coach_common::{
    domain::{AnswerText, Difficulty, InterviewType},
    paging::{AboveMax, Cursor, PageSize, PageSizes},
    text::BoundedText,
};
use uuid::Uuid;

use super::rubric::{RubricDigest, SentRubric};

/// Longest question text, in characters.
pub const MAX_QUESTION_CHARS: usize = 4000;
/// Most hints per question.
pub const MAX_HINTS: usize = 10;
/// Longest hint, in characters.
pub const MAX_HINT_CHARS: usize = 1000;
/// Most key points per question.
pub const MAX_KEY_POINTS: usize = 20;
/// Most exclusions per GenerateQuestions call.
pub const MAX_EXCLUSIONS: usize = 200;
/// Longest question key, in bytes.
pub const MAX_KEY_BYTES: usize = 200;
/// Questions per GenerateQuestions call.
pub const COUNT_RANGE: std::ops::RangeInclusive<i32> = 1..=10;
/// Most sessions per ListEvaluations call.
pub const MAX_SESSIONS: usize = 100;
/// ListEvaluations' page sizes: its callers are our services, so a page above the maximum
/// is a bug and refused rather than cut.
pub const EVALUATION_PAGES: PageSizes = PageSizes {
    default: 100,
    max: 1000,
    above_max: AboveMax::Refuse,
};

/// The question as asked.
pub type QuestionText = BoundedText<MAX_QUESTION_CHARS>;

/// A checked GenerateQuestions request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenerateQuestions {
    /// Type.
    pub interview_type: InterviewType,
    /// Difficulty.
    pub difficulty: Difficulty,
    /// 1 to 10.
    pub count: usize,
    /// Keys to avoid, as given (most recent first).
    pub exclude_keys: Vec<String>,
}

/// A checked EvaluateAnswer request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvaluateAnswer {
    /// The session.
    pub session_id: Uuid,
    /// The question.
    pub question_id: Uuid,
    /// The answer: one evaluation each.
    pub answer_id: Uuid,
    /// The question as asked.
    pub question_text: QuestionText,
    /// Type.
    pub interview_type: InterviewType,
    /// Difficulty.
    pub difficulty: Difficulty,
    /// The answer.
    pub answer_text: AnswerText,
    /// Bank key, if known.
    pub question_key: Option<String>,
    /// Up to 10 hints.
    pub hints: Vec<String>,
    /// The rubric sent with it: up to 20 key points, the reference answer, up to 10 red
    /// flags, a topic.
    pub rubric: SentRubric,
    /// The digest of the rubric the question was handed out with.
    pub rubric_digest: Option<RubricDigest>,
}

/// A checked ListEvaluations request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEvaluations {
    /// 1 to 100 distinct sessions.
    pub session_ids: Vec<Uuid>,
    /// 1 to 1000.
    pub page_size: PageSize,
    /// Start after this row.
    pub after: Option<Cursor>,
    /// Ids and scores only (EVALUATION_VIEW_BASIC).
    pub basic: bool,
}
