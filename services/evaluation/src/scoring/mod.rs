//! The built-in evaluator: deterministic (same input, same output) and explainable.
//!
//! 1. [`gates`] stop non-attempts first (instructions to the grader, "I don't know",
//!    gibberish, too short, the question pasted back, off-topic): score ≤ 2 with the reason.
//! 2. [`coverage`] of the rubric's key points, by term (synonyms, stemmed word forms).
//! 3. [`structure`] expected of the interview type (STAR; approach/complexity/edge cases;
//!    requirements/estimates/components/data/scaling/trade-offs).
//! 4. [`specificity`] (numbers, units, examples, names) and clarity.
//!
//! The parts are weighted per type into 0..=1, scaled by how developed the answer is
//! (length against a per-type, per-difficulty target), and capped by content: an answer
//! cannot score high on form while covering few key points. [`feedback`] turns the parts
//! into strengths and improvements that quote the answer.

pub mod coverage;
mod feedback;
pub mod gates;
pub mod specificity;
pub mod structure;
pub mod text;

use std::collections::HashSet;

use interview_coach_common::domain::{Difficulty, InterviewType};

use crate::{
    rubric::{Rubric, RubricOrigin},
    score::Score,
};

/// Version of the built-in rubric and weights; stored with every evaluation.
pub const RUBRIC_VERSION: &str = "builtin-2026.1";

/// Most strengths or improvements in one evaluation.
pub const MAX_LIST: usize = 8;

/// The question an answer is scored against.
#[derive(Clone, Copy, Debug)]
pub struct Question<'a> {
    /// Type of interview.
    pub interview_type: InterviewType,
    /// Difficulty.
    pub difficulty: Difficulty,
    /// The question as asked.
    pub text: &'a str,
    /// Its hints.
    pub hints: &'a [String],
    /// What a good answer covers.
    pub rubric: &'a Rubric,
}

/// The measured parts of a scored (not gated) answer, each 0..=1 unless said otherwise.
#[derive(Clone, Debug, PartialEq)]
pub struct Breakdown {
    /// Key-point coverage, before normalisation.
    pub coverage: f64,
    /// Structure expected of the type.
    pub structure: f64,
    /// Concreteness.
    pub specificity: f64,
    /// Readability.
    pub clarity: f64,
    /// Words in the answer.
    pub words: usize,
    /// Words a developed answer of this type and difficulty has.
    pub target_words: usize,
    /// The score the content allows (0..=10).
    pub cap: f64,
}

/// The result of the built-in evaluator.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    /// 0..=10.
    pub score: Score,
    /// A few sentences.
    pub feedback: String,
    /// What was good (at most [`MAX_LIST`]).
    pub strengths: Vec<String>,
    /// What would make it better (at most [`MAX_LIST`]).
    pub improvements: Vec<String>,
    /// The gate that stopped the answer, if one did.
    pub gate: Option<gates::GateKind>,
    /// The measured parts, for answers that passed the gates.
    pub breakdown: Option<Breakdown>,
}

/// Weights of the parts; they add up to 1.
struct Weights {
    coverage: f64,
    structure: f64,
    specificity: f64,
    clarity: f64,
}

fn weights(kind: InterviewType, origin: &RubricOrigin) -> Weights {
    let base = match kind {
        InterviewType::Technical => Weights {
            coverage: 0.45,
            structure: 0.30,
            specificity: 0.10,
            clarity: 0.15,
        },
        InterviewType::Behavioral => Weights {
            coverage: 0.30,
            structure: 0.40,
            specificity: 0.20,
            clarity: 0.10,
        },
        InterviewType::SystemDesign => Weights {
            coverage: 0.40,
            structure: 0.35,
            specificity: 0.15,
            clarity: 0.10,
        },
    };
    // A rubric guessed from the question's words is weaker evidence than a real one.
    if *origin == RubricOrigin::Derived {
        Weights {
            coverage: base.coverage - 0.15,
            structure: base.structure + 0.15,
            ..base
        }
    } else {
        base
    }
}

/// Coverage at which the content part is full: strong answers rarely use every term.
const FULL_COVERAGE: f64 = 0.8;

/// The content cap: `base + slope × coverage`.
fn cap(kind: InterviewType, origin: &RubricOrigin, coverage: f64) -> f64 {
    let (base, slope) = match (kind, origin) {
        (_, RubricOrigin::Derived) => (4.0, 8.0),
        (InterviewType::Behavioral, _) => (3.5, 8.0),
        _ => (2.5, 9.0),
    };
    (base + slope * coverage).min(10.0)
}

fn target_words(kind: InterviewType, difficulty: Difficulty) -> usize {
    let (easy, medium, hard) = match kind {
        InterviewType::Technical => (60, 90, 120),
        InterviewType::Behavioral => (110, 140, 170),
        InterviewType::SystemDesign => (120, 170, 220),
    };
    match difficulty {
        Difficulty::Easy => easy,
        Difficulty::Medium => medium,
        Difficulty::Hard => hard,
    }
}

/// An answer whose words are almost all terms with no function words ("Redis, token
/// bucket, Kafka, sharding …") lists names without explaining anything: it is held here.
const KEYWORD_LIST_CAP: f64 = 2.5;
/// Below this share of function words (with at least [`KEYWORD_LIST_MIN_WORDS`] words) an
/// answer reads as a keyword list; natural sentences have well over 25%.
const KEYWORD_LIST_STOP_SHARE: f64 = 0.12;
const KEYWORD_LIST_MIN_WORDS: usize = 10;

fn is_keyword_list(tokens: &[text::Token]) -> bool {
    let words: Vec<&text::Token> = tokens.iter().filter(|t| !t.is_number()).collect();
    let stop = words.iter().filter(|t| text::is_stop_word(&t.word)).count();
    words.len() >= KEYWORD_LIST_MIN_WORDS
        && (stop as f64) < KEYWORD_LIST_STOP_SHARE * words.len() as f64
}

/// A behavioral answer told as habits ("in general I always…") rather than one real story
/// loses this share of its score.
const GENERIC_STORY_PENALTY: f64 = 0.2;

static GENERIC_MARKERS: std::sync::LazyLock<Vec<text::TermPattern>> =
    std::sync::LazyLock::new(|| {
        text::patterns(&[
            "in general",
            "generally",
            "i always",
            "i usually",
            "i tend to",
            "i try to",
            "typically",
            "as a rule",
            "i think",
            "normally",
            "whenever",
        ])
    });

fn is_generic_story(kind: InterviewType, tokens: &[text::Token]) -> bool {
    kind == InterviewType::Behavioral && text::count_found(&GENERIC_MARKERS, tokens) >= 2
}

/// Everything measured about one answer.
struct Analysis {
    tokens: Vec<text::Token>,
    coverage: coverage::Coverage,
    question_stems: HashSet<String>,
}

fn analyse(question: &Question<'_>, answer: &str) -> Analysis {
    let tokens = text::tokenize(answer);
    let coverage = coverage::measure(question.rubric, &tokens);
    let mut question_stems = text::content_stems(&text::tokenize(question.text));
    for hint in question.hints {
        question_stems.extend(text::content_stems(&text::tokenize(hint)));
    }
    Analysis {
        tokens,
        coverage,
        question_stems,
    }
}

fn gate(answer: &str, analysis: &Analysis) -> Option<gates::Verdict> {
    gates::check(&gates::GateInput {
        answer,
        tokens: &analysis.tokens,
        question_stems: &analysis.question_stems,
        coverage: &analysis.coverage,
    })
}

fn gated(verdict: gates::Verdict) -> Assessment {
    Assessment {
        score: Score::clamped(verdict.score.min(2.0)),
        feedback: verdict.feedback,
        strengths: Vec::new(),
        improvements: vec![verdict.improvement],
        gate: Some(verdict.kind),
        breakdown: None,
    }
}

/// Runs only the gates: `Some` when the answer is not a real attempt (score ≤ 2, with
/// the reason). Such answers are never sent to an LLM.
pub fn screen(question: &Question<'_>, answer: &str) -> Option<Assessment> {
    gate(answer, &analyse(question, answer)).map(gated)
}

/// Scores `answer` with the built-in evaluator.
pub fn assess(question: &Question<'_>, answer: &str) -> Assessment {
    let analysis = analyse(question, answer);
    if let Some(verdict) = gate(answer, &analysis) {
        return gated(verdict);
    }
    let Analysis {
        tokens, coverage, ..
    } = analysis;
    let kind = question.interview_type;
    let structure = structure::measure(kind, answer, &tokens);
    let specificity = specificity::measure(answer, &tokens);
    let clarity = specificity::clarity(answer, &tokens);

    let w = weights(kind, &question.rubric.origin);
    let coverage_ratio = coverage.ratio();
    let blended = w.coverage * (coverage_ratio / FULL_COVERAGE).min(1.0)
        + w.structure * structure.ratio()
        + w.specificity * specificity.ratio()
        + w.clarity * clarity.ratio();
    let words = tokens.len();
    let target = target_words(kind, question.difficulty);
    let developed = (words as f64 / target as f64).min(1.0);
    let length_factor = 0.45 + 0.55 * developed.sqrt();
    let keyword_list = is_keyword_list(&tokens);
    let generic_story = is_generic_story(kind, &tokens);
    let mut cap = cap(kind, &question.rubric.origin, coverage_ratio);
    if keyword_list {
        cap = cap.min(KEYWORD_LIST_CAP);
    }
    let mut raw = 10.0 * blended * length_factor;
    if generic_story {
        raw *= 1.0 - GENERIC_STORY_PENALTY;
    }
    let score = Score::clamped(raw.min(cap));

    let breakdown = Breakdown {
        coverage: coverage_ratio,
        structure: structure.ratio(),
        specificity: specificity.ratio(),
        clarity: clarity.ratio(),
        words,
        target_words: target,
        cap,
    };
    let parts = feedback::Parts {
        kind,
        answer,
        score,
        coverage: &coverage,
        structure: &structure,
        specificity: &specificity,
        clarity: &clarity,
        breakdown: &breakdown,
        capped: raw > cap,
        keyword_list,
        generic_story,
    };
    Assessment {
        score,
        feedback: feedback::summary(&parts),
        strengths: feedback::strengths(&parts),
        improvements: feedback::improvements(&parts),
        gate: None,
        breakdown: Some(breakdown),
    }
}

#[cfg(test)]
mod tests;
