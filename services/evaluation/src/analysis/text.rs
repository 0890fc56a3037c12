//! Text primitives of the built-in evaluator: tokens with their stems, positions and
//! sentences; an analysed [`Text`] that finds [`TermPattern`]s by stem through a sorted
//! index; stop words; quotes.
//!
//! The term syntax (documented for rubric authors in `bank/README.md`): `a b` is the words
//! in a row (or written as one word), `a ... b` is `b` after `a` in the same sentence with at
//! most [`MAX_GAP`] words between, `a & b` is both in the same sentence in any order.
//! Articles in the answer are skipped and the forms of "be" read the same, so a phrase
//! states an idea rather than one exact wording.

use std::{
    ops::Range,
    sync::{LazyLock, RwLock},
};

use foldhash::{HashMap, HashSet};

use rust_stemmers::{Algorithm, Stemmer};
use serde::Deserialize;

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Words already stemmed. Every answer, question, hint and rubric term is tokenized on every
/// evaluation, and the words of answers repeat (technical vocabulary, the question's own
/// words), so most are found here: a plain map behind a read-write lock, since lookups share
/// the lock and cost a hash and a compare. Bounded: when it holds [`STEM_MEMO_WORDS`] words it
/// starts again from empty.
static STEMS: LazyLock<RwLock<HashMap<String, String>>> = LazyLock::new(RwLock::default);
const STEM_MEMO_WORDS: usize = 50_000;
/// Longer "words" (pasted identifiers, URLs) are stemmed each time, not kept.
const STEM_MEMO_MAX_WORD: usize = 32;

/// Most words allowed between the parts of `a ... b`.
pub const MAX_GAP: usize = 6;

/// One word of a text: lower-cased, stemmed, where it was (byte offsets) and in which
/// sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The word, lower-cased; a complexity such as "O(n log n)" is one token, `o(nlogn)`.
    pub word: String,
    /// Its Snowball (Porter 2) stem; numbers and complexities are kept as they are, and
    /// every form of "be" is `be`.
    pub stem: String,
    /// Byte offset of the first character in the original text.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// Index of its sentence, from 0.
    pub sentence: usize,
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

    /// True for a complexity such as `o(n)`.
    pub fn is_complexity(&self) -> bool {
        self.word.starts_with("o(")
    }

    /// Articles are skipped when terms are matched.
    fn is_article(&self) -> bool {
        matches!(self.word.as_str(), "a" | "an" | "the")
    }
}

/// The stem of one lower-case word.
pub fn stem(word: &str) -> String {
    if word.contains('(') || word.chars().any(|c| c.is_ascii_digit()) {
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
    if matches!(
        word,
        "is" | "are" | "was" | "were" | "be" | "been" | "being" | "am" | "isn't" | "aren't"
    ) {
        // "a stack is LIFO" and "stacks are LIFO" state the same thing.
        return if word.ends_with("n't") { "not" } else { "be" }.to_owned();
    }
    // A pronoun's contraction keeps its mark: without it "I'd" reads as "id" and "we'll" as
    // "well".
    if let Some((pronoun, rest)) = word.split_once('\'')
        && matches!(
            pronoun,
            "i" | "we" | "you" | "they" | "he" | "she" | "it" | "that" | "there"
        )
        && !rest.is_empty()
    {
        return format!("{pronoun}_{rest}");
    }
    let trimmed = word.trim_end_matches("'s").replace('\'', "");
    let stemmed = STEMMER.stem(&trimmed).into_owned();
    // Snowball leaves plurals of vowel-less acronyms alone ("CDNs", "JWTs", "TTLs"): their
    // singular is what rubrics name. Short units ("qps", "rps") are not plurals.
    let vowelless = |w: &str| !w.chars().any(|c| "aeiouy".contains(c));
    if stemmed == trimmed
        && stemmed.len() >= 4
        && stemmed.ends_with('s')
        && stemmed != "https"
        && vowelless(&stemmed[..stemmed.len() - 1])
    {
        return stemmed[..stemmed.len() - 1].to_owned();
    }
    stemmed
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Symbols that mean something in an answer ("40%", "$2M", "C++", "C#") and are kept as
/// tokens of their own.
const SYMBOLS: &[char] = &['%', '$', '€', '£', '#', '+'];

/// The longest complexity read as one token, in bytes after the `O`.
const MAX_COMPLEXITY: usize = 40;

/// A complexity at `start` ("O(n log n)", "o(1)", "O(V + E)"): its end and its normalised
/// form (`o(nlogn)`), or `None`.
fn complexity_at(text: &str, start: usize) -> Option<(usize, String)> {
    let rest = &text[start + 1..];
    let open = rest.len() - rest.trim_start().len();
    let body = rest[open..].strip_prefix('(')?;
    let close = body.find(')')?;
    let inner = &body[..close];
    let allowed = |c: char| c.is_alphanumeric() || c.is_whitespace() || "^*+-/.,!·×√".contains(c);
    if close > MAX_COMPLEXITY || inner.trim().is_empty() || !inner.chars().all(allowed) {
        return None;
    }
    let mut word = String::from("o(");
    for c in inner.chars().filter(|c| !c.is_whitespace()) {
        match c {
            '·' | '×' => word.push('*'),
            c => word.extend(c.to_lowercase()),
        }
    }
    word.push(')');
    Some((start + 1 + open + 1 + close + 1, word))
}

/// True at a byte offset of `text` that ends a sentence: a line break or a semicolon, or
/// . ! ? followed by white space or the end (so "99.9" and "O(n)." read right).
fn ends_sentence(text: &str, i: usize, c: char) -> bool {
    c == '\n'
        || c == ';'
        || (matches!(c, '.' | '!' | '?')
            && text[i + c.len_utf8()..]
                .chars()
                .next()
                .is_none_or(char::is_whitespace))
}

/// Splits `text` into lower-case word tokens with their sentences. Apostrophes inside a
/// word stay in it ("don't"), a decimal point between digits too ("99.9"); "n²" reads as
/// "n^2"; a complexity ("O(n log n)") is one token; the [`SYMBOLS`] are tokens of their
/// own; "e.g." and "i.e." do not end a sentence.
pub fn tokenize(text: &str) -> Vec<Token> {
    // Same byte lengths, so offsets still point into `text`.
    let text: std::borrow::Cow<'_, str> = if text.contains(['²', '³']) {
        text.replace('²', "^2").replace('³', "^3").into()
    } else {
        text.into()
    };
    let mut out = Tokens::default();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if SYMBOLS.contains(&c) {
            out.push(c.to_string(), start, start + c.len_utf8());
            continue;
        }
        if !is_word_char(c) {
            let abbreviation = c == '.'
                && matches!(
                    out.tokens.as_slice(),
                    [.., a, b] if matches!((a.word.as_str(), b.word.as_str()), ("e", "g") | ("i", "e"))
                );
            if ends_sentence(&text, start, c) && !abbreviation {
                out.sentence_ended = true;
            }
            continue;
        }
        let at_word_start = text[..start]
            .chars()
            .next_back()
            .is_none_or(|p| !is_word_char(p));
        if (c == 'o' || c == 'O')
            && at_word_start
            && let Some((end, word)) = complexity_at(&text, start)
        {
            while chars.peek().is_some_and(|&(i, _)| i < end) {
                chars.next();
            }
            out.push(word, start, end);
            continue;
        }
        let mut end = start + c.len_utf8();
        let mut word = String::new();
        word.extend(c.to_lowercase());
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
                word.extend(if next == '\u{2019}' { '\'' } else { next }.to_lowercase());
                end = i + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        out.push(word, start, end);
    }
    out.tokens
}

/// Tokens under construction, with the sentence they are in.
#[derive(Default)]
struct Tokens {
    tokens: Vec<Token>,
    sentence: usize,
    sentence_ended: bool,
}

impl Tokens {
    fn push(&mut self, word: String, start: usize, end: usize) {
        if self.sentence_ended && !self.tokens.is_empty() {
            self.sentence += 1;
        }
        self.sentence_ended = false;
        let stem = stem(&word);
        self.tokens.push(Token {
            word,
            stem,
            start,
            end,
            sentence: self.sentence,
        });
    }
}

/// FNV-1a of a stem: the index key. Terms compile their stems' hashes once, so finding a
/// term's candidates compares integers, not strings. Equal hashes are then checked by stem.
fn stem_hash(stem: &str) -> u64 {
    stem.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// An analysed text: its tokens, sentences, and an index of the tokens that terms are
/// matched against (articles skipped), sorted by stem hash.
#[derive(Clone, Debug)]
pub struct Text {
    tokens: Vec<Token>,
    /// Token ranges of the sentences.
    sentences: Vec<Range<usize>>,
    /// The tokens terms see, as indices into `tokens`.
    seen: Vec<usize>,
    /// Ranges of `seen` per sentence.
    seen_sentences: Vec<Range<usize>>,
    /// (stem hash, position in `seen`), sorted.
    by_stem: Vec<(u64, usize)>,
}

/// Where a term was found: token indices (inclusive) and the sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    /// The sentence.
    pub sentence: usize,
    /// First token.
    pub first: usize,
    /// Last token.
    pub last: usize,
}

impl Text {
    /// Tokenizes and indexes `source`.
    pub fn new(source: &str) -> Self {
        let tokens = tokenize(source);
        let mut sentences: Vec<Range<usize>> = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            if token.sentence == sentences.len() {
                sentences.push(i..i + 1);
            } else if let Some(last) = sentences.last_mut() {
                last.end = i + 1;
            }
        }
        let seen: Vec<usize> = (0..tokens.len())
            .filter(|&i| !tokens[i].is_article())
            .collect();
        let mut seen_sentences = vec![0..0; sentences.len()];
        for (p, &i) in seen.iter().enumerate() {
            let range = &mut seen_sentences[tokens[i].sentence];
            if range.start == range.end {
                *range = p..p + 1;
            } else {
                range.end = p + 1;
            }
        }
        let mut by_stem: Vec<(u64, usize)> = seen
            .iter()
            .enumerate()
            .map(|(p, &i)| (stem_hash(&tokens[i].stem), p))
            .collect();
        by_stem.sort_unstable();
        Self {
            tokens,
            sentences,
            seen,
            seen_sentences,
            by_stem,
        }
    }

    /// Every token.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// Token ranges of the sentences.
    pub fn sentences(&self) -> &[Range<usize>] {
        &self.sentences
    }

    /// Byte range of a match.
    pub fn bytes(&self, m: &Match) -> (usize, usize) {
        (self.tokens[m.first].start, self.tokens[m.last].end)
    }

    fn seen_stem(&self, p: usize) -> &str {
        &self.tokens[self.seen[p]].stem
    }

    /// Positions in `seen` whose stem hashes to `hash`, in order (callers check the stem).
    fn with_stem(&self, hash: u64) -> impl Iterator<Item = usize> + '_ {
        let lo = self.by_stem.partition_point(|&(h, _)| h < hash);
        self.by_stem[lo..]
            .iter()
            .take_while(move |&&(h, _)| h == hash)
            .map(|&(_, p)| p)
    }

    fn sentence_at(&self, p: usize) -> usize {
        self.tokens[self.seen[p]].sentence
    }
}

/// One run of words of a term: their stems in a row, or (for several words) all of them
/// written as one word. A word may be alternatives (`took|went|escalated`); each
/// alternative may itself be several tokens ("first-in").
#[derive(Clone, Debug, PartialEq, Eq)]
struct Segment {
    /// Per position, its alternatives, each a run of stems.
    positions: Vec<Vec<Vec<String>>>,
    joined: Option<String>,
    /// Hashes of the stems a match can start with (each first alternative's first stem, and
    /// the joined form).
    start_hashes: Vec<u64>,
}

/// Contraction endings a term may write apart ("didn t", "manager s"): answers keep them on
/// the word ("didn't" is one token, `didnt`).
const CONTRACTIONS: [&str; 7] = ["t", "s", "m", "re", "ve", "ll", "d"];

/// The stems of `text` without its articles (unless it is only articles: "a"), with
/// contractions written apart joined as answers have them.
fn term_tokens(text: &str) -> Vec<Token> {
    let mut all: Vec<Token> = Vec::new();
    for token in tokenize(text) {
        match all.last_mut() {
            Some(last)
                if CONTRACTIONS.contains(&token.word.as_str())
                    && last.end + 1 == token.start
                    && last.word.chars().all(char::is_alphabetic) =>
            {
                // Stemmed as the answer's "didn't", "I'm", "manager's" is.
                last.word = format!("{}'{}", last.word, token.word);
                last.stem = stem(&last.word);
                last.end = token.end;
            }
            _ => all.push(token),
        }
    }
    let words: Vec<Token> = all.iter().filter(|t| !t.is_article()).cloned().collect();
    if words.is_empty() { all } else { words }
}

/// `text` with the spaces inside its complexities removed ("O(n log n)" → "O(nlogn)"), so
/// that splitting it into words keeps each complexity whole.
fn compact_complexities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['o', 'O']) {
        let word_start = rest[..at]
            .chars()
            .next_back()
            .is_none_or(|p| !is_word_char(p));
        match complexity_at(rest, at) {
            Some((end, _)) if word_start => {
                out.push_str(&rest[..at]);
                out.extend(rest[at..end].chars().filter(|c| !c.is_whitespace()));
                rest = &rest[end..];
            }
            _ => {
                let next = at + 1;
                out.push_str(&rest[..next]);
                rest = &rest[next..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The stems of `tokens`, in a vector of their own size. (Collecting `into_iter().map(..)`
/// reuses the tokens' buffer, three times the size the stems need, and a bank's thousands
/// of compiled terms keep it for good.)
fn stems_of(tokens: Vec<Token>) -> Vec<String> {
    let mut stems: Vec<String> = tokens.into_iter().map(|t| t.stem).collect();
    stems.shrink_to_fit();
    stems
}

impl Segment {
    fn new(text: &str) -> Option<Self> {
        if text.contains('|') {
            let text = compact_complexities(text);
            let positions = text
                .split_whitespace()
                .map(|word| {
                    word.split('|')
                        .map(|alt| stems_of(term_tokens(alt)))
                        .filter(|alt| !alt.is_empty())
                        .collect::<Vec<_>>()
                })
                .filter(|alts| !alts.is_empty())
                .collect::<Vec<_>>();
            return (!positions.is_empty()).then(|| Self::with_start_hashes(positions, None));
        }
        let tokens = term_tokens(text);
        if tokens.is_empty() {
            return None;
        }
        let joined = (tokens.len() > 1
            && tokens
                .iter()
                .all(|t| t.word.chars().all(char::is_alphabetic)))
        .then(|| stem(&tokens.iter().map(|t| t.word.as_str()).collect::<String>()));
        Some(Self::with_start_hashes(
            vec![vec![stems_of(tokens)]],
            joined,
        ))
    }

    fn with_start_hashes(positions: Vec<Vec<Vec<String>>>, joined: Option<String>) -> Self {
        let mut start_hashes: Vec<u64> = positions[0]
            .iter()
            .filter_map(|alt| alt.first())
            .chain(joined.as_ref())
            .map(|s| stem_hash(s))
            .collect();
        start_hashes.sort_unstable();
        start_hashes.dedup();
        Self {
            positions,
            joined,
            start_hashes,
        }
    }

    /// Every stem of the segment.
    fn stems(&self) -> impl Iterator<Item = &String> {
        self.positions.iter().flatten().flatten()
    }

    /// The last position of the words from `positions[k..]` when they start at `p`
    /// (within `sentence`).
    fn rest_at(&self, text: &Text, k: usize, p: usize, sentence: usize) -> Option<usize> {
        let Some(alternatives) = self.positions.get(k) else {
            return p.checked_sub(1);
        };
        alternatives.iter().find_map(|alt| {
            let last = p + alt.len() - 1;
            let fits = last < text.seen.len()
                && text.sentence_at(last) == sentence
                && alt
                    .iter()
                    .enumerate()
                    .all(|(i, s)| same_stem(text.seen_stem(p + i), s));
            if !fits {
                return None;
            }
            if k + 1 == self.positions.len() {
                Some(last)
            } else {
                self.rest_at(text, k + 1, last + 1, sentence)
            }
        })
    }

    /// The last position of this segment when it starts at `p` (within one sentence).
    fn at(&self, text: &Text, p: usize) -> Option<usize> {
        if self
            .joined
            .as_deref()
            .is_some_and(|j| same_stem(text.seen_stem(p), j))
        {
            return Some(p);
        }
        self.rest_at(text, 0, p, text.sentence_at(p))
    }

    /// Where this segment can start, in order.
    fn starts(&self, text: &Text) -> Vec<usize> {
        let mut starts: Vec<usize> = self
            .start_hashes
            .iter()
            .flat_map(|&h| text.with_stem(h))
            .collect();
        if self.start_hashes.len() > 1 {
            starts.sort_unstable();
            starts.dedup();
        }
        starts
    }
}

/// `a ... b ... c`: segments in order within a sentence, at most [`MAX_GAP`] words apart.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Part {
    segments: Vec<Segment>,
}

impl Part {
    fn new(text: &str) -> Option<Self> {
        let segments = text
            .split("...")
            .map(Segment::new)
            .collect::<Option<Vec<_>>>()?;
        Some(Self { segments })
    }

    /// The seen range of the part when its first segment starts at `p`.
    fn at(&self, text: &Text, p: usize) -> Option<(usize, usize)> {
        let mut end = self.segments[0].at(text, p)?;
        let sentence = text.sentence_at(p);
        let sentence_end = text.seen_sentences[sentence].end;
        for segment in &self.segments[1..] {
            let window = end + 1..(end + 2 + MAX_GAP).min(sentence_end);
            end = window.into_iter().find_map(|q| segment.at(text, q))?;
        }
        Some((p, end))
    }

    /// The first occurrence of the part within `sentence`.
    fn in_sentence(&self, text: &Text, sentence: usize) -> Option<(usize, usize)> {
        let range = text.seen_sentences[sentence].clone();
        self.segments[0]
            .starts(text)
            .into_iter()
            .skip_while(|&p| p < range.start)
            .take_while(|&p| p < range.end)
            .find_map(|p| self.at(text, p))
    }
}

/// A term to find in an answer (see the module documentation for the syntax), compiled to
/// stems.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TermPattern {
    text: String,
    parts: Vec<Part>,
}

impl TermPattern {
    /// Compiles `text`; `None` when a part has no word at all.
    pub fn new(text: &str) -> Option<Self> {
        let parts = text.split('&').map(Part::new).collect::<Option<Vec<_>>>()?;
        Some(Self {
            text: text.trim().to_owned(),
            parts,
        })
    }

    /// The term as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Every stem of the term's words.
    pub fn stems(&self) -> impl Iterator<Item = &str> {
        self.parts
            .iter()
            .flat_map(|p| &p.segments)
            .flat_map(Segment::stems)
            .map(String::as_str)
    }

    /// The first occurrence in `text`.
    pub fn find(&self, text: &Text) -> Option<Match> {
        self.find_where(text, |_| true)
    }

    /// The first occurrence in `text` that `accept` takes.
    pub fn find_where(&self, text: &Text, mut accept: impl FnMut(&Match) -> bool) -> Option<Match> {
        let (first, others) = self.parts.split_first()?;
        for p in first.segments[0].starts(text) {
            let Some((from, to)) = first.at(text, p) else {
                continue;
            };
            let sentence = text.sentence_at(p);
            let (mut lo, mut hi) = (from, to);
            let all = others.iter().all(|part| {
                part.in_sentence(text, sentence).is_some_and(|(a, b)| {
                    lo = lo.min(a);
                    hi = hi.max(b);
                    true
                })
            });
            if !all {
                continue;
            }
            let found = Match {
                sentence,
                first: text.seen[lo],
                last: text.seen[hi],
            };
            if accept(&found) {
                return Some(found);
            }
        }
        None
    }
}

/// Stem equality for the matcher's inner loop: most pairs differ in length or first letter,
/// checked inline before the full comparison.
#[inline]
fn same_stem(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// Counts the distinct patterns of `patterns` found in `text`.
pub fn count_found(patterns: &[TermPattern], text: &Text) -> usize {
    patterns.iter().filter(|p| p.find(text).is_some()).count()
}

/// Compiles a list of terms, skipping any without words.
pub fn patterns<S: AsRef<str>>(phrases: &[S]) -> Vec<TermPattern> {
    phrases
        .iter()
        .filter_map(|p| TermPattern::new(p.as_ref()))
        .collect()
}

/// The distinct stems of the content words of `tokens` (taken: their stems move into the
/// set rather than being copied).
pub fn content_stems(tokens: Vec<Token>) -> HashSet<String> {
    tokens
        .into_iter()
        .filter(|t| t.is_content() && !t.is_number())
        .map(|t| t.stem)
        .collect()
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

/// The function-word list (`rubric/stop-words.json`), embedded at build time and checked by
/// [`super::cues::validate`] at start-up.
const STOP_WORDS_JSON: &str = include_str!("../../rubric/stop-words.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StopWords {
    #[serde(rename = "about")]
    _about: String,
    pub words: Vec<String>,
}

pub(super) fn parse_stop_words() -> Result<StopWords, serde_json::Error> {
    serde_json::from_str(STOP_WORDS_JSON)
}

/// The stop words for lookups by hash (asked for every token, often several times). Empty
/// if the file does not parse, which start-up refuses.
static STOP_WORD_SET: LazyLock<HashSet<String>> = LazyLock::new(|| {
    parse_stop_words()
        .map(|s| s.words.into_iter().collect())
        .unwrap_or_default()
});

/// Common English function words, ignored when comparing content.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORD_SET.contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_and_distinct() {
        let words = parse_stop_words().unwrap().words;
        assert!(words.windows(2).all(|w| w[0] < w[1]), "unsorted");
        assert_eq!(STOP_WORD_SET.len(), words.len());
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
    fn acronym_plurals_and_be_forms_read_as_their_base() {
        assert_eq!(stem("cdns"), "cdn");
        assert_eq!(stem("jwts"), "jwt");
        assert_eq!(stem("qps"), "qps");
        assert_eq!(stem("https"), "https");
        assert_eq!(stem("are"), stem("is"));
        assert_eq!(stem("were"), "be");
    }

    #[test]
    fn tokens_keep_positions_sentences_contractions_and_decimals() {
        let text = "Don't cache; 99.9% uptime, e.g. for reads. O(n²) is slow! Next";
        let tokens = tokenize(text);
        let words: Vec<_> = tokens.iter().map(|t| t.word.as_str()).collect();
        assert_eq!(
            words,
            [
                "don't", "cache", "99.9", "%", "uptime", "e", "g", "for", "reads", "o(n^2)", "is",
                "slow", "next"
            ]
        );
        let sentences: Vec<_> = tokens.iter().map(|t| t.sentence).collect();
        assert_eq!(sentences, [0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3]);
        assert_eq!(&text[tokens[1].start..tokens[1].end], "cache");
        assert_eq!(&text[tokens[9].start..tokens[9].end], "O(n²)");
    }

    #[test]
    fn complexities_are_single_tokens() {
        let words = |t: &str| tokenize(t).into_iter().map(|t| t.word).collect::<Vec<_>>();
        assert_eq!(
            words("O(n log n) vs O(1), o (V + E), O(n·m)"),
            ["o(nlogn)", "vs", "o(1)", "o(v+e)", "o(n*m)"]
        );
        // Not a complexity: a word, an unclosed or overlong parenthesis.
        assert_eq!(words("go(to) O(n"), ["go", "to", "o", "n"]);
        let text = Text::new("Lookups are O(n log n) here.");
        assert!(TermPattern::new("o(n)").unwrap().find(&text).is_none());
        assert!(
            TermPattern::new("O(n log n)")
                .unwrap()
                .find(&text)
                .is_some()
        );
    }

    fn finds(term: &str, answer: &str) -> bool {
        TermPattern::new(term)
            .unwrap()
            .find(&Text::new(answer))
            .is_some()
    }

    #[test]
    fn terms_match_word_forms_and_joined_phrases() {
        let answer = "We were caching results in a HashMap, weighing tradeoffs.";
        for term in [
            "cache",
            "hash map",
            "trade-off",
            "weigh",
            "result in hashmap",
        ] {
            assert!(finds(term, answer), "{term}");
        }
        assert!(!finds("load balancer", answer));
        assert!(TermPattern::new("  ").is_none());
        assert!(TermPattern::new("a & ").is_none());
    }

    #[test]
    fn gaps_and_conjunctions_stay_within_a_sentence() {
        let answer = "A stack is first in, first out. The queue uses two stacks; it reverses them.";
        assert!(finds("stack ... first in first out", answer));
        assert!(finds("stacks are first in first out", answer));
        assert!(finds("queue & stack", answer));
        assert!(finds("reverse & it", answer));
        // "stack" and "reverses" are in different sentences.
        assert!(!finds("stack & reverse them", "A stack. It reverses them."));
        assert!(!finds("first out ... stack", answer));
        let far = "stack one two three four five six seven fifo";
        assert!(!finds("stack ... fifo", far));
        assert!(finds(
            "stack ... fifo",
            "stack one two three four five six fifo"
        ));
    }

    #[test]
    fn words_may_be_alternatives() {
        let term = "took|went|escalated ... straight|directly ... director|manager|vp";
        assert!(finds(term, "I took it straight to our director."));
        assert!(finds(term, "So I escalated directly to the VP."));
        assert!(!finds(term, "I went to the director."));
        assert!(finds(
            "did|rewrote his|her work|jobs",
            "I rewrote his jobs over a weekend."
        ));
        assert!(finds(
            "first-in|lifo first-out",
            "A stack is first-in first-out."
        ));
        assert!(!finds("did|rewrote his|her work", "I did my work."));
        assert!(TermPattern::new("a|the").is_some_and(|p| p.stems().count() == 2));
    }

    #[test]
    fn complexities_stay_whole_among_alternatives() {
        assert_eq!(
            compact_complexities("costs|takes O(log n) or o (n)"),
            "costs|takes O(logn) or o(n)"
        );
        assert!(finds(
            "costs|takes o(log n)",
            "Each insert takes O(log n) time."
        ));
        assert!(!finds(
            "costs|takes o(log n)",
            "Each insert takes O(n) time."
        ));
    }

    #[test]
    fn pronoun_contractions_are_not_other_words() {
        assert_ne!(stem("i'd"), stem("id"));
        assert_ne!(stem("we'll"), stem("well"));
        assert!(finds("i'd", "I'd shard it."));
        assert!(!finds("id", "I'd shard it."));
        assert_eq!(stem("it's"), "it_s");
    }

    #[test]
    fn contractions_written_apart_match_as_answers_write_them() {
        assert!(finds("didn t respond", "He didn't respond for a week."));
        assert!(finds("manager s fault", "It was my manager's fault."));
        assert!(finds("i m perfectionist", "Honestly I'm a perfectionist."));
        assert!(!finds("didn t respond", "He did respond."));
    }

    #[test]
    fn every_match_is_offered_until_one_is_accepted() {
        let text = Text::new("Not a hash map here. A hash map there.");
        let pattern = TermPattern::new("hash map").unwrap();
        let second = pattern.find_where(&text, |m| m.sentence == 1).unwrap();
        assert_eq!(text.bytes(&second), (23, 31));
        assert!(pattern.find_where(&text, |_| false).is_none());
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
