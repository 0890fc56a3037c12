//! The rubric an answer is scored against: key points with the terms that show each one is
//! covered. It comes from the request, else from the bank question, else it is derived from
//! the question text and hints.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, LazyLock, RwLock},
};

use interview_coach_proto::common::v1 as pb;

use crate::{bank::Bank, scoring::text};

/// Longest key point name accepted.
pub const MAX_POINT_CHARS: usize = 300;
/// Most terms per key point.
pub const MAX_TERMS: usize = 20;
/// Longest term accepted.
pub const MAX_TERM_CHARS: usize = 100;

/// One point a good answer covers and the words that show it (validated: a non-empty
/// point, 1 to 20 terms, each with at least one word), compiled for matching. Cheap to
/// clone (shared).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPoint(Arc<Compiled>);

#[derive(Debug, PartialEq, Eq)]
struct Compiled {
    point: String,
    terms: Vec<String>,
    /// The terms compiled to stems.
    patterns: Vec<text::TermPattern>,
    /// The stems of the point's own content words.
    own_stems: HashSet<String>,
}

/// Key points already compiled, by their point and terms as received. The session service
/// sends a question's key points with every answer to it, and compiling them (tokenizing
/// and stemming every term) was a tenth of the evaluation service's CPU per answer. Bounded:
/// at [`KEY_POINT_MEMO`] entries it starts again from empty.
type Memo = HashMap<(String, Vec<String>), KeyPoint>;
static COMPILED: LazyLock<RwLock<Memo>> = LazyLock::new(RwLock::default);
const KEY_POINT_MEMO: usize = 10_000;

/// Why a key point is not acceptable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyPointError {
    /// Empty or too long name.
    #[error("point must be 1 to {MAX_POINT_CHARS} characters")]
    Point,
    /// No usable term, too many, or one too long.
    #[error(
        "terms must be 1 to {MAX_TERMS} words or phrases of at most {MAX_TERM_CHARS} characters"
    )]
    Terms,
}

impl KeyPoint {
    /// Validates a point and its terms (terms are trimmed and lower-cased) and compiles
    /// them, or takes them from the memo of those already compiled.
    pub fn new(point: &str, terms: &[String]) -> Result<Self, KeyPointError> {
        let key = (point.to_owned(), terms.to_vec());
        if let Some(known) = COMPILED
            .read()
            .ok()
            .and_then(|memo| memo.get(&key).cloned())
        {
            return Ok(known);
        }
        let compiled = Self::compile(point, terms)?;
        if let Ok(mut memo) = COMPILED.write() {
            if memo.len() >= KEY_POINT_MEMO {
                memo.clear();
            }
            memo.insert(key, compiled.clone());
        }
        Ok(compiled)
    }

    fn compile(point: &str, terms: &[String]) -> Result<Self, KeyPointError> {
        let point = point.trim();
        if point.is_empty() || point.chars().count() > MAX_POINT_CHARS {
            return Err(KeyPointError::Point);
        }
        if terms.is_empty()
            || terms.len() > MAX_TERMS
            || terms.iter().any(|t| t.chars().count() > MAX_TERM_CHARS)
        {
            return Err(KeyPointError::Terms);
        }
        let terms: Vec<String> = terms.iter().map(|t| t.trim().to_lowercase()).collect();
        let patterns = terms
            .iter()
            .map(|t| text::TermPattern::new(t))
            .collect::<Option<Vec<_>>>()
            .ok_or(KeyPointError::Terms)?;
        Ok(Self(Arc::new(Compiled {
            own_stems: text::content_stems(&text::tokenize(point)),
            point: point.to_owned(),
            terms,
            patterns,
        })))
    }

    /// The terms, compiled.
    pub fn patterns(&self) -> &[text::TermPattern] {
        &self.0.patterns
    }

    /// The stems of the point's own content words.
    pub fn own_stems(&self) -> &HashSet<String> {
        &self.0.own_stems
    }

    /// The point's name.
    pub fn point(&self) -> &str {
        &self.0.point
    }

    /// The terms that show it.
    pub fn terms(&self) -> &[String] {
        &self.0.terms
    }

    /// On the wire.
    pub fn to_proto(&self) -> pb::KeyPoint {
        pb::KeyPoint {
            point: self.0.point.clone(),
            terms: self.0.terms.clone(),
        }
    }
}

/// Where a rubric came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RubricOrigin {
    /// The caller sent the key points.
    Request,
    /// The bank question with this id.
    Bank(String),
    /// Derived from the question text and hints (weaker: weighs structure more).
    Derived,
}

/// Key points with their origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rubric {
    /// What a good answer covers.
    pub points: Vec<KeyPoint>,
    /// Where they came from.
    pub origin: RubricOrigin,
}

impl Rubric {
    /// The rubric for a question: the request's key points if any; else the bank question
    /// with `question_key`, or whose text is exactly `question`; else derived.
    pub fn resolve(
        requested: Vec<KeyPoint>,
        question_key: Option<&str>,
        question: &str,
        hints: &[String],
        bank: &Bank,
    ) -> Self {
        if !requested.is_empty() {
            return Self {
                points: requested,
                origin: RubricOrigin::Request,
            };
        }
        let from_bank = question_key
            .and_then(|key| bank.by_key(key))
            .or_else(|| bank.by_text(question));
        match from_bank {
            Some(q) => Self {
                points: q.key_points.clone(),
                origin: RubricOrigin::Bank(q.id.clone()),
            },
            None => Self::derived(question, hints),
        }
    }

    /// A rubric made of the question's and hints' content words and bigrams: one point per
    /// hint, and the question's subject in groups of three words.
    pub fn derived(question: &str, hints: &[String]) -> Self {
        let mut points = Vec::new();
        for hint in hints {
            let terms = content_terms(hint);
            if let Ok(point) = KeyPoint::new(&truncate(hint, 80), &terms) {
                points.push(point);
            }
        }
        let words = content_words(question);
        for chunk in words.chunks(3).take(4) {
            let mut terms: Vec<String> = chunk.to_vec();
            terms.extend(
                bigrams(question)
                    .into_iter()
                    .filter(|b| chunk.iter().any(|w| b.contains(w.as_str()))),
            );
            terms.truncate(MAX_TERMS);
            if let Ok(point) = KeyPoint::new(&format!("addresses {}", chunk.join(", ")), &terms) {
                points.push(point);
            }
        }
        Self {
            points,
            origin: RubricOrigin::Derived,
        }
    }
}

/// Words a question uses to ask, not to name its subject.
const ASKING_WORDS: &[&str] = &[
    "approach",
    "between",
    "describe",
    "design",
    "difference",
    "discuss",
    "example",
    "explain",
    "handle",
    "happened",
    "implement",
    "question",
    "situation",
    "tell",
    "time",
    "walk",
    "want",
    "work",
    "worked",
    "write",
];

fn content_words(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    text::tokenize(text)
        .into_iter()
        .filter(|t| t.is_content() && !t.is_number() && t.word.len() > 3)
        .filter(|t| !ASKING_WORDS.contains(&t.word.as_str()))
        .filter(|t| seen.insert(t.stem.clone()))
        .map(|t| t.word)
        .collect()
}

fn bigrams(text: &str) -> Vec<String> {
    let tokens = text::tokenize(text);
    tokens
        .windows(2)
        .filter(|w| w.iter().all(|t| t.is_content() && !t.is_number()))
        .filter(|w| w[1].start - w[0].end <= 2)
        .map(|w| format!("{} {}", w[0].word, w[1].word))
        .collect()
}

fn content_terms(text: &str) -> Vec<String> {
    let mut terms = bigrams(text);
    terms.extend(content_words(text));
    terms.truncate(MAX_TERMS);
    terms
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.trim().to_owned()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>().trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_points_need_a_name_and_usable_terms() {
        assert!(KeyPoint::new("complexity", &["O(n)".into()]).is_ok());
        assert_eq!(KeyPoint::new(" ", &["x".into()]), Err(KeyPointError::Point));
        assert_eq!(KeyPoint::new("p", &[]), Err(KeyPointError::Terms));
        assert_eq!(
            KeyPoint::new("p", &["--".into()]),
            Err(KeyPointError::Terms)
        );
        let terms = KeyPoint::new("p", &[" Hash Map ".into()]).unwrap();
        assert_eq!(terms.terms(), ["hash map"]);
    }

    #[test]
    fn remembered_key_points_are_the_compiled_ones() {
        let terms = vec!["Caching".to_owned(), "hash map".to_owned()];
        let first = KeyPoint::new("Uses a cache", &terms).unwrap();
        let again = KeyPoint::new("Uses a cache", &terms).unwrap();
        assert!(Arc::ptr_eq(&first.0, &again.0), "from the memo");
        assert_eq!(first, KeyPoint::compile("Uses a cache", &terms).unwrap());
        assert_eq!(first.patterns().len(), 2);
        assert!(first.own_stems().contains("cach"));
        // A refused key point is refused every time (nothing is remembered for it).
        for _ in 0..2 {
            assert_eq!(
                KeyPoint::new("p", &["--".into()]),
                Err(KeyPointError::Terms)
            );
        }
    }

    #[test]
    fn derived_rubric_uses_hints_and_question_subject() {
        let rubric = Rubric::derived(
            "Explain how a bloom filter answers membership queries with false positives.",
            &["Think about the hash functions and the bit array.".to_owned()],
        );
        assert_eq!(rubric.origin, RubricOrigin::Derived);
        assert!(rubric.points.len() >= 2, "{rubric:?}");
        let all_terms: Vec<&String> = rubric.points.iter().flat_map(|p| p.terms()).collect();
        assert!(
            all_terms.iter().any(|t| t.as_str() == "bloom filter"),
            "{all_terms:?}"
        );
        assert!(
            all_terms.iter().any(|t| t.as_str() == "bit array"),
            "{all_terms:?}"
        );
        assert!(!all_terms.iter().any(|t| t.as_str() == "explain"));
    }
}
