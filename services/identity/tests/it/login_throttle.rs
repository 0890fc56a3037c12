//! Failed-login throttling per email and per peer, with RetryInfo.

use std::time::Duration;

use identity_service::app::login_throttle::ThrottleSettings;
use interview_coach_proto::identity::v1::{DeleteCurrentUserRequest, LoginRequest};
use interview_coach_testkit::{IdentityApp, PASSWORD, bearer, expect_code};
use sqlx::PgPool;
use tonic::{Code, Status};
use tonic_types::StatusExt;

fn login(email: &str, password: &str) -> LoginRequest {
    LoginRequest {
        email: email.to_owned(),
        password: password.to_owned(),
    }
}

fn limits(per_email: u32, per_peer: u32) -> ThrottleSettings {
    ThrottleSettings {
        max_failures_per_email: per_email,
        max_failures_per_peer: per_peer,
        window: Duration::from_secs(600),
    }
}

fn retry_delay(status: &Status) -> Duration {
    status
        .get_details_retry_info()
        .expect("RESOURCE_EXHAUSTED carries google.rpc.RetryInfo")
        .retry_delay
        .expect("a retry delay")
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn an_email_is_throttled_after_its_failures_even_with_the_right_password(pool: PgPool) {
    let app = IdentityApp::spawn_with(pool, |s, _| s.login_throttle = limits(3, 100)).await;
    app.register("ada@example.com").await;
    let mut client = app.client.clone();
    for _ in 0..3 {
        expect_code(
            client
                .login(login("ada@example.com", "wrong password!"))
                .await,
            Code::Unauthenticated,
        );
    }
    let status = expect_code(
        client.login(login("ADA@example.com", PASSWORD)).await,
        Code::ResourceExhausted,
    );
    let delay = retry_delay(&status);
    assert!(
        delay > Duration::from_secs(590) && delay <= Duration::from_secs(600),
        "{delay:?}"
    );
    // Other accounts are unaffected.
    app.register("bob@example.com").await;
    client
        .login(login("bob@example.com", PASSWORD))
        .await
        .unwrap();
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn a_peer_is_throttled_across_emails(pool: PgPool) {
    let app = IdentityApp::spawn_with(pool, |s, _| s.login_throttle = limits(100, 3)).await;
    app.register("ada@example.com").await;
    let mut client = app.client.clone();
    for i in 0..3 {
        expect_code(
            client
                .login(login(&format!("nobody{i}@example.com"), PASSWORD))
                .await,
            Code::Unauthenticated,
        );
    }
    let status = expect_code(
        client.login(login("ada@example.com", PASSWORD)).await,
        Code::ResourceExhausted,
    );
    assert!(retry_delay(&status) > Duration::ZERO);
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn a_successful_login_clears_the_email_counter(pool: PgPool) {
    let app = IdentityApp::spawn_with(pool, |s, _| s.login_throttle = limits(3, 100)).await;
    app.register("ada@example.com").await;
    let mut client = app.client.clone();
    for _ in 0..2 {
        expect_code(
            client
                .login(login("ada@example.com", "wrong password!"))
                .await,
            Code::Unauthenticated,
        );
    }
    client
        .login(login("ada@example.com", PASSWORD))
        .await
        .unwrap();
    for _ in 0..2 {
        expect_code(
            client
                .login(login("ada@example.com", "wrong password!"))
                .await,
            Code::Unauthenticated,
        );
    }
    client
        .login(login("ada@example.com", PASSWORD))
        .await
        .unwrap();
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn confirmation_passwords_share_the_throttle(pool: PgPool) {
    let app = IdentityApp::spawn_with(pool, |s, _| s.login_throttle = limits(2, 100)).await;
    let token = app
        .register("ada@example.com")
        .await
        .tokens
        .unwrap()
        .access_token;
    let mut client = app.client.clone();
    let delete = |password: &str| {
        bearer(
            &token,
            DeleteCurrentUserRequest {
                password: password.to_owned(),
            },
        )
    };
    for _ in 0..2 {
        expect_code(
            client.delete_current_user(delete("wrong password!")).await,
            Code::Unauthenticated,
        );
    }
    let status = expect_code(
        client.delete_current_user(delete(PASSWORD)).await,
        Code::ResourceExhausted,
    );
    assert!(retry_delay(&status) > Duration::ZERO);
    expect_code(
        client.login(login("ada@example.com", PASSWORD)).await,
        Code::ResourceExhausted,
    );
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(users, 1, "the throttled delete did nothing");
}

/// A throttled attempt is refused before bcrypt runs: at cost 10 a password check takes
/// milliseconds, the refusal much less.
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn throttled_attempts_do_no_password_work(pool: PgPool) {
    let app = IdentityApp::spawn_with(pool, |s, _| {
        s.login_throttle = limits(1, 100);
        s.passwords.bcrypt_cost = 10;
    })
    .await;
    let mut client = app.client.clone();
    let started = std::time::Instant::now();
    expect_code(
        client.login(login("nobody@example.com", PASSWORD)).await,
        Code::Unauthenticated,
    );
    let checked = started.elapsed();
    let started = std::time::Instant::now();
    expect_code(
        client.login(login("nobody@example.com", PASSWORD)).await,
        Code::ResourceExhausted,
    );
    let refused = started.elapsed();
    assert!(
        refused * 4 < checked,
        "refusal took {refused:?}, a checked attempt {checked:?}"
    );
}
