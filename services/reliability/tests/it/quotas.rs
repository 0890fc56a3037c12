//! Per-user quotas on CreateSession and SubmitAnswer, counted in the database over the
//! last hour, so one account cannot run up the cost of question generation and evaluation.

use std::time::Duration;

use interview_coach_proto::{common::v1::InterviewType, session::v1 as pb};
use interview_coach_testkit::{self as testkit, Stack, User, bearer, count};
use session_service::QuotaSettings;
use tonic::{Code, Status, transport::Channel};
use tonic_types::StatusExt;

type Client = pb::session_service_client::SessionServiceClient<Channel>;

fn assert_quota(status: &Status) -> Duration {
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(
        status.message().contains("quota"),
        "a clear message: {status:?}"
    );
    let retry = status
        .get_details_retry_info()
        .and_then(|r| r.retry_delay)
        .expect("RetryInfo says when to retry");
    assert!(
        retry > Duration::ZERO && retry <= Duration::from_secs(3600),
        "retry in {retry:?}"
    );
    retry
}

async fn create(client: &mut Client, user: &User) -> Result<pb::Session, Status> {
    client
        .create_session(bearer(&user.access_token, testkit::new_session(3)))
        .await
        .map(|r| r.into_inner().session.unwrap())
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn past_the_quotas_calls_are_resource_exhausted_and_write_nothing(pool: sqlx::PgPool) {
    let stack = Stack::start_with(pool.clone(), |s| {
        s.quotas = QuotaSettings {
            sessions_per_hour: 3,
            answers_per_hour: 4,
        };
    })
    .await;
    let heavy = stack.user("heavy").await;
    let light = stack.user("light").await;
    let mut client = stack.session_client().await;

    let mut sessions = Vec::new();
    for _ in 0..3 {
        sessions.push(create(&mut client, &heavy).await.unwrap());
    }
    let retry = assert_quota(&create(&mut client, &heavy).await.unwrap_err());
    assert!(
        retry > Duration::from_secs(3500),
        "the oldest counted session is new: {retry:?}"
    );
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM interview_sessions").await,
        3
    );
    create(&mut client, &light)
        .await
        .expect("another user has their own quota");

    let questions: Vec<pb::SubmitAnswerRequest> = sessions
        .iter()
        .flat_map(|s| (0..s.questions.len()).map(move |i| testkit::answer(s, i)))
        .collect();
    for request in &questions[..4] {
        client
            .submit_answer(bearer(&heavy.access_token, request.clone()))
            .await
            .unwrap();
    }
    assert_quota(
        &client
            .submit_answer(bearer(&heavy.access_token, questions[4].clone()))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM interview_answers").await,
        4
    );

    // The window slides: what is older than an hour no longer counts.
    sqlx::query("UPDATE interview_answers SET created_at = NOW() - INTERVAL '61 minutes'")
        .execute(&pool)
        .await
        .unwrap();
    client
        .submit_answer(bearer(&heavy.access_token, questions[4].clone()))
        .await
        .expect("answers older than an hour do not count");
    sqlx::query(
        "UPDATE interview_sessions SET created_at = NOW() - INTERVAL '61 minutes' \
         WHERE id = $1::uuid",
    )
    .bind(&sessions[0].id)
    .execute(&pool)
    .await
    .unwrap();
    create(&mut client, &heavy)
        .await
        .expect("a session older than an hour does not count");
}

/// Two replicas share one count, and once the quota is used up a burst of concurrent calls
/// gets through nowhere.
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn the_quota_holds_across_replicas_and_under_a_burst(pool: sqlx::PgPool) {
    let quotas = QuotaSettings {
        sessions_per_hour: 2,
        answers_per_hour: 0,
    };
    let stack = Stack::start_with(pool.clone(), |s| s.quotas = quotas).await;
    let replica = stack.start_session_replica(|s| s.quotas = quotas).await;
    let user = stack.user("spread").await;
    let mut a = stack.session_client().await;
    let mut b = Client::connect(replica.url()).await.unwrap();

    let first = create(&mut a, &user).await.unwrap();
    create(&mut b, &user).await.unwrap();
    assert_quota(&create(&mut a, &user).await.unwrap_err());
    assert_quota(&create(&mut b, &user).await.unwrap_err());

    let mut burst = tokio::task::JoinSet::new();
    for i in 0..10 {
        let mut client = if i % 2 == 0 { a.clone() } else { b.clone() };
        let user = user.clone();
        burst.spawn(async move { create(&mut client, &user).await.map(drop) });
    }
    while let Some(result) = burst.join_next().await {
        assert_quota(&result.unwrap().unwrap_err());
    }
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM interview_sessions").await,
        2
    );

    // The answer quota is off (0): a user can answer without limit.
    for index in 0..first.questions.len() {
        b.submit_answer(bearer(&user.access_token, testkit::answer(&first, index)))
            .await
            .unwrap();
    }
}

/// 0 turns a quota off.
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn a_zero_quota_is_no_quota(pool: sqlx::PgPool) {
    let stack = Stack::start_with(pool.clone(), |s| s.quotas = QuotaSettings::disabled()).await;
    let user = stack.user("unlimited").await;
    let mut client = stack.session_client().await;
    for _ in 0..31 {
        client
            .create_session(bearer(
                &user.access_token,
                pb::CreateSessionRequest {
                    interview_type: InterviewType::Behavioral as i32,
                    duration_minutes: 30,
                    difficulty: 1,
                    question_count: Some(1),
                },
            ))
            .await
            .unwrap();
    }
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM interview_sessions").await,
        31
    );
}
