//! The evaluations this replica has seen, by answer id. An evaluation never changes once the
//! evaluation service has stored it (one per answer, never updated), so a copy stays right
//! for as long as its answer exists; and readers take the answers that exist, and which of
//! them are evaluated, from the session tables first, so a deleted answer's copy is never
//! served. GetSession of an evaluated session then needs no call to the evaluation service.
//! Bounded by the evaluations' size; the coldest entries go first.

use std::sync::Arc;

use quick_cache::{Weighter, sync::Cache};
use uuid::Uuid;

use crate::domain::evaluation::Evaluation;

/// Bytes an entry costs besides its strings: the key, the message, the cache's bookkeeping.
const ENTRY_OVERHEAD: u64 = 256;
/// A typical evaluation's size, for the initial table size.
const TYPICAL_ENTRY: u64 = 1024;
/// The answer, session and question ids an evaluation carries as text from the evaluation
/// service: part of what one costs, though the entry keeps only the answer's as its key.
const ID_TEXT: usize = 3 * 36;

/// Weighs an entry by the bytes it holds.
#[derive(Clone)]
struct Bytes;

impl Weighter<Uuid, Arc<Evaluation>> for Bytes {
    fn weight(&self, _: &Uuid, e: &Arc<Evaluation>) -> u64 {
        let strings = e.id.len()
            + ID_TEXT
            + e.feedback.len()
            + e.strengths.iter().map(String::len).sum::<usize>()
            + e.improvements.iter().map(String::len).sum::<usize>()
            + e.provenance.as_ref().map_or(0, |p| {
                p.source.len() + p.fallback_reason.len() + p.rubric_version.len()
            });
        ENTRY_OVERHEAD + strings as u64
    }
}

/// A bounded, shared cache of evaluations by answer id; cheap to clone.
#[derive(Clone)]
pub struct EvaluationCache {
    inner: Option<Arc<Cache<Uuid, Arc<Evaluation>, Bytes>>>,
}

impl EvaluationCache {
    /// A cache holding at most about `capacity_bytes`; 0 turns it off.
    pub fn new(capacity_bytes: u64) -> Self {
        let inner = (capacity_bytes > 0).then(|| {
            let items = (capacity_bytes / TYPICAL_ENTRY).max(16) as usize;
            Arc::new(Cache::with_weighter(items, capacity_bytes, Bytes))
        });
        Self { inner }
    }

    /// The evaluation of `answer_id`, if held.
    pub fn get(&self, answer_id: &Uuid) -> Option<Arc<Evaluation>> {
        self.inner.as_ref()?.get(answer_id)
    }

    /// Keeps `evaluation` of the stored answer `answer_id`.
    pub fn insert(&self, answer_id: Uuid, evaluation: Arc<Evaluation>) {
        if let Some(cache) = &self.inner {
            cache.insert(answer_id, evaluation);
        }
    }
}
