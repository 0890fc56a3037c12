//! The `question_data` JSONB of a stored question: what the session service needs to show
//! it (hints, examples) and to have it scored (key and the digest of the rubric it was
//! generated with), plus its provenance, in camelCase (`hints`, `examples`, `rubricDigest`,
//! `metadata.generatedAt`, `metadata.isFallback`). The digest travels with the question so
//! that its answer is scored against the rubric the question was asked with, whatever the
//! bank says by then; the evaluation service stores each rubric once, under its digest.
//! Questions stored before digests carry the whole rubric (key points, reference answer,
//! red flags, topic) here instead, and it is sent with their answers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::question::{self, GeneratedQuestion, Provenance, Rubric, Severity};

/// One key point of the rubric.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct KeyPoint {
    pub point: String,
    /// Words that show it is covered.
    #[serde(default)]
    pub terms: Vec<String>,
    /// The idea a strong answer states.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub idea: String,
    /// 1 to 3 (0: not given).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub weight: i32,
    /// Asked when the point is missing.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub follow_up: String,
}

fn is_zero(n: &i32) -> bool {
    *n == 0
}

/// A common wrong claim, with what detects it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct RedFlag {
    pub claim: String,
    /// What is wrong and the right idea.
    pub correction: String,
    /// What detects it.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// `major` or `minor`.
    pub severity: String,
}

/// What a behavioral story must be about.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Topic {
    pub about: String,
    /// Words a story on it uses.
    #[serde(default)]
    pub terms: Vec<String>,
}

/// Where the question came from.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// When it was generated.
    pub generated_at: Option<DateTime<Utc>>,
    /// True when an LLM failed and the bank answered.
    #[serde(default)]
    pub is_fallback: bool,
    /// Why it fell back.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fallback_reason: String,
    /// "bank" or "llm:<model>".
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub rubric_version: String,
}

/// The whole document.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct QuestionData {
    /// Stable question key from the evaluation service.
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub hints: Vec<String>,
    #[serde(default)]
    pub examples: Vec<String>,
    /// The digest of the rubric the evaluation service stored for the question.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rubric_digest: String,
    /// The rubric's key points, for questions stored without a digest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_points: Vec<KeyPoint>,
    /// What an excellent answer says (never shown before the answer is in).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reference_answer: String,
    /// Common wrong claims.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub red_flags: Vec<RedFlag>,
    /// Behavioral: what the story must be about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<Topic>,
    #[serde(default)]
    pub metadata: Metadata,
}

impl QuestionData {
    /// From a generated question.
    pub fn from_generated(question: &GeneratedQuestion) -> Self {
        let rubric = &question.rubric;
        let provenance = &question.provenance;
        Self {
            key: rubric.key.clone(),
            hints: rubric.hints.clone(),
            rubric_digest: rubric.digest.clone(),
            examples: question.examples.clone(),
            key_points: rubric
                .key_points
                .iter()
                .map(|k| KeyPoint {
                    point: k.point.clone(),
                    terms: k.terms.clone(),
                    idea: k.idea.clone(),
                    weight: k.weight,
                    follow_up: k.follow_up.clone(),
                })
                .collect(),
            reference_answer: rubric.reference_answer.clone(),
            red_flags: rubric
                .red_flags
                .iter()
                .map(|f| RedFlag {
                    claim: f.claim.clone(),
                    correction: f.correction.clone(),
                    patterns: f.patterns.clone(),
                    severity: match f.severity {
                        Severity::Major => "major",
                        Severity::Minor => "minor",
                    }
                    .to_owned(),
                })
                .collect(),
            topic: rubric.topic.as_ref().map(|t| Topic {
                about: t.about.clone(),
                terms: t.terms.clone(),
            }),
            metadata: Metadata {
                generated_at: question.generated_at,
                is_fallback: provenance.is_fallback,
                fallback_reason: provenance.fallback_reason.clone(),
                source: provenance.source.clone(),
                rubric_version: provenance.rubric_version.clone(),
            },
        }
    }

    /// From the stored JSON; a missing or foreign document reads as empty.
    pub fn from_json(value: Option<serde_json::Value>) -> Self {
        value
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default()
    }

    /// The JSON to store.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// The rubric the answer is scored against.
    pub fn rubric(self) -> Rubric {
        Rubric {
            key: self.key,
            hints: self.hints,
            digest: self.rubric_digest,
            key_points: self
                .key_points
                .into_iter()
                .map(|k| question::KeyPoint {
                    point: k.point,
                    terms: k.terms,
                    idea: k.idea,
                    weight: k.weight,
                    follow_up: k.follow_up,
                })
                .collect(),
            reference_answer: self.reference_answer,
            red_flags: self
                .red_flags
                .into_iter()
                .map(|f| question::RedFlag {
                    claim: f.claim,
                    correction: f.correction,
                    patterns: f.patterns,
                    severity: match f.severity.as_str() {
                        "major" => Severity::Major,
                        _ => Severity::Minor,
                    },
                })
                .collect(),
            topic: self.topic.map(|t| question::Topic {
                about: t.about,
                terms: t.terms,
            }),
        }
    }

    /// Where the question came from (no rubric origin: that is an evaluation's).
    pub fn provenance(&self) -> Provenance {
        Provenance {
            source: self.metadata.source.clone(),
            is_fallback: self.metadata.is_fallback,
            fallback_reason: self.metadata.fallback_reason.clone(),
            rubric_version: self.metadata.rubric_version.clone(),
            ..Provenance::default()
        }
    }
}
