//! The built-in question bank: JSON files embedded in the binary
//! (`services/evaluation/bank/{technical,behavioral,system-design}.json`), parsed and
//! validated at start-up. `bank/README.md` describes the format: per question its text,
//! hints, examples and the rubric (key points, reference answer, red flags, and for
//! behavioral questions the topic).

use foldhash::{HashMap, HashMapExt, HashSet};

use interview_coach_common::domain::{Difficulty, InterviewType};
use serde::Deserialize;

use crate::domain::rubric::{
    KeyPoint, KeyPointSource, RedFlag, RedFlagSource, Rubric, RubricDigest, RubricOrigin,
    SentRubric, Severity, Topic,
};

/// The embedded files, one per type.
const SOURCES: [(InterviewType, &str); 3] = [
    (
        InterviewType::Technical,
        include_str!("../bank/technical.json"),
    ),
    (
        InterviewType::Behavioral,
        include_str!("../bank/behavioral.json"),
    ),
    (
        InterviewType::SystemDesign,
        include_str!("../bank/system-design.json"),
    ),
];

/// Red flags of conduct for questions without a rubric.
const CONDUCT: &str = include_str!("../bank/conduct.json");

/// Questions each type × difficulty must have in the built-in bank.
pub const MIN_PER_CELL: usize = 15;
/// Hints each question must have.
pub const MIN_HINTS: usize = 2;
/// Key points each question must have.
pub const MIN_KEY_POINTS: usize = 4;
/// Red flags each question must have.
pub const MIN_RED_FLAGS: usize = 2;
/// Words of a reference answer.
pub const REFERENCE_WORDS: std::ops::RangeInclusive<usize> = 40..=250;

/// One validated bank question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankQuestion {
    /// `<type>-<difficulty>-NN`, unique.
    pub id: String,
    /// Its type.
    pub interview_type: InterviewType,
    /// Its difficulty.
    pub difficulty: Difficulty,
    /// The question.
    pub text: String,
    /// At least two nudges.
    pub hints: Vec<String>,
    /// Worked examples; may be empty.
    pub examples: Vec<String>,
    /// At least four key points with terms, most important first.
    pub key_points: Vec<KeyPoint>,
    /// What an excellent answer says.
    pub reference_answer: String,
    /// At least two common wrong claims or bad practices.
    pub red_flags: Vec<RedFlag>,
    /// Behavioral questions: what the story must be about.
    pub topic: Option<Topic>,
    /// The digest of its rubric.
    pub digest: RubricDigest,
}

impl BankQuestion {
    /// The question's rubric.
    pub fn rubric(&self) -> Rubric {
        Rubric {
            points: self.key_points.clone(),
            reference_answer: Some(self.reference_answer.clone()),
            red_flags: self.red_flags.clone(),
            topic: self.topic.clone(),
            origin: RubricOrigin::Bank(self.id.clone()),
        }
    }
}

/// A bank file that does not follow the format.
#[derive(Debug, thiserror::Error)]
pub enum BankError {
    /// Not the expected JSON.
    #[error("bank file {file}: {source}")]
    Json {
        /// `<type>.json`.
        file: String,
        /// The parse error.
        source: serde_json::Error,
    },
    /// A question breaks a rule.
    #[error("bank question {id}: {reason}")]
    Question {
        /// Its id.
        id: String,
        /// The rule.
        reason: String,
    },
    /// Too few questions of a type and difficulty.
    #[error("bank has {count} {kind} {difficulty} questions, needs at least {min}")]
    TooFew {
        /// Type.
        kind: InterviewType,
        /// Difficulty.
        difficulty: Difficulty,
        /// How many there are.
        count: usize,
        /// How many are needed.
        min: usize,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    difficulty: String,
    text: String,
    hints: Vec<String>,
    #[serde(default)]
    examples: Vec<String>,
    key_points: Vec<RawKeyPoint>,
    reference_answer: String,
    red_flags: Vec<RawRedFlag>,
    #[serde(default)]
    topic: Option<RawTopic>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeyPoint {
    point: String,
    terms: Vec<String>,
    #[serde(default)]
    idea: String,
    #[serde(default)]
    weight: u32,
    #[serde(default)]
    follow_up: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRedFlag {
    claim: String,
    correction: String,
    patterns: Vec<String>,
    severity: String,
}

/// Red flags of conduct that hold for any story, whatever the question.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConduct {
    #[serde(rename = "about")]
    _about: String,
    behavioral: Vec<RawRedFlag>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    about: String,
    terms: Vec<String>,
}

/// The validated bank with lookups by id, by question text and by subject.
#[derive(Debug)]
pub struct Bank {
    questions: Vec<BankQuestion>,
    by_id: HashMap<String, usize>,
    by_text: HashMap<String, usize>,
    by_digest: HashMap<RubricDigest, usize>,
    /// Per question, the stems of its subject (text, hints, key point names).
    subjects: Vec<HashSet<String>>,
    /// Bad conduct any story can show (blame, secrecy, spin): red flags of every
    /// behavioral question without a rubric of its own.
    conduct: Vec<RedFlag>,
}

/// Similarity at which a bank question is about the same subject as another question.
pub const SAME_SUBJECT: f64 = 0.3;
/// Most bank questions a question without a rubric borrows red flags from.
pub const MAX_SIMILAR: usize = 2;

/// The stems that name a question's subject: its content words but the ones questions ask
/// with and generic ones.
fn subject_stems(texts: impl IntoIterator<Item = impl AsRef<str>>) -> HashSet<String> {
    let cues = crate::analysis::cues::cues();
    texts
        .into_iter()
        .flat_map(|t| crate::analysis::text::tokenize(t.as_ref()))
        .filter(|t| t.is_content() && !t.is_number())
        .filter(|t| !cues.asking_words.contains(&t.word) && !cues.generic.contains(&t.stem))
        .map(|t| t.stem)
        .collect()
}

fn text_key(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Bank {
    /// The rubric for a question: the one sent with it if whole (key points with a
    /// reference answer or red flags); else the bank question `question_key` names; else
    /// the key points sent; else the bank question whose text is exactly `question`; else
    /// one derived from the question and hints, with the red flags of the bank questions of
    /// `kind` about the same subject (a red flag names a wrong claim about a subject, so it
    /// holds wherever that subject is asked about) and, for a story, the conduct red flags
    /// (blame, secrecy, spin are wrong in any story).
    pub fn rubric_for(
        &self,
        sent: SentRubric,
        question_key: Option<&str>,
        question: &str,
        hints: &[String],
        kind: InterviewType,
    ) -> Rubric {
        if sent.is_whole() {
            return Rubric {
                points: sent.points,
                reference_answer: sent.reference_answer,
                red_flags: sent.red_flags,
                topic: sent.topic,
                origin: RubricOrigin::Question,
            };
        }
        if let Some(q) = question_key.and_then(|key| self.by_key(key)) {
            return q.rubric();
        }
        if !sent.points.is_empty() {
            return Rubric::from_points(sent.points, RubricOrigin::Request);
        }
        match self.by_text(question) {
            Some(q) => q.rubric(),
            None => {
                let conduct: &[RedFlag] = if kind == InterviewType::Behavioral {
                    &self.conduct
                } else {
                    &[]
                };
                Rubric {
                    red_flags: self
                        .similar(kind, question, hints)
                        .into_iter()
                        .flat_map(|(q, _)| q.red_flags.iter().cloned())
                        .chain(conduct.iter().cloned())
                        .collect(),
                    ..Rubric::derived(question, hints)
                }
            }
        }
    }

    /// The embedded bank, validated with the full rules.
    pub fn builtin() -> Result<Self, BankError> {
        Ok(Self {
            conduct: conduct(CONDUCT)?,
            ..Self::parse(&SOURCES, MIN_PER_CELL)?
        })
    }

    /// Parses and validates `sources` (type, JSON text), requiring `min_per_cell`
    /// questions per type and difficulty.
    pub fn parse(
        sources: &[(InterviewType, &str)],
        min_per_cell: usize,
    ) -> Result<Self, BankError> {
        let mut questions = Vec::new();
        for (kind, json) in sources {
            let raw: Vec<RawQuestion> =
                serde_json::from_str(json).map_err(|source| BankError::Json {
                    file: format!("{kind}.json"),
                    source,
                })?;
            for question in raw {
                questions.push(validate(*kind, question)?);
            }
        }
        let mut by_id = HashMap::new();
        let mut by_text = HashMap::new();
        let mut by_digest = HashMap::new();
        for (i, q) in questions.iter().enumerate() {
            // Questions with the same rubric score alike: either one stands for the digest.
            by_digest.entry(q.digest.clone()).or_insert(i);
            if by_id.insert(q.id.clone(), i).is_some() {
                return Err(BankError::Question {
                    id: q.id.clone(),
                    reason: "duplicate id".to_owned(),
                });
            }
            if by_text.insert(text_key(&q.text), i).is_some() {
                return Err(BankError::Question {
                    id: q.id.clone(),
                    reason: "duplicate text".to_owned(),
                });
            }
        }
        for (kind, _) in sources {
            for difficulty in Difficulty::ALL {
                let count = questions
                    .iter()
                    .filter(|q| q.interview_type == *kind && q.difficulty == difficulty)
                    .count();
                if count < min_per_cell {
                    return Err(BankError::TooFew {
                        kind: *kind,
                        difficulty,
                        count,
                        min: min_per_cell,
                    });
                }
            }
        }
        let subjects = questions
            .iter()
            .map(|q| {
                subject_stems(
                    std::iter::once(q.text.as_str())
                        .chain(q.hints.iter().map(String::as_str))
                        .chain(q.key_points.iter().map(|k| k.point())),
                )
            })
            .collect();
        Ok(Self {
            questions,
            by_id,
            by_text,
            by_digest,
            subjects,
            conduct: Vec::new(),
        })
    }

    /// The bank questions of `kind` about the same subject as `question` and its `hints`
    /// (cosine similarity of their subject stems at least [`SAME_SUBJECT`]), most similar
    /// first, at most [`MAX_SIMILAR`].
    pub fn similar(
        &self,
        kind: InterviewType,
        question: &str,
        hints: &[String],
    ) -> Vec<(&BankQuestion, f64)> {
        let subject =
            subject_stems(std::iter::once(question).chain(hints.iter().map(String::as_str)));
        if subject.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(&BankQuestion, f64)> = self
            .questions
            .iter()
            .zip(&self.subjects)
            .filter(|(q, _)| q.interview_type == kind)
            .map(|(q, stems)| {
                let shared = subject.intersection(stems).count() as f64;
                (
                    q,
                    shared / ((subject.len() * stems.len().max(1)) as f64).sqrt(),
                )
            })
            .filter(|(_, similarity)| *similarity >= SAME_SUBJECT)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        scored.truncate(MAX_SIMILAR);
        scored
    }

    /// Every question.
    pub fn all(&self) -> &[BankQuestion] {
        &self.questions
    }

    /// The questions of a type and difficulty, in file order.
    pub fn pool(&self, kind: InterviewType, difficulty: Difficulty) -> Vec<&BankQuestion> {
        self.questions
            .iter()
            .filter(|q| q.interview_type == kind && q.difficulty == difficulty)
            .collect()
    }

    /// The question whose rubric has this digest.
    pub fn by_digest(&self, digest: &RubricDigest) -> Option<&BankQuestion> {
        self.by_digest.get(digest).map(|&i| &self.questions[i])
    }

    /// The question with this id.
    pub fn by_key(&self, id: &str) -> Option<&BankQuestion> {
        self.by_id.get(id).map(|&i| &self.questions[i])
    }

    /// The question with exactly this text (white space and case aside).
    pub fn by_text(&self, text: &str) -> Option<&BankQuestion> {
        self.by_text
            .get(&text_key(text))
            .map(|&i| &self.questions[i])
    }
}

fn red_flag(f: &RawRedFlag) -> Result<RedFlag, String> {
    let severity = Severity::parse(&f.severity)
        .ok_or_else(|| format!("red flag {:?}: severity major or minor", f.claim))?;
    RedFlag::from_source(RedFlagSource {
        claim: f.claim.clone(),
        correction: f.correction.clone(),
        patterns: f.patterns.clone(),
        severity,
    })
    .map_err(|err| format!("red flag {:?}: {err}", f.claim))
}

/// The conduct red flags of `conduct.json`.
fn conduct(json: &str) -> Result<Vec<RedFlag>, BankError> {
    let raw: RawConduct = serde_json::from_str(json).map_err(|source| BankError::Json {
        file: "conduct.json".to_owned(),
        source,
    })?;
    let fail = |reason: String| BankError::Question {
        id: "conduct".to_owned(),
        reason,
    };
    if raw.behavioral.is_empty() {
        return Err(fail("no behavioral red flags".to_owned()));
    }
    raw.behavioral
        .iter()
        .map(|f| red_flag(f).map_err(fail))
        .collect()
}

fn validate(kind: InterviewType, raw: RawQuestion) -> Result<BankQuestion, BankError> {
    let fail = |reason: String| BankError::Question {
        id: raw.id.clone(),
        reason,
    };
    let difficulty = Difficulty::parse(&raw.difficulty)
        .ok_or_else(|| fail(format!("unknown difficulty {:?}", raw.difficulty)))?;
    let prefix = format!("{kind}-{difficulty}-");
    let number = raw
        .id
        .strip_prefix(&prefix)
        .ok_or_else(|| fail(format!("id must start with {prefix}")))?;
    if number.len() != 2 || !number.bytes().all(|b| b.is_ascii_digit()) || number == "00" {
        return Err(fail("id must end with two digits from 01".to_owned()));
    }
    if raw.text.trim().is_empty() {
        return Err(fail("empty text".to_owned()));
    }
    if raw.hints.len() < MIN_HINTS || raw.hints.iter().any(|h| h.trim().is_empty()) {
        return Err(fail(format!("needs at least {MIN_HINTS} non-empty hints")));
    }
    if raw.key_points.len() < MIN_KEY_POINTS {
        return Err(fail(format!("needs at least {MIN_KEY_POINTS} key points")));
    }
    let key_points = raw
        .key_points
        .iter()
        .map(|k| {
            if k.idea.trim().is_empty() || !(1..=3).contains(&k.weight) {
                return Err(fail(format!(
                    "key point {:?} needs an idea and a weight of 1 to 3",
                    k.point
                )));
            }
            KeyPoint::from_source(KeyPointSource {
                point: k.point.clone(),
                terms: k.terms.clone(),
                idea: k.idea.clone(),
                weight: k.weight,
                follow_up: k.follow_up.clone(),
            })
            .map_err(|err| fail(format!("key point {:?}: {err}", k.point)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let words = raw.reference_answer.split_whitespace().count();
    if !REFERENCE_WORDS.contains(&words) {
        return Err(fail(format!(
            "reference answer has {words} words, must have {} to {}",
            REFERENCE_WORDS.start(),
            REFERENCE_WORDS.end()
        )));
    }
    if raw.red_flags.len() < MIN_RED_FLAGS
        || raw.red_flags.len() > crate::domain::rubric::MAX_RED_FLAGS
    {
        return Err(fail(format!(
            "needs {MIN_RED_FLAGS} to {} red flags",
            crate::domain::rubric::MAX_RED_FLAGS
        )));
    }
    let red_flags = raw
        .red_flags
        .iter()
        .map(|f| red_flag(f).map_err(fail))
        .collect::<Result<Vec<_>, _>>()?;
    let topic = match (kind, &raw.topic) {
        (InterviewType::Behavioral, Some(t)) => {
            Some(Topic::new(&t.about, &t.terms).map_err(|err| fail(format!("topic: {err}")))?)
        }
        (InterviewType::Behavioral, None) => {
            return Err(fail("a behavioral question needs a topic".to_owned()));
        }
        (_, Some(_)) => return Err(fail("only behavioral questions have a topic".to_owned())),
        (_, None) => None,
    };
    let reference_answer = raw.reference_answer.trim().to_owned();
    let digest = Rubric {
        points: key_points.clone(),
        reference_answer: Some(reference_answer.clone()),
        red_flags: red_flags.clone(),
        topic: topic.clone(),
        origin: RubricOrigin::Bank(raw.id.clone()),
    }
    .digest();
    Ok(BankQuestion {
        id: raw.id.clone(),
        interview_type: kind,
        difficulty,
        text: raw.text.trim().to_owned(),
        hints: raw.hints,
        examples: raw.examples,
        key_points,
        reference_answer,
        red_flags,
        topic,
        digest,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::domain::rubric::Confidence;

    fn question(id: &str, difficulty: &str, text: &str) -> Value {
        let point = |name: &str, term: &str| json!({"point": name, "terms": [term], "idea": format!("Say {term}."), "weight": 2});
        json!({
            "id": id, "difficulty": difficulty, "text": text,
            "hints": ["First hint?", "Second hint?"], "examples": [],
            "key_points": [point("one", "alpha"), point("two", "beta"), point("three", "gamma"),
                           point("four", "delta")],
            "reference_answer": "word ".repeat(45),
            "red_flags": [
                {"claim": "c1", "correction": "r1", "patterns": ["wrong one"], "severity": "major"},
                {"claim": "c2", "correction": "r2", "patterns": ["wrong two"], "severity": "minor"}
            ]
        })
    }

    fn fixture() -> Vec<Value> {
        vec![
            question("technical-easy-01", "easy", "Reverse a string."),
            question("technical-medium-01", "medium", "Detect a cycle."),
            question("technical-hard-01", "hard", "Median of a stream."),
        ]
    }

    fn parse(questions: &[Value]) -> Result<Bank, BankError> {
        let json = Value::Array(questions.to_vec()).to_string();
        Bank::parse(&[(InterviewType::Technical, &json)], 1)
    }

    #[test]
    fn fixture_parses_and_looks_up_by_id_and_text() {
        let bank = parse(&fixture()).unwrap();
        assert_eq!(bank.all().len(), 3);
        assert_eq!(
            bank.pool(InterviewType::Technical, Difficulty::Medium)
                .len(),
            1
        );
        let hard = bank.by_key("technical-hard-01").unwrap();
        assert_eq!(hard.text, "Median of a stream.");
        assert_eq!(hard.red_flags[1].severity(), Severity::Minor);
        assert_eq!(hard.key_points[0].idea(), Some("Say alpha."));
        let rubric = hard.rubric();
        assert_eq!(
            rubric.origin,
            RubricOrigin::Bank("technical-hard-01".into())
        );
        assert!(rubric.reference_answer.is_some());
        assert_eq!(
            bank.by_text("  reverse a   STRING. ").unwrap().id,
            "technical-easy-01"
        );
        assert!(bank.by_key("technical-hard-02").is_none());
    }

    #[test]
    fn rules_are_enforced() {
        let json = Value::Array(fixture()).to_string();
        let too_few = Bank::parse(&[(InterviewType::Technical, &json)], 2).unwrap_err();
        assert!(
            matches!(
                too_few,
                BankError::TooFew {
                    count: 1,
                    min: 2,
                    ..
                }
            ),
            "{too_few}"
        );
        type Break = fn(&mut Value);
        let cases: [(Break, &str); 12] = [
            (|q| q["hints"] = json!(["Only one?"]), "hints"),
            (
                |q| {
                    q["id"] = json!("technical-medium-01");
                    q["difficulty"] = json!("medium");
                },
                "duplicate id",
            ),
            (|q| q["id"] = json!("behavioral-easy-01"), "id must start"),
            (|q| q["id"] = json!("technical-easy-1x"), "two digits"),
            (|q| q["key_points"][3]["terms"] = json!([]), "key point"),
            (|q| q["difficulty"] = json!("expert"), "difficulty"),
            (
                |q| {
                    q["key_points"].as_array_mut().unwrap().pop();
                },
                "at least 4 key points",
            ),
            (|q| q["key_points"][0]["idea"] = json!(""), "needs an idea"),
            (
                |q| q["key_points"][0]["weight"] = json!(4),
                "weight of 1 to 3",
            ),
            (
                |q| q["reference_answer"] = json!("Too short."),
                "reference answer",
            ),
            (
                |q| {
                    q["red_flags"].as_array_mut().unwrap().pop();
                },
                "red flags",
            ),
            (
                |q| q["topic"] = json!({"about": "x", "terms": ["y"]}),
                "only behavioral",
            ),
        ];
        for (i, (break_it, expected)) in cases.into_iter().enumerate() {
            let mut questions = fixture();
            break_it(&mut questions[0]);
            let err = parse(&questions).unwrap_err();
            assert!(err.to_string().contains(expected), "case {i}: {err}");
        }
        let mut bad_severity = fixture();
        bad_severity[0]["red_flags"][0]["severity"] = json!("fatal");
        assert!(
            parse(&bad_severity)
                .unwrap_err()
                .to_string()
                .contains("severity")
        );
        assert!(matches!(
            Bank::parse(&[(InterviewType::Technical, "{")], 1),
            Err(BankError::Json { .. })
        ));
        let story = Value::Array(vec![question("behavioral-easy-01", "easy", "Tell me.")]);
        let err = Bank::parse(&[(InterviewType::Behavioral, &story.to_string())], 1).unwrap_err();
        assert!(err.to_string().contains("needs a topic"), "{err}");
    }

    #[test]
    fn builtin_bank_is_valid() {
        let bank = Bank::builtin().unwrap();
        for kind in InterviewType::ALL {
            for difficulty in Difficulty::ALL {
                let pool = bank.pool(kind, difficulty);
                assert!(
                    pool.len() >= MIN_PER_CELL,
                    "{kind} {difficulty}: {}",
                    pool.len()
                );
                for q in pool {
                    assert!(
                        q.hints.len() >= MIN_HINTS
                            && q.key_points.len() >= MIN_KEY_POINTS
                            && q.red_flags.len() >= MIN_RED_FLAGS,
                        "{}",
                        q.id
                    );
                    assert_eq!(
                        q.topic.is_some(),
                        kind == InterviewType::Behavioral,
                        "{}",
                        q.id
                    );
                }
            }
        }
    }

    const KIND: InterviewType = InterviewType::Technical;

    #[test]
    fn a_whole_sent_rubric_wins_then_the_key_s_bank_question_then_key_points() {
        let bank = Bank::builtin().unwrap();
        let banked = &bank.all()[0];
        let point = KeyPoint::new("p", &["x".into()]).unwrap();
        let points_only = SentRubric {
            points: vec![point.clone()],
            ..SentRubric::default()
        };
        let by_key = bank.rubric_for(points_only.clone(), Some(&banked.id), "", &[], KIND);
        assert_eq!(by_key.origin, RubricOrigin::Bank(banked.id.clone()));
        assert_eq!(by_key.confidence(), Confidence::High);
        let by_text = bank.rubric_for(SentRubric::default(), None, &banked.text, &[], KIND);
        assert_eq!(by_text.origin, RubricOrigin::Bank(banked.id.clone()));
        let request = bank.rubric_for(points_only, None, &banked.text, &[], KIND);
        assert_eq!(request.origin, RubricOrigin::Request);
        assert_eq!(request.confidence(), Confidence::Medium);
        let whole = SentRubric {
            points: vec![point],
            reference_answer: Some("Say x.".into()),
            ..SentRubric::default()
        };
        let stored = bank.rubric_for(whole, Some(&banked.id), &banked.text, &[], KIND);
        assert_eq!(stored.origin, RubricOrigin::Question);
        assert_eq!(stored.reference_answer.as_deref(), Some("Say x."));
        let derived = bank.rubric_for(SentRubric::default(), None, "Why?", &[], KIND);
        assert_eq!(derived.confidence(), Confidence::Low);
        assert!(derived.red_flags.is_empty());
        // A question on a bank question's subject borrows its red flags.
        let thumbnails = "Design a service that stores user-uploaded images and serves them as \
            thumbnails in several sizes to web and mobile clients.";
        let borrowed = bank.rubric_for(
            SentRubric::default(),
            None,
            thumbnails,
            &[],
            InterviewType::SystemDesign,
        );
        assert_eq!(borrowed.origin, RubricOrigin::Derived);
        assert_eq!(
            borrowed.red_flags,
            bank.by_key("system-design-easy-11").unwrap().red_flags
        );
    }

    #[test]
    fn a_story_without_a_rubric_is_held_to_the_conduct_red_flags() {
        let bank = Bank::builtin().unwrap();
        let question = "Tell me about a time you disagreed with a decision your team made.";
        let story = bank.rubric_for(
            SentRubric::default(),
            None,
            question,
            &[],
            InterviewType::Behavioral,
        );
        assert_eq!(story.origin, RubricOrigin::Derived);
        assert_eq!(story.red_flags, bank.conduct);
        let claims = |answer: &str| -> Vec<String> {
            crate::scoring::red_flags_in(&story, answer)
                .into_iter()
                .map(|r| r.flag.claim().to_owned())
                .collect()
        };
        let secret = claims(
            "I agreed in the meeting, then quietly built it my own way and didn't mention it \
             in the reviews.",
        );
        assert_eq!(
            secret,
            ["Worked around the team in secret or kept the facts from them"]
        );
        let blame = claims("The delay was not our fault: the problem was on the platform side.");
        assert_eq!(blame, ["Blamed others instead of owning the outcome"]);
        let owned = claims(
            "I didn't blame the platform team; I told the client that day what had slipped, \
             why, and the new date.",
        );
        assert!(owned.is_empty(), "{owned:?}");
        // A technical question has no conduct flags.
        let technical = bank.rubric_for(SentRubric::default(), None, question, &[], KIND);
        assert!(
            technical
                .red_flags
                .iter()
                .all(|f| !bank.conduct.contains(f))
        );
    }
}
