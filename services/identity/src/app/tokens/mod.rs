//! Token pairs: issuing them, rotating refresh tokens and revoking them.

mod access;
mod refresh;
mod signing_keys;

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use interview_coach_common::auth::LEEWAY_SECS;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub use access::{AccessToken, AccessTokenIssuer};
pub use refresh::{RefreshToken, RefreshTokenError};
pub use signing_keys::{SigningKey, SigningKeys, SigningKeysError, key_id};

use crate::{error::IdentityError, repo::refresh_tokens as repo};

/// What a successful sign-in returns.
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub access: AccessToken,
    /// The refresh token (shown to the client once).
    pub refresh: RefreshToken,
    /// When the refresh token expires.
    pub refresh_expires_at: DateTime<Utc>,
}

/// Issues, rotates and revokes token pairs.
#[derive(Clone, Debug)]
pub struct Tokens {
    access: AccessTokenIssuer,
    refresh_ttl: TimeDelta,
}

impl Tokens {
    /// Access tokens from `access`; refresh tokens valid for `refresh_ttl`.
    pub fn new(access: AccessTokenIssuer, refresh_ttl: Duration) -> Self {
        Self {
            access,
            refresh_ttl: TimeDelta::from_std(refresh_ttl).unwrap_or(TimeDelta::MAX),
        }
    }

    /// Issues a pair for `user_id` whose refresh token joins `family_id` (a new family on
    /// sign-in, the presented token's family on rotation). Stores the refresh token's hash
    /// on `conn`, typically inside the caller's transaction.
    pub async fn issue_pair(
        &self,
        conn: &mut PgConnection,
        user_id: Uuid,
        family_id: Uuid,
    ) -> Result<TokenPair, IdentityError> {
        let now = Utc::now();
        let access = self.access.issue(user_id, now)?;
        let refresh = RefreshToken::generate();
        let refresh_expires_at = now + self.refresh_ttl;
        repo::insert(
            conn,
            user_id,
            family_id,
            &refresh.digest(),
            refresh_expires_at,
        )
        .await?;
        Ok(TokenPair {
            access,
            refresh,
            refresh_expires_at,
        })
    }

    /// When every access token issued up to `at` has expired, counting the leeway verifiers
    /// allow on `exp`: how long a revocation made at `at` matters.
    pub fn access_tokens_expired_after(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        i64::try_from(LEEWAY_SECS)
            .ok()
            .and_then(TimeDelta::try_seconds)
            .and_then(|leeway| self.access.ttl().checked_add(&leeway))
            .and_then(|lifetime| at.checked_add_signed(lifetime))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Exchanges `presented` for a new pair of the same family, in one transaction. The
    /// presented token is used up; presenting a used token again revokes its family.
    pub async fn rotate(
        &self,
        pool: &PgPool,
        presented: &RefreshToken,
    ) -> Result<TokenPair, IdentityError> {
        let digest = presented.digest();
        let mut tx = pool.begin().await?;
        let Some(owner) = repo::owner_of(&mut tx, &digest).await? else {
            return Err(IdentityError::InvalidRefreshToken);
        };
        if !repo::lock_owner(&mut tx, owner).await? {
            return Err(IdentityError::InvalidRefreshToken);
        }
        let Some(stored) = repo::find_for_update(&mut tx, &digest).await? else {
            return Err(IdentityError::InvalidRefreshToken);
        };
        if stored.revoked_at.is_some() {
            return Err(IdentityError::InvalidRefreshToken);
        }
        if stored.used_at.is_some() {
            let revoked = repo::revoke_family(&mut tx, stored.family_id).await?;
            tx.commit().await?;
            tracing::warn!(
                user_id = %stored.user_id,
                family_id = %stored.family_id,
                revoked,
                "refresh token reused: its family is revoked"
            );
            return Err(IdentityError::InvalidRefreshToken);
        }
        if stored.expires_at <= Utc::now() {
            return Err(IdentityError::InvalidRefreshToken);
        }
        repo::mark_used(&mut tx, stored.id).await?;
        let pair = self
            .issue_pair(&mut tx, stored.user_id, stored.family_id)
            .await?;
        tx.commit().await?;
        Ok(pair)
    }

    /// Revokes the family of `presented`; unknown tokens are fine (idempotent).
    pub async fn revoke_family(
        &self,
        pool: &PgPool,
        presented: &RefreshToken,
    ) -> Result<(), IdentityError> {
        let digest = presented.digest();
        let mut tx = pool.begin().await?;
        let Some(owner) = repo::owner_of(&mut tx, &digest).await? else {
            return Ok(());
        };
        if repo::lock_owner(&mut tx, owner).await? {
            repo::revoke_family_of(&mut tx, &digest).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// A fresh family id: every token rotated from one sign-in shares it.
pub fn new_family() -> Uuid {
    Uuid::new_v4()
}
