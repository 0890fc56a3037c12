//! Abuse and authorization: forged and stale tokens on the session service, other users'
//! ids on every session RPC, end-user tokens on the evaluation service, password guessing
//! and login timing.
//!
//! Cited, not repeated: identity's own token forgeries (services/identity/tests/
//! access_tokens.rs), refresh-token reuse revoking the family and password change revoking
//! every refresh token (services/identity/tests/it/refresh_tokens.rs, account.rs).

use std::time::{Duration, Instant};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use identity_service::app::login_throttle::ThrottleSettings;
use interview_coach_proto::{
    evaluation::v1::{self as eval_pb, evaluation_service_client::EvaluationServiceClient},
    identity::v1::{
        self as id_pb, ListSigningKeysRequest, identity_service_client::IdentityServiceClient,
    },
    session::v1::{self as pb, session_service_client::SessionServiceClient},
};
use interview_coach_testkit::{self as testkit, Running, Stack, bearer, fingerprint, maybe_bearer};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use tonic::{Code, Status, transport::Channel};
use tonic_types::StatusExt;

/// Calls every session RPC with `token` (None: no metadata) and returns the outcomes.
async fn every_session_rpc(
    client: &mut SessionServiceClient<Channel>,
    token: Option<&str>,
    session_id: &str,
    question_id: &str,
) -> Vec<(&'static str, Result<(), Status>)> {
    let session_id = session_id.to_owned();
    vec![
        (
            "CreateSession",
            client
                .create_session(maybe_bearer(token, testkit::new_session(1)))
                .await
                .map(drop),
        ),
        (
            "GetSession",
            client
                .get_session(maybe_bearer(
                    token,
                    pb::GetSessionRequest {
                        session_id: session_id.clone(),
                    },
                ))
                .await
                .map(drop),
        ),
        (
            "ListSessions",
            client
                .list_sessions(maybe_bearer(token, pb::ListSessionsRequest::default()))
                .await
                .map(drop),
        ),
        (
            "SubmitAnswer",
            client
                .submit_answer(maybe_bearer(
                    token,
                    pb::SubmitAnswerRequest {
                        session_id: session_id.clone(),
                        question_id: question_id.to_owned(),
                        answer_text: "an answer".into(),
                    },
                ))
                .await
                .map(drop),
        ),
        (
            "CompleteSession",
            client
                .complete_session(maybe_bearer(
                    token,
                    pb::CompleteSessionRequest {
                        session_id: session_id.clone(),
                    },
                ))
                .await
                .map(drop),
        ),
        (
            "AbandonSession",
            client
                .abandon_session(maybe_bearer(
                    token,
                    pb::AbandonSessionRequest {
                        session_id: session_id.clone(),
                    },
                ))
                .await
                .map(drop),
        ),
        (
            "GetProgress",
            client
                .get_progress(maybe_bearer(token, pb::GetProgressRequest {}))
                .await
                .map(drop),
        ),
    ]
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn forged_and_stale_tokens_are_unauthenticated_on_every_session_rpc(pool: sqlx::PgPool) {
    let stack = Stack::start(pool.clone()).await;
    let user = stack.user("target").await;
    let interview = stack
        .create_session(
            &user,
            interview_coach_proto::common::v1::InterviewType::Technical,
            30,
        )
        .await;
    let published = stack
        .identity_client()
        .await
        .list_signing_keys(ListSigningKeysRequest {})
        .await
        .unwrap()
        .into_inner();
    let kid = published.keys[0].kid.clone();
    let public_pem = published.keys[0].public_key_pem.clone();
    let pem = stack.key_pem.clone();
    let now = chrono::Utc::now().timestamp();
    let mut client = stack.session_client().await;

    // The control: a token made here the way identity makes them is accepted.
    let good = testkit::sign(&pem, &kid, &testkit::claims(&user.id));
    for (rpc, result) in every_session_rpc(
        &mut client,
        Some(&good),
        &interview.id,
        &interview.questions[0].id,
    )
    .await
    {
        if rpc != "CompleteSession" && rpc != "AbandonSession" {
            result.unwrap_or_else(|s| panic!("control {rpc}: {s:?}"));
        }
    }
    let interview = stack
        .create_session(
            &user,
            interview_coach_proto::common::v1::InterviewType::Technical,
            30,
        )
        .await;

    let mut forgeries: Vec<(&str, String)> = Vec::new();
    let mut expired = testkit::claims(&user.id);
    (expired.iat, expired.nbf, expired.exp) = (now - 1000, now - 1000, now - 120);
    forgeries.push(("expired", testkit::sign(&pem, &kid, &expired)));
    let mut early = testkit::claims(&user.id);
    early.nbf = now + 300;
    forgeries.push(("not yet valid", testkit::sign(&pem, &kid, &early)));
    let mut audience = testkit::claims(&user.id);
    audience.aud = "someone-else".into();
    forgeries.push(("wrong audience", testkit::sign(&pem, &kid, &audience)));
    let mut issuer = testkit::claims(&user.id);
    issuer.iss = "evil-identity".into();
    forgeries.push(("wrong issuer", testkit::sign(&pem, &kid, &issuer)));
    let none_header =
        URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"none","typ":"JWT","kid":"{kid}"}}"#));
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&testkit::claims(&user.id)).unwrap());
    forgeries.push(("alg none", format!("{none_header}.{payload}.")));
    let mut hs_header = Header::new(Algorithm::HS256);
    hs_header.kid = Some(kid.clone());
    forgeries.push((
        "HS256 keyed with the public key",
        jsonwebtoken::encode(
            &hs_header,
            &testkit::claims(&user.id),
            &EncodingKey::from_secret(public_pem.as_bytes()),
        )
        .unwrap(),
    ));
    let stranger = testkit::new_private_key_pem();
    forgeries.push((
        "unknown kid",
        testkit::sign(&stranger, "unknown-kid-0001", &testkit::claims(&user.id)),
    ));
    forgeries.push((
        "another key under our kid",
        testkit::sign(&stranger, &kid, &testkit::claims(&user.id)),
    ));
    let parts: Vec<&str> = good.split('.').collect();
    let mut swapped: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    swapped["sub"] = serde_json::Value::String(uuid::Uuid::new_v4().to_string());
    forgeries.push((
        "payload changed after signing",
        format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&swapped).unwrap()),
            parts[2]
        ),
    ));
    forgeries.push((
        "subject not a UUID",
        testkit::sign(&pem, &kid, &testkit::claims("not-a-uuid")),
    ));
    forgeries.push(("not a JWT", "garbage".into()));

    let before = fingerprint(&pool).await;
    let mut checked = 0;
    for (what, token) in &forgeries {
        for (rpc, result) in every_session_rpc(
            &mut client,
            Some(token),
            &interview.id,
            &interview.questions[0].id,
        )
        .await
        {
            let status = result.expect_err(what);
            assert_eq!(
                status.code(),
                Code::Unauthenticated,
                "{what} on {rpc}: {status:?}"
            );
            checked += 1;
        }
    }
    for (rpc, result) in
        every_session_rpc(&mut client, None, &interview.id, &interview.questions[0].id).await
    {
        let status = result.expect_err("no metadata");
        assert_eq!(status.code(), Code::Unauthenticated, "no token on {rpc}");
        checked += 1;
    }
    assert_eq!(fingerprint(&pool).await, before, "nothing was written");
    println!(
        "RESULT tokens: {checked} forged, stale or missing tokens on session RPCs: all UNAUTHENTICATED"
    );
}

/// The token of a deleted account keeps its signature until it expires, but identity
/// publishes the deletion (ListTokenRevocations) and the session service, polling it,
/// refuses the token: UNAUTHENTICATED on every RPC of both services, nothing written.
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn a_deleted_users_token_is_unauthenticated_on_every_rpc(pool: sqlx::PgPool) {
    let stack = Stack::start_with(pool.clone(), |settings| {
        settings.revocation_poll_interval = Duration::from_millis(100);
    })
    .await;
    let user = stack.user("gone").await;
    let interview = stack
        .create_session(
            &user,
            interview_coach_proto::common::v1::InterviewType::Technical,
            30,
        )
        .await;
    let mut identity = stack.identity_client().await;
    identity
        .delete_current_user(bearer(
            &user.access_token,
            id_pb::DeleteCurrentUserRequest {
                password: testkit::PASSWORD.into(),
            },
        ))
        .await
        .unwrap();
    let mut client = stack.session_client().await;
    let propagated = Instant::now();
    assert!(
        testkit::eventually(Duration::from_secs(10), || {
            let mut client = client.clone();
            let token = user.access_token.clone();
            async move {
                client
                    .list_sessions(bearer(&token, pb::ListSessionsRequest::default()))
                    .await
                    .is_err_and(|status| status.code() == Code::Unauthenticated)
            }
        })
        .await,
        "the deletion never reached the session service"
    );
    let propagated = propagated.elapsed();

    let before = fingerprint(&pool).await;
    let mut outcomes = every_session_rpc(
        &mut client,
        Some(&user.access_token),
        &interview.id,
        &interview.questions[0].id,
    )
    .await;
    let token = user.access_token.as_str();
    outcomes.extend([
        (
            "GetCurrentUser",
            identity
                .get_current_user(bearer(token, id_pb::GetCurrentUserRequest {}))
                .await
                .map(drop),
        ),
        (
            "UpdateCurrentUser",
            identity
                .update_current_user(bearer(
                    token,
                    id_pb::UpdateCurrentUserRequest {
                        name: "Ghost".into(),
                    },
                ))
                .await
                .map(drop),
        ),
        (
            "ChangePassword",
            identity
                .change_password(bearer(
                    token,
                    id_pb::ChangePasswordRequest {
                        current_password: testkit::PASSWORD.into(),
                        new_password: "another long passphrase".into(),
                    },
                ))
                .await
                .map(drop),
        ),
        (
            "DeleteCurrentUser",
            identity
                .delete_current_user(bearer(
                    token,
                    id_pb::DeleteCurrentUserRequest {
                        password: testkit::PASSWORD.into(),
                    },
                ))
                .await
                .map(drop),
        ),
    ]);
    assert_eq!(fingerprint(&pool).await, before, "nothing was written");
    assert_eq!(outcomes.len(), 11);
    for (rpc, result) in &outcomes {
        let status = result.as_ref().expect_err(rpc);
        assert_eq!(status.code(), Code::Unauthenticated, "{rpc}: {status:?}");
        assert_eq!(
            status.message(),
            "invalid or expired access token",
            "{rpc}: the message of any invalid token"
        );
    }
    println!(
        "RESULT deleted user's token: {} RPCs (7 session, 4 identity) all UNAUTHENTICATED, \
         nothing written; refused by the session service {propagated:?} after the deletion \
         (poll every 100 ms)",
        outcomes.len()
    );
}

/// Every session RPC with another user's ids is NOT_FOUND with the very message a
/// random id gets, whatever state the other user's session is in, and changes nothing.
/// (Extends services/session/tests/it/rules.rs, which covers an in-progress session.)
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn another_users_ids_are_not_found_on_every_rpc_and_change_nothing(pool: sqlx::PgPool) {
    use interview_coach_proto::common::v1::InterviewType;
    let stack = Stack::start(pool.clone()).await;
    let owner = stack.user("owner").await;
    let intruder = stack.user("intruder").await;
    let mut client = stack.session_client().await;
    let open = stack
        .create_session(&owner, InterviewType::Technical, 30)
        .await;
    client
        .submit_answer(bearer(&owner.access_token, testkit::answer(&open, 0)))
        .await
        .unwrap();
    let completed = stack
        .create_session(&owner, InterviewType::Behavioral, 30)
        .await;
    client
        .submit_answer(bearer(&owner.access_token, testkit::answer(&completed, 0)))
        .await
        .unwrap();
    client
        .complete_session(bearer(
            &owner.access_token,
            pb::CompleteSessionRequest {
                session_id: completed.id.clone(),
            },
        ))
        .await
        .unwrap();
    let abandoned = stack
        .create_session(&owner, InterviewType::SystemDesign, 30)
        .await;
    client
        .abandon_session(bearer(
            &owner.access_token,
            pb::AbandonSessionRequest {
                session_id: abandoned.id.clone(),
            },
        ))
        .await
        .unwrap();
    let own = stack
        .create_session(&intruder, InterviewType::Technical, 30)
        .await;
    let owner_page = client
        .list_sessions(bearer(
            &owner.access_token,
            pb::ListSessionsRequest {
                page_size: 1,
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(!owner_page.next_page_token.is_empty());

    let before = fingerprint(&pool).await;
    let random = uuid::Uuid::new_v4().to_string();
    let mut checked = 0;
    for (state, theirs) in [
        ("in progress", &open),
        ("completed", &completed),
        ("abandoned", &abandoned),
    ] {
        // q0 of `open` is answered: ALREADY_EXISTS would reveal it; q1 is not.
        for question in [0, 1] {
            let cases: Vec<(String, pb::SubmitAnswerRequest, pb::SubmitAnswerRequest)> = vec![
                (
                    format!("SubmitAnswer to their question {question} of their {state} session"),
                    pb::SubmitAnswerRequest {
                        session_id: theirs.id.clone(),
                        question_id: theirs.questions[question].id.clone(),
                        answer_text: "mine now".into(),
                    },
                    pb::SubmitAnswerRequest {
                        session_id: random.clone(),
                        question_id: random.clone(),
                        answer_text: "mine now".into(),
                    },
                ),
                (
                    format!(
                        "SubmitAnswer to their question {question} ({state}) through my session"
                    ),
                    pb::SubmitAnswerRequest {
                        session_id: own.id.clone(),
                        question_id: theirs.questions[question].id.clone(),
                        answer_text: "mine now".into(),
                    },
                    pb::SubmitAnswerRequest {
                        session_id: own.id.clone(),
                        question_id: random.clone(),
                        answer_text: "mine now".into(),
                    },
                ),
            ];
            for (what, attack, control) in cases {
                let attack = client
                    .submit_answer(bearer(&intruder.access_token, attack))
                    .await
                    .unwrap_err();
                let control = client
                    .submit_answer(bearer(&intruder.access_token, control))
                    .await
                    .unwrap_err();
                assert_eq!(attack.code(), Code::NotFound, "{what}: {attack:?}");
                assert_eq!(
                    attack.message(),
                    control.message(),
                    "{what}: existence leaks"
                );
                checked += 1;
            }
        }
        let get = |id: &str| pb::GetSessionRequest {
            session_id: id.into(),
        };
        let attack = client
            .get_session(bearer(&intruder.access_token, get(&theirs.id)))
            .await
            .unwrap_err();
        let control = client
            .get_session(bearer(&intruder.access_token, get(&random)))
            .await
            .unwrap_err();
        assert_eq!(
            (attack.code(), attack.message()),
            (Code::NotFound, control.message()),
            "GetSession {state}"
        );
        let complete = |id: &str| pb::CompleteSessionRequest {
            session_id: id.into(),
        };
        let attack = client
            .complete_session(bearer(&intruder.access_token, complete(&theirs.id)))
            .await
            .unwrap_err();
        let control = client
            .complete_session(bearer(&intruder.access_token, complete(&random)))
            .await
            .unwrap_err();
        assert_eq!(
            (attack.code(), attack.message()),
            (Code::NotFound, control.message()),
            "CompleteSession {state}"
        );
        let abandon = |id: &str| pb::AbandonSessionRequest {
            session_id: id.into(),
        };
        let attack = client
            .abandon_session(bearer(&intruder.access_token, abandon(&theirs.id)))
            .await
            .unwrap_err();
        let control = client
            .abandon_session(bearer(&intruder.access_token, abandon(&random)))
            .await
            .unwrap_err();
        assert_eq!(
            (attack.code(), attack.message()),
            (Code::NotFound, control.message()),
            "AbandonSession {state}"
        );
        checked += 3;
    }
    // Their page token shows nothing of theirs.
    let listed = client
        .list_sessions(bearer(
            &intruder.access_token,
            pb::ListSessionsRequest {
                page_size: 10,
                page_token: owner_page.next_page_token.clone(),
                status: 0,
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(
        listed.sessions.iter().all(|s| s.id == own.id),
        "only the intruder's own sessions: {:?}",
        listed.sessions
    );
    let progress = client
        .get_progress(bearer(&intruder.access_token, pb::GetProgressRequest {}))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(progress.sessions_completed, 0);
    assert!(progress.by_type.is_empty());
    checked += 2;
    assert_eq!(
        fingerprint(&pool).await,
        before,
        "nothing of theirs changed"
    );
    println!(
        "RESULT cross-user: {checked} calls with another user's ids: NOT_FOUND, no leak, nothing changed"
    );
}

/// The evaluation service accepts only the service credential: a real, valid end-user
/// access token is refused on every RPC, and so is no credential. The session service in
/// turn refuses the service credential as an access token.
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn evaluation_refuses_user_tokens_and_session_refuses_the_service_token(pool: sqlx::PgPool) {
    let stack = Stack::start(pool.clone()).await;
    let user = stack.user("curious").await;
    let interview = stack
        .create_session(
            &user,
            interview_coach_proto::common::v1::InterviewType::Technical,
            30,
        )
        .await;
    let mut evaluation = EvaluationServiceClient::connect(stack.evaluation.url())
        .await
        .unwrap();
    let before = fingerprint(&pool).await;
    let evaluate = eval_pb::EvaluateAnswerRequest {
        session_id: interview.id.clone(),
        question_id: interview.questions[0].id.clone(),
        answer_id: uuid::Uuid::new_v4().to_string(),
        question_text: interview.questions[0].text.clone(),
        interview_type: 1,
        difficulty: 2,
        answer_text: "an answer".into(),
        ..Default::default()
    };
    let mut checked = 0;
    for token in [Some(user.access_token.as_str()), None] {
        let generate = eval_pb::GenerateQuestionsRequest {
            interview_type: 1,
            difficulty: 1,
            count: 1,
            exclude_keys: vec![],
        };
        let get = eval_pb::GetEvaluationRequest {
            answer_id: uuid::Uuid::new_v4().to_string(),
        };
        let list = eval_pb::ListEvaluationsRequest {
            session_ids: vec![interview.id.clone()],
            ..Default::default()
        };
        let outcomes = [
            evaluation
                .generate_questions(maybe_bearer(token, generate))
                .await
                .map(drop),
            evaluation
                .evaluate_answer(maybe_bearer(token, evaluate.clone()))
                .await
                .map(drop),
            evaluation
                .get_evaluation(maybe_bearer(token, get))
                .await
                .map(drop),
            evaluation
                .list_evaluations(maybe_bearer(token, list))
                .await
                .map(drop),
        ];
        for result in outcomes {
            assert_eq!(result.unwrap_err().code(), Code::Unauthenticated);
            checked += 1;
        }
    }
    let mut session = stack.session_client().await;
    for (rpc, result) in every_session_rpc(
        &mut session,
        Some(testkit::SERVICE_TOKEN),
        &interview.id,
        &interview.questions[0].id,
    )
    .await
    {
        assert_eq!(result.unwrap_err().code(), Code::Unauthenticated, "{rpc}");
        checked += 1;
    }
    assert_eq!(fingerprint(&pool).await, before);
    println!(
        "RESULT credentials: {checked} calls with the wrong kind of credential: all UNAUTHENTICATED"
    );
}

/// Identity in-process with bcrypt at `cost` and `throttle`; stops when dropped.
async fn identity_with(pool: &sqlx::PgPool, cost: u32, throttle: ThrottleSettings) -> Running {
    let mut settings = testkit::identity_settings(&[testkit::new_private_key_pem()]);
    settings.passwords.bcrypt_cost = cost;
    settings.login_throttle = throttle;
    testkit::start_identity_with(pool, settings).await
}

async fn register(client: &mut IdentityServiceClient<Channel>, email: &str) {
    client
        .register(id_pb::RegisterRequest {
            email: email.into(),
            password: testkit::PASSWORD.into(),
            name: "Target".into(),
        })
        .await
        .unwrap();
}

fn login(email: &str, password: &str) -> id_pb::LoginRequest {
    id_pb::LoginRequest {
        email: email.into(),
        password: password.into(),
    }
}

/// 50 wrong passwords for one email: the first few are checked, the rest refused without
/// a check (RESOURCE_EXHAUSTED with RetryInfo), even the right password while the window
/// lasts; other accounts are unaffected; after the window the right password works.
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn password_guessing_is_throttled_and_the_owner_gets_back_in_after_the_window(
    pool: sqlx::PgPool,
) {
    let window = Duration::from_secs(3);
    let identity = identity_with(
        &pool,
        4,
        ThrottleSettings {
            max_failures_per_email: 5,
            max_failures_per_peer: 1_000,
            window,
        },
    )
    .await;
    let mut client = IdentityServiceClient::connect(identity.url())
        .await
        .unwrap();
    register(&mut client, "victim@example.com").await;
    register(&mut client, "bystander@example.com").await;

    let started = Instant::now();
    let (mut wrong, mut throttled, mut retry_after) = (0, 0, Duration::ZERO);
    for attempt in 0..50 {
        let status = client
            .login(login(
                "victim@example.com",
                &format!("guess number {attempt:03}"),
            ))
            .await
            .unwrap_err();
        match status.code() {
            Code::Unauthenticated => wrong += 1,
            Code::ResourceExhausted => {
                throttled += 1;
                let retry = status
                    .get_details_retry_info()
                    .and_then(|r| r.retry_delay)
                    .expect("RetryInfo");
                assert!(retry <= window, "retry in {retry:?}");
                retry_after = retry;
            }
            other => panic!("attempt {attempt}: {other:?} {status:?}"),
        }
    }
    let guessing_took = started.elapsed();
    assert_eq!((wrong, throttled), (5, 45));
    let status = client
        .login(login("victim@example.com", testkit::PASSWORD))
        .await
        .unwrap_err();
    assert_eq!(
        status.code(),
        Code::ResourceExhausted,
        "even the right password waits"
    );
    client
        .login(login("bystander@example.com", testkit::PASSWORD))
        .await
        .expect("another account is not locked out");

    tokio::time::sleep(retry_after + Duration::from_millis(200)).await;
    client
        .login(login("victim@example.com", testkit::PASSWORD))
        .await
        .expect("the right password works after the window");
    println!(
        "RESULT brute force: 50 guesses in {guessing_took:?}: 5 checked (UNAUTHENTICATED),          45 RESOURCE_EXHAUSTED; right password OK {retry_after:?} later"
    );
}

/// Pairs of timed failing logins per batch (each costs a bcrypt check at cost 10, slow in
/// an unoptimised build), and at most this many batches.
const PAIRS_PER_BATCH: usize = 11;
const MAX_BATCHES: usize = 3;

/// A failing login takes as long for an unknown email as for a known one with a wrong
/// password (bcrypt cost 10): the medians are within 10%, so timing does not tell which
/// emails have accounts. Measured in pairs, alternating which goes first; when other tests
/// load the machine and a batch's medians are not within 10%, up to two more batches are
/// pooled with it (a real difference persists, noise does not).
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn failing_logins_for_unknown_and_known_emails_take_the_same_time(pool: sqlx::PgPool) {
    // Cost 10, the lowest the service accepts in production.
    let identity = identity_with(
        &pool,
        10,
        ThrottleSettings {
            max_failures_per_email: 1_000_000,
            max_failures_per_peer: 1_000_000,
            window: Duration::from_secs(60),
        },
    )
    .await;
    let mut client = IdentityServiceClient::connect(identity.url())
        .await
        .unwrap();
    register(&mut client, "known@example.com").await;
    let timed = |email: String| {
        let mut client = client.clone();
        async move {
            let started = Instant::now();
            let status = client
                .login(login(&email, "a wrong password"))
                .await
                .unwrap_err();
            assert_eq!(status.code(), Code::Unauthenticated);
            started.elapsed()
        }
    };
    let unknown_email = || format!("nobody-{}@example.com", uuid::Uuid::new_v4().simple());
    timed("known@example.com".into()).await;
    timed(unknown_email()).await;

    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    let mut ratio = f64::NAN;
    for _ in 0..MAX_BATCHES {
        for pair in 0..PAIRS_PER_BATCH {
            if pair % 2 == 0 {
                known.push(timed("known@example.com".into()).await);
                unknown.push(timed(unknown_email()).await);
            } else {
                unknown.push(timed(unknown_email()).await);
                known.push(timed("known@example.com".into()).await);
            }
        }
        ratio =
            testkit::median(&mut unknown).as_secs_f64() / testkit::median(&mut known).as_secs_f64();
        if (0.9..=1.1).contains(&ratio) {
            break;
        }
    }
    let (known_median, unknown_median) =
        (testkit::median(&mut known), testkit::median(&mut unknown));
    println!(
        "RESULT login timing (bcrypt cost 10, {} each): median known email {known_median:?}, \
         unknown email {unknown_median:?}, ratio {ratio:.3}",
        known.len()
    );
    assert!(
        known_median >= Duration::from_millis(5),
        "a bcrypt check at cost 10 takes time: {known_median:?}"
    );
    assert!(
        (0.9..=1.1).contains(&ratio),
        "medians differ by more than 10%: known {known_median:?}, unknown {unknown_median:?}"
    );
}
