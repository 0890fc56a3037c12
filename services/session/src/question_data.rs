//! The `question_data` JSONB of a stored question: what the session service needs to show
//! it (hints, examples) and to have it scored (key, key points), plus its provenance, in the
//! seed's camelCase shape (`hints`, `examples`, `metadata.generatedAt`, `metadata.isFallback`).

use chrono::{DateTime, Utc};
use interview_coach_proto::{common::v1 as common_pb, evaluation::v1 as eval_pb};
use serde::{Deserialize, Serialize};

/// One key point of the rubric.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeyPoint {
    /// Its name.
    pub point: String,
    /// Words that show it is covered.
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
    /// The rubric's key points.
    #[serde(default)]
    pub key_points: Vec<KeyPoint>,
    /// Provenance.
    #[serde(default)]
    pub metadata: Metadata,
}

impl QuestionData {
    /// From a generated question.
    pub fn from_generated(question: &eval_pb::GeneratedQuestion) -> Self {
        let provenance = question.provenance.clone().unwrap_or_default();
        Self {
            key: question.key.clone(),
            hints: question.hints.clone(),
            examples: question.examples.clone(),
            key_points: question
                .key_points
                .iter()
                .map(|k| KeyPoint {
                    point: k.point.clone(),
                    terms: k.terms.clone(),
                })
                .collect(),
            metadata: Metadata {
                generated_at: question.generate_time.as_ref().and_then(|t| {
                    DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0))
                }),
                is_fallback: provenance.is_fallback,
                fallback_reason: provenance.fallback_reason,
                source: provenance.source,
                rubric_version: provenance.rubric_version,
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

    /// Key points on the wire.
    pub fn key_points_proto(&self) -> Vec<common_pb::KeyPoint> {
        self.key_points
            .iter()
            .map(|k| common_pb::KeyPoint {
                point: k.point.clone(),
                terms: k.terms.clone(),
            })
            .collect()
    }

    /// Provenance on the wire.
    pub fn provenance_proto(&self) -> common_pb::Provenance {
        common_pb::Provenance {
            source: self.metadata.source.clone(),
            is_fallback: self.metadata.is_fallback,
            fallback_reason: self.metadata.fallback_reason.clone(),
            rubric_version: self.metadata.rubric_version.clone(),
        }
    }
}
