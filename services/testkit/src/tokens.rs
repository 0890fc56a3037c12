//! Credentials: bearer metadata, signing keys and access tokens signed by the test.

use ed25519_dalek::pkcs8::{EncodePrivateKey, spki::der::pem::LineEnding};
use interview_coach_common::auth::AccessClaims;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rand::RngCore;
use tonic::{Request, metadata::MetadataValue};

/// `message` with `authorization: Bearer <token>`.
pub fn bearer<T>(token: &str, message: T) -> Request<T> {
    let mut request = Request::new(message);
    request.metadata_mut().insert(
        "authorization",
        MetadataValue::try_from(format!("Bearer {token}")).expect("metadata"),
    );
    request
}

/// A fresh Ed25519 private key as PKCS#8 PEM.
pub fn new_private_key_pem() -> String {
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    ed25519_dalek::SigningKey::from_bytes(&secret)
        .to_pkcs8_pem(LineEnding::LF)
        .expect("encode key")
        .to_string()
}

/// Claims of an access token for `user_id`, as identity issues them (valid for 10 minutes).
pub fn claims(user_id: &str) -> AccessClaims {
    let now = chrono::Utc::now().timestamp();
    AccessClaims {
        sub: user_id.to_owned(),
        iss: "interview-coach-identity".into(),
        aud: "interview-coach".into(),
        iat: now,
        nbf: now,
        exp: now + 600,
        jti: uuid::Uuid::new_v4().to_string(),
    }
}

/// An EdDSA token signed with the PKCS#8 `pem` under `kid`.
pub fn sign(pem: &str, kid: &str, claims: &AccessClaims) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(
        &header,
        claims,
        &EncodingKey::from_ed_pem(pem.as_bytes()).expect("an Ed25519 PEM"),
    )
    .expect("sign")
}

/// `message` with `token` as bearer if there is one, else without metadata.
pub fn maybe_bearer<T>(token: Option<&str>, message: T) -> Request<T> {
    match token {
        Some(token) => bearer(token, message),
        None => Request::new(message),
    }
}
