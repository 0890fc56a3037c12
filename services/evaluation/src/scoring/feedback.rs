//! Turns the measured parts into feedback a candidate can act on: strengths that name what
//! was found (quoting short spans of the answer), improvements that name what was missing.

use interview_coach_common::domain::InterviewType;

use super::{
    Breakdown, MAX_LIST,
    coverage::Coverage,
    specificity::{Clarity, Specificity},
    structure::Structure,
    text,
};
use crate::score::Score;

/// Longest quote, in characters.
const QUOTE_CHARS: usize = 60;

/// What the feedback is made from.
pub(super) struct Parts<'a> {
    pub kind: InterviewType,
    pub answer: &'a str,
    pub score: Score,
    pub coverage: &'a Coverage,
    pub structure: &'a Structure,
    pub specificity: &'a Specificity,
    pub clarity: &'a Clarity,
    pub breakdown: &'a Breakdown,
    pub capped: bool,
    pub keyword_list: bool,
    pub generic_story: bool,
}

fn quoted(answer: &str, range: Option<(usize, usize)>) -> String {
    match range {
        Some((start, end)) => format!(" (\"{}\")", text::quote(answer, start, end, QUOTE_CHARS)),
        None => String::new(),
    }
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

/// A few sentences: overall verdict, coverage, structure, concreteness.
pub(super) fn summary(p: &Parts<'_>) -> String {
    let score = p.score.as_f64();
    let verdict = match score {
        s if s < 3.0 => "a weak answer",
        s if s < 5.5 => "a partial answer",
        s if s < 7.5 => "a solid answer",
        _ => "a strong answer",
    };
    let total = p.coverage.points.len();
    let covered: Vec<&str> = p.coverage.covered().map(|c| c.point.as_str()).collect();
    let missing: Vec<&str> = p
        .coverage
        .missing()
        .map(|c| c.point.as_str())
        .take(3)
        .collect();
    let mut out = format!("Scored {score:.1}/10: {verdict}. ");
    if total > 0 {
        out.push_str(&format!(
            "It covers {} of {total} key points{}",
            covered.len(),
            if covered.is_empty() {
                String::new()
            } else {
                format!(
                    " ({})",
                    list(&covered.iter().take(3).copied().collect::<Vec<_>>())
                )
            }
        ));
        if missing.is_empty() {
            out.push_str(". ");
        } else {
            out.push_str(&format!("; missing: {}. ", list(&missing)));
        }
    }
    let present: Vec<&str> = p
        .structure
        .components
        .iter()
        .filter(|c| c.credit >= 0.75)
        .map(|c| c.name)
        .collect();
    let absent: Vec<&str> = p
        .structure
        .components
        .iter()
        .filter(|c| c.credit < 0.75)
        .map(|c| c.name)
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
    if p.specificity.ratio() >= 0.6 {
        out.push_str("It is concrete, with specific details. ");
    } else if p.specificity.ratio() < 0.3 {
        out.push_str("It stays general; specific numbers or examples would strengthen it. ");
    }
    if p.breakdown.words * 2 < p.breakdown.target_words {
        out.push_str("It is brief for the question. ");
    }
    if p.keyword_list {
        out.push_str(&format!(
            "It lists terms without explaining how they fit together, so the score is held at {:.1}. ",
            p.breakdown.cap
        ));
    } else if p.capped {
        out.push_str(&format!(
            "The score is held at {:.1} because the answer covers too few key points. ",
            p.breakdown.cap
        ));
    }
    if p.generic_story {
        out.push_str("It describes what you usually do rather than one specific situation.");
    }
    out.trim_end().to_owned()
}

/// What was found, quoting the answer.
pub(super) fn strengths(p: &Parts<'_>) -> Vec<String> {
    let mut out: Vec<String> = p
        .coverage
        .covered()
        .map(|c| format!("Covers {}{}", c.point, quoted(p.answer, c.evidence)))
        .take(4)
        .collect();
    for component in p.structure.components.iter().filter(|c| c.credit >= 0.75) {
        out.push(format!(
            "{}{}",
            component.found,
            quoted(p.answer, component.evidence)
        ));
    }
    if p.specificity.ratio() >= 0.6 {
        out.push(format!(
            "Specific and concrete{}",
            quoted(p.answer, p.specificity.evidence)
        ));
    }
    if p.clarity.ratio() >= 0.8 {
        out.push("Clear, well-signposted sentences".to_owned());
    }
    out.truncate(MAX_LIST);
    out
}

/// What was missing, most valuable first.
pub(super) fn improvements(p: &Parts<'_>) -> Vec<String> {
    let mut out = Vec::new();
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
    out.extend(
        p.coverage
            .missing()
            .map(|c| {
                if c.example_terms.is_empty() {
                    format!("Address {}", c.point)
                } else {
                    format!(
                        "Address {} (e.g. mention {})",
                        c.point,
                        c.example_terms.join(" or ")
                    )
                }
            })
            .take(4),
    );
    let mut missing_parts: Vec<_> = p
        .structure
        .components
        .iter()
        .filter(|c| c.credit < 1.0)
        .collect();
    missing_parts.sort_by(|a, b| {
        let gap = |c: &&super::structure::ComponentMatch| c.weight * (1.0 - c.credit);
        gap(b).total_cmp(&gap(a))
    });
    out.extend(missing_parts.iter().take(3).map(|c| c.missing.to_owned()));
    if p.specificity.ratio() < 0.4 {
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
    if p.breakdown.words * 2 < p.breakdown.target_words {
        out.push(format!(
            "Develop the answer further: it has {} words; a full answer here runs to about {}.",
            p.breakdown.words, p.breakdown.target_words
        ));
    }
    out.truncate(MAX_LIST);
    out
}
