//! Evaluations as the session service sees them: stored by the evaluation service, never
//! changed once stored, shown with the answer they score.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::question::Provenance;

/// How sure the evaluator is of a score.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// One answer's evaluation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evaluation {
    /// The evaluation service's id of it.
    pub id: String,
    /// 0 to 10, two decimals.
    pub score: f64,
    pub feedback: String,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    pub provenance: Option<Provenance>,
    pub created_at: Option<DateTime<Utc>>,
    /// `None` when the evaluator did not say.
    pub confidence: Option<Confidence>,
    /// The wrong claims the answer made.
    pub red_flags: Vec<String>,
}

/// Evaluations of a session by answer id.
pub type EvaluationsByAnswer = HashMap<Uuid, Arc<Evaluation>>;

/// One session's evaluations in sum.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EvaluationSummary {
    pub session_id: Uuid,
    /// How many evaluations it has.
    pub count: i32,
    /// The sum of their scores (two decimals each).
    pub score_sum: f64,
}
