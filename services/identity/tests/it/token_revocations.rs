//! ListTokenRevocations: account deletion and password change revoke access tokens, identity
//! refuses them itself, and the feed lists them (filtered by `since`) until they expire.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, TimeDelta, Utc};
use identity_service::{
    app::tokens::{AccessTokenIssuer, SigningKeys},
    settings::TokenSettings,
};
use interview_coach_common::time::timestamp;
use interview_coach_proto::identity::v1::{
    ChangePasswordRequest, DeleteCurrentUserRequest, GetCurrentUserRequest,
    ListTokenRevocationsRequest, ListTokenRevocationsResponse, TokenRevocation,
    UpdateCurrentUserRequest,
};
use interview_coach_testkit::{IdentityApp, PASSWORD, bearer, expect_code, violated_fields};
use sqlx::PgPool;
use tonic::{Code, Request};
use uuid::Uuid;

/// 9999-12-31T23:59:59Z: the `not_before` of a deleted account.
const EVERY_TOKEN: i64 = 253_402_300_799;
/// Access-token lifetime of the test settings (the default) plus the verifiers' leeway.
const REVOCATION_LIFETIME: TimeDelta = TimeDelta::seconds(900 + 30);

async fn revocations(
    app: &IdentityApp,
    since: Option<DateTime<Utc>>,
) -> ListTokenRevocationsResponse {
    app.client
        .clone()
        .list_token_revocations(Request::new(ListTokenRevocationsRequest {
            since: since.map(timestamp),
        }))
        .await
        .unwrap()
        .into_inner()
}

fn listed(response: &ListTokenRevocationsResponse, user_id: &str) -> Vec<TokenRevocation> {
    response
        .revocations
        .iter()
        .filter(|r| r.user_id == user_id)
        .cloned()
        .collect()
}

fn as_of(response: &ListTokenRevocationsResponse) -> DateTime<Utc> {
    let as_of = response.as_of.unwrap();
    DateTime::from_timestamp(as_of.seconds, u32::try_from(as_of.nanos).unwrap()).unwrap()
}

/// A genuine access token of `user_id` whose `iat` is `iat`, signed with the app's key.
fn access_token_issued_at(app: &IdentityApp, user_id: &str, iat: i64) -> String {
    let keys = SigningKeys::from_pem(&app.private_key_pems[0]).unwrap();
    let defaults = TokenSettings::with_defaults();
    AccessTokenIssuer::new(
        Arc::new(keys),
        defaults.issuer,
        defaults.audience,
        defaults.access_ttl,
    )
    .issue(
        Uuid::parse_str(user_id).unwrap(),
        DateTime::from_timestamp(iat, 0).unwrap(),
    )
    .unwrap()
    .token
}

async fn stored_expiry(pool: &PgPool, user_id: &str) -> DateTime<Utc> {
    sqlx::query_scalar("SELECT expires_at FROM token_revocations WHERE user_id = $1")
        .bind(Uuid::parse_str(user_id).unwrap())
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn delete_account(app: &IdentityApp, access_token: &str) {
    app.client
        .clone()
        .delete_current_user(bearer(
            access_token,
            DeleteCurrentUserRequest {
                password: PASSWORD.to_owned(),
            },
        ))
        .await
        .unwrap();
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn a_deleted_account_is_listed_with_every_token_revoked(pool: PgPool) {
    let app = IdentityApp::spawn(pool.clone()).await;
    let registered = app.register("ada@example.com").await;
    let user_id = registered.user.unwrap().id;
    let token = registered.tokens.unwrap().access_token;
    let bystander = app.register("bob@example.com").await.user.unwrap().id;

    let before = revocations(&app, None).await;
    assert!(before.revocations.is_empty(), "{before:?}");

    delete_account(&app, &token).await;
    let deleted_at = Utc::now();

    // No token needed: the feed is public, like the signing keys.
    let after = revocations(&app, None).await;
    let entries = listed(&after, &user_id);
    assert_eq!(entries.len(), 1, "{after:?}");
    assert_eq!(entries[0].not_before.unwrap().seconds, EVERY_TOKEN);
    assert!(listed(&after, &bystander).is_empty());
    // Kept until the last token issued before the deletion has expired, no longer.
    let expires_at = stored_expiry(&pool, &user_id).await;
    let expected = deleted_at + REVOCATION_LIFETIME;
    assert!(
        (expires_at - expected).abs() < TimeDelta::seconds(5),
        "{expires_at} vs {expected}"
    );

    // Identity refuses the token like any invalid one.
    let status = expect_code(
        app.client
            .clone()
            .get_current_user(bearer(&token, GetCurrentUserRequest {}))
            .await,
        Code::Unauthenticated,
    );
    assert_eq!(status.message(), "invalid or expired access token");
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn a_password_change_revokes_the_tokens_issued_before_it(pool: PgPool) {
    let app = IdentityApp::spawn(pool.clone()).await;
    let registered = app.register("ada@example.com").await;
    let user_id = registered.user.unwrap().id;
    let old = registered.tokens.unwrap().access_token;
    let mut client = app.client.clone();

    let changed_at = Utc::now();
    let fresh = client
        .change_password(bearer(
            &old,
            ChangePasswordRequest {
                current_password: PASSWORD.to_owned(),
                new_password: "a brand new passphrase".to_owned(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap()
        .access_token;

    let listing = revocations(&app, None).await;
    let entries = listed(&listing, &user_id);
    assert_eq!(entries.len(), 1, "{listing:?}");
    let not_before = entries[0].not_before.unwrap();
    assert_eq!(not_before.nanos, 0, "whole seconds, like `iat`");
    assert!(
        (not_before.seconds - changed_at.timestamp()).abs() <= 2,
        "not_before {} ≈ now {}",
        not_before.seconds,
        changed_at.timestamp()
    );
    let expires_at = stored_expiry(&pool, &user_id).await;
    let expected = changed_at + REVOCATION_LIFETIME;
    assert!((expires_at - expected).abs() < TimeDelta::seconds(5));

    // The token issued with the change works on every authenticated RPC…
    client
        .get_current_user(bearer(&fresh, GetCurrentUserRequest {}))
        .await
        .unwrap();
    client
        .update_current_user(bearer(
            &fresh,
            UpdateCurrentUserRequest {
                name: "Countess".to_owned(),
            },
        ))
        .await
        .unwrap();
    // …while a token issued in an earlier second is refused on them. (One issued in the
    // very second of the change would still pass: `iat` has whole seconds.) The old token
    // was issued at registration, which may share that second: re-sign it a second older.
    let older = access_token_issued_at(&app, &user_id, not_before.seconds - 1);
    for result in [
        client
            .get_current_user(bearer(&older, GetCurrentUserRequest {}))
            .await
            .map(|_| ()),
        client
            .update_current_user(bearer(
                &older,
                UpdateCurrentUserRequest {
                    name: "Intruder".to_owned(),
                },
            ))
            .await
            .map(|_| ()),
        client
            .delete_current_user(bearer(
                &older,
                DeleteCurrentUserRequest {
                    password: "a brand new passphrase".to_owned(),
                },
            ))
            .await
            .map(|_| ()),
    ] {
        let status = expect_code(result, Code::Unauthenticated);
        assert_eq!(status.message(), "invalid or expired access token");
    }
    // The same token re-signed at the change's second passes: the check is on `iat`.
    let same_second = access_token_issued_at(&app, &user_id, not_before.seconds);
    client
        .get_current_user(bearer(&same_second, GetCurrentUserRequest {}))
        .await
        .unwrap();

    // A later change keeps one entry per user, with the later not_before.
    client
        .change_password(bearer(
            &fresh,
            ChangePasswordRequest {
                current_password: "a brand new passphrase".to_owned(),
                new_password: "yet another passphrase".to_owned(),
            },
        ))
        .await
        .unwrap();
    let later = listed(&revocations(&app, None).await, &user_id);
    assert_eq!(later.len(), 1);
    assert!(later[0].not_before.unwrap().seconds >= not_before.seconds);
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn since_lists_only_what_was_recorded_from_then_on(pool: PgPool) {
    let app = IdentityApp::spawn(pool.clone()).await;
    let first = app.register("first@example.com").await;
    let second = app.register("second@example.com").await;
    let first_id = first.user.unwrap().id;
    let second_id = second.user.unwrap().id;

    delete_account(&app, &first.tokens.unwrap().access_token).await;
    let poll = revocations(&app, None).await;
    assert_eq!(listed(&poll, &first_id).len(), 1);
    // as_of is the server's time minus an overlap: a little in the past.
    let lag = Utc::now() - as_of(&poll);
    assert!(
        lag > TimeDelta::zero() && lag < TimeDelta::minutes(2),
        "as_of lags {lag}"
    );

    // Backdate the first revocation beyond the overlap, as if recorded long ago.
    sqlx::query(
        "UPDATE token_revocations SET created_at = NOW() - INTERVAL '10 minutes' \
         WHERE user_id = $1",
    )
    .bind(Uuid::parse_str(&first_id).unwrap())
    .execute(&pool)
    .await
    .unwrap();
    let since = as_of(&revocations(&app, None).await);

    delete_account(&app, &second.tokens.unwrap().access_token).await;
    let next = revocations(&app, Some(since)).await;
    assert!(listed(&next, &first_id).is_empty(), "{next:?}");
    assert_eq!(listed(&next, &second_id).len(), 1, "{next:?}");
    // Everything still in force is listed without `since`.
    let all = revocations(&app, None).await;
    assert_eq!(all.revocations.len(), 2, "{all:?}");
    // Nothing is recorded in the future.
    let future = revocations(&app, Some(Utc::now() + TimeDelta::hours(1))).await;
    assert!(future.revocations.is_empty(), "{future:?}");
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn expired_revocations_are_neither_listed_nor_kept(pool: PgPool) {
    let expired = Uuid::new_v4();
    let in_force = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO token_revocations (user_id, not_before, expires_at) VALUES \
         ($1, NOW(), NOW() - INTERVAL '1 second'), ($2, NOW(), NOW() + INTERVAL '1 hour')",
    )
    .bind(expired)
    .bind(in_force)
    .execute(&pool)
    .await
    .unwrap();

    // The sweeper's first round runs at start-up.
    let app = IdentityApp::spawn(pool.clone()).await;
    let listing = revocations(&app, None).await;
    assert!(listed(&listing, &expired.to_string()).is_empty());
    assert_eq!(listed(&listing, &in_force.to_string()).len(), 1);

    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let left: Vec<Uuid> = sqlx::query_scalar("SELECT user_id FROM token_revocations")
            .fetch_all(&pool)
            .await
            .unwrap();
        if left == [in_force] {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the sweeper never deleted the expired revocation: {left:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn an_invalid_since_is_refused(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    for (seconds, nanos) in [(0, -1), (0, 1_000_000_000), (i64::MAX, 0), (i64::MIN, 0)] {
        let mut since = timestamp(Utc::now());
        since.seconds = seconds;
        since.nanos = nanos;
        let status = expect_code(
            app.client
                .clone()
                .list_token_revocations(ListTokenRevocationsRequest { since: Some(since) })
                .await,
            Code::InvalidArgument,
        );
        assert_eq!(violated_fields(&status), ["since"], "{seconds}.{nanos}");
    }
}
