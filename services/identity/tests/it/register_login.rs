//! Register and Login over gRPC against a fresh database.

use std::time::{Duration, Instant};

use interview_coach_proto::identity::v1::{LoginRequest, RegisterRequest};
use interview_coach_testkit::{IdentityApp, PASSWORD, expect_code, violated_fields};
use sqlx::PgPool;
use tonic::Code;

fn register_request(email: &str, password: &str, name: &str) -> RegisterRequest {
    RegisterRequest {
        email: email.to_owned(),
        password: password.to_owned(),
        name: name.to_owned(),
    }
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn register_creates_a_normalised_account_and_signs_it_in(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    let response = app
        .client
        .clone()
        .register(register_request(
            "  Ada@Example.COM ",
            PASSWORD,
            "  Ada Lovelace ",
        ))
        .await
        .unwrap()
        .into_inner();

    let user = response.user.unwrap();
    assert_eq!(user.email, "ada@example.com");
    assert_eq!(user.name, "Ada Lovelace");
    assert!(uuid::Uuid::parse_str(&user.id).is_ok());
    assert!(user.create_time.is_some() && user.update_time.is_some());

    let tokens = response.tokens.unwrap();
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.access_token.split('.').count(), 3);
    assert_eq!(tokens.refresh_token.len(), 43);
    let now = chrono::Utc::now().timestamp();
    let access_exp = tokens.access_token_expire_time.unwrap().seconds;
    assert!((access_exp - now - 900).abs() <= 5, "15 minutes by default");
    let refresh_exp = tokens.refresh_token_expire_time.unwrap().seconds;
    assert!(
        (refresh_exp - now - 30 * 24 * 3600).abs() <= 5,
        "30 days by default"
    );

    let (stored_hash, stored_name): (String, String) =
        sqlx::query_as("SELECT password_hash, name FROM users WHERE email = 'ada@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(
        stored_hash.starts_with("$2b$04$"),
        "bcrypt at the configured cost"
    );
    assert!(!stored_hash.contains(PASSWORD));
    assert_eq!(stored_name, "Ada Lovelace");
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn register_reports_every_bad_field(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    let mut client = app.client.clone();

    let status = expect_code(
        client
            .register(register_request("not-an-email", "short", "   "))
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&status), ["email", "name", "password"]);

    // 40 characters but 73 bytes: refused, never truncated.
    let multibyte = format!("{}{}", "é".repeat(33), "a".repeat(7));
    let status = expect_code(
        client
            .register(register_request("a@example.com", &multibyte, "Ada"))
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&status), ["password"]);
    assert!(
        status.message().contains("72 bytes"),
        "{}",
        status.message()
    );

    let cases = [
        register_request("a@example.com", &"a".repeat(11), "Ada"),
        register_request("a@example.com", &"é".repeat(129), "Ada"),
        register_request("a b@example.com", PASSWORD, "Ada"),
        register_request(&format!("{}@example.com", "a".repeat(244)), PASSWORD, "Ada"),
        register_request("a@example.com", PASSWORD, &"n".repeat(256)),
        register_request("a@example.com", PASSWORD, "Ada\nLovelace"),
    ];
    let expected = ["password", "password", "email", "email", "name", "name"];
    for (request, field) in cases.into_iter().zip(expected) {
        let status = expect_code(client.register(request).await, Code::InvalidArgument);
        assert_eq!(violated_fields(&status), [field]);
    }

    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(users, 0, "nothing is written for a bad request");
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn boundary_lengths_are_accepted(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    let mut client = app.client.clone();
    let email = format!("{}@example.com", "a".repeat(243));
    assert_eq!(email.chars().count(), 255);
    let response = client
        .register(register_request(&email, &"é".repeat(36), &"n".repeat(255)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.user.unwrap().email, email);
    client
        .login(LoginRequest {
            email,
            password: "é".repeat(36),
        })
        .await
        .unwrap();
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn a_taken_email_is_already_exists_whatever_its_case(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    app.register("ada@example.com").await;
    let status = expect_code(
        app.client
            .clone()
            .register(register_request(" ADA@example.com", PASSWORD, "Other"))
            .await,
        Code::AlreadyExists,
    );
    assert!(
        !status.message().contains("idx_users_email"),
        "no SQL details"
    );
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn twenty_concurrent_registrations_of_one_email_make_one_account(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..20 {
        let mut client = app.client.clone();
        tasks.spawn(async move {
            client
                .register(register_request(
                    "race@example.com",
                    PASSWORD,
                    &format!("n{i}"),
                ))
                .await
                .map(|_| ())
                .map_err(|status| status.code())
        });
    }
    let results = tasks.join_all().await;
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let taken = results
        .iter()
        .filter(|r| **r == Err(Code::AlreadyExists))
        .count();
    assert_eq!((ok, taken), (1, 19), "{results:?}");
    let rows: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = 'race@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(rows, 1);
    let tokens: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM refresh_tokens")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(tokens, 1, "only the winner got tokens");
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn login_returns_the_account_and_fresh_tokens(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    let registered = app.register("ada@example.com").await;
    let response = app
        .client
        .clone()
        .login(LoginRequest {
            email: " ADA@Example.com ".to_owned(),
            password: PASSWORD.to_owned(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.user.unwrap().id, registered.user.unwrap().id);
    let tokens = response.tokens.unwrap();
    assert_ne!(
        tokens.refresh_token,
        registered.tokens.unwrap().refresh_token
    );
    let families: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT family_id) FROM refresh_tokens")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(families, 2, "each sign-in starts a family");
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn wrong_email_and_wrong_password_fail_alike(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    app.register("ada@example.com").await;
    let mut client = app.client.clone();
    let wrong_password = expect_code(
        client
            .login(LoginRequest {
                email: "ada@example.com".to_owned(),
                password: "not the password".to_owned(),
            })
            .await,
        Code::Unauthenticated,
    );
    let wrong_email = expect_code(
        client
            .login(LoginRequest {
                email: "nobody@example.com".to_owned(),
                password: PASSWORD.to_owned(),
            })
            .await,
        Code::Unauthenticated,
    );
    assert_eq!(wrong_password.message(), wrong_email.message());
    // Longer than 72 bytes with the right first 72 bytes: bcrypt alone would accept it.
    let longer = format!("{PASSWORD}{}", "x".repeat(72));
    expect_code(
        client
            .login(LoginRequest {
                email: "ada@example.com".to_owned(),
                password: longer,
            })
            .await,
        Code::Unauthenticated,
    );
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn login_validates_its_fields(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    let status = expect_code(
        app.client
            .clone()
            .login(LoginRequest {
                email: "nope".to_owned(),
                password: String::new(),
            })
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&status), ["email", "password"]);
}

/// An unknown email must cost a bcrypt verification like a wrong password does (at cost 10
/// one verification takes milliseconds; without the dummy hash the call would be far faster).
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn an_unknown_email_costs_a_full_password_check(pool: PgPool) {
    let app =
        IdentityApp::spawn_with(pool, |settings, _| settings.passwords.bcrypt_cost = 10).await;
    let hash = bcrypt::hash(PASSWORD, 10).unwrap();
    let started = Instant::now();
    assert!(!bcrypt::verify("something else", &hash).unwrap());
    let one_verification = started.elapsed();

    let mut client = app.client.clone();
    let started = Instant::now();
    expect_code(
        client
            .login(LoginRequest {
                email: "nobody@example.com".to_owned(),
                password: PASSWORD.to_owned(),
            })
            .await,
        Code::Unauthenticated,
    );
    let unknown_email = started.elapsed();
    assert!(
        unknown_email >= one_verification / 2 && unknown_email >= Duration::from_millis(5),
        "unknown email answered in {unknown_email:?}, one bcrypt takes {one_verification:?}"
    );
}
