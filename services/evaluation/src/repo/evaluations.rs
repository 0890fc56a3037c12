//! The `answer_evaluations` table (owned by this service): one evaluation per answer,
//! enforced by the unique index `idx_evaluations_answer_id`.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use interview_coach_common::{
    batch::{self, Batcher},
    db::HeldConnection,
    paging::Cursor,
};
use rust_decimal::Decimal;
use sqlx::{PgExecutor, PgPool, Postgres, types::Json};
use uuid::Uuid;

use crate::{
    domain::{provenance::Provenance, rubric::Confidence, score::Score, verdict::Verdict},
    error::EvaluationError,
};

/// An evaluation to store.
#[derive(Clone, Debug)]
pub struct NewEvaluation {
    /// The session.
    pub session_id: Uuid,
    /// The question.
    pub question_id: Uuid,
    /// The answer.
    pub answer_id: Uuid,
    /// The score and its feedback.
    pub verdict: Verdict,
    /// Engine and rubric.
    pub provenance: Provenance,
    /// How far it can be trusted.
    pub confidence: Confidence,
    /// Claims of the red flags found, most severe first.
    pub red_flags: Vec<String>,
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
    /// The score and its feedback.
    pub verdict: Verdict,
    /// Engine and rubric.
    pub provenance: Provenance,
    /// How far it can be trusted (unknown for evaluations stored before it was recorded).
    pub confidence: Option<Confidence>,
    /// Claims of the red flags found, most severe first.
    pub red_flags: Vec<String>,
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
    confidence: Option<String>,
    rubric_origin: Option<String>,
    red_flags: Option<Json<Vec<String>>>,
    disagreement: bool,
    created_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, session_id, question_id, answer_id, score, feedback_text, strengths, \
     improvements, evaluator, rubric_version, is_fallback, fallback_reason, confidence, \
     rubric_origin, red_flags, disagreement, created_at";
/// [`COLUMNS`] with the texts left empty (EVALUATION_VIEW_BASIC).
const BASIC_COLUMNS: &str = "id, session_id, question_id, answer_id, score, \
     ''::text AS feedback_text, NULL::jsonb AS strengths, NULL::jsonb AS improvements, \
     ''::text AS evaluator, ''::text AS rubric_version, is_fallback, \
     NULL::text AS fallback_reason, confidence, NULL::text AS rubric_origin, \
     NULL::jsonb AS red_flags, disagreement, created_at";

impl TryFrom<Row> for Evaluation {
    type Error = EvaluationError;

    fn try_from(row: Row) -> Result<Self, EvaluationError> {
        Ok(Self {
            id: row.id,
            session_id: row.session_id,
            question_id: row.question_id,
            answer_id: row.answer_id,
            verdict: Verdict {
                score: Score::from_decimal(row.score).map_err(|_| {
                    EvaluationError::Internal(format!(
                        "evaluation {} has score {}",
                        row.id, row.score
                    ))
                })?,
                feedback: row.feedback_text,
                strengths: row.strengths.map(|j| j.0).unwrap_or_default(),
                improvements: row.improvements.map(|j| j.0).unwrap_or_default(),
            },
            provenance: Provenance {
                source: row.evaluator,
                is_fallback: row.is_fallback,
                fallback_reason: row.fallback_reason,
                rubric_version: row.rubric_version,
                rubric_origin: row.rubric_origin,
                disagreement: row.disagreement,
            },
            confidence: row.confidence.as_deref().and_then(Confidence::parse),
            red_flags: row.red_flags.map(|j| j.0).unwrap_or_default(),
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

impl NewEvaluation {
    fn stored(&self, id: Uuid, created_at: DateTime<Utc>) -> Evaluation {
        Evaluation {
            id,
            session_id: self.session_id,
            question_id: self.question_id,
            answer_id: self.answer_id,
            verdict: self.verdict.clone(),
            provenance: self.provenance.clone(),
            confidence: Some(self.confidence),
            red_flags: self.red_flags.clone(),
            created_at,
        }
    }
}

/// What storing one evaluation gave: the stored evaluation and whether this call created it
/// (false: the answer already had one, which is returned).
pub type Stored = Result<(Evaluation, bool), EvaluationError>;

/// Stores evaluations through one batching writer (see `interview_coach_common::batch`):
/// evaluations that arrive while a batch is being written go out together as one
/// multi-row insert and one commit.
#[derive(Clone, Debug)]
pub struct EvaluationWriter {
    batcher: Batcher<NewEvaluation, Stored>,
}

/// The most evaluations in one insert.
const MAX_BATCH: usize = 64;
/// Batches written at once: one, on the writer's held connection, so that whatever arrives
/// while it runs makes the next batch.
const BATCHES_IN_FLIGHT: usize = 1;

impl EvaluationWriter {
    /// Starts the writer over `pool` on the current runtime.
    pub fn spawn(pool: PgPool) -> Self {
        let writer = HeldConnection::new(pool);
        let batcher = Batcher::spawn(MAX_BATCH, BATCHES_IN_FLIGHT, move |news| {
            let writer = Arc::clone(&writer);
            async move { insert_batch(&writer, news).await }
        });
        Self { batcher }
    }

    /// Stores `new` unless its answer already has an evaluation; returns the stored one and
    /// whether this call created it. Concurrent calls for one answer all get the same row.
    pub async fn insert_once(&self, new: NewEvaluation) -> Stored {
        self.batcher
            .submit(new)
            .await
            .map_err(|err| EvaluationError::Internal(err.to_string()))?
    }
}

/// Stores each of `news` unless its answer already has an evaluation, in one statement on
/// the writer's connection; one result per item, in order. When the statement fails as a
/// whole (an answer that does not exist fails its foreign key, and with it the batch; or the
/// held connection broke), each item is stored on its own, on a pooled connection, so that
/// each gets its own outcome.
pub async fn insert_batch(writer: &HeldConnection, news: Vec<NewEvaluation>) -> Vec<Stored> {
    if news.is_empty() {
        return Vec::new();
    }
    let pool = writer.pool();
    // The first item of each answer goes into the insert; a repeat within the batch reads
    // what the first stored.
    let (firsts, repeats) = batch::firsts_and_repeats(news.iter().map(|n| n.answer_id));
    let rows: Vec<&NewEvaluation> = firsts.iter().map(|&i| &news[i]).collect();
    let mut results: Vec<Option<Stored>> = news.iter().map(|_| None).collect();
    match writer
        .run(async |conn| insert_rows(conn, &rows).await)
        .await
    {
        Ok(inserted) => {
            let inserted: HashMap<Uuid, (Uuid, DateTime<Utc>)> = inserted
                .into_iter()
                .map(|(id, answer_id, created_at)| (answer_id, (id, created_at)))
                .collect();
            for &i in &firsts {
                if let Some(&(id, created_at)) = inserted.get(&news[i].answer_id) {
                    results[i] = Some(Ok((news[i].stored(id, created_at), true)));
                }
            }
        }
        Err(err) => {
            tracing::debug!(error = %err, rows = rows.len(), "batch insert failed; storing one by one");
            for &i in &firsts {
                results[i] = Some(match insert_rows(pool, &[&news[i]]).await {
                    Ok(inserted) => match inserted.first() {
                        Some(&(id, _, created_at)) => Ok((news[i].stored(id, created_at), true)),
                        None => find_existing(pool, news[i].answer_id).await,
                    },
                    Err(err) => Err(err),
                });
            }
        }
    }
    // Not inserted: another call (or an earlier item of this batch) stored it first; its
    // transaction has committed, so this sees it.
    for i in firsts.into_iter().chain(repeats) {
        if results[i].is_none() {
            results[i] = Some(find_existing(pool, news[i].answer_id).await);
        }
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(EvaluationError::Internal("no result".into()))))
        .collect()
}

async fn find_existing(pool: &PgPool, answer_id: Uuid) -> Stored {
    let existing = find_by_answer(pool, answer_id)
        .await?
        .ok_or_else(|| EvaluationError::Internal("conflicting evaluation vanished".to_owned()))?;
    Ok((existing, false))
}

/// One multi-row `INSERT … ON CONFLICT (answer_id) DO NOTHING`; (id, answer id, created_at)
/// of the rows it inserted.
async fn insert_rows(
    db: impl PgExecutor<'_>,
    rows: &[&NewEvaluation],
) -> Result<Vec<(Uuid, Uuid, DateTime<Utc>)>, EvaluationError> {
    let column = |f: fn(&NewEvaluation) -> Uuid| rows.iter().map(|n| f(n)).collect::<Vec<_>>();
    sqlx::query_as(
        "INSERT INTO answer_evaluations \
             (session_id, question_id, answer_id, score, feedback_text, strengths, improvements, \
              evaluator, rubric_version, is_fallback, fallback_reason, confidence, rubric_origin, \
              red_flags, disagreement) \
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::numeric[], $5::text[], \
              $6::jsonb[], $7::jsonb[], $8::text[], $9::text[], $10::bool[], $11::text[], \
              $12::text[], $13::text[], $14::jsonb[], $15::bool[]) \
         ON CONFLICT (answer_id) DO NOTHING \
         RETURNING id, answer_id, created_at",
    )
    .bind(column(|n| n.session_id))
    .bind(column(|n| n.question_id))
    .bind(column(|n| n.answer_id))
    .bind(
        rows.iter()
            .map(|n| n.verdict.score.as_decimal())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|n| n.verdict.feedback.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|n| Json(&n.verdict.strengths))
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|n| Json(&n.verdict.improvements))
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|n| n.provenance.source.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|n| n.provenance.rubric_version.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|n| n.provenance.is_fallback)
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|n| n.provenance.fallback_reason.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|n| n.confidence.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|n| n.provenance.rubric_origin.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind(rows.iter().map(|n| Json(&n.red_flags)).collect::<Vec<_>>())
    .bind(
        rows.iter()
            .map(|n| n.provenance.disagreement)
            .collect::<Vec<_>>(),
    )
    .fetch_all(db)
    .await
    .map_err(|err| match &err {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            EvaluationError::AnswerMissing
        }
        _ => EvaluationError::Database(err),
    })
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
    limit: i64,
    basic: bool,
) -> Result<Vec<Evaluation>, EvaluationError> {
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

/// One session's evaluations, summed.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct SessionSummary {
    /// The session.
    pub session_id: Uuid,
    /// How many evaluations it has.
    pub count: i64,
    /// The sum of their scores.
    pub score_sum: Decimal,
}

/// The summaries of the sessions of `session_ids` that have evaluations.
pub async fn summarize(
    pool: &PgPool,
    session_ids: &[Uuid],
) -> Result<Vec<SessionSummary>, EvaluationError> {
    Ok(sqlx::query_as(
        "SELECT session_id, COUNT(*) AS count, SUM(score) AS score_sum \
         FROM answer_evaluations WHERE session_id = ANY($1) GROUP BY session_id",
    )
    .bind(session_ids)
    .fetch_all(pool)
    .await?)
}
