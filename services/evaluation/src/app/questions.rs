//! Question generation: from the LLM when one is configured (validated JSON), else or on
//! failure from the built-in bank (marked as a fallback). Exclusions are honored while the
//! pool allows; when it runs short, excluded questions are reused, least recent first
//! (`exclude_keys` is read most recent first). The rubrics of the questions handed out are
//! stored (once each) before they leave, so their digests can be resolved later.

use std::{collections::HashSet, sync::Arc};

use chrono::{DateTime, Utc};
use rand::seq::SliceRandom;

use crate::{
    app::metrics::{self, LlmOperation},
    app::rubrics::Rubrics,
    bank::{Bank, BankQuestion},
    domain::commands::GenerateQuestions,
    domain::provenance::Provenance,
    domain::rubric::{Rubric, RubricDigest, RubricOrigin},
    error::EvaluationError,
    llm::{self, Completion, LlmClient},
};

/// One generated question.
#[derive(Clone, Debug, PartialEq)]
pub struct Generated {
    /// Bank id or `llm:<hash>`.
    pub key: String,
    /// The question.
    pub text: String,
    /// Hints.
    pub hints: Vec<String>,
    /// Examples.
    pub examples: Vec<String>,
    /// The rubric its answer is scored against.
    pub rubric: Rubric,
    /// The rubric's digest, to be stored with the question and sent back with its answer.
    pub digest: RubricDigest,
    /// Source and fallback state.
    pub provenance: Provenance,
    /// When it was generated.
    pub generated_at: DateTime<Utc>,
}

/// Generates questions.
#[derive(Clone, Debug)]
pub struct QuestionGenerator {
    bank: Arc<Bank>,
    llm: Option<Arc<LlmClient>>,
    rubrics: Rubrics,
}

impl QuestionGenerator {
    /// A generator over `bank`, using `llm` when given, storing rubrics in `rubrics`.
    pub fn new(bank: Arc<Bank>, llm: Option<Arc<LlmClient>>, rubrics: Rubrics) -> Self {
        Self { bank, llm, rubrics }
    }

    /// `request.count` distinct questions, their rubrics stored.
    pub async fn generate(
        &self,
        request: &GenerateQuestions,
    ) -> Result<Vec<Generated>, EvaluationError> {
        let questions = self.choose(request).await;
        let rubrics: Vec<(RubricDigest, &Rubric)> = questions
            .iter()
            .map(|q| (q.digest.clone(), &q.rubric))
            .collect();
        self.rubrics.store(&rubrics).await?;
        Ok(questions)
    }

    async fn choose(&self, request: &GenerateQuestions) -> Vec<Generated> {
        let Some(llm) = &self.llm else {
            return self.pick_from_bank(request, Provenance::builtin());
        };
        let exclude: HashSet<String> = request.exclude_keys.iter().cloned().collect();
        let count = request.count;
        let reply = llm
            .complete(
                llm::prompt::questions_system(),
                llm::prompt::questions_user(request.interview_type, request.difficulty, count),
                |reply| llm::output::questions(reply, count, &exclude),
            )
            .await;
        match reply {
            Ok(Completion {
                value: questions,
                retried,
            }) => {
                metrics::llm_answered(LlmOperation::Generate, retried);
                let now = Utc::now();
                let provenance = Provenance::llm(llm.source());
                questions
                    .into_iter()
                    .map(|q| {
                        let rubric = Rubric {
                            reference_answer: q.reference_answer,
                            red_flags: q.red_flags,
                            ..Rubric::from_points(q.key_points, RubricOrigin::Question)
                        };
                        Generated {
                            key: q.key,
                            text: q.text,
                            hints: q.hints,
                            examples: q.examples,
                            digest: rubric.digest(),
                            rubric,
                            provenance: provenance.clone(),
                            generated_at: now,
                        }
                    })
                    .collect()
            }
            Err(err) => {
                metrics::llm_fell_back(LlmOperation::Generate, &err);
                tracing::warn!(reason = %err.reason(), error = %err, "LLM question generation failed, using the bank");
                self.pick_from_bank(request, Provenance::fallback(err.reason()))
            }
        }
    }

    fn pick_from_bank(
        &self,
        request: &GenerateQuestions,
        provenance: Provenance,
    ) -> Vec<Generated> {
        let pool = self.bank.pool(request.interview_type, request.difficulty);
        let picked = pick(
            &pool,
            &request.exclude_keys,
            request.count,
            &mut rand::thread_rng(),
        );
        let now = Utc::now();
        picked
            .into_iter()
            .map(|q| Generated {
                key: q.id.clone(),
                text: q.text.clone(),
                hints: q.hints.clone(),
                examples: q.examples.clone(),
                rubric: q.rubric(),
                digest: q.digest.clone(),
                provenance: provenance.clone(),
                generated_at: now,
            })
            .collect()
    }
}

/// Up to `count` distinct questions of `pool`: random ones not in `exclude` first; then, if
/// the pool is short, excluded ones from the end of `exclude` (least recent) backwards.
pub fn pick<'a>(
    pool: &[&'a BankQuestion],
    exclude: &[String],
    count: usize,
    rng: &mut impl rand::Rng,
) -> Vec<&'a BankQuestion> {
    let excluded: HashSet<&str> = exclude.iter().map(String::as_str).collect();
    let mut fresh: Vec<&BankQuestion> = pool
        .iter()
        .copied()
        .filter(|q| !excluded.contains(q.id.as_str()))
        .collect();
    fresh.shuffle(rng);
    fresh.truncate(count);
    let mut seen: HashSet<&str> = HashSet::new();
    for key in exclude.iter().rev() {
        if fresh.len() >= count {
            break;
        }
        if let Some(q) = pool.iter().find(|q| q.id == *key)
            && seen.insert(q.id.as_str())
        {
            fresh.push(q);
        }
    }
    fresh
}

#[cfg(test)]
mod tests {
    use super::*;
    use interview_coach_common::domain::{Difficulty, InterviewType};

    fn question(n: usize) -> BankQuestion {
        BankQuestion {
            id: format!("technical-easy-{n:02}"),
            interview_type: InterviewType::Technical,
            difficulty: Difficulty::Easy,
            text: format!("Question {n}?"),
            hints: vec!["a".into(), "b".into()],
            examples: vec![],
            key_points: vec![],
            reference_answer: String::new(),
            red_flags: vec![],
            topic: None,
            digest: Rubric::from_points(vec![], RubricOrigin::Derived).digest(),
        }
    }

    #[test]
    fn exclusions_are_honored_then_reused_least_recent_first() {
        let questions: Vec<BankQuestion> = (1..=5).map(question).collect();
        let pool: Vec<&BankQuestion> = questions.iter().collect();
        let mut rng = rand::thread_rng();
        let exclude: Vec<String> = ["technical-easy-01", "technical-easy-02"]
            .map(String::from)
            .to_vec();
        let three = pick(&pool, &exclude, 3, &mut rng);
        assert_eq!(three.len(), 3);
        assert!(three.iter().all(|q| !exclude.contains(&q.id)));
        // Four excluded (most recent first), five wanted: the one free question, then the
        // least recent excluded ones.
        let exclude: Vec<String> = (1..=4).map(|n| format!("technical-easy-{n:02}")).collect();
        let ids: Vec<&str> = pick(&pool, &exclude, 3, &mut rng)
            .iter()
            .map(|q| q.id.as_str())
            .collect();
        assert_eq!(
            ids,
            [
                "technical-easy-05",
                "technical-easy-04",
                "technical-easy-03"
            ]
        );
        let all = pick(&pool, &[], 10, &mut rng);
        assert_eq!(all.len(), 5);
        assert_eq!(all.iter().map(|q| &q.id).collect::<HashSet<_>>().len(), 5);
    }
}
