//! Gauges sampled from the database for Prometheus: the pending-evaluation queue.

use std::time::Duration;

use sqlx::PgPool;
use tokio::sync::watch;

/// Samples `pending_evaluations` (answers waiting for their evaluation) every `interval`
/// until `stop` turns true.
pub async fn run(pool: PgPool, interval: Duration, mut stop: watch::Receiver<bool>) {
    let gauge = metrics::gauge!("pending_evaluations");
    loop {
        match sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM interview_answers WHERE evaluation_status = 'pending'",
        )
        .fetch_one(&pool)
        .await
        {
            Ok(count) => gauge.set(count as f64),
            Err(err) => tracing::debug!(error = %err, "cannot sample pending evaluations"),
        }
        tokio::select! {
            _ = stop.changed() => return,
            () = tokio::time::sleep(interval) => {}
        }
        if *stop.borrow() {
            return;
        }
    }
}
