//! Access tokens: what they carry, who accepts them, and every forgery that must fail.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use interview_coach_common::auth::TokenVerifier;
use interview_coach_proto::identity::v1::{
    GetCurrentUserRequest, ListSigningKeysRequest, ListSigningKeysResponse,
};
use interview_coach_testkit::{
    self as testkit, IdentityApp, bearer, expect_code, new_private_key_pem,
};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sqlx::PgPool;
use tonic::{Code, Request};
use uuid::Uuid;

async fn signing_keys(app: &IdentityApp) -> ListSigningKeysResponse {
    app.client
        .clone()
        .list_signing_keys(ListSigningKeysRequest {})
        .await
        .unwrap()
        .into_inner()
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn published_keys_verify_issued_tokens_through_token_verifier(pool: PgPool) {
    let app = IdentityApp::spawn_with(pool, |settings, pems| {
        pems.push(new_private_key_pem());
        settings.tokens.signing_keys =
            Some(identity_service::app::tokens::SigningKeys::from_pem(&pems.concat()).unwrap());
    })
    .await;
    let published = signing_keys(&app).await;
    assert_eq!(published.issuer, "interview-coach-identity");
    assert_eq!(published.audience, "interview-coach");
    assert_eq!(published.keys.len(), 2);
    assert!(published.keys[0].active && !published.keys[1].active);
    for key in &published.keys {
        assert_eq!(key.algorithm, "EdDSA");
        assert_eq!(key.kid.len(), 16);
        assert!(key.public_key_pem.starts_with("-----BEGIN PUBLIC KEY-----"));
        assert!(!key.public_key_pem.contains("PRIVATE"));
    }

    // What the session service does: load the PEMs into a TokenVerifier.
    let verifier = TokenVerifier::new(&published.issuer, &published.audience);
    let loaded = verifier
        .set_keys(
            published
                .keys
                .iter()
                .map(|k| (k.kid.as_str(), k.public_key_pem.as_str())),
        )
        .unwrap();
    assert_eq!(loaded, 2);

    let registered = app.register("ada@example.com").await;
    let user_id = registered.user.unwrap().id;
    let token = registered.tokens.unwrap().access_token;
    let verified = verifier.verify(&token).unwrap();
    assert_eq!(verified.user_id.0.to_string(), user_id);
    let header = jsonwebtoken::decode_header(&token).unwrap();
    assert_eq!(header.alg, Algorithm::EdDSA);
    assert_eq!(header.kid.as_deref(), Some(published.keys[0].kid.as_str()));
    assert_eq!(verified.claims.exp - verified.claims.iat, 900);

    // A token signed by the second (verify-only) key is still accepted.
    let older = testkit::sign(
        &app.private_key_pems[1],
        &published.keys[1].kid,
        &testkit::claims(&user_id),
    );
    assert!(verifier.verify(&older).is_ok());
    let user = app
        .client
        .clone()
        .get_current_user(bearer(&older, GetCurrentUserRequest {}))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(user.id, user_id);
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn forged_and_stale_tokens_are_unauthenticated(pool: PgPool) {
    let app = IdentityApp::spawn(pool).await;
    let published = signing_keys(&app).await;
    let kid = published.keys[0].kid.clone();
    let public_pem = published.keys[0].public_key_pem.clone();
    let pem = app.private_key_pems[0].clone();
    let ada = app.register("ada@example.com").await;
    let ada_id = ada.user.unwrap().id;
    let ada_token = ada.tokens.unwrap().access_token;
    let bob_id = app.register("bob@example.com").await.user.unwrap().id;
    let mut client = app.client.clone();

    // The control: a well-formed token from this key is accepted.
    let good = testkit::sign(&pem, &kid, &testkit::claims(&ada_id));
    client
        .get_current_user(bearer(&good, GetCurrentUserRequest {}))
        .await
        .unwrap();

    let now = chrono::Utc::now().timestamp();
    let mut forgeries: Vec<(&str, String)> = Vec::new();

    let mut expired = testkit::claims(&ada_id);
    expired.iat = now - 1000;
    expired.nbf = now - 1000;
    expired.exp = now - 120;
    forgeries.push(("expired", testkit::sign(&pem, &kid, &expired)));

    let mut not_yet = testkit::claims(&ada_id);
    not_yet.nbf = now + 120;
    forgeries.push(("nbf in the future", testkit::sign(&pem, &kid, &not_yet)));

    let mut wrong_iss = testkit::claims(&ada_id);
    wrong_iss.iss = "someone-else".to_owned();
    forgeries.push(("wrong issuer", testkit::sign(&pem, &kid, &wrong_iss)));

    let mut wrong_aud = testkit::claims(&ada_id);
    wrong_aud.aud = "another-audience".to_owned();
    forgeries.push(("wrong audience", testkit::sign(&pem, &kid, &wrong_aud)));

    let none_header =
        URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"none","typ":"JWT","kid":"{kid}"}}"#));
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&testkit::claims(&ada_id)).unwrap());
    forgeries.push(("alg none", format!("{none_header}.{payload}.")));

    let mut hs_header = Header::new(Algorithm::HS256);
    hs_header.kid = Some(kid.clone());
    let hs256 = jsonwebtoken::encode(
        &hs_header,
        &testkit::claims(&ada_id),
        &EncodingKey::from_secret(public_pem.as_bytes()),
    )
    .unwrap();
    forgeries.push(("HS256 keyed with the public key PEM", hs256));

    let stranger = new_private_key_pem();
    forgeries.push((
        "unknown kid",
        testkit::sign(&stranger, "0123456789abcdef", &testkit::claims(&ada_id)),
    ));
    forgeries.push((
        "another key claiming our kid",
        testkit::sign(&stranger, &kid, &testkit::claims(&ada_id)),
    ));

    let parts: Vec<&str> = ada_token.split('.').collect();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["sub"] = serde_json::Value::String(bob_id.clone());
    let swapped = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    forgeries.push((
        "payload changed to another user",
        format!("{}.{swapped}.{}", parts[0], parts[2]),
    ));

    forgeries.push(("not a JWT", "garbage".to_owned()));
    forgeries.push((
        "well signed for a user that does not exist",
        testkit::sign(&pem, &kid, &testkit::claims(&Uuid::new_v4().to_string())),
    ));

    for (what, token) in forgeries {
        let status = expect_code(
            client
                .get_current_user(bearer(&token, GetCurrentUserRequest {}))
                .await,
            Code::Unauthenticated,
        );
        assert!(!status.message().is_empty(), "{what}");
    }

    // No token at all, and a non-Bearer scheme.
    expect_code(
        client.get_current_user(GetCurrentUserRequest {}).await,
        Code::Unauthenticated,
    );
    let mut basic = Request::new(GetCurrentUserRequest {});
    basic
        .metadata_mut()
        .insert("authorization", format!("Basic {good}").parse().unwrap());
    expect_code(client.get_current_user(basic).await, Code::Unauthenticated);
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn without_configured_keys_one_is_generated_and_works(pool: PgPool) {
    let app = IdentityApp::spawn_with(pool, |settings, pems| {
        settings.tokens.signing_keys = None;
        pems.clear();
    })
    .await;
    let published = signing_keys(&app).await;
    assert_eq!(published.keys.len(), 1);
    assert!(published.keys[0].active);
    let token = app
        .register("ada@example.com")
        .await
        .tokens
        .unwrap()
        .access_token;
    app.client
        .clone()
        .get_current_user(bearer(&token, GetCurrentUserRequest {}))
        .await
        .unwrap();
}
