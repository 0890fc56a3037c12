//! What an evaluation says about an answer: its score and the words that explain it. The
//! built-in engine's assessment, the LLM's reply, the outcome of an evaluation and the
//! stored evaluation all carry one.

use super::score::Score;

/// The score with its feedback.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// 0..=10.
    pub score: Score,
    /// A few sentences.
    pub feedback: String,
    /// What was good.
    pub strengths: Vec<String>,
    /// What would make it better, most important first.
    pub improvements: Vec<String>,
}
