//! Each service's database role reaches its own tables and nothing else, and has no DDL
//! rights: the boundary ARCHITECTURE.md draws between owners, held by Postgres. Checked as
//! the roles themselves (`SET ROLE` from the test's superuser connection).

use sqlx::{PgConnection, PgPool, Postgres, pool::PoolConnection};

const IDENTITY: &str = "interview_coach_identity";
const SESSION: &str = "interview_coach_session";
const EVALUATION: &str = "interview_coach_evaluation";

const TABLES: [(&str, &str); 8] = [
    ("users", IDENTITY),
    ("refresh_tokens", IDENTITY),
    ("token_revocations", IDENTITY),
    ("interview_sessions", SESSION),
    ("interview_questions", SESSION),
    ("interview_answers", SESSION),
    ("answer_evaluations", EVALUATION),
    ("question_rubrics", EVALUATION),
];

/// A pool whose connections act as `role` (the startup option, as `SET ROLE` would).
fn role_pool(pool: &PgPool, role: &str) -> PgPool {
    sqlx::postgres::PgPoolOptions::new().connect_lazy_with(
        pool.connect_options()
            .as_ref()
            .clone()
            .options([("role", role)]),
    )
}

async fn as_role(pool: &PgPool, role: &str) -> PoolConnection<Postgres> {
    role_pool(pool, role).acquire().await.unwrap()
}

/// The SQLSTATE of running `sql`, or None when it succeeds.
async fn sqlstate(conn: &mut PgConnection, sql: &str) -> Option<String> {
    match sqlx::raw_sql(sql).execute(conn).await {
        Ok(_) => None,
        Err(sqlx::Error::Database(err)) => err.code().map(|c| c.into_owned()),
        Err(err) => panic!("{sql}: {err}"),
    }
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn each_role_reads_and_writes_only_its_own_tables(pool: PgPool) {
    for role in [IDENTITY, SESSION, EVALUATION] {
        let mut conn = as_role(&pool, role).await;
        for (table, owner) in TABLES {
            for sql in [
                format!("SELECT 1 FROM {table} LIMIT 1"),
                format!("DELETE FROM {table} WHERE false"),
            ] {
                let got = sqlstate(&mut conn, &sql).await;
                if owner == role {
                    assert_eq!(got, None, "{role}: {sql}");
                } else {
                    // 42501: insufficient_privilege.
                    assert_eq!(got.as_deref(), Some("42501"), "{role}: {sql}");
                }
            }
        }
    }
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn no_role_can_change_the_schema(pool: PgPool) {
    for role in [IDENTITY, SESSION, EVALUATION] {
        let mut conn = as_role(&pool, role).await;
        for sql in [
            "CREATE TABLE intruder (id INT)",
            "ALTER TABLE users ADD COLUMN intruder INT",
            "DROP TABLE question_rubrics",
            "CREATE INDEX intruder ON interview_answers (created_at)",
        ] {
            let got = sqlstate(&mut conn, sql).await;
            assert_eq!(got.as_deref(), Some("42501"), "{role}: {sql}");
        }
    }
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn foreign_keys_across_owners_hold_without_rights_on_the_other_side(pool: PgPool) {
    let mut identity = as_role(&pool, IDENTITY).await;
    let user: (uuid::Uuid,) = sqlx::query_as(
        "INSERT INTO users (email, password_hash, name) VALUES ('a@example.com', 'x', 'A') \
         RETURNING id",
    )
    .fetch_one(&mut *identity)
    .await
    .unwrap();
    let mut session = as_role(&pool, SESSION).await;
    sqlx::query(
        "INSERT INTO interview_sessions (user_id, type, difficulty, duration_minutes) \
         VALUES ($1, 'technical', 'easy', 30)",
    )
    .bind(user.0)
    .execute(&mut *session)
    .await
    .unwrap();
    // The session's insert checked its user; the user's delete cascades to the session.
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user.0)
        .execute(&mut *identity)
        .await
        .unwrap();
    let left: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM interview_sessions")
        .fetch_one(&mut *session)
        .await
        .unwrap();
    assert_eq!(left.0, 0);
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn migrations_run_as_the_migrator_when_one_is_set(pool: PgPool) {
    use interview_coach_common::db::DatabaseSettings;
    let as_session = role_pool(&pool, SESSION);
    let mut settings = DatabaseSettings::with_url("postgres://unused-with-a-given-pool");
    assert!(
        settings.migrate_if_asked(&as_session).await.is_err(),
        "the service's role has no DDL rights"
    );
    // The failed attempt's connection still holds the migrator's advisory lock.
    as_session.close().await;
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let (server, _) = base.rsplit_once('/').unwrap();
    let database = pool.connect_options().get_database().unwrap().to_owned();
    settings.migration_url = Some(format!("{server}/{database}").into());
    // Still over a pool of the service's role: it succeeds only through the migrator.
    let as_session = role_pool(&pool, SESSION);
    settings.migrate_if_asked(&as_session).await.unwrap();
}
