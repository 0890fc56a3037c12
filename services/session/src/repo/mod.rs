//! SQL on the session service's own tables: `interview_sessions`, `interview_questions`,
//! `interview_answers`. Nothing here reads another service's table.

pub mod question_data;

use std::time::Duration;

use chrono::{DateTime, Utc};
use interview_coach_common::domain::{Difficulty, InterviewType};
use interview_coach_proto::evaluation::v1 as eval_pb;
use rust_decimal::Decimal;
use sqlx::{PgExecutor, PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::{
    domain::{ListQuery, NewAnswer, NewSession, SessionStatus},
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
            red_flags: data.red_flags_proto(),
            topic: data.topic_proto(),
            reference_answer: data.reference_answer,
            rubric_digest: data.rubric_digest,
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

/// Stores a new session with its questions in one transaction; returns the rows as stored
/// (what GetSession would read back, with no answers yet), so CreateSession answers without
/// reading them again.
pub async fn insert_session(
    pool: &PgPool,
    user_id: Uuid,
    new: &NewSession,
    questions: &[eval_pb::GeneratedQuestion],
) -> Result<(SessionRow, Vec<QuestionRow>)> {
    let mut tx = pool.begin().await?;
    let session: SessionRow = sqlx::query_as(
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
    .bind(questions.len() as i64)
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
    let texts: Vec<&str> = questions.iter().map(|q| q.text.as_str()).collect();
    let data: Vec<serde_json::Value> = questions
        .iter()
        .map(|q| QuestionData::from_generated(q).to_json())
        .collect();
    let ids: Vec<(Uuid, i32)> = sqlx::query_as(
        "INSERT INTO interview_questions \
             (session_id, position, question_text, question_type, difficulty, question_data) \
         SELECT $1, p, t, $2, $3, d FROM UNNEST($4::int[], $5::text[], $6::jsonb[]) AS u(p, t, d) \
         RETURNING id, position",
    )
    .bind(session.id)
    .bind(new.interview_type.as_str())
    .bind(new.difficulty.as_str())
    .bind(&positions)
    .bind(&texts)
    .bind(&data)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;

    let mut by_position: Vec<Option<(Uuid, i32)>> = vec![None; questions.len()];
    for (id, position) in ids {
        if let Some(slot) = usize::try_from(position - 1)
            .ok()
            .and_then(|i| by_position.get_mut(i))
        {
            *slot = Some((id, position));
        }
    }
    let stored = by_position
        .into_iter()
        .zip(texts)
        .zip(data)
        .map(|((id, text), data)| {
            let (id, position) =
                id.ok_or_else(|| SessionError::Internal("a question was not stored".into()))?;
            Ok(QuestionRow {
                id,
                position,
                question_text: text.to_owned(),
                question_type: new.interview_type.as_str().to_owned(),
                difficulty: new.difficulty.as_str().to_owned(),
                question_data: Some(data),
                answer_id: None,
                answer_text: None,
                answer_created_at: None,
                evaluation_status: None,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((session, stored))
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

/// The status of the session (of `user_id`'s sessions only, unless `None`: the sweeper),
/// or NOT_FOUND.
pub async fn session_status(
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
    SessionStatus::parse(&status)
        .ok_or_else(|| SessionError::Internal(format!("unknown status {status:?}")))
}

/// One row of [`session_with_questions`]: the session's columns and one question (if any)
/// with its answer (if any).
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
pub async fn session_with_questions(
    pool: &PgPool,
    user_id: Uuid,
    session_id: Uuid,
) -> Result<(SessionRow, Vec<QuestionRow>)> {
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
    let mut session = SessionRow {
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
    };
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
        session.answered_count += i64::from(row.answer_id.is_some());
        questions.push(QuestionRow {
            id,
            position,
            question_text,
            question_type,
            difficulty,
            question_data: row.question_data,
            answer_id: row.answer_id,
            answer_text: row.answer_text,
            answer_created_at: row.answer_created_at,
            evaluation_status: row.evaluation_status,
        });
    }
    session.question_count = questions.len() as i64;
    Ok((session, questions))
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
    .bind(query.page_size.fetch_limit())
    .fetch_all(pool)
    .await?)
}

/// What [`insert_answers`]' statement saw and did for one answer.
#[derive(sqlx::FromRow)]
struct AnswerInsert {
    /// The answer's place in the batch (1-based).
    n: i64,
    /// `None`: no such session of this user.
    status: Option<String>,
    before_deadline: Option<bool>,
    question_text: Option<String>,
    question_type: Option<String>,
    difficulty: Option<String>,
    question_data: Option<serde_json::Value>,
    answer_id: Option<Uuid>,
    created_at: Option<DateTime<Utc>>,
}

/// An answer to store: the user who sends it, and the answer.
pub type AnswerToStore = (Uuid, NewAnswer);
/// A stored answer, pending its evaluation, and when it was stored; or why it was refused.
pub type StoredAnswer = Result<(PendingAnswer, DateTime<Utc>)>;

/// Stores answers in one statement (its own transaction: one round trip, one commit), each
/// after checking, under a share lock on its session row (so it cannot race
/// CompleteSession), that the session is the user's, in progress and before its deadline,
/// that the question belongs to it and has no answer yet. The answers are held back from
/// the queue worker for `hold` while their callers try to evaluate them inline.
///
/// Gives one outcome per answer, in order. Two answers to one question must not share a
/// batch (the second would read as stored); `Err` when the statement as a whole failed.
pub async fn insert_answers(
    db: impl PgExecutor<'_>,
    answers: &[&AnswerToStore],
    hold: Duration,
) -> Result<Vec<StoredAnswer>> {
    let column = |f: fn(&AnswerToStore) -> Uuid| answers.iter().map(|a| f(a)).collect::<Vec<_>>();
    let mut rows: Vec<AnswerInsert> = sqlx::query_as(
        "WITH i AS ( \
             SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::text[]) \
                 WITH ORDINALITY AS i(user_id, session_id, question_id, answer_text, n)), \
         s AS ( \
             SELECT i.n, s.status, \
                    COALESCE(s.created_at, NOW()) + make_interval(mins => s.duration_minutes) \
                        > NOW() AS before_deadline \
             FROM i JOIN interview_sessions s ON s.id = i.session_id AND s.user_id = i.user_id \
             FOR SHARE OF s), \
         q AS ( \
             SELECT i.n, q.question_text, q.question_type, q.difficulty, q.question_data \
             FROM i JOIN interview_questions q \
                 ON q.id = i.question_id AND q.session_id = i.session_id), \
         inserted AS ( \
             INSERT INTO interview_answers \
                 (session_id, question_id, answer_text, evaluation_attempts, next_evaluation_at) \
             SELECT i.session_id, i.question_id, i.answer_text, 1, \
                    NOW() + make_interval(secs => $5) \
             FROM i JOIN s ON s.n = i.n JOIN q ON q.n = i.n \
             WHERE s.status = 'in_progress' AND s.before_deadline \
             ORDER BY i.n \
             ON CONFLICT (question_id) DO NOTHING \
             RETURNING id, question_id, COALESCE(created_at, NOW()) AS created_at) \
         SELECT i.n, s.status, s.before_deadline, q.question_text, q.question_type, \
                q.difficulty, q.question_data, inserted.id AS answer_id, inserted.created_at \
         FROM i LEFT JOIN s ON s.n = i.n LEFT JOIN q ON q.n = i.n \
              LEFT JOIN inserted ON inserted.question_id = i.question_id \
         ORDER BY i.n",
    )
    .bind(column(|(user_id, _)| *user_id))
    .bind(column(|(_, a)| a.session_id))
    .bind(column(|(_, a)| a.question_id))
    .bind(
        answers
            .iter()
            .map(|(_, a)| a.text.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(hold.as_secs_f64())
    .fetch_all(db)
    .await?;
    if rows.len() != answers.len() || rows.iter().enumerate().any(|(i, r)| r.n != i as i64 + 1) {
        return Err(SessionError::Internal(format!(
            "{} answers stored, {} outcomes",
            answers.len(),
            rows.len()
        )));
    }
    Ok(rows
        .drain(..)
        .zip(answers)
        .map(|(row, (_, answer))| answer_outcome(answer, row))
        .collect())
}

/// The checks of [`insert_answers`] in the order a caller sees them.
fn answer_outcome(answer: &NewAnswer, outcome: AnswerInsert) -> StoredAnswer {
    let (Some(status), Some(before_deadline)) = (outcome.status, outcome.before_deadline) else {
        return Err(SessionError::NotFound("session"));
    };
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
    let (Some(question_text), Some(question_type), Some(difficulty)) = (
        outcome.question_text,
        outcome.question_type,
        outcome.difficulty,
    ) else {
        return Err(SessionError::NotFound("question"));
    };
    // Every check passed and nothing was inserted: the question had an answer already.
    let (Some(answer_id), Some(created_at)) = (outcome.answer_id, outcome.created_at) else {
        return Err(SessionError::AlreadyAnswered);
    };
    Ok((
        PendingAnswer {
            answer_id,
            session_id: answer.session_id,
            question_id: answer.question_id,
            answer_text: answer.text.as_str().to_owned(),
            question_text,
            question_type,
            difficulty,
            question_data: outcome.question_data,
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

/// Records that the answers' evaluations are stored.
pub async fn mark_evaluated(db: impl PgExecutor<'_>, answer_ids: &[Uuid]) -> Result<()> {
    // Committed without waiting for the WAL flush (`synchronous_commit` off for this one
    // statement's transaction): the evaluations themselves are already durable in the
    // evaluation service's table, and a mark lost in a crash leaves the answer pending, which
    // the worker evaluates again and gets the stored evaluation back.
    sqlx::query(
        "UPDATE interview_answers SET evaluation_status = 'evaluated', evaluated_at = NOW() \
         FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit \
         WHERE id = ANY($1) AND evaluation_status = 'pending'",
    )
    .bind(answer_ids)
    .execute(db)
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

#[cfg(test)]
mod tests {
    use sqlx::postgres::PgPoolOptions;

    use super::*;

    #[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
    async fn marking_evaluated_commits_asynchronously_without_leaking_the_setting(pool: PgPool) {
        let answer_id: Uuid = sqlx::query_scalar(
            "WITH u AS (INSERT INTO users (email, password_hash, name) \
                        VALUES ('a@b.co', 'x', 'A') RETURNING id), \
                  s AS (INSERT INTO interview_sessions (user_id, type, duration_minutes, difficulty) \
                        SELECT id, 'technical', 30, 'easy' FROM u RETURNING id), \
                  q AS (INSERT INTO interview_questions \
                            (session_id, position, question_text, question_type, difficulty) \
                        SELECT id, 1, 'Why?', 'technical', 'easy' FROM s RETURNING id, session_id) \
             INSERT INTO interview_answers (session_id, question_id, answer_text) \
             SELECT session_id, id, 'Because.' FROM q RETURNING id",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        // One connection, so the check below runs on the connection that marked.
        let single = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(pool.connect_options().as_ref().clone())
            .await
            .unwrap();
        mark_evaluated(&single, &[answer_id]).await.unwrap();
        let status: String =
            sqlx::query_scalar("SELECT evaluation_status FROM interview_answers WHERE id = $1")
                .bind(answer_id)
                .fetch_one(&single)
                .await
                .unwrap();
        assert_eq!(status, "evaluated");
        let setting: String = sqlx::query_scalar("SHOW synchronous_commit")
            .fetch_one(&single)
            .await
            .unwrap();
        assert_eq!(
            setting, "on",
            "the setting ended with the statement's transaction"
        );
    }
}
