//! GenerateQuestions from the built-in bank: count, distinctness, exclusions, provenance,
//! and every bad-input path.

use std::collections::HashSet;

use interview_coach_proto::evaluation::v1 as pb;
use interview_coach_testkit::{EvaluationApp, SERVICE_TOKEN, bearer, violated_fields};
use sqlx::PgPool;

fn request(
    interview_type: i32,
    difficulty: i32,
    count: i32,
    exclude_keys: Vec<String>,
) -> pb::GenerateQuestionsRequest {
    pb::GenerateQuestionsRequest {
        interview_type,
        difficulty,
        count,
        exclude_keys,
    }
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn returns_count_distinct_complete_questions_of_each_type(pool: PgPool) {
    let app = EvaluationApp::spawn(pool).await;
    let mut client = app.client.clone();
    for (kind, prefix) in [(1, "technical"), (2, "behavioral"), (3, "system-design")] {
        for (difficulty, level) in [(1, "easy"), (2, "medium"), (3, "hard")] {
            for count in [1, 4, 10] {
                let questions = client
                    .generate_questions(bearer(
                        SERVICE_TOKEN,
                        request(kind, difficulty, count, vec![]),
                    ))
                    .await
                    .unwrap()
                    .into_inner()
                    .questions;
                assert_eq!(questions.len(), count as usize);
                let keys: HashSet<&str> = questions.iter().map(|q| q.key.as_str()).collect();
                let texts: HashSet<&str> = questions.iter().map(|q| q.text.as_str()).collect();
                assert_eq!((keys.len(), texts.len()), (count as usize, count as usize));
                for q in &questions {
                    assert!(
                        q.key.starts_with(&format!("{prefix}-{level}-")),
                        "{}",
                        q.key
                    );
                    assert!(q.hints.len() >= 2 && q.key_points.len() >= 4, "{}", q.key);
                    assert!(q.key_points.iter().all(|k| !k.terms.is_empty()));
                    let provenance = q.provenance.as_ref().unwrap();
                    assert_eq!(provenance.source, "bank");
                    assert!(!provenance.is_fallback && provenance.fallback_reason.is_empty());
                    assert!(!provenance.rubric_version.is_empty());
                    assert!(q.generate_time.as_ref().unwrap().seconds > 1_700_000_000);
                }
            }
        }
    }
    let written: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM answer_evaluations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(written, 0);
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn exclusions_are_honored_while_the_pool_allows(pool: PgPool) {
    let app = EvaluationApp::spawn(pool).await;
    let mut client = app.client.clone();
    let all = |client: &mut pb::evaluation_service_client::EvaluationServiceClient<_>,
               exclude: Vec<String>| {
        let mut client = client.clone();
        async move {
            client
                .generate_questions(bearer(SERVICE_TOKEN, request(1, 1, 10, exclude)))
                .await
                .unwrap()
                .into_inner()
                .questions
                .into_iter()
                .map(|q| q.key)
                .collect::<Vec<_>>()
        }
    };
    let first = all(&mut client, vec![]).await;
    // With 10 of the pool (at least 15) excluded, a request for 3 gets 3 new ones.
    let three = client
        .generate_questions(bearer(SERVICE_TOKEN, request(1, 1, 3, first.clone())))
        .await
        .unwrap()
        .into_inner()
        .questions;
    assert_eq!(three.len(), 3);
    assert!(
        three.iter().all(|q| !first.contains(&q.key)),
        "{first:?} {three:?}"
    );
    // A request for 10 takes every question left (at least 5), then reuses the least
    // recent exclusions: the end of the list.
    let second = all(&mut client, first.clone()).await;
    assert_eq!(second.iter().collect::<HashSet<_>>().len(), 10);
    let fresh: Vec<&String> = second.iter().filter(|k| !first.contains(k)).collect();
    let reused: HashSet<&String> = second.iter().filter(|k| first.contains(k)).collect();
    assert!(fresh.len() >= 5, "{second:?}");
    let least_recent: HashSet<&String> = first.iter().rev().take(reused.len()).collect();
    assert_eq!(reused, least_recent);
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn bad_input_is_refused_with_field_violations(pool: PgPool) {
    let app = EvaluationApp::spawn(pool).await;
    let mut client = app.client.clone();
    let cases = [
        (request(0, 1, 1, vec![]), vec!["interview_type"]),
        (request(9, 1, 1, vec![]), vec!["interview_type"]),
        (request(1, 0, 1, vec![]), vec!["difficulty"]),
        (request(1, 1, 0, vec![]), vec!["count"]),
        (request(1, 1, 11, vec![]), vec!["count"]),
        (request(1, 1, -3, vec![]), vec!["count"]),
        (
            request(1, 1, 1, vec!["k".into(); 201]),
            vec!["exclude_keys"],
        ),
        (
            request(1, 1, 1, vec!["k".repeat(201)]),
            vec!["exclude_keys[0]"],
        ),
        (
            request(0, 0, 0, vec![]),
            vec!["count", "difficulty", "interview_type"],
        ),
    ];
    for (req, fields) in cases {
        let status = client
            .generate_questions(bearer(SERVICE_TOKEN, req.clone()))
            .await
            .unwrap_err();
        assert_eq!(violated_fields(&status), fields, "{req:?}");
    }
}
