//! `interview_sessions`: creating, reading, listing, locking and finishing sessions, the
//! sweeper's and progress' reads, and the session-creation quota's count.

use std::time::Duration;

use chrono::{DateTime, Utc};
use interview_coach_common::domain::{Difficulty, InterviewType};
use rust_decimal::Decimal;
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::{
    domain::{
        AnswerState, ListQuery, NewSession, SessionStatus,
        progress::ProgressSession,
        session::{Answer, Question, Session},
    },
    error::{Result, SessionError},
    repo::question_data::QuestionData,
};

/// Columns of a session with its question and answer counts.
const SESSION_COLUMNS: &str = "s.id, s.type, s.duration_minutes, s.difficulty, s.status, \
     s.overall_score, COALESCE(s.created_at, NOW()) AS created_at, s.completed_at, \
     COALESCE(s.updated_at, NOW()) AS updated_at, \
     (SELECT COUNT(*) FROM interview_questions q WHERE q.session_id = s.id) AS question_count, \
     (SELECT COUNT(*) FROM interview_answers a WHERE a.session_id = s.id) AS answered_count, \
     COALESCE(s.created_at, NOW()) + make_interval(mins => s.duration_minutes) AS deadline";

/// A session row as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
struct SessionRow {
    id: Uuid,
    #[sqlx(rename = "type")]
    interview_type: String,
    duration_minutes: i32,
    difficulty: String,
    status: String,
    overall_score: Option<Decimal>,
    created_at: DateTime<Utc>,
    completed_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
    question_count: i64,
    answered_count: i64,
    deadline: DateTime<Utc>,
}

impl TryFrom<SessionRow> for Session {
    type Error = SessionError;

    fn try_from(row: SessionRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            interview_type: InterviewType::parse(&row.interview_type),
            duration_minutes: row.duration_minutes,
            difficulty: Difficulty::parse(&row.difficulty),
            status: SessionStatus::from_stored(&row.status)?,
            overall_score: row.overall_score,
            created_at: row.created_at,
            completed_at: row.completed_at,
            updated_at: row.updated_at,
            question_count: row.question_count,
            answered_count: row.answered_count,
            deadline: row.deadline,
        })
    }
}

/// Stores a new session (no questions yet) in `tx`; returns it as stored.
pub async fn insert(
    tx: &mut Transaction<'_, Postgres>,
    user_id: Uuid,
    new: &NewSession,
    question_count: usize,
) -> Result<Session> {
    let row: SessionRow = sqlx::query_as(
        "INSERT INTO interview_sessions (user_id, type, duration_minutes, difficulty) \
         VALUES ($1, $2, $3, $4) \
         RETURNING id, type, duration_minutes, difficulty, status, overall_score, \
             COALESCE(created_at, NOW()) AS created_at, completed_at, \
             COALESCE(updated_at, NOW()) AS updated_at, \
             $5::bigint AS question_count, 0::bigint AS answered_count, \
             COALESCE(created_at, NOW()) + make_interval(mins => duration_minutes) AS deadline",
    )
    .bind(user_id)
    .bind(new.interview_type.as_str())
    .bind(new.duration.get())
    .bind(new.difficulty.as_str())
    .bind(question_count as i64)
    .fetch_one(&mut **tx)
    .await
    .map_err(|err| match &err {
        // The account was deleted after its token was issued.
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            SessionError::Unauthenticated(interview_coach_common::auth::AuthError::Invalid)
        }
        _ => err.into(),
    })?;
    row.try_into()
}

/// A session by id alone (the sweeper's view).
pub async fn get_any_user(pool: &PgPool, session_id: Uuid) -> Result<Session> {
    sqlx::query_as::<_, SessionRow>(&format!(
        "SELECT {SESSION_COLUMNS} FROM interview_sessions s WHERE s.id = $1"
    ))
    .bind(session_id)
    .fetch_optional(pool)
    .await?
    .ok_or(SessionError::NotFound("session"))?
    .try_into()
}

/// The status of the session (of `user_id`'s sessions only, unless `None`: the sweeper),
/// or NOT_FOUND.
pub async fn status(
    pool: &PgPool,
    session_id: Uuid,
    user_id: Option<Uuid>,
) -> Result<SessionStatus> {
    let status: String = sqlx::query_scalar(
        "SELECT status FROM interview_sessions \
         WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2)",
    )
    .bind(session_id)
    .bind(user_id)
    .fetch_optional(pool)
    .await?
    .ok_or(SessionError::NotFound("session"))?;
    SessionStatus::from_stored(&status)
}

/// One row of [`with_questions`]: the session's columns and one question (if any) with its
/// answer (if any).
#[derive(sqlx::FromRow)]
struct SessionQuestionRow {
    id: Uuid,
    #[sqlx(rename = "type")]
    interview_type: String,
    duration_minutes: i32,
    difficulty: String,
    status: String,
    overall_score: Option<Decimal>,
    created_at: DateTime<Utc>,
    completed_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
    deadline: DateTime<Utc>,
    question_id: Option<Uuid>,
    position: Option<i32>,
    question_text: Option<String>,
    question_type: Option<String>,
    question_difficulty: Option<String>,
    question_data: Option<serde_json::Value>,
    answer_id: Option<Uuid>,
    answer_text: Option<String>,
    answer_created_at: Option<DateTime<Utc>>,
    evaluation_status: Option<String>,
}

/// The user's session (NOT_FOUND also when it is someone else's) with its questions in
/// order, each with its answer: one query, one round trip. The counts are those of the
/// rows (an answer's session is always its question's session).
pub async fn with_questions(
    pool: &PgPool,
    user_id: Uuid,
    session_id: Uuid,
) -> Result<(Session, Vec<Question>)> {
    let rows = sqlx::query_as::<_, SessionQuestionRow>(
        "SELECT s.id, s.type, s.duration_minutes, s.difficulty, s.status, s.overall_score, \
                COALESCE(s.created_at, NOW()) AS created_at, s.completed_at, \
                COALESCE(s.updated_at, NOW()) AS updated_at, \
                COALESCE(s.created_at, NOW()) + make_interval(mins => s.duration_minutes) AS deadline, \
                q.id AS question_id, q.position, q.question_text, q.question_type, \
                q.difficulty AS question_difficulty, q.question_data, \
                a.id AS answer_id, a.answer_text, a.created_at AS answer_created_at, \
                a.evaluation_status \
         FROM interview_sessions s \
         LEFT JOIN interview_questions q ON q.session_id = s.id \
         LEFT JOIN interview_answers a ON a.question_id = q.id \
         WHERE s.id = $1 AND s.user_id = $2 \
         ORDER BY q.position",
    )
    .bind(session_id)
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    let first = rows.first().ok_or(SessionError::NotFound("session"))?;
    let mut session = Session::try_from(SessionRow {
        id: first.id,
        interview_type: first.interview_type.clone(),
        duration_minutes: first.duration_minutes,
        difficulty: first.difficulty.clone(),
        status: first.status.clone(),
        overall_score: first.overall_score,
        created_at: first.created_at,
        completed_at: first.completed_at,
        updated_at: first.updated_at,
        question_count: 0,
        answered_count: 0,
        deadline: first.deadline,
    })?;
    let mut questions = Vec::with_capacity(rows.len());
    for row in rows {
        // Without a question the LEFT JOIN gave one row of NULLs.
        let (Some(id), Some(position), Some(question_text), Some(question_type), Some(difficulty)) = (
            row.question_id,
            row.position,
            row.question_text,
            row.question_type,
            row.question_difficulty,
        ) else {
            continue;
        };
        let answer = match row.answer_id {
            Some(answer_id) => {
                session.answered_count += 1;
                Some(Answer {
                    id: answer_id,
                    text: row.answer_text.unwrap_or_default(),
                    created_at: row.answer_created_at,
                    state: row
                        .evaluation_status
                        .as_deref()
                        .map_or(Ok(AnswerState::Pending), AnswerState::from_stored)?,
                })
            }
            None => None,
        };
        let data = QuestionData::from_json(row.question_data);
        questions.push(Question {
            id,
            position,
            text: question_text,
            interview_type: InterviewType::parse(&question_type),
            difficulty: Difficulty::parse(&difficulty),
            provenance: data.provenance(),
            hints: data.hints,
            examples: data.examples,
            answer,
        });
    }
    session.question_count = questions.len() as i64;
    Ok((session, questions))
}

/// A page of the user's sessions, newest first.
pub async fn list(pool: &PgPool, user_id: Uuid, query: &ListQuery) -> Result<Vec<Session>> {
    let (after_time, after_id) = match &query.after {
        Some(token) => (Some(token.created_at), Some(token.id)),
        None => (None, None),
    };
    sqlx::query_as::<_, SessionRow>(&format!(
        "SELECT {SESSION_COLUMNS} FROM interview_sessions s \
         WHERE s.user_id = $1 \
           AND ($2::text IS NULL OR s.status = $2) \
           AND ($3::timestamptz IS NULL OR (s.created_at, s.id) < ($3, $4)) \
         ORDER BY s.created_at DESC, s.id DESC LIMIT $5"
    ))
    .bind(user_id)
    .bind(query.status.map(SessionStatus::as_str))
    .bind(after_time)
    .bind(after_id)
    .bind(query.page_size.fetch_limit())
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(Session::try_from)
    .collect()
}

/// Locks the session row for finishing it; its status, or `None` when it does not exist
/// (for this user).
pub async fn lock(
    tx: &mut Transaction<'_, Postgres>,
    session_id: Uuid,
    user_id: Option<Uuid>,
) -> Result<Option<SessionStatus>> {
    let status: Option<String> = sqlx::query_scalar(
        "SELECT status FROM interview_sessions \
         WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) FOR UPDATE",
    )
    .bind(session_id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?;
    status
        .as_deref()
        .map(SessionStatus::from_stored)
        .transpose()
}

/// Sets the final status (and score) of an in-progress session.
pub async fn finish(
    tx: &mut Transaction<'_, Postgres>,
    session_id: Uuid,
    status: SessionStatus,
    overall_score: Option<Decimal>,
) -> Result<()> {
    sqlx::query(
        "UPDATE interview_sessions SET status = $2, overall_score = $3, completed_at = NOW() \
         WHERE id = $1 AND status = 'in_progress'",
    )
    .bind(session_id)
    .bind(status.as_str())
    .bind(overall_score)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// In-progress sessions whose deadline plus `grace` has passed, oldest first.
pub async fn expired(pool: &PgPool, grace: Duration, limit: i64) -> Result<Vec<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM interview_sessions \
         WHERE status = 'in_progress' \
           AND created_at + make_interval(mins => duration_minutes) \
               + make_interval(secs => $1) < NOW() \
         ORDER BY created_at LIMIT $2",
    )
    .bind(grace.as_secs_f64())
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// A session of the user for progress.
#[derive(sqlx::FromRow)]
struct ProgressRow {
    id: Uuid,
    #[sqlx(rename = "type")]
    interview_type: String,
    status: String,
    overall_score: Option<Decimal>,
    completed_at: Option<DateTime<Utc>>,
    has_answers: bool,
}

/// Every session of the user, for progress.
pub async fn for_progress(pool: &PgPool, user_id: Uuid) -> Result<Vec<ProgressSession>> {
    sqlx::query_as::<_, ProgressRow>(
        "SELECT s.id, s.type, s.status, s.overall_score, s.completed_at, \
                EXISTS (SELECT 1 FROM interview_answers a WHERE a.session_id = s.id) AS has_answers \
         FROM interview_sessions s WHERE s.user_id = $1",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|row| {
        Ok(ProgressSession {
            id: row.id,
            interview_type: InterviewType::parse(&row.interview_type),
            status: SessionStatus::from_stored(&row.status)?,
            overall_score: row.overall_score,
            completed_at: row.completed_at,
            has_answers: row.has_answers,
        })
    })
    .collect()
}

/// Seconds until the `offset`-th newest of the user's sessions created within `window`
/// leaves it (`None`: there is no such session).
pub async fn nth_newest_leaves_window_in(
    pool: &PgPool,
    user_id: Uuid,
    window: Duration,
    offset: i64,
) -> Result<Option<f64>> {
    Ok(sqlx::query_scalar(
        "SELECT EXTRACT(EPOCH FROM created_at + make_interval(secs => $2) - NOW())::float8 \
         FROM interview_sessions \
         WHERE user_id = $1 AND created_at > NOW() - make_interval(secs => $2) \
         ORDER BY created_at DESC OFFSET $3 LIMIT 1",
    )
    .bind(user_id)
    .bind(window.as_secs_f64())
    .bind(offset)
    .fetch_optional(pool)
    .await?)
}
