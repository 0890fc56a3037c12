//! No secret ever appears in the logs: the three real binaries run a whole journey with
//! `RUST_LOG=debug` and JSON logs, and their captured output is searched for every
//! password, token and key the test used.

use std::time::Duration;

use base64::{Engine, engine::general_purpose::STANDARD};
use interview_coach_proto::{
    identity::v1::{self as id_pb, identity_service_client::IdentityServiceClient},
    session::v1::{self as pb, session_service_client::SessionServiceClient},
};
use interview_coach_testkit::{self as testkit, Process, User, bearer};
use tonic::Code;

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn a_journey_with_debug_logging_leaks_no_password_token_or_key(pool: sqlx::PgPool) {
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let password = format!("first-password-{unique}");
    let new_password = format!("second-password-{unique}");
    let wrong_password = format!("wrong-password-{unique}");
    let service_token = format!("service-token-{unique}");
    let key_pem = testkit::new_private_key_pem();
    let (database_url, database_password) = with_password(
        &testkit::database_url(&pool),
        &format!("db-password-{unique}"),
    );
    let logs = tempfile::tempdir().unwrap();
    let common = |extra: &[(&'static str, String)]| {
        let mut env = vec![
            ("DATABASE_URL", database_url.clone()),
            ("MIGRATE", "false".into()),
            ("RUST_LOG", "debug".into()),
            ("LOG_FORMAT", "json".into()),
        ];
        env.extend_from_slice(extra);
        env
    };
    let (identity_port, evaluation_port, session_port) = (
        testkit::free_port(),
        testkit::free_port(),
        testkit::free_port(),
    );
    let mut identity = Process::spawn(
        "identity-service",
        identity_port,
        &common(&[
            ("JWT_SIGNING_KEYS", key_pem.clone()),
            ("BCRYPT_COST", "4".into()),
            ("BCRYPT_ALLOW_INSECURE_COST", "true".into()),
        ]),
        logs.path(),
    );
    let mut evaluation = Process::spawn(
        "evaluation-service",
        evaluation_port,
        &common(&[("SERVICE_TOKEN", service_token.clone())]),
        logs.path(),
    );
    identity.wait_serving().await;
    evaluation.wait_serving().await;
    let mut session = Process::spawn(
        "session-service",
        session_port,
        &common(&[
            ("SERVICE_TOKEN", service_token.clone()),
            ("IDENTITY_URL", identity.url()),
            ("EVALUATION_URL", evaluation.url()),
        ]),
        logs.path(),
    );
    session.wait_serving().await;

    // The journey, with every secret it handles collected.
    let mut secrets: Vec<(String, String)> = vec![
        ("password".into(), password.clone()),
        ("new password".into(), new_password.clone()),
        ("wrong password".into(), wrong_password.clone()),
        ("service token".into(), service_token.clone()),
        ("signing key PEM".into(), key_pem.clone()),
    ];
    if let Some(password) = database_password {
        secrets.push(("database password".into(), password));
    }
    let key_body: String = key_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    secrets.push(("signing key body".into(), key_body.clone()));
    // The 32 secret bytes of the key are the last 32 of its PKCS#8 DER.
    let der = STANDARD.decode(&key_body).unwrap();
    secrets.push((
        "signing key seed".into(),
        STANDARD.encode(&der[der.len() - 32..]),
    ));
    let mut add_tokens = |what: &str, tokens: &id_pb::TokenPair| {
        secrets.push((format!("{what} access token"), tokens.access_token.clone()));
        let signature = tokens.access_token.rsplit('.').next().unwrap().to_owned();
        secrets.push((format!("{what} access token signature"), signature));
        secrets.push((
            format!("{what} refresh token"),
            tokens.refresh_token.clone(),
        ));
    };

    let mut id_client = IdentityServiceClient::connect(identity.url())
        .await
        .unwrap();
    let email = format!("secret-{unique}@example.com");
    let registered = id_client
        .register(id_pb::RegisterRequest {
            email: email.clone(),
            password: password.clone(),
            name: "Keeper".into(),
        })
        .await
        .unwrap()
        .into_inner();
    add_tokens("register", registered.tokens.as_ref().unwrap());
    let err = id_client
        .login(id_pb::LoginRequest {
            email: email.clone(),
            password: wrong_password.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);
    let login = id_client
        .login(id_pb::LoginRequest {
            email: email.clone(),
            password: password.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    add_tokens("login", login.tokens.as_ref().unwrap());
    let refreshed = id_client
        .refresh_token(id_pb::RefreshTokenRequest {
            refresh_token: login.tokens.as_ref().unwrap().refresh_token.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    add_tokens("refresh", refreshed.tokens.as_ref().unwrap());
    // Reuse of the used token: revokes the family.
    let err = id_client
        .refresh_token(id_pb::RefreshTokenRequest {
            refresh_token: login.tokens.as_ref().unwrap().refresh_token.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);

    let user = User {
        id: registered.user.as_ref().unwrap().id.clone(),
        email: email.clone(),
        access_token: registered.tokens.as_ref().unwrap().access_token.clone(),
    };
    let mut client = SessionServiceClient::connect(session.url()).await.unwrap();
    let interview = client
        .create_session(bearer(&user.access_token, testkit::new_session(2)))
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    for index in 0..2 {
        client
            .submit_answer(bearer(
                &user.access_token,
                testkit::answer(&interview, index),
            ))
            .await
            .unwrap();
    }
    client
        .complete_session(bearer(
            &user.access_token,
            pb::CompleteSessionRequest {
                session_id: interview.id.clone(),
            },
        ))
        .await
        .unwrap();
    client
        .get_progress(bearer(&user.access_token, pb::GetProgressRequest {}))
        .await
        .unwrap();
    let forged = format!("{}x", user.access_token);
    let err = client
        .get_progress(bearer(&forged, pb::GetProgressRequest {}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);

    let changed = id_client
        .change_password(bearer(
            &user.access_token,
            id_pb::ChangePasswordRequest {
                current_password: password.clone(),
                new_password: new_password.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    add_tokens("change password", changed.tokens.as_ref().unwrap());
    id_client
        .logout(id_pb::LogoutRequest {
            refresh_token: changed.tokens.as_ref().unwrap().refresh_token.clone(),
        })
        .await
        .unwrap();
    // The access token of before the change is revoked: delete with the new one.
    id_client
        .delete_current_user(bearer(
            &changed.tokens.as_ref().unwrap().access_token,
            id_pb::DeleteCurrentUserRequest {
                password: new_password.clone(),
            },
        ))
        .await
        .unwrap();

    for process in [&identity, &evaluation, &session] {
        process.terminate();
    }
    for process in [&mut identity, &mut evaluation, &mut session] {
        assert!(
            process.wait_exit(Duration::from_secs(15)).await.is_some(),
            "{} exits on SIGTERM",
            process.name
        );
    }

    let mut leaks = Vec::new();
    let mut debug_lines = 0;
    for process in [&identity, &evaluation, &session] {
        let log = process.log();
        debug_lines += log
            .lines()
            .filter(|l| l.contains(r#""level":"DEBUG""#))
            .count();
        for (what, secret) in &secrets {
            if log.contains(secret.as_str()) {
                leaks.push(format!("{what} in the {} log", process.name));
            }
        }
    }
    assert!(
        debug_lines >= 20,
        "debug logging was on ({debug_lines} debug lines)"
    );
    let session_log = session.log();
    assert!(
        session_log.contains("SubmitAnswer"),
        "the journey is in the logs"
    );
    assert!(leaks.is_empty(), "secrets in the logs: {leaks:?}");
    let total: usize = [&identity, &evaluation, &session]
        .iter()
        .map(|p| p.log().lines().count())
        .sum();
    println!(
        "RESULT secrets in logs: {} secrets searched in {total} log lines ({debug_lines} at \
         DEBUG) of the three binaries: none found",
        secrets.len()
    );
}

/// `url` with a password to look for in the logs, and that password: the URL's own if it
/// has one, else `fallback` (Postgres with trust authentication ignores it).
fn with_password(url: &str, fallback: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_owned(), None);
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return (url.to_owned(), None);
    };
    match userinfo.split_once(':') {
        Some((_, password)) if !password.is_empty() => (url.to_owned(), Some(password.to_owned())),
        _ => {
            let user = userinfo.split(':').next().unwrap_or(userinfo);
            (
                format!("{scheme}://{user}:{fallback}@{host}"),
                Some(fallback.to_owned()),
            )
        }
    }
}
