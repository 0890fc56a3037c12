//! The interview use cases: create, read, answer, complete, abandon. The gRPC adapter, the
//! queue worker and the sweeper all go through here.

use std::{sync::Arc, time::Duration};

use interview_coach_common::{
    batch::{self, Batcher},
    db::HeldConnection,
    paging::{self, Cursor},
};
use rust_decimal::{Decimal, RoundingStrategy, prelude::FromPrimitive};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    clients::evaluation::EvaluationClient,
    domain::{
        AnswerState, ListQuery, NewAnswer, NewSession, SessionStatus,
        evaluation::EvaluationsByAnswer,
        list_scope,
        session::{SessionView, SubmittedAnswer},
    },
    error::{Result, SessionError},
    repo::{
        answers::{self, AnswerToStore, StoredAnswer},
        questions, sessions,
    },
};

/// How often CompleteSession re-reads when answers arrive while it finishes.
const FINISH_ATTEMPTS: usize = 3;
/// The most answers marked evaluated in one statement.
const MARK_BATCH: usize = 64;
/// The most answers stored in one statement.
const ANSWER_BATCH: usize = 64;
/// Statements each batch writer runs at once: one, on its own held connection, so that
/// whatever arrives while it runs makes the next batch.
const BATCHES_IN_FLIGHT: usize = 1;

/// Stores `answers` in one statement; one outcome per answer, in order. A second answer to
/// a question in the same batch is stored after the first (and so refused as already
/// answered); when the statement fails as a whole, each answer is stored on its own, so that
/// each caller gets its own outcome.
async fn answer_batch(
    writer: &HeldConnection,
    answers: Vec<AnswerToStore>,
    hold: Duration,
) -> Vec<StoredAnswer> {
    let (firsts, repeats) = batch::firsts_and_repeats(answers.iter().map(|(_, a)| a.question_id));
    let mut outcomes: Vec<Option<StoredAnswer>> = answers.iter().map(|_| None).collect();
    let batch: Vec<&AnswerToStore> = firsts.iter().map(|&i| &answers[i]).collect();
    let alone = match writer
        .run(async |conn| answers::insert(conn, &batch, hold).await)
        .await
    {
        Ok(stored) => {
            for (&i, outcome) in firsts.iter().zip(stored) {
                outcomes[i] = Some(outcome);
            }
            repeats
        }
        Err(err) => {
            tracing::debug!(error = %err, answers = batch.len(), "batch of answers failed; storing one by one");
            (0..answers.len()).collect()
        }
    };
    for i in alone {
        outcomes[i] = Some(
            match answers::insert(writer.pool(), &[&answers[i]], hold).await {
                Ok(mut stored) => stored
                    .pop()
                    .unwrap_or_else(|| Err(SessionError::Internal("no outcome".into()))),
                Err(err) => Err(err),
            },
        );
    }
    outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Err(SessionError::Internal("no outcome".into()))))
        .collect()
}

/// Marks `ids` evaluated in one statement; when that fails, one by one on pooled
/// connections, so that each caller gets its own outcome.
async fn mark_batch(writer: &HeldConnection, ids: Vec<Uuid>) -> Vec<Result<()>> {
    if writer
        .run(async |conn| answers::mark_evaluated(conn, &ids).await)
        .await
        .is_ok()
    {
        return ids.iter().map(|_| Ok(())).collect();
    }
    let mut results = Vec::with_capacity(ids.len());
    for id in ids {
        results.push(answers::mark_evaluated(writer.pool(), &[id]).await);
    }
    results
}

/// The use cases, cheap to clone.
#[derive(Clone)]
pub struct Interviews {
    pool: PgPool,
    /// Stores answers, many per statement under load.
    answers: Batcher<AnswerToStore, StoredAnswer>,
    /// Marks answers evaluated, many per statement under load.
    marks: Batcher<Uuid, Result<()>>,
    evaluation: EvaluationClient,
    submit_wait: Duration,
    recent_sessions_excluded: i64,
}

impl Interviews {
    /// Wires the use cases; starts the batching writers of answers and of evaluated marks
    /// on the current runtime.
    pub fn new(
        pool: PgPool,
        evaluation: EvaluationClient,
        submit_wait: Duration,
        recent_sessions_excluded: i64,
    ) -> Self {
        // Keep the worker off an answer while SubmitAnswer tries inline (plus a margin).
        let hold = submit_wait.min(evaluation.evaluate_timeout()) + Duration::from_secs(2);
        let answers = {
            let writer = HeldConnection::new(pool.clone());
            Batcher::spawn(ANSWER_BATCH, BATCHES_IN_FLIGHT, move |answers| {
                let writer = Arc::clone(&writer);
                async move { answer_batch(&writer, answers, hold).await }
            })
        };
        let marks = {
            let writer = HeldConnection::new(pool.clone());
            Batcher::spawn(MARK_BATCH, BATCHES_IN_FLIGHT, move |ids: Vec<Uuid>| {
                let writer = Arc::clone(&writer);
                async move { mark_batch(&writer, ids).await }
            })
        };
        Self {
            pool,
            answers,
            marks,
            evaluation,
            submit_wait,
            recent_sessions_excluded,
        }
    }

    /// The pool (for the worker and sweeper).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The evaluation client (for the worker).
    pub fn evaluation(&self) -> &EvaluationClient {
        &self.evaluation
    }

    /// Records that the answer's evaluation is stored (batched with concurrent calls).
    async fn mark_evaluated(&self, answer_id: Uuid) -> Result<()> {
        self.marks
            .submit(answer_id)
            .await
            .map_err(|err| SessionError::Internal(err.to_string()))?
    }

    /// Generates the questions first, then stores the session with them in one
    /// transaction: an evaluation outage writes nothing. Answers with the rows as stored.
    pub async fn create(&self, user_id: Uuid, new: NewSession) -> Result<SessionView> {
        let exclude =
            questions::recent_keys(&self.pool, user_id, self.recent_sessions_excluded).await?;
        let questions = self
            .evaluation
            .generate_questions(
                new.interview_type,
                new.difficulty,
                new.question_count.get(),
                exclude,
            )
            .await?;
        if questions.len() != new.question_count.get() as usize {
            return Err(SessionError::Internal(format!(
                "asked for {} questions, got {}",
                new.question_count.get(),
                questions.len()
            )));
        }
        let mut tx = self.pool.begin().await?;
        let session = sessions::insert(&mut tx, user_id, &new, questions.len()).await?;
        let questions = questions::insert_all(&mut tx, session.id, &new, &questions).await?;
        tx.commit().await?;
        Ok(SessionView {
            session,
            questions,
            evaluations: EvaluationsByAnswer::new(),
        })
    }

    /// The session with its questions, answers and evaluations: one query, and a call to
    /// the evaluation service only when an evaluated answer's evaluation is not cached.
    pub async fn get(&self, user_id: Uuid, session_id: Uuid) -> Result<SessionView> {
        let (session, questions) =
            sessions::with_questions(&self.pool, user_id, session_id).await?;
        let answers: Vec<(Uuid, bool)> = questions
            .iter()
            .filter_map(|q| q.answer.as_ref())
            .map(|a| (a.id, a.state == AnswerState::Evaluated))
            .collect();
        let evaluations = self.evaluation.evaluations_of(session.id, &answers).await?;
        Ok(SessionView {
            session,
            questions,
            evaluations,
        })
    }

    /// A page of the user's sessions and the next page's token.
    pub async fn list(
        &self,
        user_id: Uuid,
        query: ListQuery,
    ) -> Result<(Vec<SessionView>, String)> {
        let mut rows = sessions::list(&self.pool, user_id, &query).await?;
        let scope = list_scope(query.status);
        let next = paging::next_page(&mut rows, query.page_size, |last| Cursor {
            created_at: last.created_at,
            id: last.id,
            scope: scope.to_owned(),
        });
        Ok((
            rows.into_iter()
                .map(|session| SessionView {
                    session,
                    questions: Vec::new(),
                    evaluations: EvaluationsByAnswer::new(),
                })
                .collect(),
            next,
        ))
    }

    /// Stores the answer, then asks for its evaluation for at most the configured wait; a
    /// slow or failed evaluation leaves it pending for the queue worker.
    pub async fn submit(&self, user_id: Uuid, answer: NewAnswer) -> Result<SubmittedAnswer> {
        let wait = self.submit_wait.min(self.evaluation.evaluate_timeout());
        let (pending, created_at) = self
            .answers
            .submit((user_id, answer))
            .await
            .map_err(|err| SessionError::Internal(err.to_string()))??;
        let mut stored = SubmittedAnswer {
            id: pending.answer_id,
            text: pending.answer_text.clone(),
            created_at,
            evaluation: None,
        };
        if wait.is_zero() {
            return Ok(stored);
        }
        match self.evaluation.evaluate(&pending, wait).await {
            Ok(evaluation) => {
                // The evaluation is stored: a failed mark only leaves the answer pending, for
                // the worker to mark later; the caller still gets the evaluation.
                if let Err(err) = self.mark_evaluated(pending.answer_id).await {
                    tracing::warn!(answer_id = %pending.answer_id, error = %err, "answer left pending after its evaluation");
                }
                stored.evaluation = Some(evaluation);
                Ok(stored)
            }
            Err(err) => {
                tracing::info!(answer_id = %pending.answer_id, error = %err, "evaluation not ready inline; left pending");
                Ok(stored)
            }
        }
    }

    /// Completes the session: finishes pending evaluations first (or FAILED_PRECONDITION
    /// when that is impossible now), then sets the mean score in one transaction that holds
    /// the session row, so an answer arriving meanwhile is either counted or refused.
    /// `user_id` is `None` for the sweeper.
    pub async fn complete(&self, user_id: Option<Uuid>, session_id: Uuid) -> Result<()> {
        for _ in 0..FINISH_ATTEMPTS {
            self.ensure_open(user_id, session_id).await?;
            for pending in answers::pending_for_session(&self.pool, session_id).await? {
                let timeout = self.evaluation.evaluate_timeout();
                match self.evaluation.evaluate(&pending, timeout).await {
                    Ok(_) => self.mark_evaluated(pending.answer_id).await?,
                    Err(err) => {
                        tracing::warn!(%session_id, error = %err, "cannot finish pending evaluation");
                        return Err(SessionError::FailedPrecondition(
                            "answers are still being evaluated and the evaluation service is \
                             unavailable; retry later"
                                .into(),
                        ));
                    }
                }
            }
            let scores = self.evaluation.scores_of(session_id).await?;

            let mut tx = self.pool.begin().await?;
            match sessions::lock(&mut tx, session_id, user_id).await? {
                None => return Err(SessionError::NotFound("session")),
                Some(status) if status != SessionStatus::InProgress => {
                    return Err(already_finished(status));
                }
                Some(_) => {}
            }
            let answers = answers::states_in_tx(&mut tx, session_id).await?;
            let mut total = Decimal::ZERO;
            let mut complete = true;
            for (answer_id, state) in &answers {
                match scores.get(answer_id) {
                    Some(evaluation) if *state == AnswerState::Evaluated => {
                        total += Decimal::from_f64(evaluation.score)
                            .unwrap_or_default()
                            .round_dp(2);
                    }
                    _ => complete = false,
                }
            }
            if !complete {
                // An answer came in after we looked; go round again.
                tx.rollback().await?;
                continue;
            }
            let overall =
                (!answers.is_empty()).then(|| round2(total / Decimal::from(answers.len())));
            sessions::finish(&mut tx, session_id, SessionStatus::Completed, overall).await?;
            tx.commit().await?;
            return Ok(());
        }
        Err(SessionError::FailedPrecondition(
            "answers keep arriving; retry".into(),
        ))
    }

    /// Abandons an in-progress session.
    pub async fn abandon(&self, user_id: Option<Uuid>, session_id: Uuid) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        match sessions::lock(&mut tx, session_id, user_id).await? {
            None => Err(SessionError::NotFound("session")),
            Some(status) if status != SessionStatus::InProgress => Err(already_finished(status)),
            Some(_) => {
                sessions::finish(&mut tx, session_id, SessionStatus::Abandoned, None).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    }

    async fn ensure_open(&self, user_id: Option<Uuid>, session_id: Uuid) -> Result<()> {
        match sessions::status(&self.pool, session_id, user_id).await? {
            SessionStatus::InProgress => Ok(()),
            finished => Err(already_finished(finished)),
        }
    }
}

/// Two decimals, halves away from zero (as Postgres' ROUND does).
pub fn round2(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn already_finished(status: SessionStatus) -> SessionError {
    SessionError::FailedPrecondition(format!("the session is already {}", status.label()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use interview_coach_common::domain::AnswerText;

    /// A user with an in-progress session of two questions; (user, session, questions).
    async fn session(pool: &PgPool, status: &str) -> (Uuid, Uuid, Vec<Uuid>) {
        let (user_id, session_id): (Uuid, Uuid) = sqlx::query_as(
            "WITH u AS (INSERT INTO users (email, password_hash, name) \
                        VALUES (gen_random_uuid() || '@b.co', 'x', 'A') RETURNING id) \
             INSERT INTO interview_sessions (user_id, type, duration_minutes, difficulty, status) \
             SELECT id, 'technical', 30, 'easy', $1 FROM u RETURNING user_id, id",
        )
        .bind(status)
        .fetch_one(pool)
        .await
        .unwrap();
        let questions = sqlx::query_scalar(
            "INSERT INTO interview_questions \
                 (session_id, position, question_text, question_type, difficulty) \
             SELECT $1, p, 'Why?', 'technical', 'easy' FROM generate_series(1, 2) AS p \
             RETURNING id",
        )
        .bind(session_id)
        .fetch_all(pool)
        .await
        .unwrap();
        (user_id, session_id, questions)
    }

    fn answer(user_id: Uuid, session_id: Uuid, question_id: Uuid) -> AnswerToStore {
        let text = AnswerText::new(format!("Because {question_id}.")).unwrap();
        (
            user_id,
            NewAnswer {
                session_id,
                question_id,
                text,
            },
        )
    }

    fn outcome(result: &StoredAnswer) -> String {
        match result {
            Ok(_) => "stored".into(),
            Err(SessionError::NotFound(what)) => format!("{what} not found"),
            Err(SessionError::AlreadyAnswered) => "already answered".into(),
            Err(SessionError::FailedPrecondition(_)) => "closed".into(),
            Err(other) => format!("{other}"),
        }
    }

    #[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
    async fn each_answer_of_a_batch_gets_its_own_outcome(pool: PgPool) {
        let (user, open, q) = session(&pool, "in_progress").await;
        let (other_user, other, other_q) = session(&pool, "in_progress").await;
        let (completed_user, completed, completed_q) = session(&pool, "completed").await;
        let hold = Duration::from_secs(5);
        let batch = vec![
            answer(user, open, q[0]),
            answer(user, open, q[0]), // the same question again, same batch
            answer(user, other, other_q[0]), // someone else's session
            answer(user, open, other_q[1]), // a question of another session
            answer(completed_user, completed, completed_q[0]),
            answer(other_user, other, other_q[1]),
        ];
        let writer = HeldConnection::new(pool.clone());
        let outcomes = answer_batch(&writer, batch, hold).await;
        let seen: Vec<String> = outcomes.iter().map(outcome).collect();
        assert_eq!(
            seen,
            [
                "stored",
                "already answered",
                "session not found",
                "question not found",
                "closed",
                "stored"
            ]
        );
        let (pending, _) = outcomes[0].as_ref().unwrap();
        assert_eq!((pending.session_id, pending.question_id), (open, q[0]));
        assert_eq!(pending.question_text, "Why?");
        let stored: Vec<(Uuid, String)> = sqlx::query_as(
            "SELECT question_id, evaluation_status FROM interview_answers ORDER BY created_at",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(stored.len(), 2);
        assert!(stored.contains(&(q[0], "pending".into())));
        assert!(stored.contains(&(other_q[1], "pending".into())));

        // Answered already, in an earlier batch.
        let again = answer_batch(&writer, vec![answer(user, open, q[0])], hold).await;
        assert_eq!(outcome(&again[0]), "already answered");
    }
}
