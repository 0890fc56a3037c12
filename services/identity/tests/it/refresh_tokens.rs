//! Refresh tokens: hashed storage, rotation, reuse detection, expiry and Logout.

use interview_coach_proto::identity::v1::{LogoutRequest, RefreshTokenRequest};
use interview_coach_testkit::{IdentityApp, expect_code, violated_fields};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use tonic::Code;

fn refresh(token: &str) -> RefreshTokenRequest {
    RefreshTokenRequest {
        refresh_token: token.to_owned(),
    }
}

async fn live_tokens(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM refresh_tokens WHERE revoked_at IS NULL AND used_at IS NULL",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn only_the_sha256_of_a_refresh_token_is_stored(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    let token = app
        .register("ada@example.com")
        .await
        .tokens
        .unwrap()
        .refresh_token;
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM refresh_tokens")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, Sha256::digest(token.as_bytes()).to_vec());
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn rotation_uses_up_the_token_and_reuse_revokes_the_family(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    let mut client = app.client.clone();
    let first = app.register("ada@example.com").await.tokens.unwrap();
    // A second, independent sign-in must survive the other family's revocation.
    let other_family = app.register("bob@example.com").await.tokens.unwrap();

    let second = client
        .refresh_token(refresh(&first.refresh_token))
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap();
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_ne!(second.access_token, first.access_token);
    let third = client
        .refresh_token(refresh(&second.refresh_token))
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap();

    // The first token again: reuse. Refused, and the whole family goes with it.
    expect_code(
        client.refresh_token(refresh(&first.refresh_token)).await,
        Code::Unauthenticated,
    );
    expect_code(
        client.refresh_token(refresh(&third.refresh_token)).await,
        Code::Unauthenticated,
    );
    let (family_rows, revoked): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(revoked_at) FROM refresh_tokens t JOIN users u ON u.id = t.user_id \
         WHERE u.email = 'ada@example.com'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((family_rows, revoked), (3, 3));

    client
        .refresh_token(refresh(&other_family.refresh_token))
        .await
        .unwrap();
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn two_concurrent_uses_of_one_token_cannot_both_succeed(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    for round in 0..5 {
        let token = app
            .register(&format!("user{round}@example.com"))
            .await
            .tokens
            .unwrap()
            .refresh_token;
        let (mut a, mut b) = (app.client.clone(), app.client.clone());
        let (ra, rb) = tokio::join!(
            a.refresh_token(refresh(&token)),
            b.refresh_token(refresh(&token))
        );
        let ok = [ra.is_ok(), rb.is_ok()].iter().filter(|ok| **ok).count();
        assert_eq!(ok, 1, "exactly one exchange wins: {ra:?} {rb:?}");
        // The loser presented a used token: the winner's new token is revoked too.
        let winner = ra
            .or(rb)
            .unwrap()
            .into_inner()
            .tokens
            .unwrap()
            .refresh_token;
        expect_code(
            app.client.clone().refresh_token(refresh(&winner)).await,
            Code::Unauthenticated,
        );
    }
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn expired_unknown_and_empty_tokens_are_refused(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    let mut client = app.client.clone();
    let token = app
        .register("ada@example.com")
        .await
        .tokens
        .unwrap()
        .refresh_token;
    sqlx::query("UPDATE refresh_tokens SET expires_at = NOW() - INTERVAL '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    expect_code(
        client.refresh_token(refresh(&token)).await,
        Code::Unauthenticated,
    );
    expect_code(
        client.refresh_token(refresh("no-such-token")).await,
        Code::Unauthenticated,
    );
    let status = expect_code(
        client.refresh_token(refresh("  ")).await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&status), ["refresh_token"]);
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn logout_revokes_the_family_and_is_idempotent(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    let mut client = app.client.clone();
    let first = app.register("ada@example.com").await.tokens.unwrap();
    let rotated = client
        .refresh_token(refresh(&first.refresh_token))
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap();
    assert_eq!(live_tokens(&app.pool).await, 1);

    // Logging out with the used ancestor still ends the family.
    let logout = |token: &str| LogoutRequest {
        refresh_token: token.to_owned(),
    };
    client.logout(logout(&first.refresh_token)).await.unwrap();
    assert_eq!(live_tokens(&app.pool).await, 0);
    expect_code(
        client.refresh_token(refresh(&rotated.refresh_token)).await,
        Code::Unauthenticated,
    );

    client.logout(logout(&rotated.refresh_token)).await.unwrap();
    client.logout(logout("never-issued")).await.unwrap();
    let status = expect_code(client.logout(logout("")).await, Code::InvalidArgument);
    assert_eq!(violated_fields(&status), ["refresh_token"]);
}
