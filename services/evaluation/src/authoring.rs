//! Checks for rubric authors: the bank's reference answers against their own rubrics, and
//! probe sentences against a question's red flags. `rubric-check` and the unit tests run
//! them; the service does not.

use crate::{
    analysis::text,
    bank::Bank,
    scoring::{coverage, red_flags, red_flags_in, sentences},
};

/// What is wrong with the bank's rubrics: each reference answer must state every key point
/// of its question (at least in the question's words while explaining it), raise none of
/// its red flags, and for behavioral questions be on topic. One line per problem.
pub fn check_bank(bank: &Bank) -> Vec<String> {
    let mut problems = Vec::new();
    for q in bank.all() {
        let rubric = q.rubric();
        let reference = &q.reference_answer;
        let analysed = text::Text::new(reference);
        let shapes = sentences::basic_shapes(reference, &analysed);
        let mut question = text::content_stems(text::tokenize(&q.text));
        for hint in &q.hints {
            question.extend(text::content_stems(text::tokenize(hint)));
        }
        let covered = coverage::measure(
            &rubric,
            &analysed,
            &coverage::Context {
                shapes: &shapes,
                filler_phrases: &sentences::filler_phrase_sentences(&analysed),
                question: &question,
                substance: &sentences::substances(&analysed, &question),
            },
        );
        for point in covered
            .points
            .iter()
            .filter(|p| p.credit < coverage::ECHO_WITH_SUBSTANCE_CREDIT)
        {
            problems.push(format!(
                "{}: the reference answer does not state {:?} (credit {})",
                q.id,
                point.point(),
                point.credit
            ));
        }
        for raised in red_flags::find(&rubric, reference, &analysed) {
            problems.push(format!(
                "{}: the reference answer raises {:?} at {:?}",
                q.id,
                raised.flag.claim(),
                &reference[raised.evidence.0..raised.evidence.1]
            ));
        }
        if let Some(topic) = &rubric.topic
            && text::count_found(topic.patterns(), &analysed) == 0
        {
            problems.push(format!("{}: the reference answer is off its topic", q.id));
        }
    }
    problems
}

/// A sentence run against one bank question's red flags, with the claims it must raise
/// (none for a correct sentence): the bank's probes in `bank/probes/`, for rubric authors.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Probe {
    /// The bank question's id.
    pub question: String,
    /// The sentence.
    pub text: String,
    /// The claims it raises; empty when it must raise none.
    #[serde(default)]
    pub expect: Vec<String>,
}

/// The claims `probe` raises, and whether they are exactly the expected ones (`Err` names
/// an unknown question).
pub fn check_probe(bank: &Bank, probe: &Probe) -> Result<(Vec<String>, bool), String> {
    let question = bank
        .by_key(&probe.question)
        .ok_or_else(|| format!("probe: no question {}", probe.question))?;
    let raised: Vec<String> = red_flags_in(&question.rubric(), &probe.text)
        .into_iter()
        .map(|r| r.flag.claim().to_owned())
        .collect();
    let exact = probe.expect.iter().all(|e| raised.contains(e))
        && raised.iter().all(|r| probe.expect.contains(r));
    Ok((raised, exact))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bank's own rubrics hold together (see [`check_bank`]).
    #[test]
    fn every_reference_answer_covers_its_rubric_and_raises_no_red_flag() {
        let bank = Bank::builtin().unwrap();
        let problems = check_bank(&bank);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// Every probe in `bank/probes/` raises exactly the claims it expects: wrong sentences
    /// their red flag, correct sentences on the same nouns none.
    #[test]
    fn every_bank_probe_raises_exactly_its_claims() {
        let bank = Bank::builtin().unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bank/probes");
        let mut checked = 0;
        let mut problems = Vec::new();
        for kind in interview_coach_common::domain::InterviewType::ALL {
            let json = std::fs::read_to_string(dir.join(format!("{kind}.json"))).unwrap();
            let probes: Vec<Probe> = serde_json::from_str(&json).unwrap();
            for probe in &probes {
                let (raised, exact) = check_probe(&bank, probe).unwrap();
                if !exact {
                    problems.push(format!("{probe:?} raised {raised:?}"));
                }
            }
            checked += probes.len();
        }
        assert!(checked > 10_000, "{checked} probes");
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
