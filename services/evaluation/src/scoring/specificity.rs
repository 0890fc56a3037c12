//! Specificity (numbers, units, percentages, named technologies, concrete examples) and
//! clarity (sentence length, signposts, little hedging). The word lists are data
//! (`rubric/delivery.json`).

use crate::analysis::{
    cues::cues,
    text::{self, Text},
};

/// Concrete details found in an answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Specificity {
    /// Numbers (digits).
    pub numbers: usize,
    /// Units and magnitudes ("ms", "GB", "million", "%").
    pub units: usize,
    /// "for example", "such as", "e.g.".
    pub examples: usize,
    /// Capitalised names in mid-sentence (Redis, Kafka, PostgreSQL) and code-like words.
    pub names: usize,
    /// Byte range of the first number, to quote.
    pub evidence: Option<(usize, usize)>,
}

impl Specificity {
    /// 0..=1, saturating: a handful of concrete details is full marks.
    pub fn ratio(&self) -> f64 {
        let points = 0.3 * self.numbers.min(6) as f64
            + 0.25 * self.units.min(4) as f64
            + 0.45 * self.examples.min(3) as f64
            + 0.2 * self.names.min(5) as f64;
        1.0 - (-points).exp()
    }
}

/// Measures concreteness over the tokens of the sentences `counted`.
pub fn measure(answer: &str, text: &Text, counted: impl Fn(usize) -> bool) -> Specificity {
    let delivery = &cues().delivery;
    let kept: Vec<text::Token> = text
        .tokens()
        .iter()
        .filter(|t| counted(t.sentence))
        .cloned()
        .collect();
    let tokens = &kept[..];
    let numbers: Vec<&text::Token> = tokens.iter().filter(|t| t.is_number()).collect();
    let units = tokens
        .iter()
        .filter(|t| delivery.units.contains(&t.word))
        .count()
        + tokens
            .iter()
            .filter(|t| t.word == "%" || t.word == "$")
            .count()
        + tokens
            .iter()
            .filter(|t| {
                let w = t
                    .word
                    .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
                w.len() < t.word.len() && !w.is_empty() && delivery.units.contains(w)
            })
            .count();
    let examples = delivery
        .examples
        .iter()
        .filter(|p| p.find_where(text, |m| counted(m.sentence)).is_some())
        .count();
    let names = named_things(answer);
    Specificity {
        numbers: numbers.len(),
        units,
        examples,
        names,
        evidence: numbers.first().map(|t| (t.start, t.end)),
    }
}

/// Capitalised words not at a sentence start (and not "I"), plus code-like words.
fn named_things(answer: &str) -> usize {
    let mut count = 0;
    let mut sentence_start = true;
    for word in answer.split_whitespace() {
        let clean = word.trim_matches(|c: char| !c.is_alphanumeric());
        let code_like =
            word.contains("()") || word.contains('_') || word.contains("->") || word.contains("::");
        let capitalised =
            clean.chars().next().is_some_and(char::is_uppercase) && clean != "I" && clean.len() > 1;
        if code_like || (capitalised && !sentence_start) {
            count += 1;
        }
        sentence_start = word.ends_with(['.', '!', '?', ':']);
    }
    count
}

/// How easy the answer is to follow.
#[derive(Clone, Debug, PartialEq)]
pub struct Clarity {
    /// Words per sentence on average.
    pub mean_sentence_words: f64,
    /// Longest sentence, in words.
    pub longest_sentence_words: usize,
    /// Distinct signposts ("first", "then", "because", "finally").
    pub signposts: usize,
    /// Hedges ("I think maybe", "I guess").
    pub hedges: usize,
}

impl Clarity {
    /// 0..=1.
    pub fn ratio(&self) -> f64 {
        let m = self.mean_sentence_words;
        let length = if (6.0..=28.0).contains(&m) {
            1.0
        } else if m < 6.0 {
            (m / 6.0).max(0.3)
        } else {
            (28.0 / m).max(0.2)
        };
        let run_on = if self.longest_sentence_words > 60 {
            0.15
        } else {
            0.0
        };
        let signposts = (self.signposts as f64 / 3.0).min(1.0);
        let hedging = (0.1 * self.hedges as f64).min(0.3);
        (0.55 * length + 0.45 * signposts - run_on - hedging).clamp(0.0, 1.0)
    }
}

/// Measures clarity over the sentences `counted` (filler is left out: padding an answer with
/// short generic sentences must not make it read better).
pub fn clarity(text: &Text, counted: impl Fn(usize) -> bool) -> Clarity {
    let delivery = &cues().delivery;
    let lengths: Vec<usize> = text
        .sentences()
        .iter()
        .enumerate()
        .filter(|(i, _)| counted(*i))
        .map(|(_, s)| s.len())
        .collect();
    let found = |patterns: &[text::TermPattern]| {
        patterns
            .iter()
            .filter(|p| p.find_where(text, |m| counted(m.sentence)).is_some())
            .count()
    };
    let mean = if lengths.is_empty() {
        0.0
    } else {
        lengths.iter().sum::<usize>() as f64 / lengths.len() as f64
    };
    Clarity {
        mean_sentence_words: mean,
        longest_sentence_words: lengths.iter().copied().max().unwrap_or(0),
        signposts: found(&delivery.signposts),
        hedges: found(&delivery.hedges),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concrete_answers_are_more_specific() {
        let concrete = "We cut p99 latency from 800 ms to 120 ms (85%) by moving sessions to Redis, for example.";
        let vague = "We made things faster by improving the system in several ways.";
        let a = measure(concrete, &Text::new(concrete), |_| true);
        let b = measure(vague, &Text::new(vague), |_| true);
        assert!(
            a.numbers >= 3 && a.units >= 3 && a.examples >= 1 && a.names >= 1,
            "{a:?}"
        );
        assert!(
            a.ratio() > 0.8 && b.ratio() < 0.1,
            "{} {}",
            a.ratio(),
            b.ratio()
        );
    }

    #[test]
    fn signposted_sentences_read_better_than_one_run_on() {
        let clear = "First, sort the input. Then scan it once, because sorted order groups duplicates. Finally, return the count.";
        let run_on = format!("{} and", "we do this and then that ".repeat(15));
        let hedgy = "I guess maybe it works, probably, sort of.";
        let c = clarity(&Text::new(clear), |_| true).ratio();
        let r = clarity(&Text::new(&run_on), |_| true).ratio();
        let h = clarity(&Text::new(hedgy), |_| true).ratio();
        assert!(c > 0.9 && r < 0.5 && h < c, "{c} {r} {h}");
    }
}
