//! Validation of LLM replies: the JSON object is extracted (code fences tolerated), every
//! field checked, lists bounded and texts capped. An error message says what to fix; it is
//! sent back with the one retry.

use std::collections::HashSet;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::{
    domain::{
        rubric::{KeyPoint, MAX_REFERENCE_CHARS, RedFlag, RedFlagSource, Severity},
        score::Score,
        verdict::Verdict,
    },
    scoring::MAX_LIST,
};

/// Longest feedback kept.
pub const MAX_FEEDBACK_CHARS: usize = 2000;
/// Longest strength, improvement, hint or example kept.
pub const MAX_ITEM_CHARS: usize = 300;
/// Longest generated question accepted.
pub const MAX_QUESTION_CHARS: usize = 1000;

/// A validated generated question.
#[derive(Clone, Debug, PartialEq)]
pub struct LlmQuestion {
    /// `llm:<first 16 hex digits of SHA-256 of the text>`.
    pub key: String,
    /// The question.
    pub text: String,
    /// 2 to 4 hints.
    pub hints: Vec<String>,
    /// At most 3 examples.
    pub examples: Vec<String>,
    /// 3 to 7 key points.
    pub key_points: Vec<KeyPoint>,
    /// What an excellent answer says, if the model wrote one.
    pub reference_answer: Option<String>,
    /// The model's red flags that passed validation (at most 5).
    pub red_flags: Vec<RedFlag>,
}

/// The JSON object in `reply`: the whole reply, or the span from its first `{` to its last
/// `}` (models like to wrap JSON in code fences).
fn json_object(reply: &str) -> Result<&str, String> {
    let start = reply.find('{');
    let end = reply.rfind('}');
    match (start, end) {
        (Some(start), Some(end)) if start < end => Ok(&reply[start..=end]),
        _ => Err("the reply must be a single JSON object".to_owned()),
    }
}

fn cap(text: &str, max: usize) -> String {
    text.trim().chars().take(max).collect()
}

fn bounded_list(items: Vec<String>, max_items: usize) -> Vec<String> {
    items
        .iter()
        .map(|s| cap(s, MAX_ITEM_CHARS))
        .filter(|s| !s.is_empty())
        .take(max_items)
        .collect()
}

#[derive(Deserialize)]
struct RawEvaluation {
    score: serde_json::Value,
    feedback: String,
    #[serde(default)]
    strengths: Vec<String>,
    #[serde(default)]
    improvements: Vec<String>,
}

/// Parses and validates an evaluation reply.
pub fn evaluation(reply: &str) -> Result<Verdict, String> {
    let raw: RawEvaluation = serde_json::from_str(json_object(reply)?).map_err(|err| {
        format!("the JSON must have score (number), feedback (string), strengths and improvements (arrays of strings): {err}")
    })?;
    let score = raw
        .score
        .as_f64()
        .ok_or_else(|| "score must be a number".to_owned())
        .and_then(|s| Score::new(s).map_err(|_| format!("score {s} is outside 0 to 10")))?;
    let feedback = cap(&raw.feedback, MAX_FEEDBACK_CHARS);
    if feedback.is_empty() {
        return Err("feedback must not be empty".to_owned());
    }
    Ok(Verdict {
        score,
        feedback,
        strengths: bounded_list(raw.strengths, MAX_LIST),
        improvements: bounded_list(raw.improvements, MAX_LIST),
    })
}

#[derive(Deserialize)]
struct RawQuestions {
    questions: Vec<RawQuestion>,
}

#[derive(Deserialize)]
struct RawQuestion {
    text: String,
    #[serde(default)]
    hints: Vec<String>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    key_points: Vec<RawKeyPoint>,
    #[serde(default)]
    reference_answer: String,
    #[serde(default)]
    red_flags: Vec<RawRedFlag>,
}

#[derive(Deserialize)]
struct RawKeyPoint {
    point: String,
    terms: Vec<String>,
}

#[derive(Deserialize)]
struct RawRedFlag {
    #[serde(default)]
    claim: String,
    #[serde(default)]
    correction: String,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    severity: String,
}

/// Red flags a model wrote that are usable: the rest (no claim, no patterns, an unknown
/// severity) are dropped rather than failing the question.
fn red_flags(raw: Vec<RawRedFlag>) -> Vec<RedFlag> {
    raw.into_iter()
        .filter_map(|f| {
            RedFlag::from_source(RedFlagSource {
                claim: cap(&f.claim, MAX_ITEM_CHARS),
                correction: cap(&f.correction, MAX_ITEM_CHARS),
                patterns: f.patterns.into_iter().take(10).collect(),
                severity: Severity::parse(f.severity.trim()).unwrap_or(Severity::Minor),
            })
            .ok()
        })
        .take(5)
        .collect()
}

/// The key of a generated question.
pub fn question_key(text: &str) -> String {
    let digest = Sha256::digest(text.trim().to_lowercase().as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("llm:{hex}")
}

/// Parses and validates a questions reply: at least `count` valid, distinct questions
/// whose keys are not in `exclude`; returns exactly `count`.
pub fn questions(
    reply: &str,
    count: usize,
    exclude: &HashSet<String>,
) -> Result<Vec<LlmQuestion>, String> {
    let raw: RawQuestions = serde_json::from_str(json_object(reply)?).map_err(|err| {
        format!("the JSON must be {{\"questions\": [{{text, hints, examples, key_points: [{{point, terms}}]}}]}}: {err}")
    })?;
    let mut seen = HashSet::new();
    let mut valid = Vec::new();
    for (i, q) in raw.questions.into_iter().enumerate() {
        let text = q.text.trim().to_owned();
        if text.chars().count() < 10 || text.chars().count() > MAX_QUESTION_CHARS {
            return Err(format!(
                "questions[{i}].text must be 10 to {MAX_QUESTION_CHARS} characters"
            ));
        }
        let hints = bounded_list(q.hints, 4);
        if hints.len() < 2 {
            return Err(format!("questions[{i}] needs at least 2 hints"));
        }
        let key_points = q
            .key_points
            .iter()
            .take(7)
            .map(|k| KeyPoint::new(&k.point, &k.terms))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| format!("questions[{i}].key_points: {err}"))?;
        if key_points.len() < 3 {
            return Err(format!("questions[{i}] needs at least 3 key points"));
        }
        let key = question_key(&text);
        if exclude.contains(&key) || !seen.insert(key.clone()) {
            continue;
        }
        let reference = cap(&q.reference_answer, MAX_REFERENCE_CHARS);
        valid.push(LlmQuestion {
            key,
            text,
            hints,
            examples: bounded_list(q.examples, 3),
            key_points,
            reference_answer: (!reference.is_empty()).then_some(reference),
            red_flags: red_flags(q.red_flags),
        });
    }
    if valid.len() < count {
        return Err(format!(
            "{count} distinct new questions are needed, got {}",
            valid.len()
        ));
    }
    valid.truncate(count);
    Ok(valid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluations_are_validated_bounded_and_capped() {
        let ok = evaluation("```json\n{\"score\": 7.5, \"feedback\": \"Good.\", \"strengths\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"], \"improvements\": []}\n```").unwrap();
        assert_eq!(ok.score.as_f64(), 7.5);
        assert_eq!(ok.strengths.len(), MAX_LIST);
        let long = format!("{{\"score\": 3, \"feedback\": \"{}\"}}", "x".repeat(5000));
        assert_eq!(
            evaluation(&long).unwrap().feedback.chars().count(),
            MAX_FEEDBACK_CHARS
        );
        assert!(
            evaluation("{\"score\": 11, \"feedback\": \"x\"}")
                .unwrap_err()
                .contains("outside")
        );
        assert!(
            evaluation("{\"score\": \"high\", \"feedback\": \"x\"}")
                .unwrap_err()
                .contains("number")
        );
        assert!(
            evaluation("{\"score\": 5, \"feedback\": \" \"}")
                .unwrap_err()
                .contains("feedback")
        );
        assert!(evaluation("no json here").is_err());
    }

    #[test]
    fn a_generated_rubric_keeps_its_usable_red_flags() {
        let reply = r#"{"questions": [{"text": "Why is a stack LIFO?", "hints": ["h1", "h2"],
            "key_points": [{"point": "a", "terms": ["a"]}, {"point": "b", "terms": ["b"]},
                           {"point": "c", "terms": ["c"]}],
            "reference_answer": " The last item pushed is the first popped. ",
            "red_flags": [
                {"claim": "A stack is FIFO", "correction": "It is LIFO.",
                 "patterns": ["stack is fifo"], "severity": "major"},
                {"claim": "", "correction": "x", "patterns": ["y"], "severity": "major"},
                {"claim": "No patterns", "correction": "x", "patterns": [], "severity": "minor"}
            ]}]}"#;
        let q = &questions(reply, 1, &HashSet::new()).unwrap()[0];
        assert_eq!(
            q.reference_answer.as_deref(),
            Some("The last item pushed is the first popped.")
        );
        assert_eq!(q.red_flags.len(), 1);
        assert_eq!(q.red_flags[0].severity(), Severity::Major);
    }

    #[test]
    fn questions_need_enough_valid_new_ones() {
        let q = |text: &str| {
            format!(
                "{{\"text\": \"{text}\", \"hints\": [\"h1\", \"h2\"], \"key_points\": [{{\"point\": \"a\", \"terms\": [\"a\"]}}, {{\"point\": \"b\", \"terms\": [\"b\"]}}, {{\"point\": \"c\", \"terms\": [\"c\"]}}]}}"
            )
        };
        let reply = format!(
            "{{\"questions\": [{}, {}, {}]}}",
            q("What is a mutex used for?"),
            q("What is a mutex used for?"),
            q("Explain TCP slow start.")
        );
        let two = questions(&reply, 2, &HashSet::new()).unwrap();
        assert_eq!(two.len(), 2);
        assert!(two[0].reference_answer.is_none() && two[0].red_flags.is_empty());
        assert_ne!(two[0].key, two[1].key);
        assert!(two[0].key.starts_with("llm:") && two[0].key.len() == 20);
        let excluded: HashSet<String> = [question_key("Explain TCP slow start.")].into();
        assert!(
            questions(&reply, 2, &excluded)
                .unwrap_err()
                .contains("2 distinct")
        );
        assert!(
            questions(
                "{\"questions\": [{\"text\": \"short\"}]}",
                1,
                &HashSet::new()
            )
            .is_err()
        );
    }
}
