//! Text primitives of the built-in evaluator: tokens with their stems and positions, stop
//! words, term patterns matched by stem (so "cache" matches "caching"), sentences and quotes.

use std::{
    collections::{HashMap, HashSet},
    sync::{LazyLock, RwLock},
};

use rust_stemmers::{Algorithm, Stemmer};

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Words already stemmed. Every answer, question, hint and rubric term is tokenized on every
/// evaluation, and the Snowball stemmer was the largest part of scoring's CPU; the words of
/// answers repeat (technical vocabulary, the question's own words), so most are found here.
/// A plain map behind a read-write lock: lookups share the lock and cost a hash and a
/// compare (a concurrent cache with per-entry bookkeeping cost more than the stemming it
/// saved). Bounded: when it holds [`STEM_MEMO_WORDS`] words it starts again from empty.
static STEMS: LazyLock<RwLock<HashMap<String, String>>> = LazyLock::new(RwLock::default);
const STEM_MEMO_WORDS: usize = 50_000;
/// Longer "words" (pasted identifiers, URLs) are stemmed each time, not kept.
const STEM_MEMO_MAX_WORD: usize = 32;

/// One word of a text: lower-cased, stemmed, and where it was (byte offsets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The word, lower-cased.
    pub word: String,
    /// Its Snowball (Porter 2) stem; numbers are kept as they are.
    pub stem: String,
    /// Byte offset of the first character in the original text.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
}

impl Token {
    /// True for a word that carries meaning (not a stop word, not a lone letter).
    pub fn is_content(&self) -> bool {
        self.word.chars().count() > 2 && !is_stop_word(&self.word)
    }

    /// True when the token is a number (digits, maybe with a decimal point).
    pub fn is_number(&self) -> bool {
        self.word.chars().next().is_some_and(|c| c.is_ascii_digit())
    }
}

/// The stem of one lower-case word.
pub fn stem(word: &str) -> String {
    if word.chars().any(|c| c.is_ascii_digit()) {
        return word.to_owned();
    }
    if word.len() > STEM_MEMO_MAX_WORD {
        return stem_uncached(word);
    }
    if let Some(stem) = STEMS.read().ok().and_then(|memo| memo.get(word).cloned()) {
        return stem;
    }
    let stem = stem_uncached(word);
    if let Ok(mut memo) = STEMS.write() {
        if memo.len() >= STEM_MEMO_WORDS {
            memo.clear();
        }
        memo.insert(word.to_owned(), stem.clone());
    }
    stem
}

fn stem_uncached(word: &str) -> String {
    let trimmed = word.trim_end_matches("'s").replace('\'', "");
    STEMMER.stem(&trimmed).into_owned()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Symbols that mean something in an answer ("40%", "$2M", "C++", "C#") and are kept as
/// tokens of their own.
const SYMBOLS: &[char] = &['%', '$', '€', '£', '#', '+'];

/// Splits `text` into lower-case word tokens. Apostrophes inside a word stay in it
/// ("don't"), a decimal point between digits too ("99.9"); "n²" reads as "n^2" (two
/// tokens); the [`SYMBOLS`] are tokens of their own.
pub fn tokenize(text: &str) -> Vec<Token> {
    // Same byte lengths, so offsets still point into `text`.
    let text = text.replace('²', "^2").replace('³', "^3");
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if SYMBOLS.contains(&c) {
            tokens.push(Token {
                word: c.to_string(),
                stem: c.to_string(),
                start,
                end: start + c.len_utf8(),
            });
            continue;
        }
        if !is_word_char(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        let mut word = String::new();
        push_lower(&mut word, c);
        while let Some(&(i, next)) = chars.peek() {
            let joins = (next == '\'' || next == '\u{2019}' || next == '.')
                && chars.clone().nth(1).is_some_and(|(_, after)| {
                    if next == '.' {
                        after.is_ascii_digit() && word.chars().all(|w| w.is_ascii_digit())
                    } else {
                        after.is_alphabetic()
                    }
                });
            if is_word_char(next) || joins {
                push_lower(&mut word, if next == '\u{2019}' { '\'' } else { next });
                end = i + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let stem = stem(&word);
        tokens.push(Token {
            word,
            stem,
            start,
            end,
        });
    }
    tokens
}

fn push_lower(word: &mut String, c: char) {
    word.extend(c.to_lowercase());
}

/// A word or phrase to find in an answer, compiled to stems. A phrase also matches its
/// words written as one ("hash map" matches "hashmap"; "trade-off" matches "tradeoffs").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TermPattern {
    /// The phrase as written.
    pub text: String,
    stems: Vec<String>,
    joined: Option<String>,
}

impl TermPattern {
    /// Compiles `text`; `None` when it has no word at all.
    pub fn new(text: &str) -> Option<Self> {
        let tokens = tokenize(text);
        if tokens.is_empty() {
            return None;
        }
        let joined = (tokens.len() > 1
            && tokens
                .iter()
                .all(|t| t.word.chars().all(char::is_alphabetic)))
        .then(|| stem(&tokens.iter().map(|t| t.word.as_str()).collect::<String>()));
        Some(Self {
            text: text.trim().to_owned(),
            stems: tokens.into_iter().map(|t| t.stem).collect(),
            joined,
        })
    }

    /// Number of words in the phrase.
    pub fn len(&self) -> usize {
        self.stems.len()
    }

    /// Always false: a pattern has at least one word.
    pub fn is_empty(&self) -> bool {
        self.stems.is_empty()
    }

    /// The token range of the first occurrence in `tokens`, if any.
    pub fn find(&self, tokens: &[Token]) -> Option<(usize, usize)> {
        let n = self.stems.len();
        for i in 0..tokens.len() {
            if let Some(joined) = &self.joined
                && same_stem(&tokens[i].stem, joined)
            {
                return Some((i, i + 1));
            }
            if i + n <= tokens.len()
                && tokens[i..i + n]
                    .iter()
                    .zip(&self.stems)
                    .all(|(t, s)| same_stem(&t.stem, s))
            {
                return Some((i, i + n));
            }
        }
        None
    }
}

/// Stem equality for the matcher's inner loop, which compares every pattern with every
/// token: most pairs differ in length or first letter, checked inline before the full
/// comparison (a call into `memcmp`, which was a tenth of the evaluation service's CPU).
#[inline]
fn same_stem(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// Counts the distinct patterns of `patterns` found in `tokens`.
pub fn count_found(patterns: &[TermPattern], tokens: &[Token]) -> usize {
    patterns.iter().filter(|p| p.find(tokens).is_some()).count()
}

/// Compiles a list of cue phrases.
pub fn patterns(phrases: &[&str]) -> Vec<TermPattern> {
    phrases.iter().filter_map(|p| TermPattern::new(p)).collect()
}

/// The distinct stems of the content words of `tokens`.
pub fn content_stems(tokens: &[Token]) -> HashSet<String> {
    tokens
        .iter()
        .filter(|t| t.is_content() && !t.is_number())
        .map(|t| t.stem.clone())
        .collect()
}

/// Sentences of `text` (split on . ! ? and line breaks), trimmed, non-empty.
pub fn sentences(text: &str) -> Vec<&str> {
    text.split(['.', '!', '?', '\n', ';'])
        .map(str::trim)
        .filter(|s| s.chars().any(char::is_alphanumeric))
        .collect()
}

/// True at a byte offset of `text` that ends a sentence: a line break, or . ! ? followed by
/// white space or the end (so "99.9" and "O(n)." read right).
fn ends_sentence(text: &str, i: usize, c: char) -> bool {
    c == '\n'
        || (matches!(c, '.' | '!' | '?')
            && text[i + 1..].chars().next().is_none_or(char::is_whitespace))
}

/// A short quote of `text` around the bytes `start..end`: the match with the words around
/// it from the same sentence, at most about `max_chars` characters, "…" where it was cut.
pub fn quote(text: &str, start: usize, end: usize, max_chars: usize) -> String {
    let start = start.min(text.len());
    let end = end.clamp(start, text.len());
    let sentence_start = text[..start]
        .char_indices()
        .rev()
        .find(|&(i, c)| ends_sentence(text, i, c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let sentence_end = text[end..]
        .char_indices()
        .find(|&(i, c)| ends_sentence(text, end + i, c))
        .map_or(text.len(), |(i, _)| end + i);
    // Words of the sentence with their byte ranges.
    let mut words = Vec::new();
    let mut offset = sentence_start;
    for word in text[sentence_start..sentence_end].split_whitespace() {
        let at = text[offset..sentence_end]
            .find(word)
            .map_or(offset, |p| offset + p);
        words.push((at, at + word.len(), word));
        offset = at + word.len();
    }
    let Some(first) = words.iter().position(|&(_, e, _)| e > start) else {
        return String::new();
    };
    let last = words
        .iter()
        .rposition(|&(s, _, _)| s < end)
        .unwrap_or(first)
        .max(first);
    let (mut lo, mut hi) = (first, last);
    let width = |lo: usize, hi: usize| {
        words[lo..=hi]
            .iter()
            .map(|w| w.2.chars().count() + 1)
            .sum::<usize>()
    };
    loop {
        let grew_right = hi + 1 < words.len() && width(lo, hi + 1) <= max_chars;
        if grew_right {
            hi += 1;
        }
        let grew_left = lo > 0 && width(lo - 1, hi) <= max_chars;
        if grew_left {
            lo -= 1;
        }
        if !grew_left && !grew_right {
            break;
        }
    }
    let body = words[lo..=hi]
        .iter()
        .map(|w| w.2)
        .collect::<Vec<_>>()
        .join(" ");
    let body = body.trim_end_matches([',', ';', ':']);
    let head = if lo > 0 { "…" } else { "" };
    let tail = if hi + 1 < words.len() { "…" } else { "" };
    format!("{head}{body}{tail}")
}

/// Common English function words, ignored when comparing content.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORD_SET.contains(word)
}

/// [`STOP_WORDS`] for lookups by hash (asked for every token, often several times).
static STOP_WORD_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| STOP_WORDS.iter().copied().collect());

/// Sorted, lower case.
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "don't", "down", "during", "each",
    "either", "else", "etc", "even", "ever", "every", "few", "for", "from", "further", "get",
    "gets", "got", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his",
    "how", "however", "i", "i'd", "i'll", "i'm", "i've", "if", "in", "into", "is", "it", "it's",
    "its", "itself", "just", "let", "like", "made", "make", "many", "may", "me", "might", "more",
    "most", "much", "must", "my", "myself", "need", "no", "nor", "not", "now", "of", "off", "on",
    "once", "one", "only", "or", "other", "our", "ours", "out", "over", "own", "per", "please",
    "really", "same", "say", "she", "should", "since", "so", "some", "such", "than", "that",
    "that's", "the", "their", "theirs", "them", "then", "there", "there's", "these", "they",
    "thing", "things", "this", "those", "though", "through", "to", "too", "under", "until", "up",
    "upon", "us", "use", "used", "using", "very", "was", "we", "we're", "were", "what", "what's",
    "when", "where", "which", "while", "who", "whom", "why", "will", "with", "within", "without",
    "would", "yes", "yet", "you", "you're", "your", "yours",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_and_distinct() {
        assert!(
            STOP_WORDS.windows(2).all(|w| w[0] < w[1]),
            "STOP_WORDS unsorted"
        );
        assert_eq!(STOP_WORD_SET.len(), STOP_WORDS.len());
        assert!(is_stop_word("the") && is_stop_word("you're") && !is_stop_word("cache"));
    }

    #[test]
    fn stems_compare_equal_only_when_equal() {
        assert!(same_stem("cach", "cach"));
        assert!(same_stem("", ""));
        for (a, b) in [
            ("cach", "catch"),
            ("cach", "bach"),
            ("cach", "cacj"),
            ("", "a"),
        ] {
            assert!(!same_stem(a, b), "{a} {b}");
        }
    }

    #[test]
    fn remembered_stems_are_the_stemmer_s() {
        let long = "x".repeat(STEM_MEMO_MAX_WORD + 1) + "ing";
        for word in [
            "caching",
            "caches",
            "user's",
            "don't",
            "tradeoffs",
            long.as_str(),
        ] {
            let first = stem(word);
            assert_eq!(first, stem_uncached(word), "{word}");
            assert_eq!(stem(word), first, "{word}, from the memo");
        }
        assert_eq!(stem("caching"), "cach");
        let memo = STEMS.read().unwrap();
        assert!(memo.contains_key("caching"));
        assert!(!memo.contains_key(long.as_str()), "long words are not kept");
    }

    #[test]
    fn tokens_keep_positions_contractions_and_decimals() {
        let text = "Don't cache; 99.9% uptime, O(n²).";
        let tokens = tokenize(text);
        let words: Vec<_> = tokens.iter().map(|t| t.word.as_str()).collect();
        assert_eq!(
            words,
            ["don't", "cache", "99.9", "%", "uptime", "o", "n", "2"]
        );
        assert_eq!(&text[tokens[1].start..tokens[1].end], "cache");
    }

    #[test]
    fn terms_match_word_forms_and_joined_phrases() {
        let answer = tokenize("We were caching results in a HashMap, weighing tradeoffs.");
        for term in ["cache", "hash map", "trade-off", "weigh"] {
            assert!(
                TermPattern::new(term).unwrap().find(&answer).is_some(),
                "{term}"
            );
        }
        assert!(
            TermPattern::new("load balancer")
                .unwrap()
                .find(&answer)
                .is_none()
        );
        assert!(TermPattern::new("  ").is_none());
    }

    #[test]
    fn quotes_are_short_and_centred_on_the_match() {
        let text = "First we sort. Then we use a hash map from value to index, which makes lookups constant time on average. Done.";
        let start = text.find("hash map").unwrap();
        let q = quote(text, start, start + 8, 40);
        assert!(q.contains("hash map"), "{q}");
        assert!(q.chars().count() <= 45, "{q}");
        assert!(!q.contains("sort"), "{q}");
    }
}
