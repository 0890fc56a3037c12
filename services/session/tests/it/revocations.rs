//! Revoked access tokens: after DeleteCurrentUser or ChangePassword, the session service
//! learns the revocation from identity's feed (polled, no call per request) and refuses
//! the tokens it covers; an identity outage keeps what it already knows.

use std::time::Duration;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use interview_coach_proto::{
    common::v1::InterviewType,
    identity::v1::{ChangePasswordRequest, DeleteCurrentUserRequest},
    session::v1::{self as pb, session_service_client::SessionServiceClient},
};
use interview_coach_testkit::{self as testkit, PASSWORD, Stack, User, bearer, eventually};
use tonic::{Code, Status, transport::Channel};

/// Fast enough for tests; production polls every 5 s.
const POLL: Duration = Duration::from_millis(100);
/// How long a revocation may take to reach the session service here.
const PROPAGATION: Duration = Duration::from_secs(10);
/// What every refused token is told.
const INVALID_TOKEN: &str = "invalid or expired access token";

async fn stack(pool: sqlx::PgPool) -> Stack {
    Stack::start_with(pool, |settings| settings.revocation_poll_interval = POLL).await
}

async fn delete_account(stack: &Stack, user: &User) {
    stack
        .identity_client()
        .await
        .delete_current_user(bearer(
            &user.access_token,
            DeleteCurrentUserRequest {
                password: PASSWORD.into(),
            },
        ))
        .await
        .unwrap();
}

async fn list_sessions(
    client: &mut SessionServiceClient<Channel>,
    token: &str,
) -> Result<usize, Status> {
    client
        .list_sessions(bearer(token, pb::ListSessionsRequest::default()))
        .await
        .map(|response| response.into_inner().sessions.len())
}

async fn get_progress(
    client: &mut SessionServiceClient<Channel>,
    token: &str,
) -> Result<(), Status> {
    client
        .get_progress(bearer(token, pb::GetProgressRequest::default()))
        .await
        .map(|_| ())
}

async fn get_session(
    client: &mut SessionServiceClient<Channel>,
    token: &str,
    session_id: &str,
) -> Result<(), Status> {
    client
        .get_session(bearer(
            token,
            pb::GetSessionRequest {
                session_id: session_id.to_owned(),
            },
        ))
        .await
        .map(|_| ())
}

fn assert_refused<T: std::fmt::Debug>(result: Result<T, Status>, what: &str) {
    let status = result.expect_err(what);
    assert_eq!(status.code(), Code::Unauthenticated, "{what}: {status:?}");
    assert_eq!(status.message(), INVALID_TOKEN, "{what}");
}

/// Waits until ListSessions refuses `token` (the revocation has arrived).
async fn until_refused(client: &SessionServiceClient<Channel>, token: &str) -> bool {
    eventually(PROPAGATION, || {
        let mut client = client.clone();
        async move {
            list_sessions(&mut client, token)
                .await
                .is_err_and(|status| status.code() == Code::Unauthenticated)
        }
    })
    .await
}

/// The `iat` claim of `token`.
fn issued_at(token: &str) -> i64 {
    let payload = token.split('.').nth(1).unwrap();
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["iat"].as_i64().unwrap()
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn a_deleted_accounts_token_is_unauthenticated(pool: sqlx::PgPool) {
    let stack = stack(pool).await;
    let user = stack.user("leaving").await;
    let bystander = stack.user("staying").await;
    let session = stack
        .create_session(&user, InterviewType::Technical, 30)
        .await;
    stack
        .create_session(&bystander, InterviewType::Behavioral, 30)
        .await;
    let mut client = stack.session_client().await;
    assert_eq!(
        list_sessions(&mut client, &user.access_token)
            .await
            .unwrap(),
        1
    );
    get_progress(&mut client, &user.access_token).await.unwrap();

    delete_account(&stack, &user).await;

    assert!(
        until_refused(&client, &user.access_token).await,
        "the deleted account's token was still accepted after {PROPAGATION:?}"
    );
    assert_refused(
        list_sessions(&mut client, &user.access_token).await,
        "ListSessions",
    );
    assert_refused(
        get_progress(&mut client, &user.access_token).await,
        "GetProgress",
    );
    assert_refused(
        get_session(&mut client, &user.access_token, &session.id).await,
        "GetSession",
    );
    // Nobody else is affected.
    assert_eq!(
        list_sessions(&mut client, &bystander.access_token)
            .await
            .unwrap(),
        1
    );
    get_progress(&mut client, &bystander.access_token)
        .await
        .unwrap();
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn tokens_issued_before_a_password_change_are_unauthenticated(pool: sqlx::PgPool) {
    let stack = stack(pool).await;
    let user = stack.user("careful").await;
    let session = stack
        .create_session(&user, InterviewType::Technical, 30)
        .await;
    // `iat` has whole seconds, and a token issued in the very second of the change stays
    // valid: let the clock leave the second the old token was issued in.
    let old_iat = issued_at(&user.access_token);
    assert!(
        eventually(Duration::from_secs(3), || async {
            chrono::Utc::now().timestamp() > old_iat
        })
        .await
    );

    let fresh = stack
        .identity_client()
        .await
        .change_password(bearer(
            &user.access_token,
            ChangePasswordRequest {
                current_password: PASSWORD.into(),
                new_password: "a brand new passphrase".into(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap()
        .access_token;

    let mut client = stack.session_client().await;
    assert!(
        until_refused(&client, &user.access_token).await,
        "the old token was still accepted after {PROPAGATION:?}"
    );
    assert_refused(
        get_session(&mut client, &user.access_token, &session.id).await,
        "GetSession with the old token",
    );
    get_session(&mut client, &fresh, &session.id)
        .await
        .expect("the token issued with the change works");
    assert_eq!(list_sessions(&mut client, &fresh).await.unwrap(), 1);
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn revocations_outlive_an_identity_outage_and_resume_after_it(pool: sqlx::PgPool) {
    let mut stack = stack(pool).await;
    let (first, second) = (stack.user("first").await, stack.user("second").await);
    let mut client = stack.session_client().await;
    delete_account(&stack, &first).await;
    assert!(until_refused(&client, &first.access_token).await);

    let port = stack.identity.port;
    stack.identity.stop().await;
    // Several polls fail meanwhile; the known revocation holds, other tokens still verify
    // with the cached keys.
    let outage_end = tokio::time::Instant::now() + POLL * 5;
    while tokio::time::Instant::now() < outage_end {
        assert_refused(
            list_sessions(&mut client, &first.access_token).await,
            "during the outage",
        );
        assert_eq!(
            list_sessions(&mut client, &second.access_token)
                .await
                .unwrap(),
            0
        );
        tokio::time::sleep(POLL / 2).await;
    }

    stack.identity = testkit::start_identity(&stack.pool, port, &stack.key_pem).await;
    delete_account(&stack, &second).await;
    assert!(
        until_refused(&client, &second.access_token).await,
        "polling did not resume after the outage"
    );
    assert_refused(
        list_sessions(&mut client, &first.access_token).await,
        "after the outage",
    );
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn a_new_replica_knows_the_revocations_in_force_from_the_start(pool: sqlx::PgPool) {
    let stack = stack(pool.clone()).await;
    let user = stack.user("gone").await;
    delete_account(&stack, &user).await;

    // A replica that would not poll again for an hour: only its first fetch can know.
    let replica = stack
        .start_session_replica(|s| s.revocation_poll_interval = Duration::from_secs(3600))
        .await;
    let mut client = SessionServiceClient::connect(replica.url()).await.unwrap();
    assert_refused(
        list_sessions(&mut client, &user.access_token).await,
        "ListSessions on the new replica",
    );
    assert_refused(
        get_progress(&mut client, &user.access_token).await,
        "GetProgress on the new replica",
    );
}
