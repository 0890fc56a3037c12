//! The `question_data` JSONB of a stored question: what the session service needs to show
//! it (hints, examples) and to have it scored (key and the digest of the rubric it was
//! generated with), plus its provenance, in the seed's camelCase shape (`hints`, `examples`,
//! `metadata.generatedAt`, `metadata.isFallback`). The digest travels with the question so
//! that its answer is scored against the rubric the question was asked with, whatever the
//! bank says by then; the evaluation service stores each rubric once, under its digest.
//! Questions stored before digests carry the whole rubric (key points, reference answer,
//! red flags, topic) here instead, and it is sent with their answers.

use chrono::{DateTime, Utc};
use interview_coach_proto::{common::v1 as common_pb, evaluation::v1 as eval_pb};
use serde::{Deserialize, Serialize};

/// One key point of the rubric.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct KeyPoint {
    /// Its name.
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
    /// The claim.
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
    /// The subject.
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
    /// Rubric version.
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
    /// Hints.
    #[serde(default)]
    pub hints: Vec<String>,
    /// Examples.
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
    /// Provenance.
    #[serde(default)]
    pub metadata: Metadata,
}

impl QuestionData {
    /// From a generated question: its rubric's digest when it has one, else its whole
    /// rubric.
    pub fn from_generated(question: &eval_pb::GeneratedQuestion) -> Self {
        let provenance = question.provenance.clone().unwrap_or_default();
        let data = Self {
            key: question.key.clone(),
            hints: question.hints.clone(),
            examples: question.examples.clone(),
            metadata: Metadata {
                generated_at: question.generate_time.as_ref().and_then(|t| {
                    DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0))
                }),
                is_fallback: provenance.is_fallback,
                fallback_reason: provenance.fallback_reason,
                source: provenance.source,
                rubric_version: provenance.rubric_version,
            },
            ..Self::default()
        };
        if question.rubric_digest.is_empty() {
            data.with_rubric_of(question)
        } else {
            Self {
                rubric_digest: question.rubric_digest.clone(),
                ..data
            }
        }
    }

    fn with_rubric_of(self, question: &eval_pb::GeneratedQuestion) -> Self {
        Self {
            key_points: question
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
            reference_answer: question.reference_answer.clone(),
            red_flags: question
                .red_flags
                .iter()
                .map(|f| RedFlag {
                    claim: f.claim.clone(),
                    correction: f.correction.clone(),
                    patterns: f.patterns.clone(),
                    severity: match common_pb::RedFlagSeverity::try_from(f.severity) {
                        Ok(common_pb::RedFlagSeverity::Major) => "major",
                        _ => "minor",
                    }
                    .to_owned(),
                })
                .collect(),
            topic: question.topic.as_ref().map(|t| Topic {
                about: t.about.clone(),
                terms: t.terms.clone(),
            }),
            ..self
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

    /// Key points on the wire.
    pub fn key_points_proto(&self) -> Vec<common_pb::KeyPoint> {
        self.key_points
            .iter()
            .map(|k| common_pb::KeyPoint {
                point: k.point.clone(),
                terms: k.terms.clone(),
                idea: k.idea.clone(),
                weight: k.weight,
                follow_up: k.follow_up.clone(),
            })
            .collect()
    }

    /// Red flags on the wire.
    pub fn red_flags_proto(&self) -> Vec<common_pb::RedFlag> {
        self.red_flags
            .iter()
            .map(|f| common_pb::RedFlag {
                claim: f.claim.clone(),
                correction: f.correction.clone(),
                patterns: f.patterns.clone(),
                severity: match f.severity.as_str() {
                    "major" => common_pb::RedFlagSeverity::Major,
                    _ => common_pb::RedFlagSeverity::Minor,
                } as i32,
            })
            .collect()
    }

    /// The topic on the wire.
    pub fn topic_proto(&self) -> Option<common_pb::StoryTopic> {
        self.topic.as_ref().map(|t| common_pb::StoryTopic {
            about: t.about.clone(),
            terms: t.terms.clone(),
        })
    }

    /// Provenance on the wire.
    pub fn provenance_proto(&self) -> common_pb::Provenance {
        common_pb::Provenance {
            source: self.metadata.source.clone(),
            is_fallback: self.metadata.is_fallback,
            fallback_reason: self.metadata.fallback_reason.clone(),
            rubric_version: self.metadata.rubric_version.clone(),
            ..common_pb::Provenance::default()
        }
    }
}
