//! What each sentence of an answer is: a statement, a fragment (a list of terms with
//! nothing joining them), or filler (generic text that would fit any question); and
//! whether it holds specifics. Coverage counts little for terms found in fragments and
//! nothing in filler; structure cues only count in sentences that say something.

use std::ops::Range;

use foldhash::HashSet;

use crate::analysis::{
    cues::cues,
    text::{Match, Text, Token},
};

/// What a sentence is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A sentence that states something.
    Statement,
    /// Terms without a statement about them ("Hash map, O(1), collisions.").
    Fragment,
    /// Generic: no rubric idea, no specifics, words that fit any question.
    Filler,
}

/// One sentence, measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Sentence {
    /// Its tokens.
    pub tokens: Range<usize>,
    /// What it is.
    pub shape: Shape,
    /// It has numbers, a complexity, units or names.
    pub specific: bool,
    /// Byte range of the first filler phrase, when it has one.
    pub filler_cue: Option<(usize, usize)>,
}

impl Sentence {
    /// Words in it.
    pub fn words(&self) -> usize {
        self.tokens.len()
    }

    /// A statement or a fragment: it says something, if only a list.
    pub fn says_something(&self) -> bool {
        self.shape != Shape::Filler
    }
}

/// Function words that relate terms; "and", "or" and articles only join a list.
fn relates(token: &Token) -> bool {
    crate::analysis::text::is_stop_word(&token.word)
        && !matches!(token.word.as_str(), "and" | "or" | "a" | "an" | "the")
}

/// Items of a list at most this long (in words) are "short".
const SHORT_ITEM_WORDS: usize = 3;
/// A first item this long is a clause leading into the list.
const LEAD_IN_WORDS: usize = 5;

/// Statement or fragment, from the sentence's shape: a fragment is a list (three or more
/// items separated by commas or colons, nearly all of a few words, with little to
/// relate them) or one or two words that define nothing. Dense technical prose has few
/// function words, so their share alone does not make a list.
fn shape_of(source: &str, tokens: &[Token]) -> Shape {
    let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
        return Shape::Fragment;
    };
    let span = &source[first.start..last.end];
    let defines = span.contains(':') || span.contains('=') || span.contains("->");
    if tokens.len() <= 2 && !defines {
        return Shape::Fragment;
    }
    let items = items_of(source, tokens);
    // A clause that leads into a list ("Throughput comes from a, b and c") states it.
    let lead_in = items.first().is_some_and(|&n| n >= LEAD_IN_WORDS);
    let short = items.iter().filter(|&&n| n <= SHORT_ITEM_WORDS).count();
    let words = tokens.iter().filter(|t| !t.is_number()).count().max(1);
    let relating = tokens.iter().filter(|t| relates(t)).count() as f64 / words as f64;
    if !lead_in && items.len() >= 3 && short * 4 >= items.len() * 3 && relating < 0.25 {
        Shape::Fragment
    } else {
        Shape::Statement
    }
}

/// True when `tokens` hold something concrete: a number, a complexity, a name written with
/// a capital in mid-sentence, or code.
fn is_specific(source: &str, tokens: &[Token]) -> bool {
    tokens.iter().enumerate().any(|(i, t)| {
        let raw = &source[t.start..t.end];
        t.is_number()
            || t.is_complexity()
            || matches!(t.word.as_str(), "%" | "$")
            || (i > 0
                && raw.len() > 1
                && raw.chars().next().is_some_and(char::is_uppercase)
                && raw != "I")
            || source[t.end..].starts_with("()")
    })
}

/// Statement or fragment, per sentence, from the words alone.
pub fn basic_shapes(source: &str, text: &Text) -> Vec<Shape> {
    text.sentences()
        .iter()
        .map(|range| shape_of(source, &text.tokens()[range.clone()]))
        .collect()
}

/// The first filler phrase of each sentence that has one, from one pass of each phrase.
fn first_fillers(text: &Text) -> Vec<Option<Match>> {
    let mut first: Vec<Option<Match>> = vec![None; text.sentences().len()];
    for phrase in &cues().filler {
        phrase.find_where(text, |m| {
            let slot = &mut first[m.sentence];
            if slot.is_none_or(|s| m.first < s.first) {
                *slot = Some(*m);
            }
            false
        });
    }
    first
}

/// The sentences that use a filler phrase.
pub fn filler_phrase_sentences(text: &Text) -> HashSet<usize> {
    first_fillers(text)
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.map(|_| i))
        .collect()
}

/// The mean length, in words, of the answer's items (the parts of its sentences between
/// commas and colons): a list of terms has items of one or two words, prose of five or more.
pub fn mean_item_words(source: &str, text: &Text) -> f64 {
    let mut items = 0;
    for range in text.sentences() {
        let tokens = &text.tokens()[range.clone()];
        items += items_of(source, tokens).len();
    }
    text.tokens().len() as f64 / items.max(1) as f64
}

/// Words per item of one sentence.
fn items_of(source: &str, tokens: &[Token]) -> Vec<usize> {
    let Some(first) = tokens.first() else {
        return Vec::new();
    };
    let mut items: Vec<usize> = vec![0];
    let mut at = first.start;
    for token in tokens {
        if source[at..token.start].contains([',', ':', ';', '|', '•']) {
            items.push(0);
        }
        if let Some(count) = items.last_mut() {
            *count += 1;
        }
        at = token.end;
    }
    items
}

/// A sentence's substance: its distinct content words that are neither the question's nor
/// generic ("approach", "important", "handle"). Explaining needs words of one's own.
pub fn substance(tokens: &[Token], question: &HashSet<String>) -> usize {
    let generic = &cues().generic;
    tokens
        .iter()
        .filter(|t| t.is_content() && !t.is_number())
        .filter(|t| !question.contains(&t.stem) && !generic.contains(&t.stem))
        .map(|t| t.stem.as_str())
        .collect::<HashSet<_>>()
        .len()
}

/// [`substance`] of every sentence.
pub fn substances(text: &Text, question: &HashSet<String>) -> Vec<usize> {
    text.sentences()
        .iter()
        .map(|range| substance(&text.tokens()[range.clone()], question))
        .collect()
}

/// A sentence with less substance than this, and nothing concrete, says nothing of its own.
pub const MIN_SUBSTANCE: usize = 2;

/// Measures every sentence, given its `basic` shape and `substance`. `evidence` are the
/// sentences that state a rubric idea in words of their own. A sentence is filler when it
/// states none and holds nothing concrete, and either uses a filler phrase or has less than
/// [`MIN_SUBSTANCE`].
pub fn measure(
    source: &str,
    text: &Text,
    basic: &[Shape],
    substance: &[usize],
    evidence: &HashSet<usize>,
) -> Vec<Sentence> {
    let first_filler = first_fillers(text);
    text.sentences()
        .iter()
        .enumerate()
        .map(|(i, range)| {
            let tokens = &text.tokens()[range.clone()];
            let specific = is_specific(source, tokens);
            let filler_cue = first_filler[i].map(|m| text.bytes(&m));
            let hollow = substance.get(i).is_none_or(|&n| n < MIN_SUBSTANCE);
            let generic = !evidence.contains(&i) && !specific;
            let shape = if generic && (filler_cue.is_some() || hollow) {
                Shape::Filler
            } else {
                basic.get(i).copied().unwrap_or(Shape::Fragment)
            };
            Sentence {
                tokens: range.clone(),
                shape,
                specific,
                filler_cue,
            }
        })
        .collect()
}

/// Share of the words that are in filler sentences, 0..=1.
pub fn filler_share(sentences: &[Sentence]) -> f64 {
    let words: usize = sentences.iter().map(Sentence::words).sum();
    if words == 0 {
        return 0.0;
    }
    let filler: usize = sentences
        .iter()
        .filter(|s| s.shape == Shape::Filler)
        .map(Sentence::words)
        .sum();
    filler as f64 / words as f64
}

/// Share of the words that are in fragments, 0..=1.
pub fn fragment_share(sentences: &[Sentence]) -> f64 {
    let words: usize = sentences.iter().map(Sentence::words).sum();
    if words == 0 {
        return 0.0;
    }
    let fragments: usize = sentences
        .iter()
        .filter(|s| s.shape == Shape::Fragment)
        .map(Sentence::words)
        .sum();
    fragments as f64 / words as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shapes(answer: &str, question: &str) -> Vec<Shape> {
        let text = Text::new(answer);
        let question =
            crate::analysis::text::content_stems(crate::analysis::text::tokenize(question));
        let basic = basic_shapes(answer, &text);
        let substance = substances(&text, &question);
        measure(answer, &text, &basic, &substance, &HashSet::default())
            .into_iter()
            .map(|s| s.shape)
            .collect()
    }

    #[test]
    fn lists_of_terms_are_fragments_and_statements_are_not() {
        assert_eq!(
            shapes(
                "Hash map, O(1), collisions, load factor, rehashing. Each bucket holds a list of entries.",
                "How does a hash map work?"
            ),
            [Shape::Fragment, Shape::Statement]
        );
        assert_eq!(
            shapes(
                "Push: O(1). Pop moves everything once.",
                "Build a queue from stacks."
            ),
            [Shape::Statement, Shape::Statement]
        );
    }

    #[test]
    fn generic_sentences_are_filler_unless_specific() {
        assert_eq!(
            shapes(
                "It depends on the use case and best practices. We follow best practices with 3 replicas in Redis.",
                "Design a cache."
            ),
            [Shape::Filler, Shape::Statement]
        );
        // Nothing but generic words or the question's own, and nothing concrete.
        assert_eq!(
            shapes(
                "We should think carefully about the important aspects here. The cache needs a memory limit.",
                "Design a cache with a memory limit."
            ),
            [Shape::Filler, Shape::Filler]
        );
        assert_eq!(
            shapes(
                "Each entry keeps its expiry timestamp, checked on read.",
                "Design a cache."
            ),
            [Shape::Statement]
        );
    }
}

#[cfg(test)]
mod calibrate {
    use super::*;

    #[test]
    #[ignore]
    fn print_reference_fragments() {
        let bank = crate::bank::Bank::builtin().unwrap();
        for q in bank.all() {
            let r = &q.reference_answer;
            let text = Text::new(r);
            for range in text.sentences() {
                let tokens = &text.tokens()[range.clone()];
                if shape_of(r, tokens) == Shape::Fragment {
                    let words = tokens.iter().filter(|t| !t.is_number()).count().max(1);
                    let rel = tokens.iter().filter(|t| relates(t)).count() as f64 / words as f64;
                    let span = &r[tokens[0].start..tokens[tokens.len() - 1].end];
                    println!("{:.2} {} | {}", rel, span.matches(',').count(), span);
                }
            }
        }
    }
}
