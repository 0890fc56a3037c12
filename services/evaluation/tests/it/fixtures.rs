//! Fixtures of the evaluation tests: the rows the other services own, inserted with SQL,
//! and a valid EvaluateAnswer request over them. The service itself is started by
//! `interview_coach_testkit::EvaluationApp`.
#![allow(dead_code)]

use interview_coach_proto::{
    common::v1::{Difficulty, InterviewType},
    evaluation::v1 as pb,
};
use sqlx::PgPool;
use uuid::Uuid;

/// Rows owned by the other services, inserted with SQL as fixtures.
#[derive(Clone, Copy, Debug)]
pub struct Fixture {
    pub session_id: Uuid,
    pub question_id: Uuid,
    pub answer_id: Uuid,
}

/// A user with a technical session, one question (position 1) and its answer.
pub async fn fixture(pool: &PgPool) -> Fixture {
    let user_id: Uuid = sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, name) VALUES ($1, 'x', 'Test') RETURNING id",
    )
    .bind(format!("{}@example.com", Uuid::new_v4()))
    .fetch_one(pool)
    .await
    .unwrap();
    let session_id: Uuid = sqlx::query_scalar(
        "INSERT INTO interview_sessions (user_id, type, duration_minutes, difficulty) \
         VALUES ($1, 'technical', 30, 'easy') RETURNING id",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await
    .unwrap();
    let (question_id, answer_id) = question_and_answer(pool, session_id, 1).await;
    Fixture {
        session_id,
        question_id,
        answer_id,
    }
}

/// Another question (at `position`) and answer in `session_id`.
pub async fn question_and_answer(pool: &PgPool, session_id: Uuid, position: i32) -> (Uuid, Uuid) {
    let question_id: Uuid = sqlx::query_scalar(
        "INSERT INTO interview_questions (session_id, question_text, question_type, difficulty, position) \
         VALUES ($1, $2, 'technical', 'easy', $3) RETURNING id",
    )
    .bind(session_id)
    .bind(TWO_SUM)
    .bind(position)
    .fetch_one(pool)
    .await
    .unwrap();
    let answer_id: Uuid = sqlx::query_scalar(
        "INSERT INTO interview_answers (session_id, question_id, answer_text) VALUES ($1, $2, 'x') RETURNING id",
    )
    .bind(session_id)
    .bind(question_id)
    .fetch_one(pool)
    .await
    .unwrap();
    (question_id, answer_id)
}

pub const TWO_SUM: &str = "Given an array of integers and a target, return the indices of the two numbers \
    that add up to the target. How would you solve it, and what is the complexity?";

pub const STRONG_ANSWER: &str = "The brute force approach checks every pair with a nested loop, which is \
    O(n^2). A better approach is a single pass with a hash map from value to index. For each number I compute \
    the complement, target minus the number, and look it up in the map; if it is there I return both indices, \
    otherwise I store the current number. This is correct because any valid pair is found when we reach its \
    second element. Time complexity is O(n) and extra space is O(n). Edge cases: duplicates such as [3, 3] \
    with target 6 work because we check before inserting; an empty array or no solution returns an empty \
    result. I would unit test those cases plus negative numbers.";

/// A valid EvaluateAnswer request for `f` with `answer`, with explicit key points.
pub fn evaluate_request(f: &Fixture, answer: &str) -> pb::EvaluateAnswerRequest {
    pb::EvaluateAnswerRequest {
        session_id: f.session_id.to_string(),
        question_id: f.question_id.to_string(),
        answer_id: f.answer_id.to_string(),
        question_text: TWO_SUM.to_owned(),
        interview_type: InterviewType::Technical as i32,
        difficulty: Difficulty::Easy as i32,
        answer_text: answer.to_owned(),
        question_key: String::new(),
        hints: vec!["A brute force compares every pair: what does that cost?".to_owned()],
        key_points: vec![
            kp("hash map of seen values", &["hash map", "dictionary"]),
            kp("complement in one pass", &["complement", "single pass"]),
            kp("O(n) time", &["o(n)", "linear"]),
            kp("brute force baseline", &["brute force", "o(n^2)"]),
        ],
        ..Default::default()
    }
}

pub fn kp(point: &str, terms: &[&str]) -> interview_coach_proto::common::v1::KeyPoint {
    interview_coach_proto::common::v1::KeyPoint {
        point: point.to_owned(),
        terms: terms.iter().map(|t| (*t).to_owned()).collect(),
        ..Default::default()
    }
}

/// Number of stored evaluations of `answer_id`.
pub async fn evaluation_rows(pool: &PgPool, answer_id: Uuid) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM answer_evaluations WHERE answer_id = $1")
        .bind(answer_id)
        .fetch_one(pool)
        .await
        .unwrap()
}
