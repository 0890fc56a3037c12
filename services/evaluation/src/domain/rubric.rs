//! The rubric an answer is scored against: key points with the terms that show each one,
//! the reference answer, the red flags (common wrong claims, with the terms that detect
//! them) and, for behavioral questions, what the story must be about.
//!
//! Which one applies to a question is the bank's to say (`Bank::rubric_for`).

use std::{
    hash::Hash,
    sync::{Arc, LazyLock, RwLock},
};

use foldhash::{HashMap, HashSet, HashSetExt};

use interview_coach_common::text::is_blank;
use sha2::{Digest, Sha256};

use crate::analysis::{cues::cues, text};

/// How the name of a derived rubric's point made of the question's words begins.
const QUESTION_WORDS_POINT: &str = "addresses ";

/// Longest key point name accepted.
pub const MAX_POINT_CHARS: usize = 300;
/// Most terms per key point, red flag or topic.
pub const MAX_TERMS: usize = 30;
/// Longest term accepted (alternatives make long ones: `took|went|escalated ... straight|directly`).
pub const MAX_TERM_CHARS: usize = 200;
/// Longest idea, follow-up, claim or correction.
pub const MAX_SENTENCE_CHARS: usize = 600;
/// Longest reference answer.
pub const MAX_REFERENCE_CHARS: usize = 4_000;
/// Most red flags per question.
pub const MAX_RED_FLAGS: usize = 10;
/// Highest key-point weight (the core ideas).
pub const MAX_WEIGHT: u32 = 3;

/// A key point as written (bank file or request), before validation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct KeyPointSource {
    /// Its name.
    pub point: String,
    /// What shows it.
    pub terms: Vec<String>,
    /// The concrete sentence a strong answer says (may be empty).
    pub idea: String,
    /// 1 to 3; 0 means 1.
    pub weight: u32,
    /// Asked when the point is missing (may be empty).
    pub follow_up: String,
}

/// One point a good answer covers and the words that show it, validated and compiled for
/// matching. Cheap to clone (shared).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPoint(Arc<CompiledPoint>);

#[derive(Debug, PartialEq, Eq)]
struct CompiledPoint {
    source: KeyPointSource,
    patterns: Vec<text::TermPattern>,
    /// The stems of the point's own content words.
    own_stems: HashSet<String>,
}

/// Why a rubric part is not acceptable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RubricError {
    /// Empty or too long key point name.
    #[error("point must be 1 to {MAX_POINT_CHARS} characters")]
    Point,
    /// No usable term, too many, or one too long.
    #[error(
        "terms must be 1 to {MAX_TERMS} words or phrases of at most {MAX_TERM_CHARS} characters"
    )]
    Terms,
    /// A sentence too long.
    #[error(
        "idea, follow-up, claim and correction must be at most {MAX_SENTENCE_CHARS} characters"
    )]
    Sentence,
    /// A weight out of range.
    #[error("weight must be 1 to {MAX_WEIGHT}")]
    Weight,
    /// A red flag without its claim or correction.
    #[error("a red flag needs a claim and a correction")]
    RedFlag,
    /// A topic without what it is about.
    #[error("a topic needs what it is about")]
    Topic,
}

/// Compiled rubric parts, by their source. The session service sends a question's rubric
/// with every answer to it, and compiling (tokenizing and stemming every term) would
/// otherwise be repeated for each. Bounded: at [`MEMO_ENTRIES`] it starts again from empty.
struct Memo<K, V>(LazyLock<RwLock<HashMap<K, V>>>);
const MEMO_ENTRIES: usize = 10_000;

impl<K: Hash + Eq + Clone, V: Clone> Memo<K, V> {
    const fn new() -> Self {
        Self(LazyLock::new(RwLock::default))
    }

    fn get_or_compile<E>(&self, key: &K, compile: impl FnOnce() -> Result<V, E>) -> Result<V, E> {
        if let Some(known) = self.0.read().ok().and_then(|m| m.get(key).cloned()) {
            return Ok(known);
        }
        let value = compile()?;
        if let Ok(mut memo) = self.0.write() {
            if memo.len() >= MEMO_ENTRIES {
                memo.clear();
            }
            memo.insert(key.clone(), value.clone());
        }
        Ok(value)
    }
}

static KEY_POINTS: Memo<KeyPointSource, KeyPoint> = Memo::new();
static RED_FLAGS: Memo<RedFlagSource, RedFlag> = Memo::new();

fn check_sentence(text: &str) -> Result<(), RubricError> {
    if text.chars().count() > MAX_SENTENCE_CHARS {
        Err(RubricError::Sentence)
    } else {
        Ok(())
    }
}

/// Trims and lower-cases `terms` and compiles them; refused when there are none, too many,
/// or one without words.
fn compile_terms(terms: &[String]) -> Result<(Vec<String>, Vec<text::TermPattern>), RubricError> {
    if terms.is_empty()
        || terms.len() > MAX_TERMS
        || terms.iter().any(|t| t.chars().count() > MAX_TERM_CHARS)
    {
        return Err(RubricError::Terms);
    }
    let terms: Vec<String> = terms.iter().map(|t| t.trim().to_lowercase()).collect();
    let patterns = terms
        .iter()
        .map(|t| text::TermPattern::new(t))
        .collect::<Option<Vec<_>>>()
        .ok_or(RubricError::Terms)?;
    Ok((terms, patterns))
}

impl KeyPoint {
    /// A key point with only a name and terms.
    pub fn new(point: &str, terms: &[String]) -> Result<Self, RubricError> {
        Self::from_source(KeyPointSource {
            point: point.to_owned(),
            terms: terms.to_vec(),
            ..KeyPointSource::default()
        })
    }

    /// Validates `source` (terms are trimmed and lower-cased) and compiles it, or takes it
    /// from the memo of those already compiled.
    pub fn from_source(source: KeyPointSource) -> Result<Self, RubricError> {
        KEY_POINTS.get_or_compile(&source.clone(), || Self::compile(source))
    }

    fn compile(mut source: KeyPointSource) -> Result<Self, RubricError> {
        let point = source.point.trim();
        if is_blank(point) || point.chars().count() > MAX_POINT_CHARS {
            return Err(RubricError::Point);
        }
        check_sentence(&source.idea)?;
        check_sentence(&source.follow_up)?;
        if source.weight > MAX_WEIGHT {
            return Err(RubricError::Weight);
        }
        let (terms, patterns) = compile_terms(&source.terms)?;
        source.point = point.to_owned();
        source.terms = terms;
        source.idea = source.idea.trim().to_owned();
        source.follow_up = source.follow_up.trim().to_owned();
        source.weight = source.weight.max(1);
        Ok(Self(Arc::new(CompiledPoint {
            own_stems: text::content_stems(text::tokenize(&source.point)),
            source,
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
        &self.0.source.point
    }

    /// The terms that show it.
    pub fn terms(&self) -> &[String] {
        &self.0.source.terms
    }

    /// True for a point a derived rubric makes of the question's own words ("addresses
    /// cache, eviction"): it checks that the answer is about the question, and names no idea
    /// an answer could add.
    pub fn is_question_words(&self) -> bool {
        self.0.source.point.starts_with(QUESTION_WORDS_POINT)
    }

    /// The concrete idea, if the rubric says it.
    pub fn idea(&self) -> Option<&str> {
        Some(self.0.source.idea.as_str()).filter(|s| !s.is_empty())
    }

    /// 1 to 3.
    pub fn weight(&self) -> u32 {
        self.0.source.weight
    }

    /// The follow-up question, if the rubric has one.
    pub fn follow_up(&self) -> Option<&str> {
        Some(self.0.source.follow_up.as_str()).filter(|s| !s.is_empty())
    }

    /// As written, validated.
    pub fn source(&self) -> &KeyPointSource {
        &self.0.source
    }
}

/// How bad a red flag is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// A bad practice or a secondary error: the answer is good at best.
    Minor,
    /// A wrong core idea: the answer is fair at best.
    Major,
}

impl Severity {
    /// `major` / `minor`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Major => "major",
            Self::Minor => "minor",
        }
    }

    /// From `major` / `minor`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "major" => Some(Self::Major),
            "minor" => Some(Self::Minor),
            _ => None,
        }
    }
}

/// A red flag as written, before validation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RedFlagSource {
    /// The wrong claim, short.
    pub claim: String,
    /// What is wrong and the right idea.
    pub correction: String,
    /// What detects it.
    pub patterns: Vec<String>,
    /// How bad it is.
    pub severity: Severity,
}

/// A common wrong claim or bad practice for a question, with the terms that detect a
/// candidate stating it. Cheap to clone (shared).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedFlag(Arc<(RedFlagSource, Vec<text::TermPattern>)>);

impl RedFlag {
    /// Validates and compiles `source`, or takes it from the memo.
    pub fn from_source(source: RedFlagSource) -> Result<Self, RubricError> {
        RED_FLAGS.get_or_compile(&source.clone(), || {
            let claim = source.claim.trim().to_owned();
            let correction = source.correction.trim().to_owned();
            if is_blank(&claim) || is_blank(&correction) {
                return Err(RubricError::RedFlag);
            }
            check_sentence(&claim)?;
            check_sentence(&correction)?;
            let (patterns, compiled) = compile_terms(&source.patterns)?;
            Ok(Self(Arc::new((
                RedFlagSource {
                    claim,
                    correction,
                    patterns,
                    severity: source.severity,
                },
                compiled,
            ))))
        })
    }

    /// The wrong claim.
    pub fn claim(&self) -> &str {
        &self.0.0.claim
    }

    /// What is wrong and the right idea.
    pub fn correction(&self) -> &str {
        &self.0.0.correction
    }

    /// How bad it is.
    pub fn severity(&self) -> Severity {
        self.0.0.severity
    }

    /// The detecting terms, compiled.
    pub fn patterns(&self) -> &[text::TermPattern] {
        &self.0.1
    }

    /// As written, validated.
    pub fn source(&self) -> &RedFlagSource {
        &self.0.0
    }
}

/// What a behavioral story must be about, and the words a story on it uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    about: String,
    terms: Vec<String>,
    patterns: Vec<text::TermPattern>,
}

impl Topic {
    /// Validates and compiles a topic.
    pub fn new(about: &str, terms: &[String]) -> Result<Self, RubricError> {
        let about = about.trim();
        if is_blank(about) {
            return Err(RubricError::Topic);
        }
        check_sentence(about)?;
        let (terms, patterns) = compile_terms(terms)?;
        Ok(Self {
            about: about.to_owned(),
            terms,
            patterns,
        })
    }

    /// What the story must be about.
    pub fn about(&self) -> &str {
        &self.about
    }

    /// Words a story on it uses.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// The same, compiled.
    pub fn patterns(&self) -> &[text::TermPattern] {
        &self.patterns
    }
}

/// Where a rubric came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RubricOrigin {
    /// Stored with the question and sent back with the answer (reference answer or red
    /// flags included).
    Question,
    /// The bank question with this id.
    Bank(String),
    /// The caller sent key points only.
    Request,
    /// Derived from the question text and hints (weaker: no reference, no red flags).
    Derived,
}

impl RubricOrigin {
    /// As stored: `question`, `bank`, `key_points`, `derived`.
    pub fn tag(&self) -> &'static str {
        match self {
            Self::Question => "question",
            Self::Bank(_) => "bank",
            Self::Request => "key_points",
            Self::Derived => "derived",
        }
    }
}

/// How much an evaluation can be trusted, from how good its rubric is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    /// The rubric was derived from the question's words.
    Low,
    /// Key points only.
    Medium,
    /// Key points with a reference answer and red flags.
    High,
}

impl Confidence {
    /// `low` / `medium` / `high`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }

    /// From the stored value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "low" => Some(Self::Low),
            "medium" => Some(Self::Medium),
            "high" => Some(Self::High),
            _ => None,
        }
    }
}

/// Everything an answer is scored against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rubric {
    /// What a good answer covers, most important first.
    pub points: Vec<KeyPoint>,
    /// What an excellent answer says.
    pub reference_answer: Option<String>,
    /// Common wrong claims and bad practices.
    pub red_flags: Vec<RedFlag>,
    /// Behavioral: what the story must be about.
    pub topic: Option<Topic>,
    /// Where it came from.
    pub origin: RubricOrigin,
}

/// A rubric's content digest: `r1-` and 32 hex digits of the SHA-256 of its validated
/// parts. The same rubric has the same digest in every process and release, so a question
/// can carry its digest instead of its rubric, and the rubric is stored once however many
/// questions share it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RubricDigest(String);

const DIGEST_PREFIX: &str = "r1-";
const DIGEST_HEX: usize = 32;

impl RubricDigest {
    /// A digest as written by [`Rubric::digest`]; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let hex = text.strip_prefix(DIGEST_PREFIX)?;
        (hex.len() == DIGEST_HEX && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| Self(text.to_owned()))
    }

    /// As written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RubricDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Feeds a rubric's parts to a hash with each field tagged and length-prefixed, so no two
/// different rubrics feed the same bytes.
struct DigestInput(Sha256);

impl DigestInput {
    fn field(&mut self, tag: u8, text: &str) {
        self.0.update([tag]);
        self.0.update((text.len() as u64).to_le_bytes());
        self.0.update(text.as_bytes());
    }

    fn list(&mut self, tag: u8, items: &[String]) {
        self.0.update([tag]);
        self.0.update((items.len() as u64).to_le_bytes());
        for item in items {
            self.field(b's', item);
        }
    }
}

/// The rubric parts a caller sent with an answer (validated).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SentRubric {
    /// Key points.
    pub points: Vec<KeyPoint>,
    /// Reference answer.
    pub reference_answer: Option<String>,
    /// Red flags.
    pub red_flags: Vec<RedFlag>,
    /// Topic.
    pub topic: Option<Topic>,
}

impl SentRubric {
    /// True when it is a whole rubric, not only key points.
    pub fn is_whole(&self) -> bool {
        !self.points.is_empty() && (self.reference_answer.is_some() || !self.red_flags.is_empty())
    }
}

impl Rubric {
    /// Key points only.
    pub fn from_points(points: Vec<KeyPoint>, origin: RubricOrigin) -> Self {
        Self {
            points,
            reference_answer: None,
            red_flags: Vec::new(),
            topic: None,
            origin,
        }
    }

    /// The digest of its content (key points, reference answer, red flags, topic; not its
    /// origin).
    pub fn digest(&self) -> RubricDigest {
        let mut input = DigestInput(Sha256::new());
        input.0.update((self.points.len() as u64).to_le_bytes());
        for point in &self.points {
            let source = point.source();
            input.field(b'p', &source.point);
            input.list(b't', &source.terms);
            input.field(b'i', &source.idea);
            input.field(b'w', &source.weight.to_string());
            input.field(b'f', &source.follow_up);
        }
        input.field(b'r', self.reference_answer.as_deref().unwrap_or_default());
        input.0.update((self.red_flags.len() as u64).to_le_bytes());
        for flag in &self.red_flags {
            let source = flag.source();
            input.field(b'c', &source.claim);
            input.field(b'o', &source.correction);
            input.list(b'n', &source.patterns);
            input.field(b'v', source.severity.as_str());
        }
        if let Some(topic) = &self.topic {
            input.field(b'a', topic.about());
            input.list(b'e', topic.terms());
        }
        let hash = input.0.finalize();
        let hex: String = hash[..DIGEST_HEX / 2]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        RubricDigest(format!("{DIGEST_PREFIX}{hex}"))
    }

    /// How far the evaluation can be trusted.
    pub fn confidence(&self) -> Confidence {
        match self.origin {
            RubricOrigin::Derived => Confidence::Low,
            _ if self.reference_answer.is_some() && !self.red_flags.is_empty() => Confidence::High,
            _ => Confidence::Medium,
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
        let subject = content_words(question);
        for chunk in subject.chunks(3) {
            let mut terms: Vec<String> = chunk.to_vec();
            terms.extend(
                bigrams(question)
                    .into_iter()
                    .filter(|b| chunk.iter().any(|w| b.contains(w.as_str()))),
            );
            terms.truncate(MAX_TERMS);
            let name = format!("{QUESTION_WORDS_POINT}{}", chunk.join(", "));
            if let Ok(point) = KeyPoint::new(&name, &terms) {
                points.push(point);
            }
        }
        Self::from_points(points, RubricOrigin::Derived)
    }
}

fn content_words(text: &str) -> Vec<String> {
    let asking = &cues().asking_words;
    let mut seen = HashSet::new();
    text::tokenize(text)
        .into_iter()
        .filter(|t| t.is_content() && !t.is_number() && t.word.len() > 3)
        .filter(|t| !asking.contains(&t.word))
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
        assert_eq!(KeyPoint::new(" ", &["x".into()]), Err(RubricError::Point));
        assert_eq!(KeyPoint::new("p", &[]), Err(RubricError::Terms));
        assert_eq!(KeyPoint::new("p", &["--".into()]), Err(RubricError::Terms));
        let terms = KeyPoint::new("p", &[" Hash Map ".into()]).unwrap();
        assert_eq!(terms.terms(), ["hash map"]);
        assert_eq!(terms.weight(), 1);
        let heavy = KeyPoint::from_source(KeyPointSource {
            point: "p".into(),
            terms: vec!["x".into()],
            weight: 4,
            ..KeyPointSource::default()
        });
        assert_eq!(heavy, Err(RubricError::Weight));
    }

    #[test]
    fn remembered_key_points_are_the_compiled_ones() {
        let terms = vec!["Caching".to_owned(), "hash map".to_owned()];
        let first = KeyPoint::new("Uses a cache", &terms).unwrap();
        let again = KeyPoint::new("Uses a cache", &terms).unwrap();
        assert!(Arc::ptr_eq(&first.0, &again.0), "from the memo");
        assert_eq!(
            first,
            KeyPoint::compile(KeyPointSource {
                point: "Uses a cache".into(),
                terms: terms.clone(),
                ..KeyPointSource::default()
            })
            .unwrap()
        );
        assert_eq!(first.patterns().len(), 2);
        assert!(first.own_stems().contains("cach"));
        // A refused key point is refused every time (nothing is remembered for it).
        for _ in 0..2 {
            assert_eq!(KeyPoint::new("p", &["--".into()]), Err(RubricError::Terms));
        }
    }

    #[test]
    fn red_flags_need_a_claim_a_correction_and_patterns() {
        let source = |claim: &str, patterns: &[&str]| RedFlagSource {
            claim: claim.into(),
            correction: "A stack is LIFO.".into(),
            patterns: patterns.iter().map(|p| (*p).to_owned()).collect(),
            severity: Severity::Major,
        };
        let flag = RedFlag::from_source(source(" Stacks are FIFO ", &["Stack is FIFO"])).unwrap();
        assert_eq!(flag.claim(), "Stacks are FIFO");
        assert_eq!(flag.source().patterns, ["stack is fifo"]);
        assert_eq!(
            RedFlag::from_source(source("", &["x"])),
            Err(RubricError::RedFlag)
        );
        assert_eq!(
            RedFlag::from_source(source("c", &[])),
            Err(RubricError::Terms)
        );
    }

    #[test]
    fn a_digest_names_the_content_not_the_origin() {
        let point = |name: &str| KeyPoint::new(name, &["queue".to_owned()]).unwrap();
        let rubric = Rubric {
            reference_answer: Some("Two stacks: push onto one, pop from the other.".into()),
            ..Rubric::from_points(vec![point("amortized O(1)")], RubricOrigin::Question)
        };
        let digest = rubric.digest();
        assert_eq!(RubricDigest::parse(digest.as_str()), Some(digest.clone()));
        assert_eq!(digest.as_str().len(), 3 + 32);
        let other_origin = Rubric {
            origin: RubricOrigin::Bank("technical-easy-01".into()),
            ..rubric.clone()
        };
        assert_eq!(other_origin.digest(), digest);
        let other_point = Rubric {
            points: vec![point("amortized O(1) ")],
            ..rubric.clone()
        };
        assert_eq!(
            other_point.digest(),
            digest,
            "validated (trimmed) parts are hashed"
        );
        for changed in [
            Rubric {
                points: vec![point("amortized O(n)")],
                ..rubric.clone()
            },
            Rubric {
                reference_answer: None,
                ..rubric.clone()
            },
            Rubric {
                topic: Some(Topic::new("queues", &["queue".to_owned()]).unwrap()),
                ..rubric.clone()
            },
        ] {
            assert_ne!(changed.digest(), digest, "{changed:?}");
        }
        // A field's bytes never run into the next one's.
        let split = |a: &str, b: &str| Rubric {
            points: vec![KeyPoint::new(a, &[b.to_owned()]).unwrap()],
            ..Rubric::from_points(Vec::new(), RubricOrigin::Question)
        };
        assert_ne!(split("ab", "c").digest(), split("a", "bc").digest());
        for bad in [
            "",
            "r1-",
            "r2-0123456789abcdef0123456789abcdef",
            "r1-0123456789ABCDEF0123456789abcdef",
        ] {
            assert_eq!(RubricDigest::parse(bad), None, "{bad}");
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
