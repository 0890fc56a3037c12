//! Write batching: callers hand in one item each and wait for their own result, while a
//! background task runs everything that queued up meanwhile as one batch (one statement, one
//! commit). Nothing waits for a batch to fill: a lone item goes out at once, and batches grow
//! only while earlier ones are in flight, so the batching costs no latency when idle and
//! amortizes round trips, statement overhead and commits under load.

use std::{collections::HashSet, future::Future, hash::Hash, sync::Arc};

use tokio::sync::{Semaphore, mpsc, oneshot};

type Job<T, R> = (T, oneshot::Sender<R>);

/// The batch task is gone (the runtime is shutting down) or dropped this item's result.
#[derive(Debug, thiserror::Error)]
#[error("the batch writer is not running")]
pub struct BatcherStopped;

/// A handle to a running batcher; cheap to clone.
#[derive(Debug)]
pub struct Batcher<T, R> {
    jobs: mpsc::UnboundedSender<Job<T, R>>,
}

impl<T, R> Clone for Batcher<T, R> {
    fn clone(&self) -> Self {
        Self {
            jobs: self.jobs.clone(),
        }
    }
}

impl<T: Send + 'static, R: Send + 'static> Batcher<T, R> {
    /// Starts the batch task on the current runtime. `run` gets up to `max_batch` items
    /// and returns one result per item, in order; at most `in_flight` batches run at once.
    /// The task ends when every handle is dropped.
    pub fn spawn<F, Fut>(max_batch: usize, in_flight: usize, run: F) -> Self
    where
        F: Fn(Vec<T>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Vec<R>> + Send + 'static,
    {
        let (jobs, mut queue) = mpsc::unbounded_channel::<Job<T, R>>();
        let max_batch = max_batch.max(1);
        let slots = Arc::new(Semaphore::new(in_flight.max(1)));
        tokio::spawn(async move {
            loop {
                let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
                    return;
                };
                let Some(first) = queue.recv().await else {
                    return;
                };
                let mut batch = vec![first];
                while batch.len() < max_batch {
                    match queue.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let (items, replies): (Vec<T>, Vec<oneshot::Sender<R>>) = batch.into_iter().unzip();
                let results = run(items);
                tokio::spawn(async move {
                    for (reply, result) in replies.into_iter().zip(results.await) {
                        // The caller may have given up waiting; the item was still written.
                        let _ = reply.send(result);
                    }
                    drop(slot);
                });
            }
        });
        Self { jobs }
    }

    /// Queues `item` and waits for its result.
    pub async fn submit(&self, item: T) -> Result<R, BatcherStopped> {
        let (reply, result) = oneshot::channel();
        self.jobs.send((item, reply)).map_err(|_| BatcherStopped)?;
        result.await.map_err(|_| BatcherStopped)
    }
}

/// Splits a batch by key: the positions of each key's first item, and of the items that
/// repeat an earlier key (which a batch writer runs after the firsts, on their own).
pub fn firsts_and_repeats<K: Eq + Hash>(
    keys: impl ExactSizeIterator<Item = K>,
) -> (Vec<usize>, Vec<usize>) {
    let mut seen = HashSet::with_capacity(keys.len());
    let (mut firsts, mut repeats) = (Vec::new(), Vec::new());
    for (i, key) in keys.enumerate() {
        if seen.insert(key) {
            firsts.push(i);
        } else {
            repeats.push(i);
        }
    }
    (firsts, repeats)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[tokio::test]
    async fn each_caller_gets_its_own_result_and_queued_items_share_a_batch() {
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let gate = Arc::new(tokio::sync::Notify::new());
        let batcher = {
            let (sizes, gate) = (Arc::clone(&sizes), Arc::clone(&gate));
            Batcher::spawn(8, 1, move |items: Vec<u32>| {
                let (sizes, gate) = (Arc::clone(&sizes), Arc::clone(&gate));
                async move {
                    let first_batch = sizes.lock().map(|mut s| {
                        s.push(items.len());
                        s.len() == 1
                    });
                    if first_batch.unwrap_or(false) {
                        gate.notified().await;
                    }
                    items.into_iter().map(|i| i * 10).collect()
                }
            })
        };
        // The first item goes out alone and holds the only slot until the gate opens; the
        // next twenty queue meanwhile and go out as batches of at most eight.
        let first = tokio::spawn({
            let b = batcher.clone();
            async move { b.submit(1).await }
        });
        while sizes.lock().map(|s| s.is_empty()).unwrap_or(true) {
            tokio::task::yield_now().await;
        }
        let rest: Vec<_> = (2..22)
            .map(|i| {
                let b = batcher.clone();
                tokio::spawn(async move { (i, b.submit(i).await) })
            })
            .collect();
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        gate.notify_one();
        assert_eq!(first.await.ok().and_then(Result::ok), Some(10));
        for task in rest {
            let (i, result) = task.await.expect("task");
            assert_eq!(result.ok(), Some(i * 10));
        }
        let sizes = sizes.lock().map(|s| s.clone()).unwrap_or_default();
        assert_eq!(sizes, [1, 8, 8, 4]);
    }

    #[test]
    fn repeats_of_a_key_are_told_apart_from_firsts() {
        let (firsts, repeats) = firsts_and_repeats(["a", "b", "a", "c", "b", "a"].into_iter());
        assert_eq!((firsts, repeats), (vec![0, 1, 3], vec![2, 4, 5]));
    }

    #[tokio::test]
    async fn a_stopped_batcher_says_so() {
        let batcher = Batcher::spawn(4, 1, |items: Vec<u8>| async move {
            // Drops every reply: as if the batch task failed.
            drop(items);
            Vec::<u8>::new()
        });
        assert!(batcher.submit(1).await.is_err());
    }
}
