//! Turns the measured parts into feedback a candidate can act on. Strengths quote the span
//! that shows them (the match itself, in a sentence that says something). Improvements say
//! what a better answer adds, most important first: the correction of a wrong claim, then
//! the missing ideas in the rubric's own words (from the reference answer), then structure
//! the answer lacks; never something the answer already did.

use interview_coach_common::domain::InterviewType;

use super::{
    Breakdown, Cap, MAX_IMPROVEMENTS, MAX_LIST,
    coverage::{Coverage, PointCoverage},
    red_flags::Raised,
    sentences::{Sentence, Shape},
    specificity::{Clarity, Specificity},
    structure::Structure,
};

use crate::analysis::text::{self, Text};
use crate::{
    domain::rubric::{Confidence, Rubric, RubricOrigin},
    domain::score::Score,
};

/// Longest quote, in characters.
const QUOTE_CHARS: usize = 60;
/// Above this share of filler words the feedback calls it out.
const FILLER_NOTED: f64 = 0.25;

/// What the feedback is made from.
pub(super) struct Parts<'a> {
    pub kind: InterviewType,
    pub answer: &'a str,
    pub score: Score,
    pub rubric: &'a Rubric,
    pub text: &'a Text,
    pub coverage: &'a Coverage,
    pub raised: &'a [Raised],
    pub sentences: &'a [Sentence],
    pub structure: &'a Structure,
    pub specificity: &'a Specificity,
    pub clarity: &'a Clarity,
    pub breakdown: &'a Breakdown,
    pub keyword_list: bool,
    pub generic_story: bool,
    pub off_topic_story: bool,
}

/// True for a point worth naming in feedback: not one a derived rubric made of the question's
/// own words (telling someone to "mention cache or eviction" is no advice).
fn names_an_idea(p: &Parts<'_>, c: &PointCoverage) -> bool {
    !(p.rubric.origin == RubricOrigin::Derived && c.key_point.is_question_words())
}

/// How feedback names a point: a derived rubric's points are the question's own prompts,
/// quoted as asked.
fn point_name(p: &Parts<'_>, c: &PointCoverage) -> String {
    if p.rubric.origin == RubricOrigin::Derived {
        format!("\u{201c}{}\u{201d}", c.point())
    } else {
        c.point().to_owned()
    }
}

fn quote(answer: &str, (start, end): (usize, usize)) -> String {
    format!("\"{}\"", text::quote(answer, start, end, QUOTE_CHARS))
}

fn quoted(answer: &str, range: Option<(usize, usize)>) -> String {
    range.map_or_else(String::new, |r| format!(" ({})", quote(answer, r)))
}

fn list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn type_name(kind: InterviewType) -> &'static str {
    match kind {
        InterviewType::Technical => "technical",
        InterviewType::Behavioral => "behavioral (STAR)",
        InterviewType::SystemDesign => "system design",
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if chars.clone().next().is_some_and(char::is_lowercase) => {
            c.to_lowercase().chain(chars).collect()
        }
        _ => s.to_owned(),
    }
}

/// The index of the sentence a byte offset is in.
fn sentence_at(p: &Parts<'_>, at: usize) -> Option<usize> {
    p.text
        .tokens()
        .iter()
        .find(|t| t.start <= at && at < t.end.max(t.start + 1))
        .map(|t| t.sentence)
}

/// The first filler phrase, to quote.
fn first_filler(p: &Parts<'_>) -> Option<(usize, usize)> {
    p.sentences
        .iter()
        .filter(|s| s.shape == Shape::Filler)
        .find_map(|s| s.filler_cue)
}

fn filler_sentences(p: &Parts<'_>) -> (usize, usize) {
    let filler = p
        .sentences
        .iter()
        .filter(|s| s.shape == Shape::Filler)
        .count();
    (filler, p.sentences.len())
}

/// A few sentences: the verdict, what is wrong, what is covered, filler, structure.
pub(super) fn summary(p: &Parts<'_>) -> String {
    let score = p.score.as_f64();
    let verdict = match score {
        s if s < 3.0 => "a weak answer",
        s if s < 5.5 => "a partial answer",
        s if s < 7.5 => "a solid answer",
        _ => "a strong answer",
    };
    let mut out = format!("Scored {score:.1}/10: {verdict}. ");
    for raised in p.raised.iter().take(2) {
        out.push_str(&format!(
            "It states that {} ({}), which is wrong: {} ",
            lower_first(raised.flag.claim().trim_end_matches('.')),
            quote(p.answer, raised.evidence),
            raised.flag.correction()
        ));
    }
    if matches!(p.breakdown.capped_by, Cap::MajorRedFlag | Cap::MinorRedFlag)
        && p.breakdown.raw > p.breakdown.cap
    {
        out.push_str(&format!(
            "An answer built on that is held at {:.1}. ",
            p.breakdown.cap
        ));
    }
    if p.off_topic_story
        && let Some(topic) = &p.rubric.topic
    {
        out.push_str(&format!(
            "The story is about something else: this question asks about {}. ",
            topic.about()
        ));
    }
    let total = p
        .coverage
        .points
        .iter()
        .filter(|c| names_an_idea(p, c))
        .count();
    if total > 0 {
        let covered: Vec<String> = p
            .coverage
            .covered()
            .filter(|c| names_an_idea(p, c))
            .map(|c| point_name(p, c))
            .collect();
        let missing: Vec<String> = p
            .coverage
            .missing()
            .into_iter()
            .filter(|c| names_an_idea(p, c))
            .map(|c| point_name(p, c))
            .take(3)
            .collect();
        let covered: Vec<&str> = covered.iter().map(String::as_str).collect();
        let missing: Vec<&str> = missing.iter().map(String::as_str).collect();
        // A derived rubric matches the question's own words only, so a miss may be an idea
        // said in other words: its feedback asks rather than asserts.
        let derived = p.rubric.origin == RubricOrigin::Derived;
        out.push_str(&format!(
            "It {} {} of {total} {}{}",
            if derived { "clearly answers" } else { "states" },
            covered.len(),
            if derived {
                "things the question asks"
            } else {
                "key ideas"
            },
            if covered.is_empty() {
                String::new()
            } else {
                format!(" ({})", list(&covered[..covered.len().min(3)]))
            }
        ));
        if missing.is_empty() {
            out.push_str(". ");
        } else if derived {
            out.push_str(&format!("; make sure it answers {}. ", list(&missing)));
        } else {
            out.push_str(&format!("; missing: {}. ", list(&missing)));
        }
    }
    let (filler, sentences) = filler_sentences(p);
    if p.breakdown.filler_share >= FILLER_NOTED {
        out.push_str(&format!(
            "{filler} of its {sentences} sentences are generic{} and earn nothing{}. ",
            quoted(p.answer, first_filler(p)),
            if p.breakdown.capped_by == Cap::Filler {
                format!(", so the score is held at {:.1}", p.breakdown.cap)
            } else {
                String::new()
            }
        ));
    }
    if p.breakdown.capped_by == Cap::Generic {
        out.push_str(&format!(
            "Few of its words are its own: most are generic or the question's, with no mechanism \
             stated, so the score is held at {:.1}. ",
            p.breakdown.cap
        ));
    }
    if p.keyword_list {
        out.push_str(&format!(
            "It lists terms without saying how they work or fit together, so the score is held at {:.1}. ",
            p.breakdown.cap.min(super::KEYWORD_LIST_CAP)
        ));
    } else if p.breakdown.capped_by == Cap::Content && p.breakdown.raw > p.breakdown.cap {
        out.push_str(&format!(
            "The score is held at {:.1} because the answer states too few of the key ideas. ",
            p.breakdown.cap
        ));
    }
    let present: Vec<&str> = p
        .structure
        .components
        .iter()
        .filter(|c| c.credit >= 0.75)
        .map(|c| c.name())
        .collect();
    let absent: Vec<&str> = p
        .structure
        .components
        .iter()
        .filter(|c| c.credit < 0.75)
        .map(|c| c.name())
        .collect();
    out.push_str(&format!(
        "As a {} answer it {}{}. ",
        type_name(p.kind),
        if present.is_empty() {
            "shows little of the expected structure".to_owned()
        } else {
            format!("has {}", list(&present))
        },
        if absent.is_empty() {
            String::new()
        } else {
            format!(" but lacks {}", list(&absent))
        }
    ));
    if p.generic_story {
        out.push_str("It describes what you usually do rather than one specific situation. ");
    }
    if p.rubric.confidence() == Confidence::Low {
        out.push_str(
            "No rubric came with this question, so it was scored against one derived from its \
             wording (low confidence).",
        );
    }
    out.trim_end().to_owned()
}

/// What was good, quoting the span that shows it. A key point is praised when two of its
/// terms show it (one may be a passing mention, which still earns its credit).
pub(super) fn strengths(p: &Parts<'_>) -> Vec<String> {
    let mut out: Vec<String> = p
        .coverage
        .covered()
        .filter(|c| c.terms_stated >= 2)
        .map(|c| format!("States {}{}", c.point(), quoted(p.answer, c.evidence)))
        .take(4)
        .collect();
    // A structure cue is praised only where its sentence says something concrete.
    for component in p.structure.components.iter().filter(|c| c.credit >= 0.75) {
        let Some(evidence) = component.evidence else {
            continue;
        };
        let grounded = sentence_at(p, evidence.0).is_some_and(|i| {
            p.sentences.get(i).is_some_and(|s| {
                s.shape == Shape::Statement
                    && (s.specific || p.coverage.points.iter().any(|c| c.sentence == Some(i)))
            })
        });
        if grounded {
            out.push(format!(
                "{}{}",
                component.component.found,
                quoted(p.answer, Some(evidence))
            ));
        }
    }
    if p.specificity.ratio() >= 0.6
        && p.raised.is_empty()
        && let Some(evidence) = p.specificity.evidence
    {
        out.push(format!(
            "Specific and concrete{}",
            quoted(p.answer, Some(evidence))
        ));
    }
    if p.clarity.ratio() >= 0.8 && p.breakdown.filler_share < FILLER_NOTED {
        out.push("Clear, well-signposted sentences".to_owned());
    }
    out.truncate(MAX_LIST);
    out
}

/// What a better answer adds, most important first.
pub(super) fn improvements(p: &Parts<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for raised in p.raised {
        out.push(format!("Correct this: {}", raised.flag.correction()));
    }
    if p.off_topic_story
        && let Some(topic) = &p.rubric.topic
    {
        out.push(format!(
            "Tell a story that answers the question: {}.",
            topic.about()
        ));
    }
    if p.keyword_list {
        out.push(
            "Explain, don't list: say how each piece works, why you chose it, and how the pieces connect."
                .to_owned(),
        );
    }
    if p.generic_story {
        out.push(
            "Tell one specific story (when, who, what you did, what changed) instead of what you usually do."
                .to_owned(),
        );
    }
    let missing: Vec<&PointCoverage> = p
        .coverage
        .missing()
        .into_iter()
        .filter(|c| names_an_idea(p, c))
        .collect();
    out.extend(missing.iter().map(|c| match c.key_point.idea() {
        Some(idea) => format!("Add: {idea}"),
        None if p.rubric.origin == RubricOrigin::Derived => {
            format!("Make sure it answers {}", point_name(p, c))
        }
        None => {
            let terms = c.key_point.terms();
            if terms.is_empty() {
                format!("Address {}", c.point())
            } else {
                format!(
                    "Address {} (e.g. mention {})",
                    c.point(),
                    terms[..terms.len().min(2)].join(" or ")
                )
            }
        }
    }));
    if p.breakdown.filler_share >= FILLER_NOTED {
        out.push(format!(
            "Cut the generic sentences{}: say what you would do, how it works and why.",
            quoted(p.answer, first_filler(p))
        ));
    }
    let mut gaps: Vec<_> = p
        .structure
        .components
        .iter()
        .filter(|c| c.credit < 0.75)
        .collect();
    gaps.sort_by(|a, b| {
        let gap = |c: &&super::structure::ComponentMatch| c.component.weight * (1.0 - c.credit);
        gap(b).total_cmp(&gap(a))
    });
    out.extend(gaps.iter().take(2).map(|c| c.component.missing.clone()));
    if p.specificity.ratio() < 0.3 {
        out.push(
            "Add specifics: numbers with units, a named technology, or a concrete example."
                .to_owned(),
        );
    }
    if p.clarity.ratio() < 0.5 {
        out.push(
            "Make it easier to follow: shorter sentences and signposts (first, then, because, finally)."
                .to_owned(),
        );
    }
    if !missing.is_empty() && p.breakdown.words * 2 < p.breakdown.target_words {
        let names: Vec<String> = missing.iter().take(2).map(|c| point_name(p, c)).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        out.push(format!(
            "Develop the answer: it has {} words and leaves out {}.",
            p.breakdown.words,
            list(&names)
        ));
    }
    out.truncate(MAX_IMPROVEMENTS);
    out
}
