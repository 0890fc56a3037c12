//! The built-in evaluator: deterministic (same input, same output) and explainable. It
//! judges substance, not length:
//!
//! 1. [`gates`] stop non-attempts first (instructions to the grader, "I don't know",
//!    gibberish, too short, the question pasted back, off-topic): score ≤ 2 with the reason.
//! 2. [`sentences`] tell statements from lists of terms and from generic filler.
//! 3. [`coverage`] of the rubric's key ideas, each counted once, weighted by importance,
//!    and fully only when stated in a sentence.
//! 4. [`red_flags`]: the common wrong claims of the question, unless disputed; a wrong core
//!    idea holds the score at fair, a bad practice at good.
//! 5. [`structure`] expected of the interview type, [`specificity`] and clarity.
//!
//! The parts are weighted per type into 0..=10 and held by caps: content (few key ideas
//! cannot score high on form), red flags, filler, keyword lists, and for behavioral
//! questions a story about something else. There is no length factor: a short answer that
//! states the key ideas correctly can score high. [`feedback`] turns the parts into
//! strengths and improvements that quote the answer and name what a better answer adds.

pub mod coverage;
mod feedback;
pub mod gates;
pub mod red_flags;
pub mod sentences;
pub mod specificity;
pub mod structure;

use foldhash::HashSet;

use interview_coach_common::domain::{Difficulty, InterviewType};

use crate::{
    analysis::{cues, text},
    domain::{
        rubric::{Confidence, Rubric, RubricOrigin, Severity},
        score::Score,
        verdict::Verdict,
    },
};

/// Most strengths in one evaluation.
pub const MAX_LIST: usize = 8;
/// Most improvements in one evaluation.
pub const MAX_IMPROVEMENTS: usize = 5;

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
    /// Weighted key-point coverage.
    pub coverage: f64,
    /// Structure expected of the type.
    pub structure: f64,
    /// Concreteness.
    pub specificity: f64,
    /// Readability.
    pub clarity: f64,
    /// Words in the answer.
    pub words: usize,
    /// Words a developed answer of this type and difficulty has (for advice only).
    pub target_words: usize,
    /// Share of the words in generic filler sentences.
    pub filler_share: f64,
    /// Share of the words in lists of terms.
    pub fragment_share: f64,
    /// The score before the caps (0..=10).
    pub raw: f64,
    /// The score the caps allow (0..=10).
    pub cap: f64,
    /// What set the cap.
    pub capped_by: Cap,
    /// Per key point: its credit and the words that earned it.
    pub evidence: Vec<(f64, Option<String>)>,
    /// Words of substance (the answer's own, not generic) per word.
    pub substance_density: f64,
    /// First-person actions in the past tense ("I told", "I rewrote"): a story's events.
    pub past_actions: usize,
}

/// What holds a score down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cap {
    /// Nothing below the content cap.
    Content,
    /// A wrong core idea.
    MajorRedFlag,
    /// A bad practice or secondary error.
    MinorRedFlag,
    /// A behavioral story about something else.
    OffTopicStory,
    /// Mostly generic filler.
    Filler,
    /// Few words of its own: generic words and the question's, no mechanism.
    Generic,
    /// Terms listed without statements.
    KeywordList,
    /// A behavioral answer that tells no story: generic words about how one behaves.
    NoStory,
}

/// The result of the built-in evaluator.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    /// The score with at most [`MAX_LIST`] strengths and [`MAX_IMPROVEMENTS`] improvements.
    pub verdict: Verdict,
    /// The gate that stopped the answer, if one did.
    pub gate: Option<gates::GateKind>,
    /// The red flags the answer raised (their claims), majors first.
    pub red_flags: Vec<String>,
    /// How far the score can be trusted, from the rubric.
    pub confidence: Confidence,
    /// The measured parts, for answers that passed the gates.
    pub breakdown: Option<Breakdown>,
}

/// Weights of the parts; they add up to 1. Structure cues weigh little: wrong and generic
/// answers use the words of structure as readily as good ones (fitted on the tuning set).
struct Weights {
    coverage: f64,
    structure: f64,
    specificity: f64,
    clarity: f64,
}

fn weights(kind: InterviewType, origin: &RubricOrigin) -> Weights {
    let base = match kind {
        InterviewType::Technical => Weights {
            coverage: 0.75,
            structure: 0.05,
            specificity: 0.15,
            clarity: 0.05,
        },
        InterviewType::Behavioral => Weights {
            coverage: 0.55,
            structure: 0.20,
            specificity: 0.15,
            clarity: 0.10,
        },
        InterviewType::SystemDesign => Weights {
            coverage: 0.80,
            structure: 0.10,
            specificity: 0.05,
            clarity: 0.05,
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

/// Weighted coverage at which the content part is full: strong answers rarely use every
/// idea's words.
const FULL_COVERAGE: f64 = 0.6;
/// Share of the form parts (structure, specificity, clarity) an answer earns with no
/// content at all; it rises to all of them as content is full.
const FORM_FLOOR: f64 = 0.9;

/// The content cap: `base + slope × coverage`.
fn content_cap(kind: InterviewType, origin: &RubricOrigin, coverage: f64) -> f64 {
    let (base, slope) = match (kind, origin) {
        (_, RubricOrigin::Derived) => (4.0, 8.0),
        (InterviewType::Behavioral, _) => (3.5, 8.0),
        _ => (1.5, 10.0),
    };
    (base + slope * coverage).min(10.0)
}

/// A wrong core idea: fair at best; two of them: poor.
const MAJOR_RED_FLAG_CAP: f64 = 4.0;
const MAJOR_RED_FLAGS_CAP: f64 = 3.0;
/// A bad practice: good at best.
const MINOR_RED_FLAG_CAP: f64 = 5.5;
/// A story about another subject.
const OFF_TOPIC_STORY_CAP: f64 = 2.0;
/// Mostly generic filler: fair at best.
const FILLER_SHARE: f64 = 0.5;
const FILLER_CAP: f64 = 5.0;
/// Mostly lists of terms.
const FRAGMENT_SHARE: f64 = 0.6;
/// A behavioral answer whose words are this little its own (a story has names, events,
/// systems; generic advice has "communication", "important", "team") and that reports
/// fewer than [`NO_STORY_ACTIONS`] things the candidate did tells no story.
const NO_STORY_DENSITY: f64 = 0.25;
const NO_STORY_ACTIONS: usize = 3;
const NO_STORY_CAP: f64 = 3.5;
const KEYWORD_LIST_CAP: f64 = 2.5;
/// An answer to a question with a real rubric whose words are this little its own (not
/// generic, not the question's) restates the question in general terms: fair at best, like
/// filler. On the tuning set good and excellent answers to bank questions have a density of
/// 0.15 and up, filler 0.05–0.19, so the cap only takes the emptiest. A derived rubric is made of the question's own words,
/// which an on-subject answer reuses, so it is not held to this.
const GENERIC_DENSITY: f64 = 0.10;
const GENERIC_CAP: f64 = 5.0;

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
/// bucket, Kafka, sharding …"), or whose items between commas are a word or two, lists
/// names without explaining anything.
const KEYWORD_LIST_STOP_SHARE: f64 = 0.12;
const KEYWORD_LIST_MIN_WORDS: usize = 10;
/// Prose runs to five or more words between commas; lists of terms to one or two.
const KEYWORD_LIST_ITEM_WORDS: f64 = 3.0;

fn is_keyword_list(answer: &str, text: &text::Text, fragment_share: f64) -> bool {
    let words: Vec<&text::Token> = text.tokens().iter().filter(|t| !t.is_number()).collect();
    let stop = words.iter().filter(|t| text::is_stop_word(&t.word)).count();
    words.len() >= KEYWORD_LIST_MIN_WORDS
        && ((stop as f64) < KEYWORD_LIST_STOP_SHARE * words.len() as f64
            || fragment_share >= FRAGMENT_SHARE
            || sentences::mean_item_words(answer, text) <= KEYWORD_LIST_ITEM_WORDS)
}

/// A story that uses none of its topic's words nor the question's subject, and states
/// less than this share of the key ideas, is about something else.
const OFF_TOPIC_COVERAGE: f64 = 0.5;

/// True when the answer uses a word of the question's subject (its content words but the
/// ones questions ask with: "tell", "time", "describe").
fn mentions_subject(question: &str, text: &text::Text) -> bool {
    let asking = &cues::cues().asking_words;
    let subject: HashSet<String> = text::tokenize(question)
        .into_iter()
        .filter(|t| t.is_content() && !asking.contains(&t.word))
        .map(|t| t.stem)
        .collect();
    text.tokens()
        .iter()
        .any(|t| t.is_content() && subject.contains(&t.stem))
}

/// First-person actions in the past tense: "I" then, at most one word later, a verb
/// ending in -ed or one of the irregular past forms (`rubric/delivery.json`).
fn past_actions(text: &text::Text) -> usize {
    let irregular = &cues::cues().delivery.past_tense;
    let tokens = text.tokens();
    tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| t.word == "i")
        .filter(|(i, t)| {
            tokens[i + 1..]
                .iter()
                .take(2)
                .take_while(|n| n.sentence == t.sentence)
                .any(|n| {
                    (n.word.len() > 4 && n.word.ends_with("ed") && !text::is_stop_word(&n.word))
                        || irregular.contains(&n.word)
                })
        })
        .count()
}

/// A behavioral answer told as habits ("in general I always…") rather than one real story
/// loses this share of its score.
const GENERIC_STORY_PENALTY: f64 = 0.2;

fn is_generic_story(kind: InterviewType, text: &text::Text) -> bool {
    kind == InterviewType::Behavioral
        && text::count_found(&cues::cues().delivery.generic_story, text) >= 2
}

/// Everything measured about one answer before scoring.
struct Analysis {
    text: text::Text,
    coverage: coverage::Coverage,
    question_stems: HashSet<String>,
    substance: Vec<usize>,
}

fn analyse(question: &Question<'_>, answer: &str) -> (Analysis, Vec<sentences::Shape>) {
    let text = text::Text::new(answer);
    let shapes = sentences::basic_shapes(answer, &text);
    let mut question_stems = text::content_stems(text::tokenize(question.text));
    for hint in question.hints {
        question_stems.extend(text::content_stems(text::tokenize(hint)));
    }
    let substance = sentences::substances(&text, &question_stems);
    let coverage = coverage::measure(
        question.rubric,
        &text,
        &coverage::Context {
            shapes: &shapes,
            filler_phrases: &sentences::filler_phrase_sentences(&text),
            question: &question_stems,
            substance: &substance,
        },
    );
    (
        Analysis {
            text,
            coverage,
            question_stems,
            substance,
        },
        shapes,
    )
}

fn gate(answer: &str, analysis: &Analysis) -> Option<gates::Stop> {
    gates::check(&gates::GateInput {
        answer,
        tokens: analysis.text.tokens(),
        question_stems: &analysis.question_stems,
        coverage: &analysis.coverage,
    })
}

fn gated(stop: gates::Stop, confidence: Confidence) -> Assessment {
    Assessment {
        verdict: Verdict {
            score: Score::clamped(stop.score.min(2.0)),
            feedback: stop.feedback,
            strengths: Vec::new(),
            improvements: vec![stop.improvement],
        },
        gate: Some(stop.kind),
        red_flags: Vec::new(),
        confidence,
        breakdown: None,
    }
}

/// Runs only the gates: `Some` when the answer is not a real attempt (score ≤ 2, with
/// the reason). Such answers are never sent to an LLM.
pub fn screen(question: &Question<'_>, answer: &str) -> Option<Assessment> {
    let (analysis, _) = analyse(question, answer);
    gate(answer, &analysis).map(|v| gated(v, question.rubric.confidence()))
}

/// Scores `answer` with the built-in evaluator.
pub fn assess(question: &Question<'_>, answer: &str) -> Assessment {
    let rubric = question.rubric;
    let confidence = rubric.confidence();
    let (analysis, shapes) = analyse(question, answer);
    if let Some(verdict) = gate(answer, &analysis) {
        return gated(verdict, confidence);
    }
    let Analysis {
        text,
        coverage,
        substance,
        ..
    } = analysis;
    let kind = question.interview_type;

    let mut evidence = coverage.sentences();
    let raised = red_flags::find(rubric, answer, &text);
    evidence.extend(raised.iter().map(|r| r.sentence));
    let sentences = sentences::measure(answer, &text, &shapes, &substance, &evidence);
    let filler_share = sentences::filler_share(&sentences);
    let fragment_share = sentences::fragment_share(&sentences);
    let structure = structure::measure(kind, &text, &sentences);
    let says = |i: usize| {
        sentences
            .get(i)
            .is_some_and(sentences::Sentence::says_something)
    };
    let specificity = specificity::measure(answer, &text, says);
    let clarity = specificity::clarity(&text, says);
    let off_topic_story = rubric.topic.as_ref().is_some_and(|topic| {
        text::count_found(topic.patterns(), &text) == 0
            && !mentions_subject(question.text, &text)
            && coverage.ratio() < OFF_TOPIC_COVERAGE
    });

    let w = weights(kind, &rubric.origin);
    let coverage_ratio = coverage.ratio();
    let content = (coverage_ratio / FULL_COVERAGE).min(1.0);
    // Form earns in proportion to what it carries: well-structured, clear sentences that
    // state none of the key ideas are not a good answer.
    let form_factor = FORM_FLOOR + (1.0 - FORM_FLOOR) * content;
    let blended = w.coverage * content
        + form_factor
            * (w.structure * structure.ratio()
                + w.specificity * specificity.ratio()
                + w.clarity * clarity.ratio());
    let mut raw = 10.0 * blended;
    let generic_story = is_generic_story(kind, &text);
    if generic_story {
        raw *= 1.0 - GENERIC_STORY_PENALTY;
    }
    let keyword_list = is_keyword_list(answer, &text, fragment_share);
    let substance_density =
        substance.iter().sum::<usize>() as f64 / text.tokens().len().max(1) as f64;
    let past_actions = past_actions(&text);
    let no_story = kind == InterviewType::Behavioral
        && substance_density < NO_STORY_DENSITY
        && past_actions < NO_STORY_ACTIONS;
    let majors = raised
        .iter()
        .filter(|r| r.flag.severity() == Severity::Major)
        .count();
    let caps = [
        (
            Cap::Content,
            content_cap(kind, &rubric.origin, coverage_ratio),
        ),
        (
            Cap::MajorRedFlag,
            match majors {
                0 => 10.0,
                1 => MAJOR_RED_FLAG_CAP,
                _ => MAJOR_RED_FLAGS_CAP,
            },
        ),
        (
            Cap::MinorRedFlag,
            match raised.len() - majors {
                0 => 10.0,
                1 => MINOR_RED_FLAG_CAP,
                // Several errors make an answer fair at best, like one wrong core idea.
                _ => MAJOR_RED_FLAG_CAP,
            },
        ),
        (
            Cap::OffTopicStory,
            if off_topic_story {
                OFF_TOPIC_STORY_CAP
            } else {
                10.0
            },
        ),
        (
            Cap::Filler,
            if filler_share >= FILLER_SHARE {
                FILLER_CAP
            } else {
                10.0
            },
        ),
        (
            Cap::Generic,
            if rubric.origin != RubricOrigin::Derived && substance_density < GENERIC_DENSITY {
                GENERIC_CAP
            } else {
                10.0
            },
        ),
        (
            Cap::KeywordList,
            if keyword_list { KEYWORD_LIST_CAP } else { 10.0 },
        ),
        (Cap::NoStory, if no_story { NO_STORY_CAP } else { 10.0 }),
    ];
    let (capped_by, cap) = caps
        .into_iter()
        .fold((Cap::Content, 10.0), |held, (why, at)| {
            if at < held.1 { (why, at) } else { held }
        });
    let score = Score::clamped(raw.min(cap));

    let breakdown = Breakdown {
        coverage: coverage_ratio,
        structure: structure.ratio(),
        specificity: specificity.ratio(),
        clarity: clarity.ratio(),
        words: text.tokens().len(),
        target_words: target_words(kind, question.difficulty),
        filler_share,
        fragment_share,
        raw,
        cap,
        capped_by,
        substance_density,
        past_actions,
        evidence: coverage
            .points
            .iter()
            .map(|p| (p.credit, p.evidence.map(|(a, b)| answer[a..b].to_owned())))
            .collect(),
    };
    let parts = feedback::Parts {
        kind,
        answer,
        score,
        rubric,
        text: &text,
        coverage: &coverage,
        raised: &raised,
        sentences: &sentences,
        structure: &structure,
        specificity: &specificity,
        clarity: &clarity,
        breakdown: &breakdown,
        keyword_list,
        generic_story,
        off_topic_story,
    };
    Assessment {
        verdict: Verdict {
            score,
            feedback: feedback::summary(&parts),
            strengths: feedback::strengths(&parts),
            improvements: feedback::improvements(&parts),
        },
        gate: None,
        red_flags: raised.iter().map(|r| r.flag.claim().to_owned()).collect(),
        confidence,
        breakdown: Some(breakdown),
    }
}

/// The claims of the red flags `answer` raises against `rubric` (majors first), without
/// scoring it: what an LLM's score is checked against.
pub fn red_flags_in(rubric: &Rubric, answer: &str) -> Vec<red_flags::Raised> {
    red_flags::find(rubric, answer, &text::Text::new(answer))
}

#[cfg(test)]
mod tests;
