//! SQL on the session service's own tables: `interview_sessions`, `interview_questions`,
//! `interview_answers`. Nothing here reads another service's table.

use std::time::Duration;

use chrono::{DateTime, Utc};
use interview_coach_common::{
    db,
    domain::{Difficulty, InterviewType},
};
use interview_coach_proto::evaluation::v1 as eval_pb;
use rust_decimal::Decimal;
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::{
    domain::{ListQuery, NewAnswer, NewSession, SessionStatus},
    error::{Result, SessionError},
    question_data::QuestionData,
};

/// Columns of a session with its question and answer counts.
const SESSION_COLUMNS: &str = "s.id, s.type, s.duration_minutes, s.difficulty, s.status, \
     s.overall_score, COALESCE(s.created_at, NOW()) AS created_at, s.completed_at, \
     COALESCE(s.updated_at, NOW()) AS updated_at, \
     (SELECT COUNT(*) FROM interview_questions q WHERE q.session_id = s.id) AS question_count, \
     (SELECT COUNT(*) FROM interview_answers a WHERE a.session_id = s.id) AS answered_count, \
     COALESCE(s.created_at, NOW()) + make_interval(mins => s.duration_minutes) AS deadline";

/// A session row.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub id: Uuid,
    #[sqlx(rename = "type")]
    pub interview_type: String,
    pub duration_minutes: i32,
    pub difficulty: String,
    pub status: String,
    pub overall_score: Option<Decimal>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub question_count: i64,
    pub answered_count: i64,
    pub deadline: DateTime<Utc>,
}

impl SessionRow {
    /// The parsed status (the CHECK constraint guarantees one of the three).
    pub fn status(&self) -> Result<SessionStatus> {
        SessionStatus::parse(&self.status)
            .ok_or_else(|| SessionError::Internal(format!("unknown status {:?}", self.status)))
    }
}

/// A question with its answer, if any.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QuestionRow {
    pub id: Uuid,
    pub position: i32,
    pub question_text: String,
    pub question_type: String,
    pub difficulty: String,
    pub question_data: Option<serde_json::Value>,
    pub answer_id: Option<Uuid>,
    pub answer_text: Option<String>,
    pub answer_created_at: Option<DateTime<Utc>>,
    pub evaluation_status: Option<String>,
}

/// An answer waiting for its evaluation, with what the evaluation needs.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PendingAnswer {
    pub answer_id: Uuid,
    pub session_id: Uuid,
    pub question_id: Uuid,
    pub answer_text: String,
    pub question_text: String,
    pub question_type: String,
    pub difficulty: String,
    pub question_data: Option<serde_json::Value>,
    pub evaluation_attempts: i32,
}

impl PendingAnswer {
    /// The EvaluateAnswer request for it.
    pub fn evaluate_request(&self) -> eval_pb::EvaluateAnswerRequest {
        let data = QuestionData::from_json(self.question_data.clone());
        eval_pb::EvaluateAnswerRequest {
            session_id: self.session_id.to_string(),
            question_id: self.question_id.to_string(),
            answer_id: self.answer_id.to_string(),
            question_text: self.question_text.clone(),
            interview_type: InterviewType::parse(&self.question_type)
                .map_or(0, |t| t.to_proto() as i32),
            difficulty: Difficulty::parse(&self.difficulty).map_or(0, |d| d.to_proto() as i32),
            answer_text: self.answer_text.clone(),
            key_points: data.key_points_proto(),
            question_key: data.key,
            hints: data.hints,
        }
    }
}

/// Keys of the questions the user saw in their `sessions` most recent sessions, most recent
/// first (the evaluation service reuses the oldest first when its pool runs short).
pub async fn recent_question_keys(
    pool: &PgPool,
    user_id: Uuid,
    sessions: i64,
) -> Result<Vec<String>> {
    if sessions == 0 {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_scalar::<_, String>(
        "SELECT q.question_data->>'key' FROM interview_questions q \
         JOIN (SELECT id, created_at FROM interview_sessions WHERE user_id = $1 \
               ORDER BY created_at DESC, id DESC LIMIT $2) recent ON recent.id = q.session_id \
         WHERE q.question_data->>'key' IS NOT NULL \
         ORDER BY recent.created_at DESC, recent.id DESC, q.position",
    )
    .bind(user_id)
    .bind(sessions)
    .fetch_all(pool)
    .await?)
}

/// Stores a session and its ordered questions in one transaction.
pub async fn insert_session(
    pool: &PgPool,
    user_id: Uuid,
    new: &NewSession,
    questions: &[eval_pb::GeneratedQuestion],
) -> Result<Uuid> {
    let mut tx = pool.begin().await?;
    let session_id: Uuid = sqlx::query_scalar(
        "INSERT INTO interview_sessions (user_id, type, duration_minutes, difficulty) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(user_id)
    .bind(new.interview_type.as_str())
    .bind(new.duration.get())
    .bind(new.difficulty.as_str())
    .fetch_one(&mut *tx)
    .await
    .map_err(|err| match &err {
        // The account was deleted after its token was issued.
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            SessionError::Unauthenticated(interview_coach_common::auth::AuthError::Invalid)
        }
        _ => err.into(),
    })?;

    let positions: Vec<i32> = (1..=questions.len() as i32).collect();
    let texts: Vec<String> = questions.iter().map(|q| q.text.clone()).collect();
    let data: Vec<serde_json::Value> = questions
        .iter()
        .map(|q| QuestionData::from_generated(q).to_json())
        .collect();
    sqlx::query(
        "INSERT INTO interview_questions \
             (session_id, position, question_text, question_type, difficulty, question_data) \
         SELECT $1, p, t, $2, $3, d FROM UNNEST($4::int[], $5::text[], $6::jsonb[]) AS u(p, t, d)",
    )
    .bind(session_id)
    .bind(new.interview_type.as_str())
    .bind(new.difficulty.as_str())
    .bind(&positions)
    .bind(&texts)
    .bind(&data)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(session_id)
}

/// The user's session, or NOT_FOUND (also when it is someone else's).
pub async fn get_session(pool: &PgPool, user_id: Uuid, session_id: Uuid) -> Result<SessionRow> {
    sqlx::query_as::<_, SessionRow>(&format!(
        "SELECT {SESSION_COLUMNS} FROM interview_sessions s WHERE s.id = $1 AND s.user_id = $2"
    ))
    .bind(session_id)
    .bind(user_id)
    .fetch_optional(pool)
    .await?
    .ok_or(SessionError::NotFound("session"))
}

/// A session by id alone (the sweeper's view).
pub async fn get_session_any_user(pool: &PgPool, session_id: Uuid) -> Result<SessionRow> {
    sqlx::query_as::<_, SessionRow>(&format!(
        "SELECT {SESSION_COLUMNS} FROM interview_sessions s WHERE s.id = $1"
    ))
    .bind(session_id)
    .fetch_optional(pool)
    .await?
    .ok_or(SessionError::NotFound("session"))
}

/// The questions of a session in order, each with its answer.
pub async fn questions_with_answers(pool: &PgPool, session_id: Uuid) -> Result<Vec<QuestionRow>> {
    Ok(sqlx::query_as::<_, QuestionRow>(
        "SELECT q.id, q.position, q.question_text, q.question_type, q.difficulty, q.question_data, \
                a.id AS answer_id, a.answer_text, a.created_at AS answer_created_at, \
                a.evaluation_status \
         FROM interview_questions q \
         LEFT JOIN interview_answers a ON a.question_id = q.id \
         WHERE q.session_id = $1 ORDER BY q.position",
    )
    .bind(session_id)
    .fetch_all(pool)
    .await?)
}

/// A page of the user's sessions, newest first.
pub async fn list_sessions(
    pool: &PgPool,
    user_id: Uuid,
    query: &ListQuery,
) -> Result<Vec<SessionRow>> {
    let (after_time, after_id) = match &query.after {
        Some(token) => (Some(token.created_at), Some(token.id)),
        None => (None, None),
    };
    Ok(sqlx::query_as::<_, SessionRow>(&format!(
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
    .bind(query.page_size + 1)
    .fetch_all(pool)
    .await?)
}

/// Stores an answer after checking, under a share lock on the session row (so it cannot
/// race CompleteSession), that the session is the user's, in progress and before its
/// deadline, and that the question belongs to it. The answer is held back from the queue
/// worker for `hold` while the caller tries to evaluate it inline.
pub async fn insert_answer(
    pool: &PgPool,
    user_id: Uuid,
    answer: &NewAnswer,
    hold: Duration,
) -> Result<(PendingAnswer, DateTime<Utc>)> {
    let mut tx = pool.begin().await?;
    let session: Option<(String, bool)> = sqlx::query_as(
        "SELECT status, COALESCE(created_at, NOW()) + make_interval(mins => duration_minutes) > NOW() \
         FROM interview_sessions WHERE id = $1 AND user_id = $2 FOR SHARE",
    )
    .bind(answer.session_id)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (status, before_deadline) = session.ok_or(SessionError::NotFound("session"))?;
    if status != SessionStatus::InProgress.as_str() {
        return Err(SessionError::FailedPrecondition(format!(
            "the session is {}; answers are closed",
            status.replace('_', " ")
        )));
    }
    if !before_deadline {
        return Err(SessionError::FailedPrecondition(
            "the session's time is up; answers are closed".into(),
        ));
    }
    let question: Option<(String, String, String, Option<serde_json::Value>)> = sqlx::query_as(
        "SELECT question_text, question_type, difficulty, question_data \
         FROM interview_questions WHERE id = $1 AND session_id = $2",
    )
    .bind(answer.question_id)
    .bind(answer.session_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (question_text, question_type, difficulty, question_data) =
        question.ok_or(SessionError::NotFound("question"))?;
    let (answer_id, created_at): (Uuid, DateTime<Utc>) = sqlx::query_as(
        "INSERT INTO interview_answers \
             (session_id, question_id, answer_text, evaluation_attempts, next_evaluation_at) \
         VALUES ($1, $2, $3, 1, NOW() + make_interval(secs => $4)) \
         RETURNING id, COALESCE(created_at, NOW())",
    )
    .bind(answer.session_id)
    .bind(answer.question_id)
    .bind(answer.text.as_str())
    .bind(hold.as_secs_f64())
    .fetch_one(&mut *tx)
    .await
    .map_err(|err| {
        if db::unique_violation(&err).is_some() {
            SessionError::AlreadyAnswered
        } else {
            err.into()
        }
    })?;
    tx.commit().await?;
    Ok((
        PendingAnswer {
            answer_id,
            session_id: answer.session_id,
            question_id: answer.question_id,
            answer_text: answer.text.as_str().to_owned(),
            question_text,
            question_type,
            difficulty,
            question_data,
            evaluation_attempts: 1,
        },
        created_at,
    ))
}

const PENDING_COLUMNS: &str = "a.id AS answer_id, a.session_id, a.question_id, a.answer_text, \
     q.question_text, q.question_type, q.difficulty, q.question_data, a.evaluation_attempts";

/// Claims up to `batch` due answers for this worker: they are leased for `lease` (other
/// replicas skip them meanwhile, `FOR UPDATE SKIP LOCKED`) and their attempt is counted.
pub async fn claim_due(pool: &PgPool, batch: i64, lease: Duration) -> Result<Vec<PendingAnswer>> {
    Ok(sqlx::query_as::<_, PendingAnswer>(&format!(
        "WITH due AS ( \
             SELECT id FROM interview_answers \
             WHERE evaluation_status = 'pending' AND next_evaluation_at <= NOW() \
             ORDER BY next_evaluation_at LIMIT $1 FOR UPDATE SKIP LOCKED) \
         UPDATE interview_answers a \
         SET next_evaluation_at = NOW() + make_interval(secs => $2), \
             evaluation_attempts = a.evaluation_attempts + 1 \
         FROM due, interview_questions q \
         WHERE a.id = due.id AND q.id = a.question_id \
         RETURNING {PENDING_COLUMNS}"
    ))
    .bind(batch)
    .bind(lease.as_secs_f64())
    .fetch_all(pool)
    .await?)
}

/// The session's answers still waiting for an evaluation.
pub async fn pending_for_session(pool: &PgPool, session_id: Uuid) -> Result<Vec<PendingAnswer>> {
    Ok(sqlx::query_as::<_, PendingAnswer>(&format!(
        "SELECT {PENDING_COLUMNS} FROM interview_answers a \
         JOIN interview_questions q ON q.id = a.question_id \
         WHERE a.session_id = $1 AND a.evaluation_status = 'pending'"
    ))
    .bind(session_id)
    .fetch_all(pool)
    .await?)
}

/// Records that the answer's evaluation is stored.
pub async fn mark_evaluated(pool: &PgPool, answer_id: Uuid) -> Result<()> {
    sqlx::query(
        "UPDATE interview_answers SET evaluation_status = 'evaluated', evaluated_at = NOW() \
         WHERE id = $1 AND evaluation_status = 'pending'",
    )
    .bind(answer_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Retries the answer's evaluation after `delay`.
pub async fn reschedule(pool: &PgPool, answer_id: Uuid, delay: Duration) -> Result<()> {
    sqlx::query(
        "UPDATE interview_answers SET next_evaluation_at = NOW() + make_interval(secs => $2) \
         WHERE id = $1 AND evaluation_status = 'pending'",
    )
    .bind(answer_id)
    .bind(delay.as_secs_f64())
    .execute(pool)
    .await?;
    Ok(())
}

/// Locks the session row for finishing it; `None` when it does not exist (for this user).
pub async fn lock_session(
    tx: &mut Transaction<'_, Postgres>,
    session_id: Uuid,
    user_id: Option<Uuid>,
) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT status FROM interview_sessions \
         WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) FOR UPDATE",
    )
    .bind(session_id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// The session's answers and whether each is evaluated, read inside the finishing transaction.
pub async fn answers_in_tx(
    tx: &mut Transaction<'_, Postgres>,
    session_id: Uuid,
) -> Result<Vec<(Uuid, String)>> {
    Ok(
        sqlx::query_as("SELECT id, evaluation_status FROM interview_answers WHERE session_id = $1")
            .bind(session_id)
            .fetch_all(&mut **tx)
            .await?,
    )
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
pub async fn expired_sessions(pool: &PgPool, grace: Duration, limit: i64) -> Result<Vec<Uuid>> {
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

/// A session of the user for progress: id, type, status, overall score, completion time,
/// whether it has answers.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ProgressRow {
    pub id: Uuid,
    #[sqlx(rename = "type")]
    pub interview_type: String,
    pub status: String,
    pub overall_score: Option<Decimal>,
    pub completed_at: Option<DateTime<Utc>>,
    pub has_answers: bool,
}

/// Every session of the user, for progress.
pub async fn progress_rows(pool: &PgPool, user_id: Uuid) -> Result<Vec<ProgressRow>> {
    Ok(sqlx::query_as::<_, ProgressRow>(
        "SELECT s.id, s.type, s.status, s.overall_score, s.completed_at, \
                EXISTS (SELECT 1 FROM interview_answers a WHERE a.session_id = s.id) AS has_answers \
         FROM interview_sessions s WHERE s.user_id = $1",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}
