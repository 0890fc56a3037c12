//! The test database: its URL for a child process, counts and fingerprints.

use sqlx::{PgPool, postgres::PgPoolOptions};

/// The database roles of the services (`migrations/…_service_roles.sql`).
pub const IDENTITY_ROLE: &str = "interview_coach_identity";
/// See [`IDENTITY_ROLE`].
pub const SESSION_ROLE: &str = "interview_coach_session";
/// See [`IDENTITY_ROLE`].
pub const EVALUATION_ROLE: &str = "interview_coach_evaluation";

/// A pool over the same database as `pool` whose every connection acts as `role` (the
/// startup option `role`, as `SET ROLE` would), so a service under test reaches exactly what
/// its role grants, as it does when deployed with its own login.
pub fn as_role(pool: &PgPool, role: &str) -> PgPool {
    PgPoolOptions::new()
        .max_connections(pool.options().get_max_connections())
        .connect_lazy_with(
            pool.connect_options()
                .as_ref()
                .clone()
                .options([("role", role)]),
        )
}

/// The URL of the `#[sqlx::test]` database behind `pool`, for a child process.
pub fn database_url(pool: &PgPool) -> String {
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let database = pool.connect_options().get_database().unwrap().to_owned();
    let (server, _) = base.rsplit_once('/').unwrap();
    format!("{server}/{database}")
}

/// `SELECT COUNT(*)`-style scalar.
pub async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// One row count and content digest per table of the system: equal fingerprints mean
/// nothing was written.
pub async fn fingerprint(pool: &PgPool) -> Vec<(String, i64, String)> {
    let mut tables = Vec::new();
    for table in [
        "users",
        "refresh_tokens",
        "interview_sessions",
        "interview_questions",
        "interview_answers",
        "answer_evaluations",
    ] {
        let (count, digest): (i64, Option<String>) = sqlx::query_as(&format!(
            "SELECT COUNT(*), md5(string_agg(t::text, ',' ORDER BY t::text)) FROM {table} t"
        ))
        .fetch_one(pool)
        .await
        .unwrap();
        tables.push((table.to_owned(), count, digest.unwrap_or_default()));
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::*;

    #[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
    async fn a_role_pool_acts_as_the_role(pool: PgPool) {
        let session = as_role(&pool, SESSION_ROLE);
        let user: String = sqlx::query_scalar("SELECT current_user::text")
            .fetch_one(&session)
            .await
            .unwrap();
        assert_eq!(user, SESSION_ROLE);
        assert!(
            sqlx::query("SELECT 1 FROM users")
                .execute(&session)
                .await
                .is_err()
        );
    }
}
