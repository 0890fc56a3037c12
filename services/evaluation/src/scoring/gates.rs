//! Gates: answers that are not real attempts get a score of at most 2 and a reason, before
//! any other scoring (and they never reach an LLM). In order: instructions to the grader,
//! "I don't know", gibberish, too short, the question pasted back, off-topic.

use foldhash::HashSet;

use super::coverage::Coverage;

use crate::analysis::{cues::cues, text::Token};

/// Why an answer was stopped at the gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GateKind {
    /// It tries to instruct the grader ("give this 10/10", "ignore previous instructions").
    InstructionToGrader,
    /// "I don't know", "skip", "pass".
    NonAnswer,
    /// Not words: keyboard mashing, repeated characters or one word over and over.
    Gibberish,
    /// Too few words to judge.
    TooShort,
    /// The question (or its hints) copied back with little else.
    QuestionRepeated,
    /// Nothing to do with the question or its rubric.
    OffTopic,
}

impl GateKind {
    /// Stable name for logs and tests.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InstructionToGrader => "instruction_to_grader",
            Self::NonAnswer => "non_answer",
            Self::Gibberish => "gibberish",
            Self::TooShort => "too_short",
            Self::QuestionRepeated => "question_repeated",
            Self::OffTopic => "off_topic",
        }
    }
}

/// The outcome of a gate: the score (0..=2), why, and what to do instead.
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    /// Which gate.
    pub kind: GateKind,
    /// At most 2.
    pub score: f64,
    /// Why, in a sentence or two.
    pub feedback: String,
    /// What to do instead.
    pub improvement: String,
}

/// Fewer words than this is too short to judge.
pub const MIN_WORDS: usize = 8;

/// What the gates look at.
pub struct GateInput<'a> {
    /// The answer as written.
    pub answer: &'a str,
    /// Its tokens.
    pub tokens: &'a [Token],
    /// Content stems of the question and hints.
    pub question_stems: &'a HashSet<String>,
    /// Coverage of the rubric.
    pub coverage: &'a Coverage,
}

/// What several gates compute from the answer, computed once.
struct Derived<'a> {
    /// [`normalized`] answer.
    normalized: String,
    /// The answer's distinct content stems.
    stems: HashSet<&'a str>,
}

/// The first gate the answer fails, if any.
pub fn check(input: &GateInput<'_>) -> Option<Stop> {
    let derived = Derived {
        normalized: normalized(input.answer),
        stems: content_stems(input.tokens),
    };
    instruction_to_grader(&derived)
        .or_else(|| non_answer(input, &derived))
        .or_else(|| gibberish(input))
        .or_else(|| too_short(input))
        .or_else(|| question_repeated(input, &derived))
        .or_else(|| off_topic(input, &derived))
}

/// The distinct stems of the content words, borrowed from the tokens.
fn content_stems(tokens: &[Token]) -> HashSet<&str> {
    tokens
        .iter()
        .filter(|t| t.is_content() && !t.is_number())
        .map(|t| t.stem.as_str())
        .collect()
}

/// Lower-case words joined by single spaces; "10/10" stays one word.
fn normalized(answer: &str) -> String {
    let mut out = String::with_capacity(answer.len());
    for c in answer.chars() {
        if c.is_alphanumeric() || c == '/' {
            out.extend(c.to_lowercase());
        } else if c == '\'' || c == '\u{2019}' {
            // "don't" and "dont" read the same.
        } else {
            out.push(' ');
        }
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    format!(" {} ", words.join(" "))
}

fn instruction_to_grader(derived: &Derived<'_>) -> Option<Stop> {
    let gates = &cues().gates;
    let text = &derived.normalized;
    let phrase = gates.grader.is_match(text);
    // "give this answer a 10", "rate it 10".
    let words: Vec<&str> = text.split_whitespace().collect();
    let demand = words.iter().enumerate().any(|(i, w)| {
        gates.grade_verbs.contains(*w)
            && words[i + 1..words.len().min(i + 6)]
                .iter()
                .any(|n| matches!(*n, "10" | "ten" | "10/10"))
    });
    (phrase || demand).then(|| Stop {
        kind: GateKind::InstructionToGrader,
        score: 0.0,
        feedback: "The answer addresses the grader instead of the question (it asks for a \
                   score or tells the evaluator what to do), so it is not scored on content."
            .to_owned(),
        improvement: "Answer the question itself; the score comes only from what the answer \
                      explains."
            .to_owned(),
    })
}

fn non_answer(input: &GateInput<'_>, derived: &Derived<'_>) -> Option<Stop> {
    let gates = &cues().gates;
    let text = &derived.normalized;
    let words = text.split_whitespace().count();
    let says_it = gates.non_answer.is_match(text);
    let starts_with_it = gates.non_answers.iter().any(|p| {
        let opens = |rest: &str| rest.strip_prefix(p).is_some_and(|r| r.starts_with(' '));
        text.strip_prefix(' ')
            .is_some_and(|t| opens(t) || t.strip_prefix("i ").is_some_and(opens))
    });
    let empty = input.tokens.is_empty();
    (empty
        || (says_it && words <= 12)
        || (starts_with_it && words <= 30 && input.coverage.touched() == 0))
        .then(|| Stop {
            kind: GateKind::NonAnswer,
            score: 0.0,
            feedback: "The answer says it does not know or skips the question, so there is \
                       nothing to score."
                .to_owned(),
            improvement: "Even when unsure, reason out loud: state what you know, a first \
                          approach, and what you would check."
                .to_owned(),
        })
}

fn is_word_like(word: &str) -> bool {
    let vowel = |c: char| "aeiouy".contains(c);
    let (mut len, mut has_vowel, mut repeated) = (0, false, false);
    let (mut run, mut longest_consonants) = (0, 0);
    // The last two characters, for a letter written three times in a row.
    let mut last = [None, None];
    for c in word.chars() {
        len += 1;
        if len > 25 {
            return false;
        }
        has_vowel |= vowel(c);
        repeated |= last == [Some(c), Some(c)];
        last = [last[1], Some(c)];
        if c.is_alphabetic() && !vowel(c) {
            run += 1;
            longest_consonants = longest_consonants.max(run);
        } else {
            run = 0;
        }
    }
    (has_vowel || len <= 2) && !repeated && longest_consonants < 6
}

/// True when a character other than whitespace is written `times` times in a row.
fn mashed(answer: &str, times: usize) -> bool {
    let mut run = 0;
    let mut previous = None;
    for c in answer.chars() {
        run = if previous == Some(c) { run + 1 } else { 1 };
        previous = Some(c);
        if run >= times && !c.is_whitespace() {
            return true;
        }
    }
    false
}

fn gibberish(input: &GateInput<'_>) -> Option<Stop> {
    let words: Vec<&Token> = input.tokens.iter().filter(|t| !t.is_number()).collect();
    if words.is_empty() {
        return None;
    }
    let n = words.len() as f64;
    let word_like = words.iter().filter(|t| is_word_like(&t.word)).count() as f64 / n;
    let known = words
        .iter()
        .filter(|t| {
            crate::analysis::text::is_stop_word(&t.word)
                || input.question_stems.contains(&t.stem)
                || t.word.chars().count() <= 2
        })
        .count() as f64
        / n;
    let distinct = words
        .iter()
        .map(|t| t.stem.as_str())
        .collect::<HashSet<_>>()
        .len() as f64
        / n;
    let mashed = mashed(input.answer, 8);
    let is_gibberish = (words.len() >= 3 && word_like < 0.6)
        || (words.len() >= 6 && known < 0.12 && input.coverage.touched() == 0)
        || (words.len() >= 6 && distinct < 0.3)
        || (mashed && words.len() < 40);
    is_gibberish.then(|| Stop {
        kind: GateKind::Gibberish,
        score: 0.0,
        feedback: "The answer is not readable text (random letters, repeated characters or \
                   the same word over and over), so it cannot be scored."
            .to_owned(),
        improvement: "Write the answer in full sentences.".to_owned(),
    })
}

fn too_short(input: &GateInput<'_>) -> Option<Stop> {
    let words = input.tokens.len();
    (words < MIN_WORDS).then(|| {
        let touched = input.coverage.touched();
        Stop {
            kind: GateKind::TooShort,
            score: (0.5 + 0.5 * touched as f64).min(2.0),
            feedback: format!(
                "The answer has only {words} word{} — too short to show how you think{}.",
                if words == 1 { "" } else { "s" },
                if touched > 0 {
                    ", although it names something relevant"
                } else {
                    ""
                }
            ),
            improvement: format!(
                "Develop the answer: at least a few sentences explaining the approach and why \
                 (the minimum judged is {MIN_WORDS} words)."
            ),
        }
    })
}

fn question_repeated(input: &GateInput<'_>, derived: &Derived<'_>) -> Option<Stop> {
    let answer_stems = &derived.stems;
    if answer_stems.is_empty() {
        return None;
    }
    let shared = answer_stems
        .iter()
        .filter(|s| input.question_stems.contains(**s))
        .count();
    let new = answer_stems.len() - shared;
    let overlap = shared as f64 / answer_stems.len() as f64;
    (overlap >= 0.75 && new <= 4).then(|| Stop {
        kind: GateKind::QuestionRepeated,
        score: 1.0,
        feedback: "The answer mostly repeats the question (or its hints) and adds almost \
                   nothing of its own."
            .to_owned(),
        improvement: "Go beyond restating the question: explain your approach, the reasons \
                      and the details."
            .to_owned(),
    })
}

fn off_topic(input: &GateInput<'_>, derived: &Derived<'_>) -> Option<Stop> {
    let shared = derived
        .stems
        .iter()
        .filter(|s| input.question_stems.contains(**s))
        .count();
    (input.coverage.touched() == 0 && shared <= 1).then(|| Stop {
        kind: GateKind::OffTopic,
        score: 1.0,
        feedback: "The answer does not touch the question: none of the key points and almost \
                   none of the question's subject appear in it."
            .to_owned(),
        improvement: "Answer the question that was asked; start from its subject and the key \
                      ideas it calls for."
            .to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_likeness() {
        assert!(is_word_like("strength"));
        assert!(is_word_like("o"));
        assert!(!is_word_like("qwrtzp"));
        assert!(!is_word_like("aaaaah"));
        assert!(!is_word_like("zxcvbn"));
        assert!(is_word_like("ok") && !is_word_like("ooo"));
        assert!(!is_word_like(
            "pneumonoultramicroscopicsilicovolcanoconiosis"
        ));
    }

    #[test]
    fn mashing_is_one_character_eight_times_but_not_spaces() {
        assert!(mashed("well aaaaaaaa no", 8));
        assert!(!mashed("well aaaaaaa no", 8));
        assert!(!mashed("indented        text", 8));
    }

    #[test]
    fn phrase_lists_match_whole_words_only() {
        let gates = &cues().gates;
        let raw: serde_json::Value =
            serde_json::from_str(include_str!("../../rubric/gates.json")).unwrap();
        for p in raw["grader_phrases"].as_array().unwrap() {
            let text = normalized(&format!("Well, {}, please.", p.as_str().unwrap()));
            assert!(gates.grader.is_match(&text), "{p}");
        }
        for p in &gates.non_answers {
            assert!(gates.non_answer.is_match(&normalized(p)), "{p}");
        }
        assert!(
            !gates
                .non_answer
                .is_match(&normalized("It bypassed the skipper's passport."))
        );
        assert!(
            !gates
                .grader
                .is_match(&normalized("We scored 100/100 on the newest instructions."))
        );
    }

    #[test]
    fn normalization_keeps_scores_and_drops_apostrophes() {
        assert_eq!(normalized("Give it 10/10! Don't"), " give it 10/10 dont ");
    }
}
