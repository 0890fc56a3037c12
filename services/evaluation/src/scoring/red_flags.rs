//! Red flags: the rubric's common wrong claims and bad practices, found in the answer
//! unless the answer disputes them ("sequential ids are *not* safe to expose", "a common
//! mistake is to think stacks are FIFO"). The cues of a dispute are data
//! (`rubric/negation.json`): a negation shortly before the claim or between its words, or a
//! dispute right after it.

use crate::analysis::{
    cues::cues,
    text::{Match, TermPattern, Text},
};
use crate::domain::rubric::{RedFlag, Rubric, Severity};

/// Words after a claim within which a dispute ("… is a myth") still refers to it.
const AFTER_WINDOW: usize = 3;

/// A red flag the answer raises.
#[derive(Clone, Debug, PartialEq)]
pub struct Raised {
    /// The flag.
    pub flag: RedFlag,
    /// Byte range of the claim in the answer.
    pub evidence: (usize, usize),
    /// Its sentence.
    pub sentence: usize,
}

/// True when the answer disputes the claim `claim` found at `m` rather than states it. A
/// negation made of the claim's own words ("no keys move") is not one. A
/// negation reaches to the end of its clause ("I didn't ask him, I went straight to the
/// director" states the second part); a contrast ("unlike a queue, …") to the end of its
/// sentence.
fn disputed(source: &str, text: &Text, m: &Match, claim: &TermPattern) -> bool {
    let negation = &cues().negation;
    let tokens = text.tokens();
    let same_clause = |n: &Match| {
        n.last >= m.first || !source[tokens[n.last].end..tokens[m.first].start].contains([',', ':'])
    };
    let before = |n: &Match| {
        n.sentence == m.sentence
            && n.first + negation.window >= m.first
            && n.last <= m.last
            && n.first != m.first
            && !tokens[n.first..=n.last]
                .iter()
                .all(|t| claim.stems().any(|s| s == t.stem))
    };
    let contrast = |n: &Match| n.sentence == m.sentence && n.last < m.first;
    let after = |n: &Match| {
        n.sentence == m.sentence && n.first > m.last && n.first <= m.last + AFTER_WINDOW
    };
    negation.before.iter().any(|p| {
        p.find_where(text, |n| before(n) && same_clause(n))
            .is_some()
    }) || negation
        .contrast
        .iter()
        .any(|p| p.find_where(text, contrast).is_some())
        || negation
            .after
            .iter()
            .any(|p| p.find_where(text, after).is_some())
}

/// The red flags of `rubric` that `source` (analysed as `text`) raises, majors first.
pub fn find(rubric: &Rubric, source: &str, text: &Text) -> Vec<Raised> {
    let mut raised: Vec<Raised> = rubric
        .red_flags
        .iter()
        .filter_map(|flag| {
            flag.patterns().iter().find_map(|pattern| {
                pattern
                    .find_where(text, |m| !disputed(source, text, m, pattern))
                    .map(|m| Raised {
                        flag: flag.clone(),
                        evidence: text.bytes(&m),
                        sentence: m.sentence,
                    })
            })
        })
        .collect();
    raised.sort_by_key(|r| std::cmp::Reverse(r.flag.severity()));
    raised
}

/// The most severe flag raised, if any.
pub fn worst(raised: &[Raised]) -> Option<Severity> {
    raised.iter().map(|r| r.flag.severity()).max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rubric::{KeyPoint, RedFlagSource, RubricOrigin};

    fn rubric() -> Rubric {
        let flag = |claim: &str, patterns: &[&str], severity| {
            RedFlag::from_source(RedFlagSource {
                claim: claim.into(),
                correction: "fix".into(),
                patterns: patterns.iter().map(|p| (*p).to_owned()).collect(),
                severity,
            })
            .unwrap()
        };
        Rubric {
            red_flags: vec![
                flag(
                    "Copying onto both stacks",
                    &["push ... onto both stacks"],
                    Severity::Minor,
                ),
                flag(
                    "Stacks are FIFO",
                    &["stack is fifo", "stack is first in first out"],
                    Severity::Major,
                ),
                flag("No keys move", &["no keys move"], Severity::Major),
            ],
            ..Rubric::from_points(
                vec![KeyPoint::new("p", &["x".into()]).unwrap()],
                RubricOrigin::Request,
            )
        }
    }

    fn claims(answer: &str) -> Vec<String> {
        find(&rubric(), answer, &Text::new(answer))
            .into_iter()
            .map(|r| r.flag.claim().to_owned())
            .collect()
    }

    #[test]
    fn stated_claims_are_raised_majors_first() {
        assert_eq!(
            claims("We push every element onto both stacks. A stack is first-in, first-out."),
            ["Stacks are FIFO", "Copying onto both stacks"]
        );
        assert_eq!(
            claims("Stacks are FIFO, so it just works."),
            ["Stacks are FIFO"]
        );
    }

    #[test]
    fn disputed_claims_are_not() {
        for answer in [
            "A stack is not FIFO; it is LIFO.",
            "A common mistake is to say a stack is FIFO.",
            "Unlike a queue, a stack is never first in first out.",
            "Saying that a stack is FIFO is wrong.",
            "Some people think a stack is FIFO, but it is LIFO.",
            "You should not push each item onto both stacks.",
        ] {
            assert!(claims(answer).is_empty(), "{answer}: {:?}", claims(answer));
        }
    }

    #[test]
    fn a_negation_reaches_the_end_of_its_clause_a_contrast_its_sentence() {
        assert_eq!(
            claims("I didn't argue, I just said a stack is FIFO."),
            ["Stacks are FIFO"]
        );
        assert!(claims("Contrary to what you hear, a stack is FIFO.").is_empty());
        assert!(claims("This is not true: a stack is FIFO.").len() == 1);
    }

    #[test]
    fn a_negation_inside_the_claim_is_the_claim() {
        assert_eq!(
            claims("With a ring, no keys move at all."),
            ["No keys move"]
        );
        // A negation in another sentence does not count.
        assert_eq!(
            claims("That is not all. A stack is FIFO."),
            ["Stacks are FIFO"]
        );
    }
}
