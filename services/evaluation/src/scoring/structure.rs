//! Structure expected of each interview type, found through cue terms (the components
//! and their cues are data: `rubric/structure.json`):
//!
//! - behavioral: STAR — situation, task, action, result — with the candidate's own actions
//!   and a measurable result weighted most, plus what was learned;
//! - technical: approach, why it is correct, complexity, edge cases, testing, alternatives;
//! - system design: requirements, estimates, API and components, data model, scaling,
//!   bottlenecks and trade-offs.
//!
//! Cues count only in sentences that say something: a structure word inside generic filler
//! ("we should think about the trade-offs") shows nothing.

use interview_coach_common::domain::InterviewType;

use super::sentences::Sentence;

use crate::analysis::{
    cues::{Component, cues},
    text::{self, Match, Text, Token},
};

/// How one component fared.
#[derive(Clone, Debug, PartialEq)]
pub struct ComponentMatch {
    /// The component.
    pub component: &'static Component,
    /// 0..=1 (partial for a result without a number, or few own actions).
    pub credit: f64,
    /// Byte range of the evidence.
    pub evidence: Option<(usize, usize)>,
}

impl ComponentMatch {
    /// Its name.
    pub fn name(&self) -> &'static str {
        &self.component.name
    }
}

/// The structure of one answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Structure {
    /// Per component.
    pub components: Vec<ComponentMatch>,
}

impl Structure {
    /// Weighted share of the components present, 0..=1.
    pub fn ratio(&self) -> f64 {
        let total: f64 = self.components.iter().map(|c| c.component.weight).sum();
        if total == 0.0 {
            return 0.0;
        }
        self.components
            .iter()
            .map(|c| c.component.weight * c.credit)
            .sum::<f64>()
            / total
    }

    /// The component called `name`, if the type has one.
    pub fn get(&self, name: &str) -> Option<&ComponentMatch> {
        self.components.iter().find(|c| c.name() == name)
    }
}

/// Measures the structure of an answer of type `kind`.
pub fn measure(kind: InterviewType, text: &Text, sentences: &[Sentence]) -> Structure {
    let says = |m: &Match| {
        sentences
            .get(m.sentence)
            .is_some_and(Sentence::says_something)
    };
    // Tokens of the sentences that say something.
    let meant: Vec<&Token> = text
        .tokens()
        .iter()
        .filter(|t| {
            sentences
                .get(t.sentence)
                .is_some_and(Sentence::says_something)
        })
        .collect();
    let components = cues()
        .structure(kind)
        .iter()
        .map(|c| {
            let hits: Vec<Match> = c
                .cues
                .iter()
                .filter_map(|p| p.find_where(text, says))
                .collect();
            let first = hits.iter().min_by_key(|h| h.first).copied();
            let mut evidence = first.map(|m| text.bytes(&m));
            let credit = match (kind, c.name.as_str()) {
                (InterviewType::Behavioral, "action") => action_credit(&meant, hits.len()),
                (InterviewType::Behavioral, "result") => result_credit(text, first),
                (InterviewType::Technical, "complexity") => {
                    match meant.iter().find(|t| t.is_complexity()) {
                        Some(t) => {
                            evidence = Some((t.start, t.end));
                            1.0
                        }
                        None if hits.is_empty() => 0.0,
                        None => 0.75,
                    }
                }
                (InterviewType::SystemDesign, "estimates") => match estimate(&meant) {
                    Some(range) => {
                        evidence = Some(range);
                        1.0
                    }
                    None if hits.is_empty() => 0.0,
                    None => 0.5,
                },
                _ if hits.is_empty() => 0.0,
                _ => 1.0,
            };
            ComponentMatch {
                component: c,
                credit,
                evidence,
            }
        })
        .collect();
    Structure { components }
}

/// A number with a unit or magnitude ("40 writes per second", "600 GB", "10M users"): an
/// estimate, whatever words surround it.
fn estimate(tokens: &[&Token]) -> Option<(usize, usize)> {
    let units = &cues().delivery.units;
    tokens.windows(2).find_map(|w| {
        let unit = |t: &Token| {
            units.contains(&t.word)
                || units.contains(
                    t.word
                        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.'),
                )
        };
        let (number, next) = (w[0], w[1]);
        let suffixed =
            number.is_number() && unit(number) && number.word.chars().any(char::is_alphabetic);
        (suffixed || (number.is_number() && unit(next))).then_some((number.start, next.end))
    })
}

/// Own actions: an "I <verb>" cue, or several first-person statements, count; "we" alone
/// counts for half.
fn action_credit(tokens: &[&Token], cue_hits: usize) -> f64 {
    let first_person = tokens
        .windows(2)
        .filter(|w| w[0].word == "i" && !text::is_stop_word(&w[1].word))
        .count();
    let we = tokens.iter().filter(|t| t.word == "we").count();
    if cue_hits >= 2 || (cue_hits >= 1 && first_person >= 2) || first_person >= 4 {
        1.0
    } else if cue_hits == 1 || first_person >= 2 {
        0.75
    } else if we >= 2 {
        0.5
    } else {
        0.0
    }
}

/// A result counts fully when it is measurable: a number or percentage in the sentence of
/// the first result cue or after it.
fn result_credit(text: &Text, first: Option<Match>) -> f64 {
    let Some(first) = first else {
        return 0.0;
    };
    let measured = text
        .tokens()
        .iter()
        .filter(|t| t.sentence >= first.sentence)
        .any(|t| t.is_number() || matches!(t.word.as_str(), "%" | "percent" | "half" | "twice"));
    if measured { 1.0 } else { 0.5 }
}

#[cfg(test)]
mod tests {
    use foldhash::{HashSet, HashSetExt};

    use super::*;
    use crate::scoring::sentences;

    fn structure(kind: InterviewType, answer: &str) -> Structure {
        let text = Text::new(answer);
        let basic = sentences::basic_shapes(answer, &text);
        let question = HashSet::new();
        let substance = sentences::substances(&text, &question);
        let measured = sentences::measure(answer, &text, &basic, &substance, &HashSet::new());
        measure(kind, &text, &measured)
    }

    fn ratio(kind: InterviewType, answer: &str) -> f64 {
        structure(kind, answer).ratio()
    }

    #[test]
    fn star_with_a_measured_result_beats_a_vague_story() {
        let star = "At my last company our team missed a release deadline. I was responsible for \
                    the checkout service. I proposed splitting the work and I set up daily check-ins. \
                    As a result we shipped two weeks early and errors dropped by 40%. I learned to \
                    raise risks early.";
        let vague = "We had a problem and we worked hard on it and it was fine.";
        assert!(
            ratio(InterviewType::Behavioral, star) > 0.9,
            "{}",
            ratio(InterviewType::Behavioral, star)
        );
        assert!(ratio(InterviewType::Behavioral, vague) < 0.3);
    }

    #[test]
    fn unmeasured_result_gets_half_credit() {
        let s = structure(
            InterviewType::Behavioral,
            "I fixed it and the outcome was good.",
        );
        assert_eq!(s.get("result").unwrap().credit, 0.5);
    }

    #[test]
    fn technical_and_design_cues() {
        let technical = "My approach is a hash map; it is correct because each pair is checked once. \
                         Time complexity is O(n). Edge cases: empty input. I would unit test it, \
                         and the trade-off is memory.";
        let s = structure(InterviewType::Technical, technical);
        assert!(
            s.ratio() > 0.95,
            "{:?}",
            s.components
                .iter()
                .map(|c| (c.name(), c.credit))
                .collect::<Vec<_>>()
        );
        let design = "We clarify requirements first: short links and redirects. Estimate 10k QPS. An API service behind a load balancer, \
                      a Postgres schema, sharding and a cache, and the bottleneck is the write path.";
        assert!(ratio(InterviewType::SystemDesign, design) > 0.95);
        assert!(ratio(InterviewType::SystemDesign, "I like it a lot.") < 0.01);
    }

    #[test]
    fn an_estimate_is_a_number_with_a_unit_and_filler_shows_nothing() {
        let s = structure(
            InterviewType::SystemDesign,
            "About 40 writes per second and 600 GB over ten years.",
        );
        assert_eq!(s.get("estimates").unwrap().credit, 1.0);
        let filler = structure(
            InterviewType::SystemDesign,
            "We should follow best practices and think about the trade-offs and scalability.",
        );
        assert_eq!(filler.get("trade-offs").unwrap().credit, 0.0);
        let complexity = structure(InterviewType::Technical, "Each lookup costs O(log n) here.");
        assert_eq!(complexity.get("complexity").unwrap().credit, 1.0);
    }
}
