//! Where a question or an evaluation came from, stored with it.

use super::rubric::RubricOrigin;

/// Version of the built-in rubric and weights (`scoring/`, `bank/`, `rubric/`), stored with
/// every evaluation: bump it with any change that moves scores.
pub const RUBRIC_VERSION: &str = "builtin-2026.12";

/// Source of the built-in bank and evaluator.
pub const BANK: &str = "bank";

/// Engine, fallback state and rubric version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    /// `bank` or `llm:<model>`.
    pub source: String,
    /// True when an LLM was configured but failed and the built-in engine answered.
    pub is_fallback: bool,
    /// Why (`timeout`, `http_500`, `invalid_output`, `unreachable`).
    pub fallback_reason: Option<String>,
    /// The rubric version.
    pub rubric_version: String,
    /// Evaluations: where the rubric came from (`bank`, `question`, `key_points`,
    /// `derived`); unknown for evaluations stored before it was recorded.
    pub rubric_origin: Option<String>,
    /// Evaluations by an LLM: the built-in engine found a red flag and the LLM still scored
    /// the answer 7 or more.
    pub disagreement: bool,
}

impl Provenance {
    /// The built-in engine, used by choice (no LLM configured, or a gated answer).
    pub fn builtin() -> Self {
        Self {
            source: BANK.to_owned(),
            is_fallback: false,
            fallback_reason: None,
            rubric_version: RUBRIC_VERSION.to_owned(),
            rubric_origin: None,
            disagreement: false,
        }
    }

    /// The same, scored against a rubric of `origin`.
    pub fn with_rubric(self, origin: &RubricOrigin) -> Self {
        Self {
            rubric_origin: Some(origin.tag().to_owned()),
            ..self
        }
    }

    /// The built-in engine after the LLM failed for `reason`.
    pub fn fallback(reason: String) -> Self {
        Self {
            is_fallback: true,
            fallback_reason: Some(reason),
            ..Self::builtin()
        }
    }

    /// The LLM `source` (`llm:<model>`).
    pub fn llm(source: String) -> Self {
        Self {
            source,
            ..Self::builtin()
        }
    }
}
