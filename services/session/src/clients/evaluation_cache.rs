//! The evaluations this replica has seen, by answer id. An evaluation never changes once the
//! evaluation service has stored it (one per answer, never updated), so a copy stays right
//! for as long as its answer exists; and readers take the answers that exist, and which of
//! them are evaluated, from the session tables first, so a deleted answer's copy is never
//! served. GetSession of an evaluated session then needs no call to the evaluation service.
//! Bounded by the evaluations' size; the coldest entries go first.

use std::sync::Arc;

use interview_coach_proto::evaluation::v1 as pb;
use quick_cache::{Weighter, sync::Cache};
use uuid::Uuid;

/// Bytes an entry costs besides its strings: the key, the message, the cache's bookkeeping.
const ENTRY_OVERHEAD: u64 = 256;
/// A typical evaluation's size, for the initial table size.
const TYPICAL_ENTRY: u64 = 1024;

/// Weighs an entry by the bytes it holds.
#[derive(Clone)]
struct Bytes;

impl Weighter<Uuid, Arc<pb::Evaluation>> for Bytes {
    fn weight(&self, _: &Uuid, e: &Arc<pb::Evaluation>) -> u64 {
        let strings = e.id.len()
            + e.answer_id.len()
            + e.session_id.len()
            + e.question_id.len()
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
    inner: Option<Arc<Cache<Uuid, Arc<pb::Evaluation>, Bytes>>>,
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
    pub fn get(&self, answer_id: &Uuid) -> Option<Arc<pb::Evaluation>> {
        self.inner.as_ref()?.get(answer_id)
    }

    /// Keeps `evaluation` (of a stored answer).
    pub fn insert(&self, evaluation: Arc<pb::Evaluation>) {
        let (Some(cache), Ok(answer_id)) = (&self.inner, Uuid::parse_str(&evaluation.answer_id))
        else {
            return;
        };
        cache.insert(answer_id, evaluation);
    }
}
