//! Concurrency the session tests do not already cover. Cited, not repeated: 50 identical
//! SubmitAnswer calls → one answer, one evaluation, and CompleteSession racing SubmitAnswer
//! (services/session/tests/it/rules.rs); 20 concurrent Register of one email → one user
//! (services/identity/tests/it/register_login.rs).

use std::time::Duration;

use interview_coach_proto::session::v1::{self as pb, SessionStatus};
use interview_coach_testkit::{self as testkit, Stack, StallingServer, bearer, count, eventually};
use tonic::Code;

/// Two session replicas, each calling evaluation through its own counting proxy, drain 60
/// pending answers together: every answer is evaluated once, and no answer is sent to
/// evaluation twice (the claim is `FOR UPDATE SKIP LOCKED` with a lease).
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn two_replicas_drain_the_queue_without_doing_any_answer_twice(pool: sqlx::PgPool) {
    let tune = |s: &mut session_service::Settings| {
        // Straight to the queue: only the workers call EvaluateAnswer.
        s.submit_wait = Duration::ZERO;
        s.worker_batch = 4;
        s.worker_interval = Duration::from_millis(50);
    };
    let (stack, proxy_a) = Stack::behind_proxy(pool.clone(), tune).await;
    proxy_a.set_stall(Duration::from_millis(30));
    let proxy_b = StallingServer::start(&stack.evaluation.url(), Duration::from_millis(30)).await;
    let mut settings = testkit::session_settings(stack.identity.url(), proxy_b.url());
    tune(&mut settings);
    let _replica_b = testkit::start_session(&pool, settings).await;

    let user = stack.user("busy").await;
    let mut client = stack.session_client().await;
    for _ in 0..6 {
        let session = testkit::create_session(&stack.session.url(), &user, 10).await;
        for index in 0..10 {
            client
                .submit_answer(bearer(&user.access_token, testkit::answer(&session, index)))
                .await
                .unwrap();
        }
    }
    assert!(
        eventually(Duration::from_secs(30), || async {
            count(
                &pool,
                "SELECT COUNT(*) FROM interview_answers WHERE evaluation_status = 'pending'",
            )
            .await
                == 0
        })
        .await
    );
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(DISTINCT answer_id) FROM answer_evaluations"
        )
        .await,
        60
    );
    let (a, b) = (proxy_a.evaluate_calls(), proxy_b.evaluate_calls());
    assert_eq!(a + b, 60, "each answer went to evaluation once: {a} + {b}");
    assert!(a > 0 && b > 0, "both replicas worked: {a} + {b}");
    println!(
        "RESULT queue with two replicas: 60 answers, {a} evaluated via replica A, {b} via B, none twice"
    );
}

/// CompleteSession and AbandonSession racing on one session: exactly one wins, and the end
/// state is the winner's (completed with its score, or abandoned without one).
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn complete_racing_abandon_has_exactly_one_winner(pool: sqlx::PgPool) {
    let stack = testkit::Stack::start(pool.clone()).await;
    let user = stack.user("torn").await;
    let mut outcomes = Vec::new();
    for round in 0..10u64 {
        let session = testkit::create_session(&stack.session.url(), &user, 2).await;
        let mut client = stack.session_client().await;
        client
            .submit_answer(bearer(&user.access_token, testkit::answer(&session, 0)))
            .await
            .unwrap();
        let (mut c, mut a) = (client.clone(), client.clone());
        let complete = bearer(
            &user.access_token,
            pb::CompleteSessionRequest {
                session_id: session.id.clone(),
            },
        );
        let abandon = bearer(
            &user.access_token,
            pb::AbandonSessionRequest {
                session_id: session.id.clone(),
            },
        );
        // Staggered so that either may get to the row lock first.
        let (completed, abandoned) = tokio::join!(c.complete_session(complete), async {
            tokio::time::sleep(Duration::from_millis(round * 4)).await;
            a.abandon_session(abandon).await
        });
        let stored: (String, Option<rust_decimal::Decimal>) = sqlx::query_as(
            "SELECT status, overall_score FROM interview_sessions WHERE id = $1::uuid",
        )
        .bind(&session.id)
        .fetch_one(&pool)
        .await
        .unwrap();
        match (&completed, &abandoned) {
            (Ok(done), Err(lost)) => {
                assert_eq!(lost.code(), Code::FailedPrecondition, "{lost:?}");
                let done = done.get_ref().session.as_ref().unwrap();
                assert_eq!(done.status(), SessionStatus::Completed);
                assert_eq!(stored.0, "completed");
                assert!(stored.1.is_some());
                outcomes.push("completed");
            }
            (Err(lost), Ok(_)) => {
                assert_eq!(lost.code(), Code::FailedPrecondition, "{lost:?}");
                assert_eq!(stored, ("abandoned".to_owned(), None));
                outcomes.push("abandoned");
            }
            other => panic!("exactly one must win: {other:?}"),
        }
    }
    println!("RESULT complete vs abandon, 10 races: {outcomes:?}");
}
