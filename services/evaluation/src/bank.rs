//! The built-in question bank: JSON files embedded in the binary
//! (`services/evaluation/bank/{technical,behavioral,system-design}.json`), parsed and
//! validated at start-up. The format is described in the repository notes: an array of
//! `{id, difficulty, text, hints, examples, key_points: [{point, terms}]}` per type.

use std::collections::HashMap;

use interview_coach_common::domain::{Difficulty, InterviewType};
use serde::Deserialize;

use crate::rubric::KeyPoint;

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

/// Questions each type × difficulty must have in the built-in bank.
pub const MIN_PER_CELL: usize = 15;
/// Hints each question must have.
pub const MIN_HINTS: usize = 2;
/// Key points each question must have.
pub const MIN_KEY_POINTS: usize = 4;

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
    /// At least four key points with terms.
    pub key_points: Vec<KeyPoint>,
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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeyPoint {
    point: String,
    terms: Vec<String>,
}

/// The validated bank with lookups by id and by question text.
#[derive(Debug)]
pub struct Bank {
    questions: Vec<BankQuestion>,
    by_id: HashMap<String, usize>,
    by_text: HashMap<String, usize>,
}

fn text_key(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Bank {
    /// The embedded bank, validated with the full rules.
    pub fn builtin() -> Result<Self, BankError> {
        Self::parse(&SOURCES, MIN_PER_CELL)
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
        for (i, q) in questions.iter().enumerate() {
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
        Ok(Self {
            questions,
            by_id,
            by_text,
        })
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
            KeyPoint::new(&k.point, &k.terms)
                .map_err(|err| fail(format!("key point {:?}: {err}", k.point)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(BankQuestion {
        id: raw.id.clone(),
        interview_type: kind,
        difficulty,
        text: raw.text.trim().to_owned(),
        hints: raw.hints,
        examples: raw.examples,
        key_points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = r#"[
      {"id": "technical-easy-01", "difficulty": "easy", "text": "Reverse a string.",
       "hints": ["Two ends?", "In place?"], "examples": ["abc -> cba"],
       "key_points": [
         {"point": "two pointers", "terms": ["two pointers", "swap"]},
         {"point": "linear time", "terms": ["o(n)", "linear"]},
         {"point": "unicode", "terms": ["unicode", "grapheme"]},
         {"point": "empty input", "terms": ["empty", "edge case"]}]},
      {"id": "technical-medium-01", "difficulty": "medium", "text": "Detect a cycle.",
       "hints": ["Fast and slow?", "Memory?"],
       "key_points": [
         {"point": "floyd", "terms": ["floyd", "tortoise"]},
         {"point": "o(1) space", "terms": ["constant space", "o(1)"]},
         {"point": "visited set", "terms": ["visited", "hash set"]},
         {"point": "entry point", "terms": ["start of the cycle", "entry"]}]},
      {"id": "technical-hard-01", "difficulty": "hard", "text": "Median of a stream.",
       "hints": ["Two heaps?", "Balance?"], "examples": [],
       "key_points": [
         {"point": "two heaps", "terms": ["two heaps", "max heap"]},
         {"point": "rebalance", "terms": ["rebalance", "sizes differ"]},
         {"point": "log n insert", "terms": ["o(log n)", "logarithmic"]},
         {"point": "median read o(1)", "terms": ["top of", "peek"]}]}
    ]"#;

    #[test]
    fn fixture_parses_and_looks_up_by_id_and_text() {
        let bank = Bank::parse(&[(InterviewType::Technical, FIXTURE)], 1).unwrap();
        assert_eq!(bank.all().len(), 3);
        assert_eq!(
            bank.pool(InterviewType::Technical, Difficulty::Medium)
                .len(),
            1
        );
        assert_eq!(
            bank.by_key("technical-hard-01").unwrap().text,
            "Median of a stream."
        );
        assert_eq!(
            bank.by_text("  reverse a   STRING. ").unwrap().id,
            "technical-easy-01"
        );
        assert!(bank.by_key("technical-hard-02").is_none());
    }

    #[test]
    fn rules_are_enforced() {
        let too_few = Bank::parse(&[(InterviewType::Technical, FIXTURE)], 2).unwrap_err();
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
        let cases = [
            (
                "\"hints\": [\"Two ends?\", \"In place?\"]",
                "\"hints\": [\"Two ends?\"]",
                "hints",
            ),
            (
                "\"id\": \"technical-medium-01\", \"difficulty\": \"medium\"",
                "\"id\": \"technical-easy-01\", \"difficulty\": \"easy\"",
                "duplicate id",
            ),
            ("technical-hard-01", "behavioral-hard-01", "id must start"),
            ("technical-easy-01", "technical-easy-1x", "two digits"),
            (
                "{\"point\": \"empty input\", \"terms\": [\"empty\", \"edge case\"]}",
                "{\"point\": \"x\", \"terms\": []}",
                "key point",
            ),
            (
                "\"difficulty\": \"hard\"",
                "\"difficulty\": \"expert\"",
                "difficulty",
            ),
        ];
        for (from, to, expected) in cases {
            let broken = FIXTURE.replacen(from, to, 1);
            let err = Bank::parse(&[(InterviewType::Technical, &broken)], 1).unwrap_err();
            assert!(err.to_string().contains(expected), "{from} -> {err}");
        }
        let dropped_point = FIXTURE.replacen(
            ",\n         {\"point\": \"empty input\", \"terms\": [\"empty\", \"edge case\"]}",
            "",
            1,
        );
        let err = Bank::parse(&[(InterviewType::Technical, &dropped_point)], 1).unwrap_err();
        assert!(err.to_string().contains("at least 4 key points"), "{err}");
        assert!(matches!(
            Bank::parse(&[(InterviewType::Technical, "{")], 1),
            Err(BankError::Json { .. })
        ));
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
                        q.hints.len() >= MIN_HINTS && q.key_points.len() >= MIN_KEY_POINTS,
                        "{}",
                        q.id
                    );
                }
            }
        }
    }
}
