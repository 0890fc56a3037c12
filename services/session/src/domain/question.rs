//! A question's content as the use cases carry it: the rubric its answer is scored
//! against, and where it came from. The stored form is `repo::question_data`; the wire
//! forms are built in `clients` and `grpc`.

use chrono::{DateTime, Utc};

/// One key point of a rubric.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyPoint {
    pub point: String,
    /// Words that show it is covered.
    pub terms: Vec<String>,
    /// The idea a strong answer states.
    pub idea: String,
    /// 1 to 3 (0: not given).
    pub weight: i32,
    /// Asked when the point is missing.
    pub follow_up: String,
}

/// How much a red flag costs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Severity {
    /// The default, also for anything not marked major.
    #[default]
    Minor,
    Major,
}

/// A common wrong claim, with what detects it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RedFlag {
    pub claim: String,
    /// What is wrong and the right idea.
    pub correction: String,
    /// What detects it.
    pub patterns: Vec<String>,
    pub severity: Severity,
}

/// What a behavioral story must be about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Topic {
    pub about: String,
    /// Words a story on it uses.
    pub terms: Vec<String>,
}

/// Everything an answer is scored against; it travels with the question so the answer is
/// scored against the rubric the question was asked with, whatever the bank says by then.
/// Usually that is the digest the evaluation service stored the rubric under, and the parts
/// are empty; questions stored before digests carry the parts themselves.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rubric {
    /// Stable question key from the evaluation service.
    pub key: String,
    pub hints: Vec<String>,
    /// The digest of the rubric the evaluation service stored (empty: the parts are here).
    pub digest: String,
    pub key_points: Vec<KeyPoint>,
    /// What an excellent answer says (never shown before the answer is in).
    pub reference_answer: String,
    pub red_flags: Vec<RedFlag>,
    /// Behavioral questions only.
    pub topic: Option<Topic>,
}

/// Which rubric an evaluation was scored with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RubricOrigin {
    /// The bank's rubric of the question key.
    Bank,
    /// The rubric stored with the question.
    Question,
    /// Key points alone.
    KeyPoints,
    /// Derived from the question text.
    Derived,
}

/// Where a question or an evaluation came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance {
    /// `bank` or `llm:<model>`.
    pub source: String,
    /// True when an LLM failed and the bank answered.
    pub is_fallback: bool,
    /// Why it fell back.
    pub fallback_reason: String,
    pub rubric_version: String,
    /// `None` when not said (questions never say).
    pub rubric_origin: Option<RubricOrigin>,
    /// True when the scorers disagreed.
    pub disagreement: bool,
}

/// A question as the evaluation service generated it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GeneratedQuestion {
    pub text: String,
    pub examples: Vec<String>,
    pub rubric: Rubric,
    pub provenance: Provenance,
    pub generated_at: Option<DateTime<Utc>>,
}
