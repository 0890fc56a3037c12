//! SQL of the `users` table. Functions take a connection so that callers can group
//! statements in one transaction.

use chrono::{DateTime, Utc};
use interview_coach_common::db;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{
    app::password_hasher::PasswordHash,
    domain::{Email, UserName},
};

/// The name of the UNIQUE constraint on `users.email`.
pub const EMAIL_UNIQUE_CONSTRAINT: &str = "idx_users_email";

/// An account as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// An account with its password hash, for sign-in.
#[derive(Debug)]
pub struct Credentials {
    pub user: User,
    pub password_hash: PasswordHash,
}

#[derive(sqlx::FromRow)]
struct CredentialsRow {
    #[sqlx(flatten)]
    user: User,
    password_hash: String,
}

impl From<CredentialsRow> for Credentials {
    fn from(row: CredentialsRow) -> Self {
        Self {
            user: row.user,
            password_hash: PasswordHash::new(row.password_hash),
        }
    }
}

const USER_COLUMNS: &str = "id, email, name, created_at, updated_at";

/// Why an insert failed.
#[derive(Debug, thiserror::Error)]
pub enum InsertError {
    /// The email has an account (the UNIQUE constraint said so).
    #[error("email taken")]
    EmailTaken,
    /// Anything else.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Creates an account. Safe under concurrent registrations of one email: the UNIQUE
/// constraint decides, and the loser gets [`InsertError::EmailTaken`].
pub async fn insert(
    conn: &mut PgConnection,
    email: &Email,
    password_hash: &PasswordHash,
    name: &UserName,
) -> Result<User, InsertError> {
    sqlx::query_as(&format!(
        "INSERT INTO users (email, password_hash, name) VALUES ($1, $2, $3) \
         RETURNING {USER_COLUMNS}"
    ))
    .bind(email.as_str())
    .bind(password_hash.as_str())
    .bind(name.as_str())
    .fetch_one(conn)
    .await
    .map_err(|err| match db::unique_violation(&err) {
        Some(constraint) if constraint == EMAIL_UNIQUE_CONSTRAINT => InsertError::EmailTaken,
        _ => InsertError::Database(err),
    })
}

/// The account with `email`, with its hash.
pub async fn find_credentials_by_email(
    conn: &mut PgConnection,
    email: &Email,
) -> Result<Option<Credentials>, sqlx::Error> {
    let row: Option<CredentialsRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
    ))
    .bind(email.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Credentials::from))
}

/// The account `id`, with its hash.
pub async fn find_credentials_by_id(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Option<Credentials>, sqlx::Error> {
    let row: Option<CredentialsRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS}, password_hash FROM users WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Credentials::from))
}

pub async fn find_by_id(conn: &mut PgConnection, id: Uuid) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Renames account `id`; `None` when it does not exist.
pub async fn update_name(
    conn: &mut PgConnection,
    id: Uuid,
    name: &UserName,
) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE users SET name = $2 WHERE id = $1 RETURNING {USER_COLUMNS}"
    ))
    .bind(id)
    .bind(name.as_str())
    .fetch_optional(conn)
    .await
}

/// Replaces the password hash of account `id`; false when it does not exist.
pub async fn update_password_hash(
    conn: &mut PgConnection,
    id: Uuid,
    password_hash: &PasswordHash,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(id)
        .bind(password_hash.as_str())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes account `id`; the foreign keys cascade to its sessions, questions, answers,
/// evaluations and refresh tokens. False when it did not exist.
pub async fn delete(conn: &mut PgConnection, id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
