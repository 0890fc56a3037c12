//! The pending-evaluation queue worker. Pending answers live in `interview_answers`
//! (`evaluation_status = 'pending'`); the worker claims due ones with
//! `FOR UPDATE SKIP LOCKED` and a lease, so several replicas never work on the same answer
//! at once, asks the evaluation service (idempotent per answer, so even a lease that
//! expires mid-call cannot produce a second evaluation), and backs off on failure.

use std::time::Duration;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::{app::interview::Interviews, repo::answers};

/// Worker settings.
#[derive(Clone, Copy, Debug)]
pub struct QueueSettings {
    /// Pause between scans when the queue was empty.
    pub interval: Duration,
    /// Answers claimed per scan.
    pub batch: i64,
    /// Longest pause between attempts of one answer.
    pub retry_max: Duration,
}

/// Exponential backoff after `attempts` failures: 0.5 s, 1 s, 2 s … capped at `max`.
pub fn backoff(attempts: i32, max: Duration) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    Duration::from_millis(500u64.saturating_mul(1 << exponent)).min(max)
}

/// Runs until `stop` is cancelled: claims due answers, evaluates them, and pauses only
/// when the queue was not full.
pub async fn run(interviews: Interviews, settings: QueueSettings, stop: CancellationToken) {
    let lease = interviews.evaluation().evaluate_timeout() + Duration::from_secs(5);
    loop {
        let claimed = match answers::claim_due(interviews.pool(), settings.batch, lease).await {
            Ok(claimed) => claimed,
            Err(err) => {
                tracing::warn!(error = %err, "evaluation queue: cannot claim answers");
                Vec::new()
            }
        };
        let full_batch = claimed.len() as i64 == settings.batch;
        let mut calls = JoinSet::new();
        for pending in claimed {
            let interviews = interviews.clone();
            calls.spawn(async move {
                let timeout = interviews.evaluation().evaluate_timeout();
                let result = interviews
                    .evaluation()
                    .evaluate(&pending, timeout)
                    .await;
                let pool = interviews.pool();
                let outcome = match result {
                    Ok(_) => answers::mark_evaluated(pool, &[pending.answer_id]).await,
                    Err(err) => {
                        let delay = backoff(pending.evaluation_attempts, settings.retry_max);
                        tracing::warn!(
                            answer_id = %pending.answer_id,
                            attempts = pending.evaluation_attempts,
                            retry_in_ms = delay.as_millis() as u64,
                            error = %err,
                            "evaluation failed; will retry"
                        );
                        answers::reschedule(pool, pending.answer_id, delay).await
                    }
                };
                if let Err(err) = outcome {
                    tracing::warn!(answer_id = %pending.answer_id, error = %err, "evaluation queue: cannot record outcome");
                }
            });
        }
        while calls.join_next().await.is_some() {}

        if stop.is_cancelled() {
            return;
        }
        if full_batch {
            // More may be due right now.
            continue;
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(settings.interval) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let max = Duration::from_secs(60);
        assert_eq!(backoff(1, max), Duration::from_millis(500));
        assert_eq!(backoff(2, max), Duration::from_secs(1));
        assert_eq!(backoff(4, max), Duration::from_secs(4));
        assert_eq!(backoff(30, max), max);
        assert_eq!(backoff(0, max), Duration::from_millis(500));
    }
}
