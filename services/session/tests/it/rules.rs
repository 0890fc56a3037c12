//! Every error path of the session service: authentication, validation, ownership,
//! lifecycle, paging.

use std::time::Duration;

use interview_coach_proto::{
    common::v1::{Difficulty, InterviewType},
    session::v1::{self as pb, SessionStatus},
};
use interview_coach_testkit::{Stack, User, answer_for, assert_status, bearer, eventually};
use tonic::{Code, Request};

fn get(id: &str) -> pb::GetSessionRequest {
    pb::GetSessionRequest {
        session_id: id.into(),
    }
}

fn submit(session: &pb::Session, question: usize, text: &str) -> pb::SubmitAnswerRequest {
    pb::SubmitAnswerRequest {
        session_id: session.id.clone(),
        question_id: session.questions[question].id.clone(),
        answer_text: text.into(),
    }
}

async fn count(pool: &sqlx::PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn every_rpc_needs_a_valid_access_token(pool: sqlx::PgPool) {
    let stack = Stack::start(pool).await;
    let mut client = stack.session_client().await;
    let id = uuid::Uuid::new_v4().to_string();

    let no_token = client
        .get_session(Request::new(get(&id)))
        .await
        .unwrap_err();
    assert_status(&no_token, Code::Unauthenticated, &[]);
    let garbage = client
        .list_sessions(bearer("not-a-jwt", pb::ListSessionsRequest::default()))
        .await
        .unwrap_err();
    assert_status(&garbage, Code::Unauthenticated, &[]);
    let progress = client
        .get_progress(Request::new(pb::GetProgressRequest {}))
        .await
        .unwrap_err();
    assert_status(&progress, Code::Unauthenticated, &[]);
    let create = client
        .create_session(Request::new(pb::CreateSessionRequest::default()))
        .await
        .unwrap_err();
    assert_status(&create, Code::Unauthenticated, &[]);
    let submit = client
        .submit_answer(Request::new(pb::SubmitAnswerRequest::default()))
        .await
        .unwrap_err();
    assert_status(&submit, Code::Unauthenticated, &[]);
    let complete = client
        .complete_session(Request::new(pb::CompleteSessionRequest::default()))
        .await
        .unwrap_err();
    assert_status(&complete, Code::Unauthenticated, &[]);
    let abandon = client
        .abandon_session(Request::new(pb::AbandonSessionRequest::default()))
        .await
        .unwrap_err();
    assert_status(&abandon, Code::Unauthenticated, &[]);

    // A token signed by a key identity never published (refetch finds nothing new).
    let user = stack.user("eve").await;
    let mut forged_parts: Vec<String> = user.access_token.split('.').map(String::from).collect();
    forged_parts[2] = "AAAA".repeat(20);
    let forged = client
        .get_progress(bearer(&forged_parts.join("."), pb::GetProgressRequest {}))
        .await
        .unwrap_err();
    assert_status(&forged, Code::Unauthenticated, &[]);
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn bad_input_is_invalid_argument_with_field_violations_and_writes_nothing(
    pool: sqlx::PgPool,
) {
    let stack = Stack::start(pool.clone()).await;
    let user = stack.user("bob").await;
    let mut client = stack.session_client().await;

    for (request, fields) in [
        (
            pb::CreateSessionRequest {
                interview_type: 0,
                duration_minutes: 29,
                difficulty: 0,
                question_count: None,
            },
            vec!["interview_type", "duration_minutes", "difficulty"],
        ),
        (
            pb::CreateSessionRequest {
                interview_type: 7,
                duration_minutes: 61,
                difficulty: 4,
                question_count: Some(-1),
            },
            vec![
                "interview_type",
                "duration_minutes",
                "difficulty",
                "question_count",
            ],
        ),
        (
            pb::CreateSessionRequest {
                interview_type: InterviewType::Technical as i32,
                duration_minutes: 30,
                difficulty: Difficulty::Hard as i32,
                question_count: Some(11),
            },
            vec!["question_count"],
        ),
    ] {
        let err = client
            .create_session(bearer(&user.access_token, request))
            .await
            .unwrap_err();
        assert_status(&err, Code::InvalidArgument, &fields);
    }
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM interview_sessions").await,
        0
    );

    let err = client
        .get_session(bearer(&user.access_token, get("not-a-uuid")))
        .await
        .unwrap_err();
    assert_status(&err, Code::InvalidArgument, &["session_id"]);

    let session = stack
        .create_session(&user, InterviewType::Technical, 30)
        .await;
    let mut bad = submit(&session, 0, "   ");
    bad.question_id = "42".into();
    let err = client
        .submit_answer(bearer(&user.access_token, bad))
        .await
        .unwrap_err();
    assert_status(&err, Code::InvalidArgument, &["question_id", "answer_text"]);
    let too_long = client
        .submit_answer(bearer(
            &user.access_token,
            submit(&session, 0, &"x".repeat(10_001)),
        ))
        .await
        .unwrap_err();
    assert_status(&too_long, Code::InvalidArgument, &["answer_text"]);
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM interview_answers").await,
        0
    );

    // SQL-looking text is data, stored verbatim.
    let sql = "'); DROP TABLE interview_answers; --";
    client
        .submit_answer(bearer(&user.access_token, submit(&session, 0, sql)))
        .await
        .unwrap();
    let stored: String = sqlx::query_scalar("SELECT answer_text FROM interview_answers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, sql);

    for (size, token, fields) in [
        (-1, "", vec!["page_size"]),
        (10, "forged!", vec!["page_token"]),
        (10, "eyJ0IjoiMjAyNiJ9", vec!["page_token"]),
    ] {
        let err = client
            .list_sessions(bearer(
                &user.access_token,
                pb::ListSessionsRequest {
                    page_size: size,
                    page_token: token.into(),
                    status: 0,
                },
            ))
            .await
            .unwrap_err();
        assert_status(&err, Code::InvalidArgument, &fields);
    }
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn another_users_session_is_not_found_and_stays_untouched(pool: sqlx::PgPool) {
    let stack = Stack::start(pool.clone()).await;
    let owner = stack.user("owner").await;
    let intruder = stack.user("intruder").await;
    let mut client = stack.session_client().await;
    let session = stack
        .create_session(&owner, InterviewType::Technical, 30)
        .await;

    let err = client
        .get_session(bearer(&intruder.access_token, get(&session.id)))
        .await
        .unwrap_err();
    assert_status(&err, Code::NotFound, &[]);
    let missing = client
        .get_session(bearer(
            &intruder.access_token,
            get(&uuid::Uuid::new_v4().to_string()),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.message(), missing.message(), "existence must not leak");
    let err = client
        .submit_answer(bearer(
            &intruder.access_token,
            submit(&session, 0, "mine now"),
        ))
        .await
        .unwrap_err();
    assert_status(&err, Code::NotFound, &[]);
    let err = client
        .complete_session(bearer(
            &intruder.access_token,
            pb::CompleteSessionRequest {
                session_id: session.id.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert_status(&err, Code::NotFound, &[]);
    let err = client
        .abandon_session(bearer(
            &intruder.access_token,
            pb::AbandonSessionRequest {
                session_id: session.id.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert_status(&err, Code::NotFound, &[]);
    let theirs = client
        .list_sessions(bearer(
            &intruder.access_token,
            pb::ListSessionsRequest::default(),
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(theirs.sessions.is_empty());
    let progress = client
        .get_progress(bearer(&intruder.access_token, pb::GetProgressRequest {}))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(progress.sessions_completed, 0);
    assert!(progress.by_type.is_empty());

    let after = client
        .get_session(bearer(&owner.access_token, get(&session.id)))
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    assert_eq!(after.status(), SessionStatus::InProgress);
    assert_eq!(after.answered_count, 0);
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM interview_answers").await,
        0
    );

    // A question of another session of the owner's is NOT_FOUND in this one.
    let other = stack
        .create_session(&owner, InterviewType::Technical, 30)
        .await;
    let mut crossed = submit(&session, 0, "an answer");
    crossed.question_id = other.questions[0].id.clone();
    let err = client
        .submit_answer(bearer(&owner.access_token, crossed))
        .await
        .unwrap_err();
    assert_status(&err, Code::NotFound, &[]);
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn the_lifecycle_refuses_what_it_must(pool: sqlx::PgPool) {
    let stack = Stack::start(pool.clone()).await;
    let user = stack.user("lin").await;
    let mut client = stack.session_client().await;
    let session = stack
        .create_session(&user, InterviewType::Technical, 30)
        .await;

    let first = answer_for(&session.questions[0]);
    client
        .submit_answer(bearer(&user.access_token, submit(&session, 0, &first)))
        .await
        .unwrap();
    let again = client
        .submit_answer(bearer(
            &user.access_token,
            submit(&session, 0, "second try"),
        ))
        .await
        .unwrap_err();
    assert_status(&again, Code::AlreadyExists, &[]);

    let complete = |id: &str| pb::CompleteSessionRequest {
        session_id: id.into(),
    };
    let done = client
        .complete_session(bearer(&user.access_token, complete(&session.id)))
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    // Only the answered question counts.
    assert_eq!(
        done.overall_score.unwrap(),
        done.questions[0].evaluation.as_ref().unwrap().score
    );
    let twice = client
        .complete_session(bearer(&user.access_token, complete(&session.id)))
        .await
        .unwrap_err();
    assert_status(&twice, Code::FailedPrecondition, &[]);
    let abandon_done = client
        .abandon_session(bearer(
            &user.access_token,
            pb::AbandonSessionRequest {
                session_id: session.id.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert_status(&abandon_done, Code::FailedPrecondition, &[]);
    let late = client
        .submit_answer(bearer(&user.access_token, submit(&session, 1, "late")))
        .await
        .unwrap_err();
    assert_status(&late, Code::FailedPrecondition, &[]);

    // Abandoned: no score, refuses answers and completion.
    let other = stack
        .create_session(&user, InterviewType::Behavioral, 30)
        .await;
    let abandoned = client
        .abandon_session(bearer(
            &user.access_token,
            pb::AbandonSessionRequest {
                session_id: other.id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    assert_eq!(abandoned.status(), SessionStatus::Abandoned);
    assert!(abandoned.overall_score.is_none());
    let err = client
        .complete_session(bearer(&user.access_token, complete(&other.id)))
        .await
        .unwrap_err();
    assert_status(&err, Code::FailedPrecondition, &[]);

    // Completing with nothing answered: completed, no score.
    let empty = stack
        .create_session(&user, InterviewType::Behavioral, 30)
        .await;
    let empty_done = client
        .complete_session(bearer(&user.access_token, complete(&empty.id)))
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    assert_eq!(empty_done.status(), SessionStatus::Completed);
    assert!(empty_done.overall_score.is_none());

    // Past the deadline: answers are refused.
    let timed = stack
        .create_session(&user, InterviewType::Technical, 30)
        .await;
    sqlx::query(
        "UPDATE interview_sessions SET created_at = NOW() - INTERVAL '31 minutes' WHERE id = $1::uuid",
    )
    .bind(&timed.id)
    .execute(&pool)
    .await
    .unwrap();
    let err = client
        .submit_answer(bearer(&user.access_token, submit(&timed, 0, "too late")))
        .await
        .unwrap_err();
    assert_status(&err, Code::FailedPrecondition, &[]);
    assert!(err.message().contains("time is up"), "{}", err.message());
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn list_pages_newest_first_with_a_status_filter(pool: sqlx::PgPool) {
    let stack = Stack::start(pool).await;
    let user = stack.user("pat").await;
    let mut client = stack.session_client().await;
    let mut created = Vec::new();
    for _ in 0..5 {
        created.push(
            stack
                .create_session(&user, InterviewType::Technical, 30)
                .await
                .id,
        );
    }
    client
        .abandon_session(bearer(
            &user.access_token,
            pb::AbandonSessionRequest {
                session_id: created[1].clone(),
            },
        ))
        .await
        .unwrap();

    let mut seen = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let page = client
            .list_sessions(bearer(
                &user.access_token,
                pb::ListSessionsRequest {
                    page_size: 2,
                    page_token: token.clone(),
                    status: 0,
                },
            ))
            .await
            .unwrap()
            .into_inner();
        pages += 1;
        assert!(page.sessions.len() <= 2);
        seen.extend(page.sessions.into_iter().map(|s| s.id));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(pages, 3);
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();
    assert_eq!(seen, newest_first);

    let abandoned = client
        .list_sessions(bearer(
            &user.access_token,
            pb::ListSessionsRequest {
                page_size: 0,
                page_token: String::new(),
                status: SessionStatus::Abandoned as i32,
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(abandoned.sessions.len(), 1);
    assert_eq!(abandoned.sessions[0].id, created[1]);

    // A token made for one filter is refused with another.
    let first = client
        .list_sessions(bearer(
            &user.access_token,
            pb::ListSessionsRequest {
                page_size: 1,
                page_token: String::new(),
                status: SessionStatus::InProgress as i32,
            },
        ))
        .await
        .unwrap()
        .into_inner();
    let err = client
        .list_sessions(bearer(
            &user.access_token,
            pb::ListSessionsRequest {
                page_size: 1,
                page_token: first.next_page_token,
                status: 0,
            },
        ))
        .await
        .unwrap_err();
    assert_status(&err, Code::InvalidArgument, &["page_token"]);
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn concurrent_answers_to_one_question_store_one_answer_and_one_evaluation(
    pool: sqlx::PgPool,
) {
    let stack = Stack::start(pool.clone()).await;
    let user = stack.user("racer").await;
    let session = stack
        .create_session(&user, InterviewType::Technical, 30)
        .await;
    let text = answer_for(&session.questions[0]);

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let mut client = stack.session_client().await;
        let request = bearer(&user.access_token, submit(&session, 0, &text));
        calls.spawn(async move { client.submit_answer(request).await.map(|_| ()) });
    }
    let (mut ok, mut exists) = (0, 0);
    while let Some(result) = calls.join_next().await {
        match result.unwrap() {
            Ok(()) => ok += 1,
            Err(status) if status.code() == Code::AlreadyExists => exists += 1,
            Err(status) => panic!("unexpected {status:?}"),
        }
    }
    assert_eq!((ok, exists), (1, 49));
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM interview_answers").await,
        1
    );
    assert!(
        eventually(Duration::from_secs(10), || async {
            count(&pool, "SELECT COUNT(*) FROM answer_evaluations").await == 1
        })
        .await
    );
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn completing_while_answers_arrive_ends_consistent(pool: sqlx::PgPool) {
    let stack = Stack::start(pool.clone()).await;
    let user: User = stack.user("rush").await;
    let session = stack
        .create_session(&user, InterviewType::Technical, 60)
        .await;

    let mut calls = tokio::task::JoinSet::new();
    for i in 0..session.questions.len() {
        let mut client = stack.session_client().await;
        let request = bearer(
            &user.access_token,
            submit(&session, i, &answer_for(&session.questions[i])),
        );
        calls.spawn(async move { client.submit_answer(request).await.map(|_| ()) });
    }
    let mut client = stack.session_client().await;
    let completed = client
        .complete_session(bearer(
            &user.access_token,
            pb::CompleteSessionRequest {
                session_id: session.id.clone(),
            },
        ))
        .await;
    while let Some(result) = calls.join_next().await {
        if let Err(status) = result.unwrap() {
            assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
        }
    }
    if let Err(status) = &completed {
        assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
        client
            .complete_session(bearer(
                &user.access_token,
                pb::CompleteSessionRequest {
                    session_id: session.id.clone(),
                },
            ))
            .await
            .unwrap();
    }
    // The stored score is the mean of the stored evaluations of the stored answers.
    let (score, expected): (Option<rust_decimal::Decimal>, Option<rust_decimal::Decimal>) =
        sqlx::query_as(
            "SELECT s.overall_score, \
                    (SELECT ROUND(AVG(e.score), 2) FROM answer_evaluations e WHERE e.session_id = s.id) \
             FROM interview_sessions s WHERE s.id = $1::uuid",
        )
        .bind(&session.id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(score, expected);
    let unevaluated = count(
        &pool,
        "SELECT COUNT(*) FROM interview_answers a WHERE NOT EXISTS \
         (SELECT 1 FROM answer_evaluations e WHERE e.answer_id = a.id)",
    )
    .await;
    assert_eq!(unevaluated, 0);
}
