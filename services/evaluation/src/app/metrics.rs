//! The Prometheus counters of this service (the exporter is installed by the shared CLI;
//! without one, recording is a no-op):
//!
//! - `llm_calls_total{operation="evaluate|generate", outcome="ok|retry_ok|fallback"}`;
//! - `llm_fallbacks_total{operation, reason="timeout|http_<status>|unreachable|invalid_output"}`;
//! - `evaluations_total{evaluator="bank|llm"}`, once per stored evaluation.

use crate::{
    domain::provenance::{BANK, Provenance},
    llm::LlmError,
};

/// LLM calls by operation and outcome.
pub const LLM_CALLS: &str = "llm_calls_total";
/// LLM failures answered by the built-in engine, by operation and reason.
pub const LLM_FALLBACKS: &str = "llm_fallbacks_total";
/// Stored evaluations by engine.
pub const EVALUATIONS: &str = "evaluations_total";

/// What the LLM was asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LlmOperation {
    /// Score an answer.
    Evaluate,
    /// Write questions.
    Generate,
}

impl LlmOperation {
    fn label(self) -> &'static str {
        match self {
            Self::Evaluate => "evaluate",
            Self::Generate => "generate",
        }
    }
}

/// Describes the counters to the exporter.
pub fn describe() {
    metrics::describe_counter!(LLM_CALLS, "LLM calls by operation and outcome");
    metrics::describe_counter!(
        LLM_FALLBACKS,
        "LLM failures answered by the built-in engine, by operation and reason"
    );
    metrics::describe_counter!(EVALUATIONS, "stored evaluations by engine");
}

/// The LLM gave a valid reply, at once or on the retry.
pub fn llm_answered(operation: LlmOperation, retried: bool) {
    let outcome = if retried { "retry_ok" } else { "ok" };
    metrics::counter!(LLM_CALLS, "operation" => operation.label(), "outcome" => outcome)
        .increment(1);
}

/// The LLM failed with `error` and the built-in engine answers instead.
pub fn llm_fell_back(operation: LlmOperation, error: &LlmError) {
    metrics::counter!(LLM_CALLS, "operation" => operation.label(), "outcome" => "fallback")
        .increment(1);
    metrics::counter!(LLM_FALLBACKS, "operation" => operation.label(), "reason" => error.reason())
        .increment(1);
}

/// An evaluation from the engine of `provenance` was stored.
pub fn evaluation_stored(provenance: &Provenance) {
    let evaluator = if provenance.source == BANK {
        "bank"
    } else {
        "llm"
    };
    metrics::counter!(EVALUATIONS, "evaluator" => evaluator).increment(1);
}

#[cfg(test)]
mod tests {
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};

    use super::*;

    type Labels = Vec<(String, String)>;

    /// (name, labels, value) of every counter recorded, sorted.
    fn counters(recorder: &DebuggingRecorder) -> Vec<(String, Labels, u64)> {
        let mut found: Vec<_> = recorder
            .snapshotter()
            .snapshot()
            .into_vec()
            .into_iter()
            .filter_map(|(key, _, _, value)| match value {
                DebugValue::Counter(n) => Some((
                    key.key().name().to_owned(),
                    key.key()
                        .labels()
                        .map(|l| (l.key().to_owned(), l.value().to_owned()))
                        .collect(),
                    n,
                )),
                _ => None,
            })
            .collect();
        found.sort();
        found
    }

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn outcomes_reasons_and_engines_are_labelled() {
        let recorder = DebuggingRecorder::new();
        metrics::with_local_recorder(&recorder, || {
            llm_answered(LlmOperation::Evaluate, false);
            llm_answered(LlmOperation::Generate, true);
            llm_fell_back(LlmOperation::Evaluate, &LlmError::Http(503));
            llm_fell_back(LlmOperation::Evaluate, &LlmError::Http(503));
            evaluation_stored(&Provenance::fallback("http_503".to_owned()));
            evaluation_stored(&Provenance::llm("llm:some-model".to_owned()));
        });
        assert_eq!(
            counters(&recorder),
            vec![
                (
                    "evaluations_total".to_owned(),
                    labels(&[("evaluator", "bank")]),
                    1
                ),
                (
                    "evaluations_total".to_owned(),
                    labels(&[("evaluator", "llm")]),
                    1
                ),
                (
                    "llm_calls_total".to_owned(),
                    labels(&[("operation", "evaluate"), ("outcome", "fallback")]),
                    2
                ),
                (
                    "llm_calls_total".to_owned(),
                    labels(&[("operation", "evaluate"), ("outcome", "ok")]),
                    1
                ),
                (
                    "llm_calls_total".to_owned(),
                    labels(&[("operation", "generate"), ("outcome", "retry_ok")]),
                    1
                ),
                (
                    "llm_fallbacks_total".to_owned(),
                    labels(&[("operation", "evaluate"), ("reason", "http_503")]),
                    2
                ),
            ]
        );
    }
}
