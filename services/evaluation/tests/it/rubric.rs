//! The rubric over the wire: GenerateQuestions hands out the whole rubric (reference answer,
//! red flags, story topic) and its digest, EvaluateAnswer scores against the rubric sent with
//! the question or named by the digest and stores what it found wrong and how far the score
//! can be trusted.

use crate::fixtures::{evaluate_request, fixture};
use interview_coach_proto::{
    common::v1::{self as common_pb, Confidence, RedFlagSeverity, RubricOrigin},
    evaluation::v1 as pb,
};
use interview_coach_testkit::{EvaluationApp, SERVICE_TOKEN, bearer, violated_fields};
use sqlx::PgPool;

async fn evaluate(
    app: &EvaluationApp,
    req: pb::EvaluateAnswerRequest,
) -> Result<pb::Evaluation, tonic::Status> {
    let mut client = app.client.clone();
    client
        .evaluate_answer(bearer(SERVICE_TOKEN, req))
        .await
        .map(|r| r.into_inner().evaluation.unwrap_or_default())
}

async fn one_question(app: &EvaluationApp, interview_type: i32) -> pb::GeneratedQuestion {
    let mut client = app.client.clone();
    client
        .generate_questions(bearer(
            SERVICE_TOKEN,
            pb::GenerateQuestionsRequest {
                interview_type,
                difficulty: 2,
                count: 1,
                exclude_keys: vec![],
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .questions
        .remove(0)
}

fn flag(claim: &str, patterns: &[&str]) -> common_pb::RedFlag {
    common_pb::RedFlag {
        claim: claim.into(),
        correction: "A stack is last-in first-out; two stacks reverse the order twice.".into(),
        patterns: patterns.iter().map(|p| (*p).to_owned()).collect(),
        severity: RedFlagSeverity::Major as i32,
    }
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn bank_questions_come_with_their_whole_rubric(pool: PgPool) {
    let app = EvaluationApp::spawn(pool).await;
    for interview_type in 1..=3 {
        let q = one_question(&app, interview_type).await;
        assert!(
            q.reference_answer.split_whitespace().count() >= 40,
            "{}",
            q.key
        );
        assert!(q.red_flags.len() >= 2, "{}", q.key);
        assert!(q.red_flags.iter().all(|f| {
            !f.claim.is_empty()
                && !f.correction.is_empty()
                && !f.patterns.is_empty()
                && f.severity != RedFlagSeverity::Unspecified as i32
        }));
        assert!(
            q.key_points
                .iter()
                .all(|k| !k.idea.is_empty() && (1..=3).contains(&k.weight)),
            "{}",
            q.key
        );
        // Only behavioral questions say what the story must be about.
        assert_eq!(q.topic.is_some(), interview_type == 2, "{}", q.key);
    }
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn the_rubric_sent_with_the_answer_is_used_and_its_red_flags_stored(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = EvaluationApp::spawn(pool.clone()).await;
    let answer = "Keep two stacks. Honestly a stack is first in, first out, so I push every element \
        onto both stacks and pop from whichever is not empty, and each operation is fast.";
    let mut request = evaluate_request(&f, answer);
    request.question_text = "Implement a FIFO queue using two stacks.".into();
    request.reference_answer =
        "Push onto an inbox stack; pop from an outbox stack, refilling it from the inbox only when \
         it is empty, so each element moves once: amortized O(1)."
            .into();
    request.red_flags = vec![flag(
        "Stacks are first-in first-out",
        &["stack is first in first out"],
    )];
    let e = evaluate(&app, request).await.unwrap();
    assert_eq!(e.red_flags, ["Stacks are first-in first-out"]);
    assert!(e.score <= 4.0, "{e:?}");
    assert!(
        e.feedback.contains("first-in first-out") && e.feedback.contains("last-in first-out"),
        "{}",
        e.feedback
    );
    assert_eq!(e.confidence, Confidence::High as i32);
    let provenance = e.provenance.clone().unwrap();
    assert_eq!(provenance.rubric_origin, RubricOrigin::Question as i32);
    assert!(!provenance.disagreement);

    // Stored as returned, and read back the same.
    let (confidence, origin, flags): (String, String, serde_json::Value) = sqlx::query_as(
        "SELECT confidence, rubric_origin, red_flags FROM answer_evaluations WHERE answer_id = $1",
    )
    .bind(f.answer_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((confidence.as_str(), origin.as_str()), ("high", "question"));
    assert_eq!(flags, serde_json::json!(["Stacks are first-in first-out"]));
    let mut client = app.client.clone();
    let read = client
        .get_evaluation(bearer(
            SERVICE_TOKEN,
            pb::GetEvaluationRequest {
                answer_id: f.answer_id.to_string(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .evaluation
        .unwrap();
    assert_eq!(read, e);
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn a_question_without_a_rubric_is_scored_with_low_confidence(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = EvaluationApp::spawn(pool).await;
    let mut request = evaluate_request(&f, crate::fixtures::STRONG_ANSWER);
    request.question_text = "Explain how you would find two numbers with a given sum.".into();
    request.key_points.clear();
    let e = evaluate(&app, request).await.unwrap();
    assert_eq!(e.confidence, Confidence::Low as i32);
    assert_eq!(
        e.provenance.unwrap().rubric_origin,
        RubricOrigin::Derived as i32
    );
    assert!(e.feedback.contains("low confidence"), "{}", e.feedback);
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn a_bad_rubric_is_invalid_argument_per_field(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = EvaluationApp::spawn(pool).await;
    let mut request = evaluate_request(&f, crate::fixtures::STRONG_ANSWER);
    request.reference_answer = "x".repeat(4_001);
    request.red_flags = vec![
        common_pb::RedFlag {
            severity: RedFlagSeverity::Unspecified as i32,
            ..flag("c", &["p"])
        },
        flag("", &["p"]),
        flag("c", &[]),
    ];
    request.topic = Some(common_pb::StoryTopic {
        about: " ".into(),
        terms: vec!["t".into()],
    });
    request.key_points[0].weight = 4;
    let status = evaluate(&app, request).await.unwrap_err();
    assert_eq!(
        violated_fields(&status),
        [
            "key_points[0]",
            "red_flags[0].severity",
            "red_flags[1]",
            "red_flags[2]",
            "reference_answer",
            "topic"
        ]
    );
}

/// A question's rubric digest stands for its rubric: the answer scores as if the whole rubric
/// had come with it, in this instance and in a new one (from `question_rubrics`, where every
/// handed-out rubric is stored once); a digest never handed out is FAILED_PRECONDITION and a
/// malformed one INVALID_ARGUMENT.
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn the_rubric_digest_stands_for_the_rubric(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = EvaluationApp::spawn(pool.clone()).await;
    let q = one_question(&app, 1).await;
    assert!(q.rubric_digest.starts_with("r1-"), "{}", q.rubric_digest);
    let again = one_question(&app, 1).await;
    assert_eq!(again.key == q.key, again.rubric_digest == q.rubric_digest);
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM question_rubrics WHERE digest = $1")
        .bind(&q.rubric_digest)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 1);

    let answer = crate::fixtures::STRONG_ANSWER;
    let whole = pb::EvaluateAnswerRequest {
        question_text: q.text.clone(),
        key_points: q.key_points.clone(),
        reference_answer: q.reference_answer.clone(),
        red_flags: q.red_flags.clone(),
        topic: q.topic.clone(),
        ..evaluate_request(&f, answer)
    };
    let by_digest = pb::EvaluateAnswerRequest {
        key_points: vec![],
        rubric_digest: q.rubric_digest.clone(),
        ..whole.clone()
    };
    let expected = evaluate(&app, whole).await.unwrap();
    let other = EvaluationApp::spawn(pool.clone()).await;
    // Under a digest the bank does not have (as after a release that changed the question),
    // the stored rubric is the one used.
    sqlx::query(
        "INSERT INTO question_rubrics (digest, rubric) \
         SELECT 'r1-0123456789abcdef0123456789abcdef', rubric FROM question_rubrics \
         WHERE digest = $1",
    )
    .bind(&q.rubric_digest)
    .execute(&pool)
    .await
    .unwrap();
    for (app, digest, position) in [
        (&app, q.rubric_digest.as_str(), 2),
        (&other, "r1-0123456789abcdef0123456789abcdef", 3),
    ] {
        let (_, answer_id) =
            crate::fixtures::question_and_answer(&pool, f.session_id, position).await;
        let e = evaluate(
            app,
            pb::EvaluateAnswerRequest {
                answer_id: answer_id.to_string(),
                rubric_digest: digest.to_owned(),
                ..by_digest.clone()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            (e.score, &e.feedback, &e.red_flags, e.confidence),
            (
                expected.score,
                &expected.feedback,
                &expected.red_flags,
                expected.confidence
            ),
            "{digest}"
        );
        assert_eq!(
            e.provenance.unwrap().rubric_origin,
            RubricOrigin::Question as i32
        );
    }
    let (_, third_answer) = crate::fixtures::question_and_answer(&pool, f.session_id, 4).await;
    let unknown = evaluate(
        &other,
        pb::EvaluateAnswerRequest {
            answer_id: third_answer.to_string(),
            rubric_digest: "r1-ffffffffffffffffffffffffffffffff".into(),
            ..by_digest.clone()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(unknown.code(), tonic::Code::FailedPrecondition);
    let malformed = evaluate(
        &other,
        pb::EvaluateAnswerRequest {
            answer_id: third_answer.to_string(),
            rubric_digest: "sha256:abc".into(),
            ..by_digest
        },
    )
    .await
    .unwrap_err();
    assert_eq!(violated_fields(&malformed), ["rubric_digest"]);
}

/// Many first GenerateQuestions at once, in two replicas, store overlapping sets of rubrics:
/// every call succeeds (no deadlock between writers of the same rows) and each rubric is one
/// row.
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn concurrent_first_questions_store_each_rubric_once(pool: PgPool) {
    let replicas = [
        EvaluationApp::spawn(pool.clone()).await,
        EvaluationApp::spawn(pool.clone()).await,
    ];
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..24 {
        let mut client = replicas[i % 2].client.clone();
        calls.spawn(async move {
            client
                .generate_questions(bearer(
                    SERVICE_TOKEN,
                    pb::GenerateQuestionsRequest {
                        interview_type: 1,
                        difficulty: 2,
                        count: 10,
                        exclude_keys: vec![],
                    },
                ))
                .await
                .map(|r| r.into_inner().questions)
        });
    }
    let mut digests = std::collections::HashSet::new();
    while let Some(result) = calls.join_next().await {
        for q in result.unwrap().unwrap() {
            digests.insert(q.rubric_digest);
        }
    }
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM question_rubrics")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, digests.len() as i64);
}
