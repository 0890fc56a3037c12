//! Gauges sampled from the database for Prometheus: the pending-evaluation queue.

use sqlx::PgPool;

/// Samples `pending_evaluations`: answers waiting for their evaluation.
pub async fn sample(pool: PgPool) {
    match sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM interview_answers WHERE evaluation_status = 'pending'",
    )
    .fetch_one(&pool)
    .await
    {
        Ok(count) => metrics::gauge!("pending_evaluations").set(count as f64),
        Err(err) => tracing::debug!(error = %err, "cannot sample pending evaluations"),
    }
}
