//! Closes sessions left open past their deadline plus a grace period: completed when
//! something was answered, abandoned otherwise. Safe with several replicas: finishing takes
//! the session row lock and only changes sessions still in progress.

use std::time::Duration;

use crate::{app::interview::Interviews, error::SessionError, repo::sessions};

/// Sessions handled per round.
const BATCH: i64 = 100;

/// One round: closes what is due; returns how many sessions it closed.
pub async fn sweep(interviews: &Interviews, grace: Duration) -> Result<usize, SessionError> {
    let mut closed = 0;
    for session_id in sessions::expired(interviews.pool(), grace, BATCH).await? {
        let session = sessions::get_any_user(interviews.pool(), session_id).await?;
        let result = if session.answered_count > 0 {
            interviews.complete(None, session_id).await
        } else {
            interviews.abandon(None, session_id).await
        };
        match result {
            Ok(()) => closed += 1,
            // Another replica or the user got there first.
            Err(SessionError::FailedPrecondition(reason)) => {
                tracing::debug!(%session_id, %reason, "sweeper: left for a later round");
            }
            Err(err) => tracing::warn!(%session_id, error = %err, "sweeper: cannot close session"),
        }
    }
    Ok(closed)
}

/// One round, logged: what the background task runs every interval.
pub async fn round(interviews: &Interviews, grace: Duration) {
    match sweep(interviews, grace).await {
        Ok(0) => {}
        Ok(closed) => tracing::info!(closed, "sweeper closed expired sessions"),
        Err(err) => tracing::warn!(error = %err, "sweeper round failed"),
    }
}
