//! `interview_questions`: a new session's questions, and the keys of those a user saw
//! recently.

use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::{
    domain::{NewSession, question::GeneratedQuestion, session::Question},
    error::{Result, SessionError},
    repo::question_data::QuestionData,
};

/// Keys of the questions the user saw in their `sessions` most recent sessions, most recent
/// first (the evaluation service reuses the oldest first when its pool runs short).
pub async fn recent_keys(pool: &PgPool, user_id: Uuid, sessions: i64) -> Result<Vec<String>> {
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

/// Stores the questions of a new session in `tx`, in order; returns them as stored (with
/// no answers yet).
pub async fn insert_all(
    tx: &mut Transaction<'_, Postgres>,
    session_id: Uuid,
    new: &NewSession,
    questions: &[GeneratedQuestion],
) -> Result<Vec<Question>> {
    let positions: Vec<i32> = (1..=questions.len() as i32).collect();
    let texts: Vec<&str> = questions.iter().map(|q| q.text.as_str()).collect();
    let data: Vec<QuestionData> = questions.iter().map(QuestionData::from_generated).collect();
    let json: Vec<serde_json::Value> = data.iter().map(QuestionData::to_json).collect();
    let ids: Vec<(Uuid, i32)> = sqlx::query_as(
        "INSERT INTO interview_questions \
             (session_id, position, question_text, question_type, difficulty, question_data) \
         SELECT $1, p, t, $2, $3, d FROM UNNEST($4::int[], $5::text[], $6::jsonb[]) AS u(p, t, d) \
         RETURNING id, position",
    )
    .bind(session_id)
    .bind(new.interview_type.as_str())
    .bind(new.difficulty.as_str())
    .bind(&positions)
    .bind(&texts)
    .bind(&json)
    .fetch_all(&mut **tx)
    .await?;

    let mut by_position: Vec<Option<(Uuid, i32)>> = vec![None; questions.len()];
    for (id, position) in ids {
        if let Some(slot) = usize::try_from(position - 1)
            .ok()
            .and_then(|i| by_position.get_mut(i))
        {
            *slot = Some((id, position));
        }
    }
    by_position
        .into_iter()
        .zip(texts)
        .zip(data)
        .map(|((id, text), data)| {
            let (id, position) =
                id.ok_or_else(|| SessionError::Internal("a question was not stored".into()))?;
            Ok(Question {
                id,
                position,
                text: text.to_owned(),
                interview_type: Some(new.interview_type),
                difficulty: Some(new.difficulty),
                provenance: data.provenance(),
                hints: data.hints,
                examples: data.examples,
                answer: None,
            })
        })
        .collect()
}
