//! Key-point coverage: which rubric points the answer covers, by term (synonyms and word
//! forms through stems) or, for half credit, by most of the point's own words.

use std::collections::HashSet;

use super::text::Token;
use crate::rubric::Rubric;

/// How one key point fared.
#[derive(Clone, Debug, PartialEq)]
pub struct PointCoverage {
    /// The point's name.
    pub point: String,
    /// 1.0 when a term was found, 0.5 when most of the point's own words were, else 0.
    pub credit: f64,
    /// Distinct terms found.
    pub terms_found: usize,
    /// Byte range of the first evidence in the answer.
    pub evidence: Option<(usize, usize)>,
    /// The first two terms, to suggest when the point is missing.
    pub example_terms: Vec<String>,
}

/// Coverage of a whole rubric.
#[derive(Clone, Debug, PartialEq)]
pub struct Coverage {
    /// Per point, in rubric order.
    pub points: Vec<PointCoverage>,
}

impl Coverage {
    /// Share of the rubric covered, 0..=1 (0 for an empty rubric).
    pub fn ratio(&self) -> f64 {
        if self.points.is_empty() {
            return 0.0;
        }
        self.points.iter().map(|p| p.credit).sum::<f64>() / self.points.len() as f64
    }

    /// Points with any credit.
    pub fn touched(&self) -> usize {
        self.points.iter().filter(|p| p.credit > 0.0).count()
    }

    /// Points with full credit.
    pub fn covered(&self) -> impl Iterator<Item = &PointCoverage> {
        self.points.iter().filter(|p| p.credit >= 1.0)
    }

    /// Points with no full credit.
    pub fn missing(&self) -> impl Iterator<Item = &PointCoverage> {
        self.points.iter().filter(|p| p.credit < 1.0)
    }
}

/// Measures how much of `rubric` the answer's `tokens` cover.
pub fn measure(rubric: &Rubric, tokens: &[Token]) -> Coverage {
    let answer_stems: HashSet<&str> = tokens.iter().map(|t| t.stem.as_str()).collect();
    let points = rubric
        .points
        .iter()
        .map(|key_point| {
            let hits: Vec<(usize, usize)> = key_point
                .patterns()
                .iter()
                .filter_map(|p| p.find(tokens))
                .collect();
            let evidence = hits
                .iter()
                .min_by_key(|h| h.0)
                .map(|&(from, to)| (tokens[from].start, tokens[to - 1].end));
            let own = key_point.own_stems();
            let own_found = own
                .iter()
                .filter(|s| answer_stems.contains(s.as_str()))
                .count();
            let credit = if !hits.is_empty() {
                1.0
            } else if own.len() >= 2 && own_found * 5 >= own.len() * 3 {
                0.5
            } else {
                0.0
            };
            PointCoverage {
                point: key_point.point().to_owned(),
                credit,
                terms_found: hits.len(),
                evidence,
                example_terms: key_point.terms().iter().take(2).cloned().collect(),
            }
        })
        .collect();
    Coverage { points }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rubric::{KeyPoint, RubricOrigin};
    use crate::scoring::text;

    fn rubric() -> Rubric {
        Rubric {
            points: vec![
                KeyPoint::new(
                    "hash map of seen values",
                    &["hash map".into(), "dictionary".into()],
                )
                .unwrap(),
                KeyPoint::new("linear time", &["o(n)".into(), "linear".into()]).unwrap(),
                KeyPoint::new(
                    "edge cases duplicates",
                    &["duplicate".into(), "edge case".into()],
                )
                .unwrap(),
            ],
            origin: RubricOrigin::Request,
        }
    }

    #[test]
    fn terms_word_forms_and_own_words_count() {
        let answer =
            "Keep a hashmap of values seen so far; this runs in O(n). Duplicated values need care.";
        let coverage = measure(&rubric(), &text::tokenize(answer));
        assert_eq!(
            coverage.points.iter().map(|p| p.credit).collect::<Vec<_>>(),
            [1.0, 1.0, 1.0]
        );
        let (start, end) = coverage.points[0].evidence.unwrap();
        assert_eq!(&answer[start..end], "hashmap");
        assert!((coverage.ratio() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn missing_points_get_nothing() {
        let coverage = measure(
            &rubric(),
            &text::tokenize("I would sort the array and use two pointers."),
        );
        assert_eq!(coverage.touched(), 0);
        assert_eq!(coverage.missing().count(), 3);
    }
}
