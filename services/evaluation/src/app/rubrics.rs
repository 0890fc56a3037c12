//! The rubrics questions were handed out with, by digest. A question carries its rubric's
//! digest, and its answer comes back with the digest only; this finds the rubric again: the
//! bank's from memory, others from the `question_rubrics` table (remembered, bounded).
//! Every rubric is stored before a question with its digest leaves the service, so the
//! digest resolves in every replica and after a release that changed the bank.

use std::sync::Arc;

use quick_cache::sync::Cache;
use sqlx::PgPool;

use crate::{
    bank::Bank,
    domain::rubric::{Rubric, RubricDigest, RubricOrigin},
    error::EvaluationError,
    repo::rubrics,
};

/// Digests known to be stored: a bank question's rubric is written once per process.
const STORED_DIGESTS: usize = 16_384;
/// Rubrics (not the bank's) remembered after being stored or read; a rubric is a few KB.
const REMEMBERED_RUBRICS: usize = 1_024;

/// Stores rubrics and finds them by digest. Cheap to clone (shared).
#[derive(Clone)]
pub struct Rubrics {
    bank: Arc<Bank>,
    pool: PgPool,
    stored: Arc<Cache<RubricDigest, ()>>,
    remembered: Arc<Cache<RubricDigest, Rubric>>,
    writing: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for Rubrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rubrics")
            .field("stored", &self.stored.len())
            .field("remembered", &self.remembered.len())
            .finish_non_exhaustive()
    }
}

impl Rubrics {
    /// The rubrics of `bank` and those stored in `pool`.
    pub fn new(bank: Arc<Bank>, pool: PgPool) -> Self {
        Self {
            bank,
            pool,
            stored: Arc::new(Cache::new(STORED_DIGESTS)),
            remembered: Arc::new(Cache::new(REMEMBERED_RUBRICS)),
            writing: Arc::default(),
        }
    }

    /// Stores those of `rubrics` not known to be stored, in one statement.
    pub async fn store(&self, rubrics: &[(RubricDigest, &Rubric)]) -> Result<(), EvaluationError> {
        if rubrics
            .iter()
            .all(|(digest, _)| self.stored.get(digest).is_some())
        {
            return Ok(());
        }
        // One store at a time in a process: concurrent first calls would write the same rows
        // and wait on each other's commits. Rows go in digest order, so writers in other
        // replicas take the same rows' locks in the same order and cannot deadlock.
        let _one_writer = self.writing.lock().await;
        let mut new: Vec<(RubricDigest, &Rubric)> = rubrics
            .iter()
            .filter(|(digest, _)| self.stored.get(digest).is_none())
            .map(|(digest, rubric)| (digest.clone(), *rubric))
            .collect();
        new.sort_by(|a, b| a.0.cmp(&b.0));
        new.dedup_by(|a, b| a.0 == b.0);
        if new.is_empty() {
            return Ok(());
        }
        rubrics::store(&self.pool, &new).await?;
        for (digest, rubric) in new {
            if self.bank.by_digest(&digest).is_none() {
                self.remembered
                    .insert(digest.clone(), as_questions(rubric.clone()));
            }
            self.stored.insert(digest, ());
        }
        Ok(())
    }

    /// The rubric with `digest`, as the question's own (origin [`RubricOrigin::Question`]).
    pub async fn find(&self, digest: &RubricDigest) -> Result<Option<Rubric>, EvaluationError> {
        if let Some(question) = self.bank.by_digest(digest) {
            return Ok(Some(as_questions(question.rubric())));
        }
        if let Some(rubric) = self.remembered.get(digest) {
            return Ok(Some(rubric));
        }
        let found = rubrics::find(&self.pool, digest).await?;
        if let Some(rubric) = &found {
            self.remembered.insert(digest.clone(), rubric.clone());
            self.stored.insert(digest.clone(), ());
        }
        Ok(found)
    }
}

fn as_questions(rubric: Rubric) -> Rubric {
    Rubric {
        origin: RubricOrigin::Question,
        ..rubric
    }
}
