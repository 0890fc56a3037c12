//! Postgres stopped and started again under load. The test runs its own Postgres cluster
//! (the shared server stays untouched) with the three services on it, in-process, never
//! restarted.

use std::{
    collections::HashSet,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use interview_coach_common::{db::DatabaseSettings, probe};
use interview_coach_testkit::{self as testkit, PrivatePostgres, Stack, bearer, count, eventually};
use tonic::Code;
use uuid::Uuid;

/// Whether every service at `urls` reports `serving`.
async fn all(urls: &[String], serving: bool) -> bool {
    for url in urls {
        let up = matches!(
            probe::check(url, Duration::from_millis(500)).await,
            Ok(true)
        );
        if up != serving {
            return false;
        }
    }
    true
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_follow_postgres_down_and_up_without_losing_an_acknowledged_answer() {
    let postgres = Arc::new(PrivatePostgres::start());
    // One pool per service, as in a deployment.
    let pool = || DatabaseSettings::with_url(postgres.url()).pool().unwrap();
    let admin = pool();
    interview_coach_common::db::migrate(&admin).await.unwrap();
    let key_pem = testkit::new_private_key_pem();
    let identity = testkit::start_identity(&pool(), 0, &key_pem).await;
    let evaluation = testkit::start_evaluation(&pool(), 0).await;
    let mut settings = testkit::session_settings(identity.url(), evaluation.url());
    settings.submit_wait = Duration::from_millis(500);
    settings.retry_max = Duration::from_millis(500);
    let session = testkit::start_session(&pool(), settings).await;
    let stack = Stack {
        pool: admin.clone(),
        identity,
        evaluation,
        session,
        key_pem,
    };
    let urls = [
        stack.identity.url(),
        stack.evaluation.url(),
        stack.session.url(),
    ];
    let user = stack.user("durable").await;
    let mut questions = Vec::new();
    for _ in 0..10 {
        let session = testkit::create_session(&stack.session.url(), &user, 10).await;
        for index in 0..session.questions.len() {
            questions.push(testkit::answer(&session, index));
        }
    }

    // Load: two clients answer one question after another, retrying what failed.
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::<(Instant, Uuid)>::new()));
    let codes = Arc::new(Mutex::new(Vec::<Code>::new()));
    let mut load = tokio::task::JoinSet::new();
    for share in questions.chunks(questions.len() / 2) {
        let share = share.to_vec();
        let mut client = stack.session_client().await;
        let (user, stop, acknowledged, codes) = (
            user.clone(),
            stop.clone(),
            acknowledged.clone(),
            codes.clone(),
        );
        load.spawn(async move {
            for request in share {
                while !stop.load(Ordering::SeqCst) {
                    let result = client
                        .submit_answer(bearer(&user.access_token, request.clone()))
                        .await;
                    let code = result.as_ref().map_or_else(|s| s.code(), |_| Code::Ok);
                    codes.lock().unwrap().push(code);
                    if let Ok(response) = result {
                        let id = response.into_inner().answer.unwrap().id.parse().unwrap();
                        acknowledged.lock().unwrap().push((Instant::now(), id));
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        break;
                    }
                    if code == Code::AlreadyExists {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        });
    }
    assert!(
        eventually(Duration::from_secs(10), || async {
            acknowledged.lock().unwrap().len() >= 5
        })
        .await
    );

    let stopped_at = Instant::now();
    let pg = postgres.clone();
    tokio::task::spawn_blocking(move || pg.stop_server())
        .await
        .unwrap();
    assert!(
        eventually(Duration::from_secs(20), || all(&urls, false)).await,
        "every service reports NOT_SERVING while the database is down"
    );
    let noticed_in = stopped_at.elapsed();

    let started_at = Instant::now();
    let pg = postgres.clone();
    tokio::task::spawn_blocking(move || pg.start_server())
        .await
        .unwrap();
    assert!(
        eventually(Duration::from_secs(20), || all(&urls, true)).await,
        "every service reports SERVING again by itself"
    );
    let recovered_in = started_at.elapsed();
    let before = acknowledged.lock().unwrap().len();
    assert!(
        eventually(Duration::from_secs(15), || async {
            acknowledged.lock().unwrap().len() >= before + 5
        })
        .await,
        "answers are accepted again after the recovery"
    );
    let first_ok_after = acknowledged
        .lock()
        .unwrap()
        .iter()
        .find(|(at, _)| *at > started_at)
        .map(|(at, _)| at.duration_since(started_at));
    stop.store(true, Ordering::SeqCst);
    while load.join_next().await.is_some() {}

    let codes = codes.lock().unwrap().clone();
    assert!(
        codes
            .iter()
            .all(|c| matches!(c, Code::Ok | Code::Unavailable | Code::AlreadyExists)),
        "only OK, UNAVAILABLE (and ALREADY_EXISTS on a retry), never INTERNAL: {codes:?}"
    );
    let acknowledged: Vec<Uuid> = acknowledged
        .lock()
        .unwrap()
        .iter()
        .map(|(_, id)| *id)
        .collect();
    let stored: HashSet<Uuid> = sqlx::query_scalar("SELECT id FROM interview_answers")
        .fetch_all(&admin)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let lost: Vec<&Uuid> = acknowledged
        .iter()
        .filter(|id| !stored.contains(id))
        .collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    // The answers left pending by the outage are evaluated once the database is back.
    assert!(
        eventually(Duration::from_secs(30), || async {
            count(
                &admin,
                "SELECT COUNT(*) FROM interview_answers WHERE evaluation_status = 'pending'",
            )
            .await
                == 0
        })
        .await
    );
    assert_eq!(
        count(&admin, "SELECT COUNT(*) FROM answer_evaluations").await,
        stored.len() as i64
    );
    println!(
        "RESULT postgres restart: NOT_SERVING everywhere {noticed_in:?} after the stop, \
         SERVING everywhere {recovered_in:?} after the start, first OK SubmitAnswer \
         {first_ok_after:?} after the start; {} acknowledged, all stored; {} UNAVAILABLE, \
         {} OK",
        acknowledged.len(),
        codes.iter().filter(|c| **c == Code::Unavailable).count(),
        codes.iter().filter(|c| **c == Code::Ok).count(),
    );
}
