//! SQL of the `refresh_tokens` table. Callers pass a connection so that several statements
//! can share one transaction.
//!
//! Lock order, to keep concurrent writers free of deadlocks: the owner's `users` row first
//! (see [`lock_owner`]), then token rows.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// A stored token (its hash is the lookup key and is not read back).
#[derive(Debug, sqlx::FromRow)]
pub struct StoredRefreshToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub family_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Stores a new token of `family_id`.
pub async fn insert(
    conn: &mut PgConnection,
    user_id: Uuid,
    family_id: Uuid,
    digest: &[u8; 32],
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(user_id)
    .bind(family_id)
    .bind(digest.as_slice())
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The owner of the token with `digest`, without locking anything.
pub async fn owner_of(
    conn: &mut PgConnection,
    digest: &[u8; 32],
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar("SELECT user_id FROM refresh_tokens WHERE token_hash = $1")
        .bind(digest.as_slice())
        .fetch_optional(conn)
        .await
}

/// Locks the `users` row of `user_id` for the rest of the transaction, serialising every
/// change to that user's refresh tokens. False when the user no longer exists.
pub async fn lock_owner(conn: &mut PgConnection, user_id: Uuid) -> Result<bool, sqlx::Error> {
    let found: Option<Uuid> =
        sqlx::query_scalar("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE")
            .bind(user_id)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

/// The token with `digest`, locked for the rest of the transaction.
pub async fn find_for_update(
    conn: &mut PgConnection,
    digest: &[u8; 32],
) -> Result<Option<StoredRefreshToken>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, user_id, family_id, expires_at, used_at, revoked_at \
         FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE",
    )
    .bind(digest.as_slice())
    .fetch_optional(conn)
    .await
}

/// Marks a token as exchanged.
pub async fn mark_used(conn: &mut PgConnection, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE refresh_tokens SET used_at = NOW() WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Revokes every token of a family; returns how many were still live.
pub async fn revoke_family(conn: &mut PgConnection, family_id: Uuid) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = NOW() \
         WHERE family_id = $1 AND revoked_at IS NULL",
    )
    .bind(family_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Revokes the family of the token with `digest` (nothing when it is unknown).
pub async fn revoke_family_of(
    conn: &mut PgConnection,
    digest: &[u8; 32],
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = NOW() \
         WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1) \
           AND revoked_at IS NULL",
    )
    .bind(digest.as_slice())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Revokes every token of a user.
pub async fn revoke_all_of_user(
    conn: &mut PgConnection,
    user_id: Uuid,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = NOW() \
         WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Deletes tokens that expired before `before` (they can no longer be presented, and
/// reuse of an expired token needs no detection). Returns how many went.
pub async fn delete_expired(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM refresh_tokens WHERE expires_at < $1")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
