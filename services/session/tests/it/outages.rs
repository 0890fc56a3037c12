//! Dependencies going away: the evaluation service down at creation, stopped while answers
//! arrive and started again; identity down with cached keys; sessions left open.

use std::time::Duration;

use interview_coach_proto::{
    common::v1::{Difficulty, InterviewType},
    session::v1::{self as pb, EvaluationState, session_service_client::SessionServiceClient},
};
use interview_coach_testkit::{Stack, User, answer_for, assert_status, bearer, count, eventually};
use tonic::{Code, transport::Channel};

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn evaluation_down_at_creation_is_unavailable_and_writes_nothing(pool: sqlx::PgPool) {
    let mut stack = Stack::start(pool.clone()).await;
    let user = stack.user("early").await;
    stack.evaluation.stop().await;
    let err = stack
        .session_client()
        .await
        .create_session(bearer(
            &user.access_token,
            pb::CreateSessionRequest {
                interview_type: InterviewType::Technical as i32,
                duration_minutes: 30,
                difficulty: Difficulty::Easy as i32,
                question_count: Some(2),
            },
        ))
        .await
        .unwrap_err();
    assert_status(&err, Code::Unavailable, &[]);
    assert!(
        !err.message().contains("127.0.0.1"),
        "no internals: {}",
        err.message()
    );
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM interview_sessions").await,
        0
    );
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM interview_questions").await,
        0
    );
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn answers_during_an_evaluation_outage_are_evaluated_exactly_once_afterwards(
    pool: sqlx::PgPool,
) {
    let mut stack = Stack::start_with(pool.clone(), |s| {
        s.submit_wait = Duration::from_millis(500);
        s.retry_max = Duration::from_millis(500);
    })
    .await;
    let user = stack.user("patient").await;
    let mut sessions = Vec::new();
    for _ in 0..3 {
        sessions.push(
            stack
                .create_session(&user, InterviewType::Technical, 60)
                .await,
        );
    }
    stack.evaluation.stop().await;

    let mut client = stack.session_client().await;
    let mut answered = 0;
    for session in &sessions {
        for question in &session.questions {
            let response = client
                .submit_answer(bearer(
                    &user.access_token,
                    pb::SubmitAnswerRequest {
                        session_id: session.id.clone(),
                        question_id: question.id.clone(),
                        answer_text: answer_for(question),
                    },
                ))
                .await
                .expect("answers are accepted while evaluation is down")
                .into_inner();
            assert_eq!(response.evaluation_state(), EvaluationState::Pending);
            assert!(response.evaluation.is_none());
            answered += 1;
        }
    }
    assert_eq!(answered, 18);
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM answer_evaluations").await,
        0
    );

    // Completion needs the evaluations: impossible now.
    let err = client
        .complete_session(bearer(
            &user.access_token,
            pb::CompleteSessionRequest {
                session_id: sessions[0].id.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert_status(&err, Code::FailedPrecondition, &[]);

    stack.restart_evaluation().await;
    assert!(
        eventually(Duration::from_secs(30), || async {
            count(
                &pool,
                "SELECT COUNT(*) FROM interview_answers WHERE evaluation_status = 'pending'",
            )
            .await
                == 0
        })
        .await,
        "the queue drained"
    );
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM answer_evaluations").await,
        18
    );
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(DISTINCT answer_id) FROM answer_evaluations"
        )
        .await,
        18
    );

    let view = client
        .get_session(bearer(
            &user.access_token,
            pb::GetSessionRequest {
                session_id: sessions[0].id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    assert!(
        view.questions
            .iter()
            .all(|q| q.evaluation_state() == EvaluationState::Evaluated && q.evaluation.is_some())
    );
    client
        .complete_session(bearer(
            &user.access_token,
            pb::CompleteSessionRequest {
                session_id: sessions[0].id.clone(),
            },
        ))
        .await
        .unwrap();
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn identity_down_tokens_still_verify_with_cached_keys(pool: sqlx::PgPool) {
    let mut stack = Stack::start(pool).await;
    let user = stack.user("cached").await;
    let session = stack
        .create_session(&user, InterviewType::Behavioral, 30)
        .await;
    stack.identity.stop().await;
    let fetched = stack
        .session_client()
        .await
        .get_session(bearer(
            &user.access_token,
            pb::GetSessionRequest {
                session_id: session.id.clone(),
            },
        ))
        .await
        .expect("verified locally")
        .into_inner();
    assert_eq!(fetched.session.unwrap().id, session.id);
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn the_sweeper_closes_sessions_past_deadline_and_grace(pool: sqlx::PgPool) {
    let stack = Stack::start_with(pool.clone(), |s| {
        s.sweeper_interval = Duration::from_millis(100);
        s.session_grace = Duration::from_secs(60);
    })
    .await;
    let user = stack.user("sleepy").await;
    let answered = stack
        .create_session(&user, InterviewType::Technical, 30)
        .await;
    let untouched = stack
        .create_session(&user, InterviewType::Technical, 30)
        .await;
    let fresh = stack
        .create_session(&user, InterviewType::Technical, 30)
        .await;
    stack
        .session_client()
        .await
        .submit_answer(bearer(
            &user.access_token,
            pb::SubmitAnswerRequest {
                session_id: answered.id.clone(),
                question_id: answered.questions[0].id.clone(),
                answer_text: answer_for(&answered.questions[0]),
            },
        ))
        .await
        .unwrap();
    // Deadline (30 min) plus grace (1 min) passed for two of them.
    sqlx::query(
        "UPDATE interview_sessions SET created_at = NOW() - INTERVAL '32 minutes' \
         WHERE id IN ($1::uuid, $2::uuid)",
    )
    .bind(&answered.id)
    .bind(&untouched.id)
    .execute(&pool)
    .await
    .unwrap();

    let status = |id: String| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT status FROM interview_sessions WHERE id = $1::uuid",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert!(
        eventually(Duration::from_secs(10), || async {
            status(answered.id.clone()).await == "completed"
                && status(untouched.id.clone()).await == "abandoned"
        })
        .await
    );
    assert_eq!(status(fresh.id.clone()).await, "in_progress");
    let score: Option<rust_decimal::Decimal> =
        sqlx::query_scalar("SELECT overall_score FROM interview_sessions WHERE id = $1::uuid")
            .bind(&answered.id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(score.is_some());
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn deleting_a_user_removes_their_data_across_all_three_services(pool: sqlx::PgPool) {
    use interview_coach_proto::identity::v1::DeleteCurrentUserRequest;

    let stack = Stack::start(pool.clone()).await;
    let user = stack.user("leaver").await;
    let stayer = stack.user("stayer").await;
    for who in [&user, &stayer] {
        let session = stack
            .create_session(who, InterviewType::Technical, 30)
            .await;
        stack
            .session_client()
            .await
            .submit_answer(bearer(
                &who.access_token,
                pb::SubmitAnswerRequest {
                    session_id: session.id.clone(),
                    question_id: session.questions[0].id.clone(),
                    answer_text: answer_for(&session.questions[0]),
                },
            ))
            .await
            .unwrap();
    }
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM answer_evaluations").await,
        2
    );

    stack
        .identity_client()
        .await
        .delete_current_user(bearer(
            &user.access_token,
            DeleteCurrentUserRequest {
                password: interview_coach_testkit::PASSWORD.into(),
            },
        ))
        .await
        .unwrap();

    for table in [
        "interview_sessions",
        "interview_questions",
        "interview_answers",
        "answer_evaluations",
    ] {
        let left: i64 = count(&pool, &format!("SELECT COUNT(*) FROM {table}")).await;
        let theirs: i64 = count(
            &pool,
            &format!(
                "SELECT COUNT(*) FROM {table} t WHERE {} IN \
                 (SELECT id FROM interview_sessions WHERE user_id = '{}'::uuid)",
                if table == "interview_sessions" {
                    "t.id"
                } else {
                    "t.session_id"
                },
                stayer.id
            ),
        )
        .await;
        assert_eq!(left, theirs, "{table}: only the other user's rows remain");
        assert!(left > 0, "{table}: the other user's rows are intact");
    }
    assert_eq!(
        count(
            &pool,
            &format!("SELECT COUNT(*) FROM users WHERE id = '{}'::uuid", user.id)
        )
        .await,
        0
    );
    // The deleted user's still-valid token no longer creates anything.
    let err = stack
        .session_client()
        .await
        .create_session(bearer(
            &user.access_token,
            pb::CreateSessionRequest {
                interview_type: InterviewType::Technical as i32,
                duration_minutes: 30,
                difficulty: Difficulty::Easy as i32,
                question_count: Some(1),
            },
        ))
        .await
        .unwrap_err();
    assert_status(&err, Code::Unauthenticated, &[]);
}

/// GetSession of one session through `client`.
async fn read_session(
    client: &mut SessionServiceClient<Channel>,
    user: &User,
    session_id: &str,
) -> Result<pb::Session, tonic::Status> {
    client
        .get_session(bearer(
            &user.access_token,
            pb::GetSessionRequest {
                session_id: session_id.to_owned(),
            },
        ))
        .await
        .map(|r| r.into_inner().session.expect("session"))
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn evaluated_sessions_read_from_the_evaluation_cache_while_evaluation_is_down(
    pool: sqlx::PgPool,
) {
    let mut stack = Stack::start(pool.clone()).await;
    let user = stack.user("cached-evaluations").await;
    let session = stack
        .create_session(&user, InterviewType::Technical, 30)
        .await;
    let question = &session.questions[0];
    let mut client = stack.session_client().await;
    let submitted = client
        .submit_answer(bearer(
            &user.access_token,
            pb::SubmitAnswerRequest {
                session_id: session.id.clone(),
                question_id: question.id.clone(),
                answer_text: answer_for(question),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(submitted.evaluation_state(), EvaluationState::Evaluated);
    let evaluation = submitted.evaluation.expect("evaluated inline");

    // A second replica with an empty cache, and one with the cache off.
    let cold = stack
        .start_session_replica(|s| s.evaluation_cache_bytes = 1 << 20)
        .await;
    let uncached = stack
        .start_session_replica(|s| s.evaluation_cache_bytes = 0)
        .await;
    let mut cold_client = SessionServiceClient::connect(cold.url()).await.unwrap();
    let mut uncached_client = SessionServiceClient::connect(uncached.url()).await.unwrap();
    // The cold replica fetches the evaluation from the evaluation service (and keeps it).
    let fetched = read_session(&mut cold_client, &user, &session.id)
        .await
        .unwrap();
    assert_eq!(fetched.questions[0].evaluation.as_ref(), Some(&evaluation));

    stack.evaluation.stop().await;
    for client in [&mut client, &mut cold_client] {
        let view = read_session(client, &user, &session.id).await.unwrap();
        assert_eq!(
            view.questions[0].evaluation_state(),
            EvaluationState::Evaluated
        );
        assert_eq!(view.questions[0].evaluation.as_ref(), Some(&evaluation));
        assert!(view.questions[1].evaluation.is_none());
    }
    // Without the cache, the same read needs the evaluation service.
    let err = read_session(&mut uncached_client, &user, &session.id)
        .await
        .unwrap_err();
    assert_status(&err, Code::Unavailable, &[]);
}
