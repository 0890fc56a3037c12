//! Faults of the evaluation service: killed (SIGKILL) while answers arrive, and slower than
//! the deadline. (Identity down with cached keys: services/session/tests/it/outages.rs.)

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use interview_coach_proto::session::v1::{self as pb, EvaluationState};
use interview_coach_testkit::{
    self as testkit, Process, Stack, assert_status, bearer, count, eventually,
};
use tonic::Code;

fn evaluation_env(pool: &sqlx::PgPool) -> Vec<(&'static str, String)> {
    vec![
        ("DATABASE_URL", testkit::database_url(pool)),
        ("SERVICE_TOKEN", testkit::SERVICE_TOKEN.into()),
        ("MIGRATE", "false".into()),
        ("RUST_LOG", "warn".into()),
    ]
}

/// 100 answers arrive over 10 sessions; after the 30th is acknowledged the evaluation
/// service (the real binary) is SIGKILLed, and started again once all 100 are in.
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn evaluation_killed_while_100_answers_arrive_loses_and_duplicates_nothing(
    pool: sqlx::PgPool,
) {
    let mut stack = Stack::start_with(pool.clone(), |s| {
        s.submit_wait = Duration::from_millis(500);
        s.retry_max = Duration::from_millis(500);
    })
    .await;
    let user = stack.user("steady").await;
    let mut sessions = Vec::new();
    for _ in 0..10 {
        sessions.push(testkit::create_session(&stack.session.url(), &user, 10).await);
    }
    // The in-process evaluation service makes way for the real binary on the same port.
    let port = stack.evaluation.port;
    stack.evaluation.stop().await;
    let logs = tempfile::tempdir().unwrap();
    let mut evaluation = Process::spawn(
        "evaluation-service",
        port,
        &evaluation_env(&pool),
        logs.path(),
    );
    evaluation.wait_serving().await;

    let acknowledged = Arc::new(AtomicUsize::new(0));
    // Each sender stops after its fifth answer until the kill, so the kill comes after 30
    // to 50 answers however fast the calls are; the others are then in flight or to come.
    let (killed_tx, killed_rx) = tokio::sync::watch::channel(false);
    let mut senders = tokio::task::JoinSet::new();
    for session in sessions.clone() {
        let mut client = stack.session_client().await;
        let user = user.clone();
        let acknowledged = acknowledged.clone();
        let mut killed = killed_rx.clone();
        senders.spawn(async move {
            let mut first_codes = Vec::new();
            for index in 0..session.questions.len() {
                let mut first = true;
                loop {
                    let result = client
                        .submit_answer(bearer(&user.access_token, testkit::answer(&session, index)))
                        .await;
                    let code = result.as_ref().map_or_else(|s| s.code(), |_| Code::Ok);
                    if first {
                        first_codes.push(code);
                        first = false;
                    }
                    match code {
                        Code::Ok => {
                            acknowledged.fetch_add(1, Ordering::SeqCst);
                            break;
                        }
                        // A retry of an answer stored before the failure.
                        Code::AlreadyExists => break,
                        Code::Unavailable => {
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                        _ => panic!("SubmitAnswer answered {result:?}"),
                    }
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
                if index == 4 {
                    let _ = killed.wait_for(|k| *k).await;
                }
            }
            first_codes
        });
    }
    assert!(
        eventually(Duration::from_secs(30), || async {
            acknowledged.load(Ordering::SeqCst) >= 30
        })
        .await
    );
    evaluation.kill();
    let killed_after = acknowledged.load(Ordering::SeqCst);
    killed_tx.send(true).unwrap();

    let mut codes = Vec::new();
    while let Some(result) = senders.join_next().await {
        codes.extend(result.unwrap());
    }
    assert_eq!(codes.len(), 100);
    assert!(
        codes
            .iter()
            .all(|c| matches!(c, Code::Ok | Code::Unavailable)),
        "only OK or UNAVAILABLE, never INTERNAL: {codes:?}"
    );
    assert!(
        killed_after < 100,
        "the kill happened while answers arrived"
    );
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM interview_answers").await,
        100
    );
    let evaluated_before_restart = count(&pool, "SELECT COUNT(*) FROM answer_evaluations").await;
    assert!(
        evaluated_before_restart < 100,
        "some answers waited for the restart"
    );

    let restarted = Instant::now();
    let evaluation = Process::spawn(
        "evaluation-service",
        port,
        &evaluation_env(&pool),
        logs.path(),
    );
    evaluation.wait_serving().await;
    assert!(
        eventually(Duration::from_secs(60), || async {
            count(
                &pool,
                "SELECT COUNT(*) FROM interview_answers WHERE evaluation_status = 'pending'",
            )
            .await
                == 0
        })
        .await,
        "the queue drained after the restart"
    );
    let drained_in = restarted.elapsed();
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM answer_evaluations").await,
        100
    );
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(DISTINCT answer_id) FROM answer_evaluations"
        )
        .await,
        100
    );
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM interview_answers a WHERE (SELECT COUNT(*) FROM \
             answer_evaluations e WHERE e.answer_id = a.id) <> 1"
        )
        .await,
        0,
        "every answer has exactly one evaluation"
    );
    println!(
        "RESULT evaluation killed after {killed_after} of 100 acknowledged answers; \
         {evaluated_before_restart} evaluated before the restart; the rest evaluated \
         {drained_in:?} after it; first-attempt codes: {} OK, {} UNAVAILABLE",
        codes.iter().filter(|c| **c == Code::Ok).count(),
        codes.iter().filter(|c| **c == Code::Unavailable).count()
    );
    drop(evaluation);
}

/// An evaluation service that takes 30 s to answer: SubmitAnswer still answers within the
/// configured wait (PENDING), CompleteSession within the deadline (FAILED_PRECONDITION), the
/// worker's retries time out too, and once evaluation is fast again every answer is
/// evaluated exactly once.
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn a_slow_evaluation_service_never_holds_a_call_past_its_deadline(pool: sqlx::PgPool) {
    let wait = Duration::from_millis(1000);
    let deadline = Duration::from_millis(2000);
    let (stack, proxy) = Stack::behind_proxy(pool.clone(), |s| {
        s.submit_wait = wait;
        s.evaluate_timeout = deadline;
        s.retry_max = Duration::from_secs(1);
    })
    .await;
    let user = stack.user("patient").await;
    let session = testkit::create_session(&stack.session.url(), &user, 6).await;
    proxy.set_stall(Duration::from_secs(30));

    let mut calls = tokio::task::JoinSet::new();
    for index in 0..4 {
        let mut client = stack.session_client().await;
        let request = bearer(&user.access_token, testkit::answer(&session, index));
        calls.spawn(async move {
            let started = Instant::now();
            let response = client.submit_answer(request).await;
            (started.elapsed(), response)
        });
    }
    let mut slowest = Duration::ZERO;
    while let Some(result) = calls.join_next().await {
        let (took, response) = result.unwrap();
        let response = response.expect("the answer is accepted").into_inner();
        assert_eq!(response.evaluation_state(), EvaluationState::Pending);
        assert!(response.evaluation.is_none());
        slowest = slowest.max(took);
    }
    assert!(
        slowest < wait + Duration::from_millis(1500),
        "SubmitAnswer took {slowest:?} with a wait of {wait:?}"
    );
    assert!(
        proxy.evaluate_calls() >= 4,
        "the calls did reach the slow service"
    );

    let started = Instant::now();
    let err = stack
        .session_client()
        .await
        .complete_session(bearer(
            &user.access_token,
            pb::CompleteSessionRequest {
                session_id: session.id.clone(),
            },
        ))
        .await
        .unwrap_err();
    let complete_took = started.elapsed();
    assert_status(&err, Code::FailedPrecondition, &[]);
    assert!(
        complete_took < deadline + Duration::from_millis(1500),
        "CompleteSession took {complete_took:?} with a deadline of {deadline:?}"
    );

    // The queue worker tries again, and times out again, leaving the answers pending.
    let seen = proxy.evaluate_calls();
    assert!(
        eventually(Duration::from_secs(15), || async {
            proxy.evaluate_calls() >= seen + 4
        })
        .await,
        "the worker retried"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM interview_answers WHERE evaluation_status = 'pending'"
        )
        .await,
        4
    );
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM answer_evaluations").await,
        0
    );

    proxy.set_stall(Duration::ZERO);
    assert!(
        eventually(Duration::from_secs(20), || async {
            count(
                &pool,
                "SELECT COUNT(*) FROM interview_answers WHERE evaluation_status = 'pending'",
            )
            .await
                == 0
        })
        .await,
        "evaluated once the service is fast again"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(DISTINCT answer_id) FROM answer_evaluations"
        )
        .await,
        4
    );
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM answer_evaluations").await,
        4
    );
    let completed = stack
        .session_client()
        .await
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
    assert!(completed.overall_score.is_some());
    println!(
        "RESULT slow evaluation (30 s stall): slowest SubmitAnswer {slowest:?} (wait {wait:?}), \
         CompleteSession {complete_took:?} (deadline {deadline:?})"
    );
}
