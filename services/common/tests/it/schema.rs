//! The migrated schema is the seed schema (`migrations/20260101000001_seed_schema.sql`): every column with
//! its type, nullability and default, every CHECK, UNIQUE and ON DELETE CASCADE foreign key,
//! every named index, and updated_at that really moves. The migrations are idempotent.

use sqlx::PgPool;

async fn columns(pool: &PgPool, table: &str) -> Vec<(String, String, String, Option<String>)> {
    sqlx::query_as(
        "SELECT column_name::text, \
                CASE WHEN character_maximum_length IS NOT NULL \
                     THEN data_type || '(' || character_maximum_length || ')' \
                     WHEN data_type = 'numeric' \
                     THEN 'numeric(' || numeric_precision || ',' || numeric_scale || ')' \
                     ELSE data_type END, \
                is_nullable::text, column_default::text \
         FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(pool)
    .await
    .unwrap()
}

fn col(
    name: &str,
    ty: &str,
    nullable: &str,
    default: Option<&str>,
) -> (String, String, String, Option<String>) {
    (
        name.into(),
        ty.into(),
        nullable.into(),
        default.map(Into::into),
    )
}

const UUID_DEFAULT: Option<&str> = Some("uuid_generate_v4()");
const NOW: Option<&str> = Some("now()");
const TZ: &str = "timestamp with time zone";

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn the_seed_tables_have_every_seed_column(pool: PgPool) {
    let users = columns(&pool, "users").await;
    assert_eq!(
        users,
        vec![
            col("id", "uuid", "NO", UUID_DEFAULT),
            col("email", "character varying(255)", "NO", None),
            col("password_hash", "character varying(255)", "NO", None),
            col("name", "character varying(255)", "NO", None),
            col("created_at", TZ, "YES", NOW),
            col("updated_at", TZ, "YES", NOW),
        ]
    );
    let sessions = columns(&pool, "interview_sessions").await;
    assert_eq!(
        sessions,
        vec![
            col("id", "uuid", "NO", UUID_DEFAULT),
            col("user_id", "uuid", "NO", None),
            col("type", "character varying(50)", "NO", None),
            col("duration_minutes", "integer", "NO", None),
            col("difficulty", "character varying(20)", "NO", None),
            col(
                "status",
                "character varying(20)",
                "NO",
                Some("'in_progress'::character varying")
            ),
            col("overall_score", "numeric(5,2)", "YES", None),
            col("created_at", TZ, "YES", NOW),
            col("completed_at", TZ, "YES", None),
            col("updated_at", TZ, "YES", NOW),
        ]
    );
    let questions = columns(&pool, "interview_questions").await;
    assert_eq!(
        questions[..7],
        vec![
            col("id", "uuid", "NO", UUID_DEFAULT),
            col("session_id", "uuid", "NO", None),
            col("question_text", "text", "NO", None),
            col("question_type", "character varying(50)", "NO", None),
            col("difficulty", "character varying(20)", "NO", None),
            col("question_data", "jsonb", "YES", None),
            col("created_at", TZ, "YES", NOW),
        ][..]
    );
    assert_eq!(
        questions[7],
        col("position", "integer", "NO", None),
        "addition: order"
    );
    let answers = columns(&pool, "interview_answers").await;
    assert_eq!(
        answers[..5],
        vec![
            col("id", "uuid", "NO", UUID_DEFAULT),
            col("session_id", "uuid", "NO", None),
            col("question_id", "uuid", "NO", None),
            col("answer_text", "text", "NO", None),
            col("created_at", TZ, "YES", NOW),
        ][..]
    );
    let evaluations = columns(&pool, "answer_evaluations").await;
    assert_eq!(
        evaluations[..9],
        vec![
            col("id", "uuid", "NO", UUID_DEFAULT),
            col("session_id", "uuid", "NO", None),
            col("question_id", "uuid", "NO", None),
            col("answer_id", "uuid", "NO", None),
            col("score", "numeric(5,2)", "NO", None),
            col("feedback_text", "text", "NO", None),
            col("strengths", "jsonb", "YES", None),
            col("improvements", "jsonb", "YES", None),
            col("created_at", TZ, "YES", NOW),
        ][..]
    );
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn every_seed_index_and_cascading_foreign_key_exists(pool: PgPool) {
    let indexes: Vec<String> =
        sqlx::query_scalar("SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public'")
            .fetch_all(&pool)
            .await
            .unwrap();
    for name in [
        "idx_users_email",
        "idx_sessions_user_id",
        "idx_sessions_status",
        "idx_sessions_created_at",
        "idx_questions_session_id",
        "idx_answers_session_id",
        "idx_answers_question_id",
        "idx_answers_session_question",
        "idx_evaluations_session_id",
        "idx_evaluations_question_id",
        "idx_evaluations_answer_id",
        "idx_evaluations_session_question",
    ] {
        assert!(indexes.iter().any(|i| i == name), "missing index {name}");
    }
    // The one-to-one relations: the seed's index on each key is unique, and the only index
    // on that column (20260101000008).
    for (table, column, name) in [
        (
            "interview_answers",
            "question_id",
            "idx_answers_question_id",
        ),
        (
            "answer_evaluations",
            "answer_id",
            "idx_evaluations_answer_id",
        ),
    ] {
        let on_column: Vec<(String, String)> = sqlx::query_as(
            "SELECT indexname::text, indexdef FROM pg_indexes \
             WHERE schemaname = 'public' AND tablename = $1 AND indexdef LIKE '%(' || $2 || ')'",
        )
        .bind(table)
        .bind(column)
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(on_column.len(), 1, "{table}.{column}: {on_column:?}");
        assert_eq!(on_column[0].0, name);
        assert!(
            on_column[0].1.starts_with("CREATE UNIQUE INDEX"),
            "{on_column:?}"
        );
    }
    let composite: String = sqlx::query_scalar(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_answers_session_question'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        composite.ends_with("(session_id, question_id)"),
        "{composite}"
    );

    let foreign_keys: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT tc.table_name::text, ccu.table_name::text, rc.delete_rule::text \
         FROM information_schema.table_constraints tc \
         JOIN information_schema.referential_constraints rc ON rc.constraint_name = tc.constraint_name \
         JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name \
         WHERE tc.constraint_type = 'FOREIGN KEY' ORDER BY 1, 2",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for (from, to) in [
        ("interview_sessions", "users"),
        ("interview_questions", "interview_sessions"),
        ("interview_answers", "interview_sessions"),
        ("interview_answers", "interview_questions"),
        ("answer_evaluations", "interview_sessions"),
        ("answer_evaluations", "interview_questions"),
        ("answer_evaluations", "interview_answers"),
    ] {
        let fk = foreign_keys
            .iter()
            .find(|(f, t, _)| f == from && t == to)
            .unwrap_or_else(|| panic!("no foreign key {from} -> {to}"));
        assert_eq!(fk.2, "CASCADE", "{from} -> {to}");
    }
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn checks_and_uniques_refuse_bad_rows_and_updated_at_moves(pool: PgPool) {
    let user: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, name) VALUES ('a@b.co', 'x', 'A') RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let duplicate =
        sqlx::query("INSERT INTO users (email, password_hash, name) VALUES ('a@b.co', 'y', 'B')")
            .execute(&pool)
            .await
            .unwrap_err();
    assert!(interview_coach_common::db::unique_violation(&duplicate).is_some());

    let insert = |kind: &'static str,
                  minutes: i32,
                  difficulty: &'static str,
                  status: &'static str,
                  score: f64| {
        let pool = pool.clone();
        async move {
            sqlx::query(
                "INSERT INTO interview_sessions (user_id, type, duration_minutes, difficulty, status, overall_score) \
                 VALUES ($1, $2, $3, $4, $5, $6::numeric)",
            )
            .bind(user)
            .bind(kind)
            .bind(minutes)
            .bind(difficulty)
            .bind(status)
            .bind(score)
            .execute(&pool)
            .await
        }
    };
    assert!(
        insert("technical", 30, "easy", "in_progress", 5.0)
            .await
            .is_ok()
    );
    assert!(
        insert("system-design", 60, "hard", "completed", 10.0)
            .await
            .is_ok()
    );
    for bad in [
        insert("coding", 30, "easy", "in_progress", 5.0).await,
        insert("technical", 29, "easy", "in_progress", 5.0).await,
        insert("technical", 61, "easy", "in_progress", 5.0).await,
        insert("technical", 30, "extreme", "in_progress", 5.0).await,
        insert("technical", 30, "easy", "paused", 5.0).await,
        insert("technical", 30, "easy", "completed", 10.01).await,
        insert("technical", 30, "easy", "completed", -0.01).await,
    ] {
        let err = bad.unwrap_err();
        assert!(
            matches!(&err, sqlx::Error::Database(db) if db.is_check_violation()),
            "{err:?}"
        );
    }

    let before: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT updated_at FROM users WHERE id = $1")
            .bind(user)
            .fetch_one(&pool)
            .await
            .unwrap();
    let after: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("UPDATE users SET name = 'B' WHERE id = $1 RETURNING updated_at")
            .bind(user)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(after > before, "users.updated_at moves on update");
    let (created, updated): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) =
        sqlx::query_as(
            "UPDATE interview_sessions SET status = 'abandoned' WHERE overall_score = 5.0 \
         RETURNING created_at, updated_at",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        updated > created,
        "interview_sessions.updated_at moves on update"
    );
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn migrations_are_idempotent(pool: PgPool) {
    // Through the migrator: nothing pending, nothing fails.
    interview_coach_common::db::migrate(&pool).await.unwrap();
    // Every file once more as plain SQL, as if a tracking table had been lost.
    for migration in interview_coach_common::db::MIGRATOR.iter() {
        sqlx::raw_sql(migration.sql.as_ref())
            .execute(&pool)
            .await
            .unwrap_or_else(|err| panic!("{} is not idempotent: {err}", migration.description));
    }
}
