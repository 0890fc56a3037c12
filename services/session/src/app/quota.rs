//! Per-user quotas on the calls that cost money downstream (question generation and answer
//! evaluation, possibly by an LLM): sessions created and answers submitted in the last hour.
//!
//! The counts come from the database, so every replica sees the same numbers and a restart
//! forgets nothing. The check runs before the write: a burst of concurrent calls from one
//! user can each pass it, so the quota can be overshot by the number of that user's calls in
//! flight at once (a sequence of calls cannot overshoot it).

use std::time::Duration;

use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    error::{Result, SessionError},
    repo::{answers, sessions},
};

/// The sliding window the quotas count over.
pub const WINDOW: Duration = Duration::from_secs(3600);

/// The longest a session accepts answers (`DurationMinutes` allows at most 60 minutes, and
/// answers after the deadline are refused): an answer of the last hour belongs to a session
/// created within the last `WINDOW + LONGEST_SESSION`, which lets the count use the
/// `(user_id, created_at)` index of the sessions.
const LONGEST_SESSION: Duration = Duration::from_secs(60 * 60);

/// How many calls one user may make per [`WINDOW`]; 0 turns a quota off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotaSettings {
    /// `SESSION_CREATE_QUOTA_PER_HOUR`: sessions created (default 30).
    pub sessions_per_hour: u32,
    /// `ANSWER_QUOTA_PER_HOUR`: answers submitted (default 300).
    pub answers_per_hour: u32,
}

impl QuotaSettings {
    /// Every quota off.
    pub fn disabled() -> Self {
        Self {
            sessions_per_hour: 0,
            answers_per_hour: 0,
        }
    }
}

/// Checks the quotas of a user; cheap to clone.
#[derive(Clone)]
pub struct Quotas {
    pool: PgPool,
    settings: QuotaSettings,
}

impl Quotas {
    /// Quotas counted in `pool`.
    pub fn new(pool: PgPool, settings: QuotaSettings) -> Self {
        Self { pool, settings }
    }

    /// `Ok` when `user_id` may create another session now.
    pub async fn check_create_session(&self, user_id: Uuid) -> Result<()> {
        let limit = self.settings.sessions_per_hour;
        if limit == 0 {
            return Ok(());
        }
        // The `limit`-th newest session of the window: while it is inside, the quota is used up,
        // and when it leaves the window one more is allowed.
        let expires_in = sessions::nth_newest_leaves_window_in(
            &self.pool,
            user_id,
            WINDOW,
            i64::from(limit) - 1,
        )
        .await?;
        exceeded("sessions created", limit, expires_in)
    }

    /// `Ok` when `user_id` may submit another answer now.
    pub async fn check_submit_answer(&self, user_id: Uuid) -> Result<()> {
        let limit = self.settings.answers_per_hour;
        if limit == 0 {
            return Ok(());
        }
        let expires_in = answers::nth_newest_leaves_window_in(
            &self.pool,
            user_id,
            WINDOW,
            i64::from(limit) - 1,
            LONGEST_SESSION,
        )
        .await?;
        exceeded("answers submitted", limit, expires_in)
    }
}

/// `QuotaExceeded` when the `limit`-th newest call of the window leaves it in `expires_in`
/// seconds, `Ok` when there is no such call.
fn exceeded(what: &'static str, limit: u32, expires_in: Option<f64>) -> Result<()> {
    match expires_in {
        None => Ok(()),
        Some(seconds) => {
            let window = WINDOW.as_secs_f64();
            // At least a second, so a client never retries in a tight loop; never beyond the
            // window (clock skew, or a value that is not a number).
            let seconds = if seconds.is_finite() {
                seconds.clamp(1.0, window)
            } else {
                window
            };
            Err(SessionError::QuotaExceeded {
                what,
                limit,
                retry_after: Duration::from_secs_f64(seconds.ceil()),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_the_quota_passes_and_over_it_says_when_to_retry() {
        assert!(exceeded("answers submitted", 3, None).is_ok());
        match exceeded("answers submitted", 3, Some(12.2)) {
            Err(SessionError::QuotaExceeded {
                what,
                limit,
                retry_after,
            }) => {
                assert_eq!((what, limit), ("answers submitted", 3));
                assert_eq!(retry_after, Duration::from_secs(13));
            }
            other => panic!("unexpected {other:?}"),
        }
        // A clock skew or an expiring row never gives zero, a negative or a huge delay.
        for (seconds, expected) in [(-5.0, 1), (0.0, 1), (1e9, 3600), (f64::NAN, 3600)] {
            match exceeded("sessions created", 1, Some(seconds)) {
                Err(SessionError::QuotaExceeded { retry_after, .. }) => {
                    assert_eq!(retry_after, Duration::from_secs(expected));
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }
}
