//! `interview_answers`: storing answers, the pending-evaluation queue (claims, marks,
//! retries), the states read when a session is finished, and the answer quota's count.

use std::time::Duration;

use chrono::{DateTime, Utc};
use interview_coach_common::domain::{Difficulty, InterviewType};
use sqlx::{PgExecutor, PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::{
    domain::{AnswerState, NewAnswer, SessionStatus, session::PendingAnswer},
    error::{Result, SessionError},
    repo::question_data::QuestionData,
};

/// An answer waiting for its evaluation, as the queue's queries read it.
#[derive(sqlx::FromRow)]
struct PendingRow {
    answer_id: Uuid,
    session_id: Uuid,
    question_id: Uuid,
    answer_text: String,
    question_text: String,
    question_type: String,
    difficulty: String,
    question_data: Option<serde_json::Value>,
    evaluation_attempts: i32,
}

impl From<PendingRow> for PendingAnswer {
    fn from(row: PendingRow) -> Self {
        Self {
            answer_id: row.answer_id,
            session_id: row.session_id,
            question_id: row.question_id,
            answer_text: row.answer_text,
            question_text: row.question_text,
            interview_type: InterviewType::parse(&row.question_type),
            difficulty: Difficulty::parse(&row.difficulty),
            rubric: QuestionData::from_json(row.question_data).rubric(),
            evaluation_attempts: row.evaluation_attempts,
        }
    }
}

/// What [`insert`]' statement saw and did for one answer.
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
pub async fn insert(
    db: impl PgExecutor<'_>,
    answers: &[&AnswerToStore],
    hold: Duration,
) -> Result<Vec<StoredAnswer>> {
    let column = |f: fn(&AnswerToStore) -> Uuid| answers.iter().map(|a| f(a)).collect::<Vec<_>>();
    // The session and question of each answer are found by primary key, one lookup per
    // answer (LATERAL … LIMIT 1 keeps the planner from joining instead): with the join, a
    // cached plan made while the tables' statistics were still those of empty tables (a
    // fresh database, before autovacuum's first ANALYZE) scanned both tables whole for
    // every batch.
    let mut rows: Vec<AnswerInsert> = sqlx::query_as(
        "WITH i AS ( \
             SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::text[]) \
                 WITH ORDINALITY AS i(user_id, session_id, question_id, answer_text, n)), \
         s AS ( \
             SELECT i.n, s.status, \
                    COALESCE(s.created_at, NOW()) + make_interval(mins => s.duration_minutes) \
                        > NOW() AS before_deadline \
             FROM i CROSS JOIN LATERAL ( \
                 SELECT * FROM interview_sessions s \
                 WHERE s.id = i.session_id AND s.user_id = i.user_id LIMIT 1 FOR SHARE) s), \
         q AS ( \
             SELECT i.n, q.question_text, q.question_type, q.difficulty, q.question_data \
             FROM i CROSS JOIN LATERAL ( \
                 SELECT * FROM interview_questions q \
                 WHERE q.id = i.question_id AND q.session_id = i.session_id LIMIT 1) q), \
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

/// The checks of [`insert`] in the order a caller sees them.
fn answer_outcome(answer: &NewAnswer, outcome: AnswerInsert) -> StoredAnswer {
    let (Some(status), Some(before_deadline)) = (outcome.status, outcome.before_deadline) else {
        return Err(SessionError::NotFound("session"));
    };
    let status = SessionStatus::from_stored(&status)?;
    if status != SessionStatus::InProgress {
        return Err(SessionError::FailedPrecondition(format!(
            "the session is {}; answers are closed",
            status.label()
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
        PendingRow {
            answer_id,
            session_id: answer.session_id,
            question_id: answer.question_id,
            answer_text: answer.text.as_str().to_owned(),
            question_text,
            question_type,
            difficulty,
            question_data: outcome.question_data,
            evaluation_attempts: 1,
        }
        .into(),
        created_at,
    ))
}

const PENDING_COLUMNS: &str = "a.id AS answer_id, a.session_id, a.question_id, a.answer_text, \
     q.question_text, q.question_type, q.difficulty, q.question_data, a.evaluation_attempts";

/// Claims up to `batch` due answers for this worker: they are leased for `lease` (other
/// replicas skip them meanwhile, `FOR UPDATE SKIP LOCKED`) and their attempt is counted.
pub async fn claim_due(pool: &PgPool, batch: i64, lease: Duration) -> Result<Vec<PendingAnswer>> {
    Ok(sqlx::query_as::<_, PendingRow>(&format!(
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
    .await?
    .into_iter()
    .map(PendingAnswer::from)
    .collect())
}

/// The session's answers still waiting for an evaluation.
pub async fn pending_for_session(pool: &PgPool, session_id: Uuid) -> Result<Vec<PendingAnswer>> {
    Ok(sqlx::query_as::<_, PendingRow>(&format!(
        "SELECT {PENDING_COLUMNS} FROM interview_answers a \
         JOIN interview_questions q ON q.id = a.question_id \
         WHERE a.session_id = $1 AND a.evaluation_status = 'pending'"
    ))
    .bind(session_id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(PendingAnswer::from)
    .collect())
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

/// The session's answers and the state of each, read inside the finishing transaction.
pub async fn states_in_tx(
    tx: &mut Transaction<'_, Postgres>,
    session_id: Uuid,
) -> Result<Vec<(Uuid, AnswerState)>> {
    let rows: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT id, evaluation_status FROM interview_answers WHERE session_id = $1")
            .bind(session_id)
            .fetch_all(&mut **tx)
            .await?;
    rows.into_iter()
        .map(|(id, state)| Ok((id, AnswerState::from_stored(&state)?)))
        .collect()
}

/// How many answers wait for their evaluation.
pub async fn count_pending(pool: &PgPool) -> Result<i64> {
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM interview_answers WHERE evaluation_status = 'pending'",
    )
    .fetch_one(pool)
    .await?)
}

/// Seconds until the `offset`-th newest of the user's answers submitted within `window`
/// leaves it (`None`: there is no such answer). An answer belongs to a session created at
/// most `longest_session` before it, which lets the count use the sessions'
/// `(user_id, created_at)` index.
pub async fn nth_newest_leaves_window_in(
    pool: &PgPool,
    user_id: Uuid,
    window: Duration,
    offset: i64,
    longest_session: Duration,
) -> Result<Option<f64>> {
    Ok(sqlx::query_scalar(
        "SELECT EXTRACT(EPOCH FROM a.created_at + make_interval(secs => $2) - NOW())::float8 \
         FROM interview_answers a \
         JOIN interview_sessions s ON s.id = a.session_id \
         WHERE s.user_id = $1 \
           AND s.created_at > NOW() - make_interval(secs => $2 + $4) \
           AND a.created_at > NOW() - make_interval(secs => $2) \
         ORDER BY a.created_at DESC OFFSET $3 LIMIT 1",
    )
    .bind(user_id)
    .bind(window.as_secs_f64())
    .bind(offset)
    .bind(longest_session.as_secs_f64())
    .fetch_optional(pool)
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
