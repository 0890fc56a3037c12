//! Graceful shutdown of the real session-service binary on SIGTERM.

use std::time::{Duration, Instant};

use interview_coach_proto::session::v1::{
    self as pb, EvaluationState, session_service_client::SessionServiceClient,
};
use interview_coach_testkit::{
    self as testkit, Process, StallingServer, bearer, count, eventually,
};
use tonic::Code;

const DRAIN: Duration = Duration::from_secs(5);

/// A call the server did not take: UNAVAILABLE (no connection), or CANCELLED when the client
/// sent it as the server closed the idle connection.
fn refused(status: &tonic::Status) -> bool {
    matches!(status.code(), Code::Unavailable | Code::Cancelled)
}

/// Six SubmitAnswer calls are in flight (each waiting 2 s for a stalled evaluation) when
/// SIGTERM arrives: they all complete OK, new calls are refused at once, and the process
/// exits cleanly within the drain bound.
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn sigterm_lets_in_flight_calls_finish_refuses_new_ones_and_exits_within_the_drain(
    pool: sqlx::PgPool,
) {
    let key_pem = testkit::new_private_key_pem();
    let identity = testkit::start_identity(&pool, 0, &key_pem).await;
    let evaluation = testkit::start_evaluation(&pool, 0).await;
    let proxy = StallingServer::start(&evaluation.url(), Duration::ZERO).await;
    let logs = tempfile::tempdir().unwrap();
    let mut session = Process::spawn(
        "session-service",
        testkit::free_port(),
        &[
            ("DATABASE_URL", testkit::database_url(&pool)),
            ("IDENTITY_URL", identity.url()),
            ("EVALUATION_URL", proxy.url()),
            ("SERVICE_TOKEN", testkit::SERVICE_TOKEN.into()),
            ("MIGRATE", "false".into()),
            ("SUBMIT_EVALUATION_WAIT_MS", "2000".into()),
            ("SHUTDOWN_DRAIN_SECS", DRAIN.as_secs().to_string()),
            ("RUST_LOG", "info".into()),
        ],
        logs.path(),
    );
    session.wait_serving().await;
    let user = testkit::register(&identity.url(), "leaving").await;
    let interview = testkit::create_session(&session.url(), &user, 7).await;
    proxy.set_stall(Duration::from_secs(30));

    let mut in_flight = tokio::task::JoinSet::new();
    for index in 0..6 {
        let mut client = SessionServiceClient::connect(session.url()).await.unwrap();
        let request = bearer(&user.access_token, testkit::answer(&interview, index));
        in_flight.spawn(async move { client.submit_answer(request).await });
    }
    assert!(
        eventually(Duration::from_secs(10), || async {
            proxy.evaluate_calls() >= 6
        })
        .await,
        "all six calls are in flight"
    );
    let existing = SessionServiceClient::connect(session.url()).await.unwrap();

    let terminated = Instant::now();
    session.terminate();
    // New calls, on a new connection or on one opened before, are refused.
    assert!(
        eventually(Duration::from_secs(2), || async {
            SessionServiceClient::connect(session.url()).await.is_err()
        })
        .await,
        "new connections are refused after SIGTERM"
    );
    let refused_in = terminated.elapsed();
    // A connection opened before SIGTERM gets GOAWAY: after the HTTP/2 handshake of the
    // graceful close, its new calls are refused too.
    assert!(
        eventually(Duration::from_secs(2), || {
            let mut existing = existing.clone();
            let user = user.clone();
            async move {
                match existing
                    .get_progress(bearer(&user.access_token, pb::GetProgressRequest {}))
                    .await
                {
                    Ok(_) => false,
                    Err(status) => {
                        assert!(refused(&status), "{status:?}");
                        true
                    }
                }
            }
        })
        .await,
        "calls on an existing connection are refused after SIGTERM"
    );
    let existing_refused_in = terminated.elapsed();
    let late = existing
        .clone()
        .submit_answer(bearer(&user.access_token, testkit::answer(&interview, 6)))
        .await
        .unwrap_err();
    assert!(refused(&late), "{late:?}");

    let mut completed = 0;
    while let Some(result) = in_flight.join_next().await {
        let response = result
            .unwrap()
            .expect("an in-flight call completes")
            .into_inner();
        assert_eq!(response.evaluation_state(), EvaluationState::Pending);
        completed += 1;
    }
    assert_eq!(completed, 6);
    let status = session
        .wait_exit(DRAIN + Duration::from_secs(3))
        .await
        .expect("the process exits within the drain bound");
    let exited_in = terminated.elapsed();
    assert!(
        status.success(),
        "clean exit: {status:?}\n{}",
        session.log()
    );
    assert!(
        exited_in < DRAIN + Duration::from_secs(1),
        "exited after {exited_in:?}"
    );
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM interview_answers").await,
        6,
        "every acknowledged answer is stored, the refused one is not"
    );
    let log = session.log();
    assert!(log.contains("SIGTERM received"), "{log}");
    println!(
        "RESULT SIGTERM: new connections refused after {refused_in:?}, new calls on an \
         existing connection after {existing_refused_in:?}, 6 in-flight calls completed OK, \
         process exited {exited_in:?} after SIGTERM (drain bound {DRAIN:?})"
    );
}
