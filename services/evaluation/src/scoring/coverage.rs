//! Key-point coverage: which of the rubric's ideas the answer states. An idea counts once,
//! however many of its terms (synonyms, word forms, paraphrases) appear; it counts fully
//! when stated in a sentence, little when it only appears in a list of terms, and for half
//! when most of the point's own words are there instead of one of its terms. Points are
//! weighted by the rubric (the core ideas weigh most).

use foldhash::HashSet;

use super::sentences::Shape;

use crate::analysis::text::{Match, Text};
use crate::domain::rubric::{KeyPoint, Rubric};

/// Credit for an idea found only in fragments (keyword salad).
pub const FRAGMENT_CREDIT: f64 = 0.35;
/// Credit for an idea shown by most of the point's own words rather than a term.
pub const OWN_WORDS_CREDIT: f64 = 0.5;
/// Credit for a term made only of the question's own words in a sentence without substance
/// of its own: repeating "TTL" and "eviction" from a question about a cache with TTL and
/// eviction states no idea; "TTL: each entry keeps its expiry time, checked on read" does.
pub const ECHO_CREDIT: f64 = 0.25;
/// The same term in a sentence with substance of its own: said about, not named.
pub const ECHO_WITH_SUBSTANCE_CREDIT: f64 = 0.6;
/// A filler phrase in the sentence ("follow best practices for eviction") halves what its
/// terms earn.
pub const FILLER_FACTOR: f64 = 0.5;

/// How one key point fared.
#[derive(Clone, Debug, PartialEq)]
pub struct PointCoverage {
    /// The point.
    pub key_point: KeyPoint,
    /// 0..=1: 1 stated, [`FRAGMENT_CREDIT`] only listed, [`OWN_WORDS_CREDIT`] by its own
    /// words, 0 absent.
    pub credit: f64,
    /// Byte range of the evidence in the answer.
    pub evidence: Option<(usize, usize)>,
    /// The sentence of the evidence.
    pub sentence: Option<usize>,
    /// How many of its terms appear where they earn full credit: one can be a passing
    /// mention, two are a statement of the idea worth praising.
    pub terms_stated: usize,
}

impl PointCoverage {
    /// The point's name.
    pub fn point(&self) -> &str {
        self.key_point.point()
    }
}

/// Coverage of a whole rubric.
#[derive(Clone, Debug, PartialEq)]
pub struct Coverage {
    /// Per point, in rubric order.
    pub points: Vec<PointCoverage>,
}

impl Coverage {
    /// Weighted share of the rubric covered, 0..=1 (0 for an empty rubric).
    pub fn ratio(&self) -> f64 {
        let total: f64 = self
            .points
            .iter()
            .map(|p| f64::from(p.key_point.weight()))
            .sum();
        if total == 0.0 {
            return 0.0;
        }
        self.points
            .iter()
            .map(|p| f64::from(p.key_point.weight()) * p.credit)
            .sum::<f64>()
            / total
    }

    /// Points with any credit.
    pub fn touched(&self) -> usize {
        self.points.iter().filter(|p| p.credit > 0.0).count()
    }

    /// Points stated (full credit).
    pub fn covered(&self) -> impl Iterator<Item = &PointCoverage> {
        self.points.iter().filter(|p| p.credit >= 1.0)
    }

    /// Points not stated, most important first (then in rubric order).
    pub fn missing(&self) -> Vec<&PointCoverage> {
        let mut missing: Vec<&PointCoverage> =
            self.points.iter().filter(|p| p.credit < 1.0).collect();
        missing.sort_by_key(|p| std::cmp::Reverse(p.key_point.weight()));
        missing
    }

    /// The sentences that hold evidence that earned more than an echo of the question.
    pub fn sentences(&self) -> HashSet<usize> {
        self.points
            .iter()
            .filter(|p| p.credit > ECHO_CREDIT)
            .filter_map(|p| p.sentence)
            .collect()
    }
}

/// What the answer around a match is like.
pub struct Context<'a> {
    /// Statement or fragment, per sentence.
    pub shapes: &'a [Shape],
    /// Sentences with a filler phrase.
    pub filler_phrases: &'a HashSet<usize>,
    /// Content stems of the question and its hints.
    pub question: &'a HashSet<String>,
    /// Substance per sentence (see [`super::sentences::substance`]).
    pub substance: &'a [usize],
}

impl Context<'_> {
    /// True when every word of the match is one of the question's.
    fn is_echo(&self, text: &Text, m: &Match) -> bool {
        text.tokens()[m.first..=m.last]
            .iter()
            .filter(|t| t.is_content())
            .all(|t| self.question.contains(&t.stem))
    }

    /// What a match earns.
    fn credit(&self, text: &Text, m: &Match) -> f64 {
        let shape = if self.shapes.get(m.sentence) == Some(&Shape::Statement) {
            1.0
        } else {
            FRAGMENT_CREDIT
        };
        let hollow = self
            .substance
            .get(m.sentence)
            .is_none_or(|&n| n < super::sentences::MIN_SUBSTANCE);
        let own = match (self.is_echo(text, m), hollow) {
            (false, _) => 1.0,
            (true, true) => ECHO_CREDIT,
            (true, false) => ECHO_WITH_SUBSTANCE_CREDIT,
        };
        let filler = if self.filler_phrases.contains(&m.sentence) {
            FILLER_FACTOR
        } else {
            1.0
        };
        shape.min(own) * filler
    }
}

/// The best evidence of `point` and what it earns (the match that earns most, the first
/// of those), and how many of its terms earn full credit.
fn best_match(
    point: &KeyPoint,
    text: &Text,
    context: &Context<'_>,
) -> (Option<(Match, f64)>, usize) {
    let mut best: Option<(Match, f64)> = None;
    let mut stated = 0;
    for pattern in point.patterns() {
        let full = pattern.find_where(text, |m| {
            let credit = context.credit(text, m);
            let better = best.is_none_or(|(b, c)| credit > c || (credit == c && m.first < b.first));
            if better {
                best = Some((*m, credit));
            }
            // A full-credit match is as good as this pattern gets.
            credit >= 1.0
        });
        stated += usize::from(full.is_some());
    }
    (best, stated)
}

/// Measures how much of `rubric` the answer covers.
pub fn measure(rubric: &Rubric, text: &Text, context: &Context<'_>) -> Coverage {
    let shapes = context.shapes;
    let stated_stems: HashSet<&str> = text
        .tokens()
        .iter()
        .filter(|t| shapes.get(t.sentence) == Some(&Shape::Statement))
        .map(|t| t.stem.as_str())
        .collect();
    let points = rubric
        .points
        .iter()
        .map(|key_point| {
            let (found, terms_stated) = best_match(key_point, text, context);
            let own = key_point.own_stems();
            let own_found = own
                .iter()
                .filter(|s| stated_stems.contains(s.as_str()) && !context.question.contains(*s))
                .count();
            let by_own_words = own.len() >= 2 && own_found * 5 >= own.len() * 3;
            let term_credit = found.map_or(0.0, |(_, c)| c);
            let credit = if by_own_words {
                term_credit.max(OWN_WORDS_CREDIT)
            } else {
                term_credit
            };
            PointCoverage {
                key_point: key_point.clone(),
                credit,
                evidence: found.map(|(m, _)| text.bytes(&m)),
                sentence: found.map(|(m, _)| m.sentence),
                terms_stated,
            }
        })
        .collect();
    Coverage { points }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        domain::rubric::{KeyPointSource, RubricOrigin},
        scoring::sentences,
    };

    fn point(name: &str, terms: &[&str], weight: u32) -> KeyPoint {
        KeyPoint::from_source(KeyPointSource {
            point: name.into(),
            terms: terms.iter().map(|t| (*t).to_owned()).collect(),
            weight,
            ..KeyPointSource::default()
        })
        .unwrap()
    }

    fn rubric() -> Rubric {
        Rubric::from_points(
            vec![
                point("hash map of seen values", &["hash map", "dictionary"], 3),
                point("linear time", &["o(n)", "linear"], 2),
                point("edge cases duplicates", &["duplicate", "edge case"], 1),
            ],
            RubricOrigin::Request,
        )
    }

    fn coverage_of(answer: &str, question: &str) -> Coverage {
        let text = Text::new(answer);
        let shapes = sentences::basic_shapes(answer, &text);
        let question =
            crate::analysis::text::content_stems(crate::analysis::text::tokenize(question));
        let context = Context {
            shapes: &shapes,
            filler_phrases: &sentences::filler_phrase_sentences(&text),
            question: &question,
            substance: &sentences::substances(&text, &question),
        };
        measure(&rubric(), &text, &context)
    }

    fn coverage(answer: &str) -> Coverage {
        coverage_of(answer, "Find two numbers that sum to a target.")
    }

    #[test]
    fn terms_word_forms_and_own_words_count_once_per_idea() {
        let answer = "Keep a hashmap of values seen so far, and a dictionary too; this runs in O(n). \
                      Duplicated values need care.";
        let coverage = coverage(answer);
        assert_eq!(
            coverage.points.iter().map(|p| p.credit).collect::<Vec<_>>(),
            [1.0, 1.0, 1.0]
        );
        let (start, end) = coverage.points[0].evidence.unwrap();
        assert_eq!(&answer[start..end], "hashmap");
        assert!((coverage.ratio() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn listed_terms_count_little_and_weights_matter() {
        let salad = coverage("Hash map, O(n), duplicates, edge cases.");
        assert!(
            salad.points.iter().all(|p| p.credit == FRAGMENT_CREDIT),
            "{salad:?}"
        );
        let core_only = coverage("I keep every value in a hash map as I go.");
        let minor_only = coverage("I would think about duplicate values in the input.");
        assert!((core_only.ratio() - 0.5).abs() < 1e-9);
        assert!(core_only.ratio() > minor_only.ratio());
        assert_eq!(minor_only.missing()[0].point(), "hash map of seen values");
    }

    #[test]
    fn echoing_the_question_or_wrapping_in_filler_earns_little() {
        let echo = coverage_of(
            "We must handle the duplicate values somehow.",
            "How do you handle duplicate values?",
        );
        assert_eq!(echo.points[2].credit, ECHO_CREDIT);
        let own = coverage_of(
            "A duplicate pair like [3, 3] works because we check before inserting.",
            "Find two numbers that sum to a target.",
        );
        assert_eq!(own.points[2].credit, 1.0);
        let wrapped = coverage("Following best practices, we keep a hash map of the values.");
        assert_eq!(wrapped.points[0].credit, FILLER_FACTOR);
    }

    #[test]
    fn missing_points_get_nothing() {
        let coverage = coverage("I would sort the array and use two pointers.");
        assert_eq!(coverage.touched(), 0);
        assert_eq!(coverage.missing().len(), 3);
    }
}
