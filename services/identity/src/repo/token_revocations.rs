//! SQL of the `token_revocations` table: whose access tokens stopped being valid, and from
//! which issue time on. Writers pass a connection so that a revocation commits in the
//! transaction of the change that caused it.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// A user whose access tokens issued before `not_before` are refused.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Revocation {
    pub user_id: Uuid,
    pub not_before: DateTime<Utc>,
}

/// Records that the tokens of `user_id` issued before `not_before` are revoked until
/// `expires_at` (when the last of them has expired). A revocation already recorded keeps
/// the later of both times and is stamped as changed now, so the feed lists it again.
pub async fn upsert(
    conn: &mut PgConnection,
    user_id: Uuid,
    not_before: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO token_revocations (user_id, not_before, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET \
             not_before = GREATEST(token_revocations.not_before, EXCLUDED.not_before), \
             expires_at = GREATEST(token_revocations.expires_at, EXCLUDED.expires_at), \
             created_at = NOW()",
    )
    .bind(user_id)
    .bind(not_before)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The `not_before` of `user_id`, when their tokens were ever revoked.
pub async fn not_before_of(
    conn: &mut PgConnection,
    user_id: Uuid,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar("SELECT not_before FROM token_revocations WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await
}

/// The database's time now (the clock `created_at` is stamped with).
pub async fn database_now(conn: &mut PgConnection) -> Result<DateTime<Utc>, sqlx::Error> {
    sqlx::query_scalar("SELECT NOW()").fetch_one(conn).await
}

/// Revocations still in force at `now`, recorded or changed at or after `since` (all when
/// `None`), oldest first.
pub async fn list_in_force(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<Revocation>, sqlx::Error> {
    sqlx::query_as(
        "SELECT user_id, not_before FROM token_revocations \
         WHERE expires_at > $1 AND ($2::timestamptz IS NULL OR created_at >= $2) \
         ORDER BY created_at, user_id",
    )
    .bind(now)
    .bind(since)
    .fetch_all(conn)
    .await
}

/// Deletes revocations whose tokens had all expired before `before`. Returns how many went.
pub async fn delete_expired(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM token_revocations WHERE expires_at < $1")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
