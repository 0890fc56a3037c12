//! The whole interview, end to end over real gRPC: register, create, answer, read, list,
//! complete, progress.

use interview_coach_proto::{
    common::v1::{Difficulty, InterviewType},
    session::v1::{self as pb, EvaluationState, SessionStatus},
};
use interview_coach_testkit::{Stack, answer_for, bearer};

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn a_full_interview_scores_every_answer_and_feeds_progress(pool: sqlx::PgPool) {
    let stack = Stack::start(pool.clone()).await;
    let user = stack.user("ada").await;
    let mut client = stack.session_client().await;

    // 45 minutes without a count: one question per 10 minutes.
    let session = client
        .create_session(bearer(
            &user.access_token,
            pb::CreateSessionRequest {
                interview_type: InterviewType::Technical as i32,
                duration_minutes: 45,
                difficulty: Difficulty::Easy as i32,
                question_count: None,
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    assert_eq!(session.question_count, 4);
    assert_eq!(session.questions.len(), 4);
    // CreateSession answers with the rows it stored, not a read-back: the same as GetSession.
    let mut read = stack.get_session(&user, &session.id).await;
    let mut created = session.clone();
    (created.time_remaining, read.time_remaining) = (None, None);
    assert_eq!(created, read);
    assert_eq!(session.status(), SessionStatus::InProgress);
    let positions: Vec<i32> = session.questions.iter().map(|q| q.position).collect();
    assert_eq!(positions, vec![1, 2, 3, 4]);
    for q in &session.questions {
        assert_eq!(q.evaluation_state(), EvaluationState::NotAnswered);
        assert!(q.hints.len() >= 2, "hints shown: {q:?}");
        assert_eq!(q.provenance.as_ref().unwrap().source, "bank");
    }
    let created = session.create_time.unwrap().seconds;
    assert_eq!(session.deadline_time.unwrap().seconds - created, 45 * 60);
    let remaining = session.time_remaining.unwrap().seconds;
    assert!((44 * 60..=45 * 60).contains(&remaining), "{remaining}");

    // Answer every question; evaluations come back inline.
    let mut scores = Vec::new();
    for q in &session.questions {
        let response = client
            .submit_answer(bearer(
                &user.access_token,
                pb::SubmitAnswerRequest {
                    session_id: session.id.clone(),
                    question_id: q.id.clone(),
                    answer_text: answer_for(q),
                },
            ))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(response.evaluation_state(), EvaluationState::Evaluated);
        let evaluation = response.evaluation.unwrap();
        assert!((0.0..=10.0).contains(&evaluation.score));
        assert!(!evaluation.feedback.is_empty());
        scores.push(evaluation.score);
    }

    // The session view shows answers and evaluations in order.
    let fetched = stack.get_session(&user, &session.id).await;
    assert_eq!(fetched.answered_count, 4);
    for (q, score) in fetched.questions.iter().zip(&scores) {
        assert_eq!(q.evaluation_state(), EvaluationState::Evaluated);
        assert_eq!(q.evaluation.as_ref().unwrap().score, *score);
        assert!(q.answer.as_ref().unwrap().text.starts_with("My approach"));
    }

    // Complete: the overall score is the mean of the answered questions' scores.
    let completed = client
        .complete_session(bearer(
            &user.access_token,
            pb::CompleteSessionRequest {
                session_id: session.id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    assert_eq!(completed.status(), SessionStatus::Completed);
    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
    let overall = completed.overall_score.unwrap();
    // Rounded half-up to two decimals: 5.725 becomes 5.73, a difference of 0.005 that f64
    // arithmetic overshoots by more than EPSILON.
    assert!(
        (overall - mean).abs() <= 0.005 + 1e-9,
        "{overall} vs {mean}"
    );
    assert!(completed.complete_time.is_some());
    assert_eq!(completed.time_remaining.unwrap().seconds, 0);

    // It is stored that way.
    let stored: (String, Option<rust_decimal::Decimal>) =
        sqlx::query_as("SELECT status, overall_score FROM interview_sessions WHERE id = $1::uuid")
            .bind(&session.id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(stored.0, "completed");
    assert_eq!(stored.1.unwrap().to_string(), format!("{overall:.2}"));

    // A second, behavioral session answered once, then abandoned.
    let second = stack
        .create_session(&user, InterviewType::Behavioral, 30)
        .await;
    assert_eq!(second.questions.len(), 3);
    let q = &second.questions[0];
    let behavioral_score = client
        .submit_answer(bearer(
            &user.access_token,
            pb::SubmitAnswerRequest {
                session_id: second.id.clone(),
                question_id: q.id.clone(),
                answer_text: "In my last team (situation) I owned the release (task). I wrote \
                              the migration plan, paired with two engineers and ran the \
                              rollout myself (action). We shipped on time and cut incidents \
                              by 40% (result); I learned to over-communicate."
                    .into(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .evaluation
        .unwrap()
        .score;
    client
        .complete_session(bearer(
            &user.access_token,
            pb::CompleteSessionRequest {
                session_id: second.id.clone(),
            },
        ))
        .await
        .unwrap();

    // History: newest first.
    let list = client
        .list_sessions(bearer(
            &user.access_token,
            pb::ListSessionsRequest::default(),
        ))
        .await
        .unwrap()
        .into_inner();
    let ids: Vec<&str> = list.sessions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, vec![second.id.as_str(), session.id.as_str()]);
    assert!(list.sessions.iter().all(|s| s.questions.is_empty()));
    assert!(list.next_page_token.is_empty());

    // Progress: per type averages from the evaluation service's data.
    let progress = client
        .get_progress(bearer(&user.access_token, pb::GetProgressRequest {}))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(progress.sessions_completed, 2);
    let technical = progress
        .by_type
        .iter()
        .find(|t| t.interview_type == InterviewType::Technical as i32)
        .unwrap();
    assert_eq!(technical.answer_count, 4);
    assert!((technical.average_score - mean).abs() <= 0.005 + 1e-9);
    let behavioral = progress
        .by_type
        .iter()
        .find(|t| t.interview_type == InterviewType::Behavioral as i32)
        .unwrap();
    assert_eq!(behavioral.answer_count, 1);
    assert!((behavioral.average_score - behavioral_score).abs() <= 0.005 + 1e-9);
    let weakest = if behavioral_score < mean {
        InterviewType::Behavioral
    } else {
        InterviewType::Technical
    };
    assert_eq!(progress.weakest_type, weakest as i32);
    let recent: Vec<&str> = progress
        .recent_scores
        .iter()
        .map(|s| s.session_id.as_str())
        .collect();
    assert_eq!(
        recent,
        vec![session.id.as_str(), second.id.as_str()],
        "oldest first"
    );
    assert!(progress.mean_overall_score.is_some());
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn a_new_session_avoids_the_questions_of_recent_ones(pool: sqlx::PgPool) {
    let stack = Stack::start(pool).await;
    let user = stack.user("grace").await;
    let first = stack
        .create_session(&user, InterviewType::SystemDesign, 60)
        .await;
    let second = stack
        .create_session(&user, InterviewType::SystemDesign, 60)
        .await;
    let first_texts: Vec<&str> = first.questions.iter().map(|q| q.text.as_str()).collect();
    assert_eq!(first_texts.len(), 6);
    for q in &second.questions {
        assert!(
            !first_texts.contains(&q.text.as_str()),
            "repeated question: {}",
            q.text
        );
    }
}

/// The rubric a question was generated with is the one its answer is scored against,
/// whatever the bank holds by then: the question carries the rubric's digest, the rubric is
/// stored once under it, and a red flag only the stored rubric has is the one raised.
/// Questions stored before digests carry the whole rubric, and it still scores them.
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn the_rubric_travels_with_the_question(pool: sqlx::PgPool) {
    let stack = Stack::start(pool.clone()).await;
    let user = stack.user("grace").await;
    let session = stack
        .create_session(&user, InterviewType::Technical, 30)
        .await;
    let (by_digest, inline) = (&session.questions[0], &session.questions[1]);
    let data: serde_json::Value =
        sqlx::query_scalar("SELECT question_data FROM interview_questions WHERE id = $1::uuid")
            .bind(&by_digest.id)
            .fetch_one(&pool)
            .await
            .unwrap();
    let digest = data["rubricDigest"].as_str().unwrap().to_owned();
    assert!(digest.starts_with("r1-"), "{data}");
    assert!(data.get("keyPoints").is_none(), "only the digest: {data}");
    let rubric: serde_json::Value =
        sqlx::query_scalar("SELECT rubric FROM question_rubrics WHERE digest = $1")
            .bind(&digest)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(
        rubric["referenceAnswer"]
            .as_str()
            .is_some_and(|r| r.len() > 100),
        "{rubric}"
    );
    assert!(
        rubric["redFlags"].as_array().is_some_and(|f| f.len() >= 2),
        "{rubric}"
    );
    assert!(
        rubric["keyPoints"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["idea"].as_str().is_some_and(|i| !i.is_empty())),
        "{rubric}"
    );
    // The rubric is not shown to the candidate before they answer.
    let shown = format!("{:?}", session.questions);
    assert!(!shown.contains(rubric["referenceAnswer"].as_str().unwrap()));

    // A rubric the bank no longer has (as after a release that changed the question): the
    // stored one, not the bank's, scores the answer.
    let stored_only = serde_json::json!([{
        "claim": "Stored-only claim",
        "correction": "The stored rubric says why.",
        "patterns": ["zebra crossing"],
        "severity": "major",
    }]);
    let earlier = "r1-0123456789abcdef0123456789abcdef";
    sqlx::query(
        "INSERT INTO question_rubrics (digest, rubric) \
         SELECT $1, jsonb_set(rubric, '{redFlags}', $2) FROM question_rubrics WHERE digest = $3",
    )
    .bind(earlier)
    .bind(&stored_only)
    .bind(&digest)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE interview_questions SET question_data = \
         jsonb_set(question_data, '{rubricDigest}', to_jsonb($1::text)) WHERE id = $2::uuid",
    )
    .bind(earlier)
    .bind(&by_digest.id)
    .execute(&pool)
    .await
    .unwrap();
    // A question stored before digests: the rubric inline, no digest.
    sqlx::query(
        "UPDATE interview_questions SET question_data = (question_data - 'rubricDigest') \
         || jsonb_build_object('keyPoints', r.rubric->'keyPoints', \
                               'referenceAnswer', r.rubric->'referenceAnswer', 'redFlags', $1::jsonb) \
         FROM question_rubrics r \
         WHERE interview_questions.id = $2::uuid \
           AND r.digest = interview_questions.question_data->>'rubricDigest'",
    )
    .bind(&stored_only)
    .bind(&inline.id)
    .execute(&pool)
    .await
    .unwrap();

    let mut client = stack.session_client().await;
    for question in [by_digest, inline] {
        let answer = format!(
            "{} Also, a zebra crossing guarantees it.",
            answer_for(question)
        );
        let evaluation = client
            .submit_answer(bearer(
                &user.access_token,
                pb::SubmitAnswerRequest {
                    session_id: session.id.clone(),
                    question_id: question.id.clone(),
                    answer_text: answer,
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .evaluation
            .unwrap();
        assert_eq!(
            evaluation.red_flags,
            ["Stored-only claim"],
            "{}",
            question.id
        );
        assert!(evaluation.score <= 4.0, "{evaluation:?}");
        assert_eq!(
            evaluation.confidence,
            interview_coach_proto::common::v1::Confidence::High as i32
        );
        assert_eq!(
            evaluation.provenance.unwrap().rubric_origin,
            interview_coach_proto::common::v1::RubricOrigin::Question as i32
        );
    }
}
