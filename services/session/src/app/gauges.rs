//! Gauges sampled from the database for Prometheus: the pending-evaluation queue.

use sqlx::PgPool;

use crate::repo::answers;

/// Samples `pending_evaluations`: answers waiting for their evaluation.
pub async fn sample(pool: PgPool) {
    match answers::count_pending(&pool).await {
        Ok(count) => metrics::gauge!("pending_evaluations").set(count as f64),
        Err(err) => tracing::debug!(error = %err, "cannot sample pending evaluations"),
    }
}
