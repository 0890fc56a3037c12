//! The `answer_evaluations` table (owned by this service): one evaluation per answer,
//! enforced by the unique index `idx_evaluations_answer_id`.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::{PgPool, Postgres, types::Json};
use uuid::Uuid;

use crate::{error::EvaluationError, page_token::Cursor, provenance::Provenance, score::Score};

/// An evaluation to store.
#[derive(Clone, Debug)]
pub struct NewEvaluation {
    /// The session.
    pub session_id: Uuid,
    /// The question.
    pub question_id: Uuid,
    /// The answer.
    pub answer_id: Uuid,
    /// 0..=10.
    pub score: Score,
    /// A few sentences.
    pub feedback: String,
    /// What was good.
    pub strengths: Vec<String>,
    /// What would be better.
    pub improvements: Vec<String>,
    /// Engine and rubric.
    pub provenance: Provenance,
}

/// A stored evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Its id.
    pub id: Uuid,
    /// The session.
    pub session_id: Uuid,
    /// The question.
    pub question_id: Uuid,
    /// The answer.
    pub answer_id: Uuid,
    /// 0..=10.
    pub score: Score,
    /// A few sentences.
    pub feedback: String,
    /// What was good.
    pub strengths: Vec<String>,
    /// What would be better.
    pub improvements: Vec<String>,
    /// Engine and rubric.
    pub provenance: Provenance,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    session_id: Uuid,
    question_id: Uuid,
    answer_id: Uuid,
    score: Decimal,
    feedback_text: String,
    strengths: Option<Json<Vec<String>>>,
    improvements: Option<Json<Vec<String>>>,
    evaluator: String,
    rubric_version: String,
    is_fallback: bool,
    fallback_reason: Option<String>,
    created_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, session_id, question_id, answer_id, score, feedback_text, strengths, \
     improvements, evaluator, rubric_version, is_fallback, fallback_reason, created_at";
/// [`COLUMNS`] with the texts left empty (EVALUATION_VIEW_BASIC).
const BASIC_COLUMNS: &str = "id, session_id, question_id, answer_id, score, \
     ''::text AS feedback_text, NULL::jsonb AS strengths, NULL::jsonb AS improvements, \
     ''::text AS evaluator, ''::text AS rubric_version, is_fallback, \
     NULL::text AS fallback_reason, created_at";

impl TryFrom<Row> for Evaluation {
    type Error = EvaluationError;

    fn try_from(row: Row) -> Result<Self, EvaluationError> {
        Ok(Self {
            id: row.id,
            session_id: row.session_id,
            question_id: row.question_id,
            answer_id: row.answer_id,
            score: Score::from_decimal(row.score).map_err(|_| {
                EvaluationError::Internal(format!("evaluation {} has score {}", row.id, row.score))
            })?,
            feedback: row.feedback_text,
            strengths: row.strengths.map(|j| j.0).unwrap_or_default(),
            improvements: row.improvements.map(|j| j.0).unwrap_or_default(),
            provenance: Provenance {
                source: row.evaluator,
                is_fallback: row.is_fallback,
                fallback_reason: row.fallback_reason,
                rubric_version: row.rubric_version,
            },
            created_at: row.created_at.ok_or_else(|| {
                EvaluationError::Internal(format!("evaluation {} has no created_at", row.id))
            })?,
        })
    }
}

/// The evaluation of `answer_id`, if stored.
pub async fn find_by_answer(
    pool: &PgPool,
    answer_id: Uuid,
) -> Result<Option<Evaluation>, EvaluationError> {
    sqlx::query_as::<_, Row>(&format!(
        "SELECT {COLUMNS} FROM answer_evaluations WHERE answer_id = $1"
    ))
    .bind(answer_id)
    .fetch_optional(pool)
    .await?
    .map(Evaluation::try_from)
    .transpose()
}

/// Stores `new` unless the answer already has an evaluation; returns the stored one and
/// whether this call created it. Concurrent calls for one answer all get the same row.
pub async fn insert_once(
    pool: &PgPool,
    new: &NewEvaluation,
) -> Result<(Evaluation, bool), EvaluationError> {
    let inserted = sqlx::query_as::<_, Row>(&format!(
        "INSERT INTO answer_evaluations \
             (session_id, question_id, answer_id, score, feedback_text, strengths, improvements, \
              evaluator, rubric_version, is_fallback, fallback_reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (answer_id) DO NOTHING \
         RETURNING {COLUMNS}"
    ))
    .bind(new.session_id)
    .bind(new.question_id)
    .bind(new.answer_id)
    .bind(new.score.as_decimal())
    .bind(&new.feedback)
    .bind(Json(&new.strengths))
    .bind(Json(&new.improvements))
    .bind(&new.provenance.source)
    .bind(&new.provenance.rubric_version)
    .bind(new.provenance.is_fallback)
    .bind(&new.provenance.fallback_reason)
    .fetch_optional(pool)
    .await
    .map_err(|err| match &err {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            EvaluationError::AnswerMissing
        }
        _ => EvaluationError::Database(err),
    })?;
    if let Some(row) = inserted {
        return Ok((row.try_into()?, true));
    }
    // Another call stored it first; its transaction has committed, so this sees it.
    let existing = find_by_answer(pool, new.answer_id)
        .await?
        .ok_or_else(|| EvaluationError::Internal("conflicting evaluation vanished".to_owned()))?;
    Ok((existing, false))
}

/// Up to `limit` evaluations of `session_ids` after `after`, by (created_at, id); with
/// `basic`, their texts left empty.
///
/// One session (every GetSession of the session service) has its own statement: Postgres
/// caches a generic plan for `session_id = $1` after a few calls, whereas `= ANY($1)` is
/// planned again on every call (its generic plan assumes ten array elements and always
/// looks costlier than a custom one).
pub async fn list(
    pool: &PgPool,
    session_ids: &[Uuid],
    after: Option<Cursor>,
    limit: usize,
    basic: bool,
) -> Result<Vec<Evaluation>, EvaluationError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let columns = if basic { BASIC_COLUMNS } else { COLUMNS };
    let sessions = match session_ids {
        [_] => "session_id = $1",
        _ => "session_id = ANY($1)",
    };
    let sql = match after {
        None => format!(
            "SELECT {columns} FROM answer_evaluations WHERE {sessions} \
             ORDER BY created_at, id LIMIT $2"
        ),
        Some(_) => format!(
            "SELECT {columns} FROM answer_evaluations WHERE {sessions} \
             AND (created_at, id) > ($2, $3) ORDER BY created_at, id LIMIT $4"
        ),
    };
    let rows = match session_ids {
        [one] => page(pool, &sql, *one, after, limit).await?,
        many => page(pool, &sql, many, after, limit).await?,
    };
    rows.into_iter().map(Evaluation::try_from).collect()
}

/// Runs [`list`]'s `sql` with `$1` bound to `ids`.
async fn page<'q, T>(
    pool: &PgPool,
    sql: &'q str,
    ids: T,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<Row>, sqlx::Error>
where
    T: 'q + Send + sqlx::Encode<'q, Postgres> + sqlx::Type<Postgres>,
{
    let query = sqlx::query_as::<_, Row>(sql).bind(ids);
    let query = match after {
        None => query,
        Some(cursor) => query.bind(cursor.created_at).bind(cursor.id),
    };
    query.bind(limit).fetch_all(pool).await
}

/// Per session of `session_ids` that has evaluations: (session, count, sum of scores).
pub async fn summarize(
    pool: &PgPool,
    session_ids: &[Uuid],
) -> Result<Vec<(Uuid, i64, Decimal)>, EvaluationError> {
    Ok(sqlx::query_as(
        "SELECT session_id, COUNT(*), SUM(score) FROM answer_evaluations \
         WHERE session_id = ANY($1) GROUP BY session_id",
    )
    .bind(session_ids)
    .fetch_all(pool)
    .await?)
}
