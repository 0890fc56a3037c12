//! The test database: its URL for a child process, counts and fingerprints.

use sqlx::PgPool;

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
