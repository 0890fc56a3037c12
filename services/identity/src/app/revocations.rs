//! Access-token revocations. Access tokens are verified locally, so a deleted account or a
//! changed password cannot take back the tokens already issued; instead identity records a
//! revocation (in the transaction of the change), refuses revoked tokens itself, and
//! publishes the revocations still in force as a feed the other services poll
//! (ListTokenRevocations).

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use sqlx::PgPool;

use crate::{
    domain::{Since, since::MAX_SECONDS},
    error::IdentityError,
    repo::token_revocations::{self as repo, Revocation},
};

/// How far before the server's time the feed's `as_of` is set. A revocation is stamped
/// with the start of its transaction and becomes visible at commit; a poll in between
/// misses it, and the next one (from `as_of`) must still see it.
pub const FEED_OVERLAP: TimeDelta = TimeDelta::seconds(30);

/// The `not_before` of a deleted account: 9999-12-31T23:59:59Z, the latest protobuf
/// Timestamp, after every token ever issued.
pub fn every_token() -> DateTime<Utc> {
    DateTime::from_timestamp(MAX_SECONDS, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The `not_before` of a password change made now: whole seconds (tokens carry `iat` in
/// whole seconds, and the tokens issued with the change must not fall before it).
pub fn from_now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0)
}

/// Whether a token issued at `iat` (seconds since the epoch) falls under `not_before`.
/// Tokens issued in the very second of a password change, before it, stay valid.
pub fn revokes(not_before: DateTime<Utc>, iat: i64) -> bool {
    iat < not_before.timestamp()
}

/// One read of the feed.
#[derive(Debug)]
pub struct FeedPage {
    /// The revocations in force recorded at or after the requested `since`.
    pub revocations: Vec<Revocation>,
    /// What the caller passes as `since` next time.
    pub as_of: DateTime<Utc>,
}

/// Reads the feed.
#[derive(Clone, Debug)]
pub struct RevocationFeed {
    pool: PgPool,
}

impl RevocationFeed {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// The revocations still in force recorded at or after `since` (all when `None`).
    /// Times come from the database's clock, the one the revocations are stamped with.
    pub async fn list(&self, since: Option<Since>) -> Result<FeedPage, IdentityError> {
        let mut conn = self.pool.acquire().await?;
        let now = repo::database_now(&mut conn).await?;
        let revocations = repo::list_in_force(&mut conn, now, since.map(Since::at)).await?;
        Ok(FeedPage {
            revocations,
            as_of: now - FEED_OVERLAP,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deleted_account_revokes_every_token() {
        let not_before = every_token();
        assert_eq!(not_before.timestamp(), MAX_SECONDS);
        assert!(revokes(not_before, Utc::now().timestamp() + 86_400 * 365));
    }

    #[test]
    fn a_password_change_revokes_tokens_of_earlier_seconds_only() {
        let not_before = from_now();
        assert_eq!(not_before.timestamp_subsec_nanos(), 0);
        let at = not_before.timestamp();
        assert!(revokes(not_before, at - 1));
        assert!(!revokes(not_before, at));
        assert!(!revokes(not_before, at + 1));
    }
}
