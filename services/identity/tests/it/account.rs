//! The authenticated account RPCs: GetCurrentUser, UpdateCurrentUser, ChangePassword and
//! DeleteCurrentUser.

use interview_coach_proto::identity::v1::{
    ChangePasswordRequest, DeleteCurrentUserRequest, GetCurrentUserRequest, LoginRequest,
    RefreshTokenRequest, UpdateCurrentUserRequest,
};
use interview_coach_testkit::{IdentityApp, PASSWORD, bearer, expect_code, violated_fields};
use sqlx::PgPool;
use tonic::Code;
use uuid::Uuid;

const NEW_PASSWORD: &str = "a brand new passphrase";

fn login(email: &str, password: &str) -> LoginRequest {
    LoginRequest {
        email: email.to_owned(),
        password: password.to_owned(),
    }
}

fn refresh(token: &str) -> RefreshTokenRequest {
    RefreshTokenRequest {
        refresh_token: token.to_owned(),
    }
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn get_and_update_the_current_user(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    let mut client = app.client.clone();
    let registered = app.register("ada@example.com").await;
    let token = registered.tokens.unwrap().access_token;
    let created = registered.user.unwrap();

    let current = client
        .get_current_user(bearer(&token, GetCurrentUserRequest {}))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(current, created);

    let updated = client
        .update_current_user(bearer(
            &token,
            UpdateCurrentUserRequest {
                name: "  Countess of Lovelace ".to_owned(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(updated.name, "Countess of Lovelace");
    assert_eq!(updated.email, created.email);
    let (created_at, updated_at) = (created.update_time.unwrap(), updated.update_time.unwrap());
    assert!(
        (updated_at.seconds, updated_at.nanos) > (created_at.seconds, created_at.nanos),
        "update_time moves"
    );

    for bad in ["   ", "tab\tinside"] {
        let status = expect_code(
            client
                .update_current_user(bearer(
                    &token,
                    UpdateCurrentUserRequest {
                        name: bad.to_owned(),
                    },
                ))
                .await,
            Code::InvalidArgument,
        );
        assert_eq!(violated_fields(&status), ["name"]);
    }
    expect_code(
        client
            .update_current_user(UpdateCurrentUserRequest {
                name: "No Token".to_owned(),
            })
            .await,
        Code::Unauthenticated,
    );
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn change_password_revokes_every_refresh_token(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    let mut client = app.client.clone();
    let registered = app.register("ada@example.com").await.tokens.unwrap();
    let second_device = client
        .login(login("ada@example.com", PASSWORD))
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap();

    let fresh = client
        .change_password(bearer(
            &registered.access_token,
            ChangePasswordRequest {
                current_password: PASSWORD.to_owned(),
                new_password: NEW_PASSWORD.to_owned(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap();

    for old in [&registered.refresh_token, &second_device.refresh_token] {
        expect_code(
            client.refresh_token(refresh(old)).await,
            Code::Unauthenticated,
        );
    }
    client
        .refresh_token(refresh(&fresh.refresh_token))
        .await
        .unwrap();
    client
        .get_current_user(bearer(&fresh.access_token, GetCurrentUserRequest {}))
        .await
        .unwrap();
    expect_code(
        client.login(login("ada@example.com", PASSWORD)).await,
        Code::Unauthenticated,
    );
    client
        .login(login("ada@example.com", NEW_PASSWORD))
        .await
        .unwrap();
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn change_password_checks_both_passwords(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    let mut client = app.client.clone();
    let tokens = app.register("ada@example.com").await.tokens.unwrap();
    let change = |current: &str, new: &str| {
        bearer(
            &tokens.access_token,
            ChangePasswordRequest {
                current_password: current.to_owned(),
                new_password: new.to_owned(),
            },
        )
    };

    let status = expect_code(
        client
            .change_password(change("wrong password!", NEW_PASSWORD))
            .await,
        Code::Unauthenticated,
    );
    assert_eq!(status.message(), "wrong password");
    let status = expect_code(
        client.change_password(change(PASSWORD, "too short")).await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&status), ["new_password"]);
    let status = expect_code(
        client.change_password(change("", &"x".repeat(73))).await,
        Code::InvalidArgument,
    );
    assert_eq!(
        violated_fields(&status),
        ["current_password", "new_password"]
    );

    // Nothing changed: the old password and refresh token still work.
    client
        .refresh_token(refresh(&tokens.refresh_token))
        .await
        .unwrap();
    client
        .login(login("ada@example.com", PASSWORD))
        .await
        .unwrap();
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn delete_current_user_cascades_to_everything_they_own(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    let mut client = app.client.clone();
    let registered = app.register("ada@example.com").await;
    let user_id = Uuid::parse_str(&registered.user.unwrap().id).unwrap();
    let tokens = registered.tokens.unwrap();
    let bystander = app.register("bob@example.com").await.tokens.unwrap();

    let session_id: Uuid = sqlx::query_scalar(
        "INSERT INTO interview_sessions (user_id, type, duration_minutes, difficulty) \
         VALUES ($1, 'technical', 45, 'medium') RETURNING id",
    )
    .bind(user_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let question_id: Uuid = sqlx::query_scalar(
        "INSERT INTO interview_questions (session_id, question_text, question_type, difficulty, position) \
         VALUES ($1, 'What is a B-tree?', 'technical', 'medium', 1) RETURNING id",
    )
    .bind(session_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let answer_id: Uuid = sqlx::query_scalar(
        "INSERT INTO interview_answers (session_id, question_id, answer_text) \
         VALUES ($1, $2, 'A balanced search tree.') RETURNING id",
    )
    .bind(session_id)
    .bind(question_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO answer_evaluations (session_id, question_id, answer_id, score, feedback_text) \
         VALUES ($1, $2, $3, 7.5, 'Good.')",
    )
    .bind(session_id)
    .bind(question_id)
    .bind(answer_id)
    .execute(&app.pool)
    .await
    .unwrap();

    let delete = |password: &str| {
        bearer(
            &tokens.access_token,
            DeleteCurrentUserRequest {
                password: password.to_owned(),
            },
        )
    };
    expect_code(
        client.delete_current_user(delete("not my password")).await,
        Code::Unauthenticated,
    );
    let status = expect_code(
        client.delete_current_user(delete("")).await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&status), ["password"]);

    client.delete_current_user(delete(PASSWORD)).await.unwrap();

    for table in [
        "users WHERE id = $1",
        "refresh_tokens WHERE user_id = $1",
        "interview_sessions WHERE user_id = $1",
    ] {
        let left: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .bind(user_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert_eq!(left, 0, "{table}");
    }
    for (table, id) in [
        ("interview_questions", question_id),
        ("interview_answers", answer_id),
    ] {
        let left: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE id = $1"))
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert_eq!(left, 0, "{table}");
    }
    let evaluations: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM answer_evaluations WHERE answer_id = $1")
            .bind(answer_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(evaluations, 0);

    // The deleted user's still-unexpired access token no longer works; others are untouched.
    expect_code(
        client
            .get_current_user(bearer(&tokens.access_token, GetCurrentUserRequest {}))
            .await,
        Code::Unauthenticated,
    );
    expect_code(
        client.refresh_token(refresh(&tokens.refresh_token)).await,
        Code::Unauthenticated,
    );
    expect_code(
        client.login(login("ada@example.com", PASSWORD)).await,
        Code::Unauthenticated,
    );
    client
        .get_current_user(bearer(&bystander.access_token, GetCurrentUserRequest {}))
        .await
        .unwrap();
}
