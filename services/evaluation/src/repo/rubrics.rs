//! The `question_rubrics` table (owned by this service): every rubric a question was handed
//! out with, once, by the digest of its content. Rows are written before their questions
//! leave the service and never change (the digest names the content).

use serde::{Deserialize, Serialize};
use sqlx::{PgPool, types::Json};

use crate::{
    domain::rubric::{
        KeyPoint, KeyPointSource, RedFlag, RedFlagSource, Rubric, RubricDigest, RubricError,
        RubricOrigin, Severity, Topic,
    },
    error::EvaluationError,
};

/// The stored document, in the camelCase shape of the other JSONB columns.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    key_points: Vec<StoredPoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reference_answer: Option<String>,
    #[serde(default)]
    red_flags: Vec<StoredFlag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    topic: Option<StoredTopic>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredPoint {
    point: String,
    terms: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    idea: String,
    weight: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    follow_up: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredFlag {
    claim: String,
    correction: String,
    patterns: Vec<String>,
    severity: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredTopic {
    about: String,
    terms: Vec<String>,
}

impl Document {
    fn of(rubric: &Rubric) -> Self {
        Self {
            key_points: rubric
                .points
                .iter()
                .map(|p| {
                    let s = p.source();
                    StoredPoint {
                        point: s.point.clone(),
                        terms: s.terms.clone(),
                        idea: s.idea.clone(),
                        weight: s.weight,
                        follow_up: s.follow_up.clone(),
                    }
                })
                .collect(),
            reference_answer: rubric.reference_answer.clone(),
            red_flags: rubric
                .red_flags
                .iter()
                .map(|f| {
                    let s = f.source();
                    StoredFlag {
                        claim: s.claim.clone(),
                        correction: s.correction.clone(),
                        patterns: s.patterns.clone(),
                        severity: s.severity.as_str().to_owned(),
                    }
                })
                .collect(),
            topic: rubric.topic.as_ref().map(|t| StoredTopic {
                about: t.about().to_owned(),
                terms: t.terms().to_vec(),
            }),
        }
    }

    /// Back into a rubric, compiled; the parts were validated when stored, so an error here
    /// means the row was changed by hand.
    fn into_rubric(self) -> Result<Rubric, RubricError> {
        let points = self
            .key_points
            .into_iter()
            .map(|p| {
                KeyPoint::from_source(KeyPointSource {
                    point: p.point,
                    terms: p.terms,
                    idea: p.idea,
                    weight: p.weight,
                    follow_up: p.follow_up,
                })
            })
            .collect::<Result<_, _>>()?;
        let red_flags = self
            .red_flags
            .into_iter()
            .map(|f| {
                RedFlag::from_source(RedFlagSource {
                    severity: Severity::parse(&f.severity).ok_or(RubricError::RedFlag)?,
                    claim: f.claim,
                    correction: f.correction,
                    patterns: f.patterns,
                })
            })
            .collect::<Result<_, _>>()?;
        let topic = self
            .topic
            .map(|t| Topic::new(&t.about, &t.terms))
            .transpose()?;
        Ok(Rubric {
            points,
            reference_answer: self.reference_answer,
            red_flags,
            topic,
            origin: RubricOrigin::Question,
        })
    }
}

/// Stores each of `rubrics` not stored yet, in one statement.
pub async fn store(
    pool: &PgPool,
    rubrics: &[(RubricDigest, &Rubric)],
) -> Result<(), EvaluationError> {
    if rubrics.is_empty() {
        return Ok(());
    }
    let digests: Vec<&str> = rubrics.iter().map(|(d, _)| d.as_str()).collect();
    let documents: Vec<Json<Document>> = rubrics
        .iter()
        .map(|(_, rubric)| Json(Document::of(rubric)))
        .collect();
    sqlx::query(
        "INSERT INTO question_rubrics (digest, rubric) \
         SELECT * FROM UNNEST($1::varchar[], $2::jsonb[]) \
         ON CONFLICT (digest) DO NOTHING",
    )
    .bind(digests)
    .bind(documents)
    .execute(pool)
    .await?;
    Ok(())
}

/// The rubric stored under `digest` (origin: the question's), if any.
pub async fn find(pool: &PgPool, digest: &RubricDigest) -> Result<Option<Rubric>, EvaluationError> {
    let row: Option<Json<Document>> =
        sqlx::query_scalar("SELECT rubric FROM question_rubrics WHERE digest = $1")
            .bind(digest.as_str())
            .fetch_optional(pool)
            .await?;
    row.map(|Json(document)| {
        document.into_rubric().map_err(|err| {
            EvaluationError::Internal(format!("stored rubric {digest} is not valid: {err}"))
        })
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[sqlx::test(migrations = "../../migrations")]
    async fn a_stored_rubric_comes_back_with_its_digest(pool: PgPool) {
        let bank = crate::bank::Bank::builtin().unwrap();
        let question = &bank.all()[0];
        let rubric = question.rubric();
        store(&pool, &[(question.digest.clone(), &rubric)])
            .await
            .unwrap();
        // Storing again changes nothing.
        store(&pool, &[(question.digest.clone(), &rubric)])
            .await
            .unwrap();
        let found = find(&pool, &question.digest).await.unwrap().unwrap();
        assert_eq!(found.digest(), question.digest);
        assert_eq!(found.origin, RubricOrigin::Question);
        assert_eq!(
            (
                found.points.len(),
                found.red_flags.len(),
                found.topic.is_some()
            ),
            (
                rubric.points.len(),
                rubric.red_flags.len(),
                rubric.topic.is_some()
            )
        );
        let unknown = RubricDigest::parse("r1-00000000000000000000000000000000").unwrap();
        assert_eq!(find(&pool, &unknown).await.unwrap(), None);
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM question_rubrics")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(rows, 1);
    }
}
