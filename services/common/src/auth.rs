//! Access-token verification, shared by every service that accepts end users.
//!
//! Tokens are JWTs signed by the identity service with Ed25519 (`alg: EdDSA`, `kid` in the
//! header). Verification accepts only EdDSA with a known `kid` and checks `exp`, `nbf`,
//! `iss` and `aud`: `alg: none`, HMAC tokens signed with a public key and unknown keys are
//! all refused.

use std::{
    collections::HashMap,
    sync::{
        Arc, RwLock,
        atomic::{AtomicU64, Ordering},
    },
};

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use quick_cache::sync::Cache;
use serde::{Deserialize, Serialize};
use tonic::{Status, metadata::MetadataMap};
use uuid::Uuid;

/// The only algorithm access tokens use.
pub const ALGORITHM: Algorithm = Algorithm::EdDSA;
/// Clock skew tolerated on `exp` and `nbf`, in seconds.
pub const LEEWAY_SECS: u64 = 30;

/// Claims of an access token.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    /// The user id.
    pub sub: String,
    /// Issuer, e.g. `interview-coach-identity`.
    pub iss: String,
    /// Audience, e.g. `interview-coach`.
    pub aud: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Not before (seconds since the epoch).
    pub nbf: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
    /// Unique token id.
    pub jti: String,
}

/// Why a token was refused. Every variant is UNAUTHENTICATED to the caller.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    /// No `authorization: Bearer …` metadata.
    #[error("missing bearer token")]
    Missing,
    /// The token was signed by a key this verifier does not know (yet).
    #[error("unknown signing key")]
    UnknownKey(String),
    /// Malformed, wrong algorithm, bad signature, expired, wrong issuer or audience.
    #[error("invalid token")]
    Invalid,
}

impl From<AuthError> for Status {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::Missing => Status::unauthenticated("missing access token"),
            AuthError::UnknownKey(_) | AuthError::Invalid => {
                Status::unauthenticated("invalid or expired access token")
            }
        }
    }
}

/// The authenticated caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UserId(pub Uuid);

/// A verified token.
#[derive(Clone, Debug)]
pub struct Verified {
    /// Who the token is for.
    pub user_id: UserId,
    /// All its claims.
    pub claims: AccessClaims,
}

/// The bearer token in `authorization` metadata.
pub fn bearer_token(metadata: &MetadataMap) -> Result<&str, AuthError> {
    let value = metadata
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .ok_or(AuthError::Missing)?;
    let (scheme, token) = value.trim().split_once(' ').ok_or(AuthError::Missing)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(AuthError::Missing);
    }
    Ok(token.trim())
}

/// Verifies access tokens with a replaceable set of public keys (several at once, for
/// rotation). Cheap to clone; clones share the key set.
///
/// A client sends the same token with every call until it expires, and checking an Ed25519
/// signature and parsing the claims cost far more than a lookup: tokens that verified are
/// remembered (by their exact text, bounded to [`VERIFIED_TOKENS`]), and a remembered token
/// is accepted after checking only `exp` and `nbf` again. Replacing the key set forgets
/// them all, so a withdrawn key's tokens are refused at once. Revocation is checked by the
/// caller on every request either way.
#[derive(Clone)]
pub struct TokenVerifier {
    keys: Arc<RwLock<HashMap<String, DecodingKey>>>,
    /// Bumped by every [`TokenVerifier::set_keys`]; a remembered token counts only when it
    /// was verified against the current key set.
    key_set: Arc<AtomicU64>,
    verified: Arc<Cache<String, (u64, Verified)>>,
    validation: Arc<Validation>,
}

/// The most verified tokens remembered (about 1 KiB each).
pub const VERIFIED_TOKENS: usize = 4096;

/// Longer tokens are verified every time, not remembered (ours are ~400 bytes).
const MAX_REMEMBERED_TOKEN: usize = 2048;

/// Seconds since the epoch.
fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

impl TokenVerifier {
    /// A verifier with no keys yet, for tokens of `issuer` meant for `audience`.
    pub fn new(issuer: &str, audience: &str) -> Self {
        let mut validation = Validation::new(ALGORITHM);
        validation.algorithms = vec![ALGORITHM];
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        Self {
            keys: Arc::default(),
            key_set: Arc::default(),
            verified: Arc::new(Cache::new(VERIFIED_TOKENS)),
            validation: Arc::new(validation),
        }
    }

    /// Replaces the key set with `(kid, SubjectPublicKeyInfo PEM)` pairs. On error the
    /// previous set stays.
    pub fn set_keys<'a>(
        &self,
        keys: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<usize, jsonwebtoken::errors::Error> {
        let parsed = keys
            .into_iter()
            .map(|(kid, pem)| Ok((kid.to_owned(), DecodingKey::from_ed_pem(pem.as_bytes())?)))
            .collect::<Result<HashMap<_, _>, jsonwebtoken::errors::Error>>()?;
        let count = parsed.len();
        match self.keys.write() {
            Ok(mut guard) => *guard = parsed,
            Err(poisoned) => *poisoned.into_inner() = parsed,
        }
        self.key_set.fetch_add(1, Ordering::AcqRel);
        self.verified.clear();
        Ok(count)
    }

    /// How many keys are known.
    pub fn key_count(&self) -> usize {
        self.keys
            .read()
            .map(|k| k.len())
            .unwrap_or_else(|p| p.into_inner().len())
    }

    /// Verifies `token`: its signature once (then remembered), its times on every call.
    pub fn verify(&self, token: &str) -> Result<Verified, AuthError> {
        let key_set = self.key_set.load(Ordering::Acquire);
        if let Some((verified_with, verified)) = self.verified.get(token)
            && verified_with == key_set
            && self.in_time(&verified.claims)
        {
            return Ok(verified);
        }
        let verified = self.verify_signed(token)?;
        if token.len() <= MAX_REMEMBERED_TOKEN {
            self.verified
                .insert(token.to_owned(), (key_set, verified.clone()));
        }
        Ok(verified)
    }

    /// `exp` and `nbf` checked as `jsonwebtoken` does, with the same leeway.
    fn in_time(&self, claims: &AccessClaims) -> bool {
        let now = now_secs();
        let leeway = self.validation.leeway as i64;
        claims.exp >= now - leeway && claims.nbf <= now + leeway
    }

    /// The full check: header, key, signature and claims.
    fn verify_signed(&self, token: &str) -> Result<Verified, AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| AuthError::Invalid)?;
        if header.alg != ALGORITHM {
            return Err(AuthError::Invalid);
        }
        let kid = header.kid.ok_or(AuthError::Invalid)?;
        let claims = {
            let keys = self.keys.read().unwrap_or_else(|p| p.into_inner());
            let key = keys
                .get(&kid)
                .ok_or_else(|| AuthError::UnknownKey(kid.clone()))?;
            jsonwebtoken::decode::<AccessClaims>(token, key, &self.validation)
                .map_err(|_| AuthError::Invalid)?
                .claims
        };
        let user_id = Uuid::parse_str(&claims.sub).map_err(|_| AuthError::Invalid)?;
        Ok(Verified {
            user_id: UserId(user_id),
            claims,
        })
    }

    /// Verifies the bearer token of a request's metadata.
    pub fn verify_metadata(&self, metadata: &MetadataMap) -> Result<Verified, AuthError> {
        self.verify(bearer_token(metadata)?)
    }
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("keys", &self.key_count())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::metadata::MetadataValue;

    #[test]
    fn bearer_token_needs_the_bearer_scheme() {
        let mut md = MetadataMap::new();
        assert_eq!(bearer_token(&md), Err(AuthError::Missing));
        md.insert("authorization", MetadataValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&md), Err(AuthError::Missing));
        md.insert("authorization", MetadataValue::from_static("bearer   "));
        assert_eq!(bearer_token(&md), Err(AuthError::Missing));
        md.insert(
            "authorization",
            MetadataValue::from_static("Bearer abc.def"),
        );
        assert_eq!(bearer_token(&md), Ok("abc.def"));
    }

    /// A key pair made for this test only.
    const TEST_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----\n\
        MC4CAQAwBQYDK2VwBCIEIK7nPKMzgfdMUr/BvpwVYJ0JG38+KpENNElA3abg64fk\n\
        -----END PRIVATE KEY-----\n";
    const TEST_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----\n\
        MCowBQYDK2VwAyEAAusX+ocUwjI+oeVShmUnNZ6MA9huXQfAckbBOZt+Jk8=\n\
        -----END PUBLIC KEY-----\n";

    fn token(kid: &str, exp: i64) -> String {
        let mut header = jsonwebtoken::Header::new(ALGORITHM);
        header.kid = Some(kid.to_owned());
        let claims = AccessClaims {
            sub: Uuid::nil().to_string(),
            iss: "iss".into(),
            aud: "aud".into(),
            iat: now_secs(),
            nbf: now_secs(),
            exp,
            jti: Uuid::new_v4().to_string(),
        };
        let key = jsonwebtoken::EncodingKey::from_ed_pem(TEST_PRIVATE_PEM.as_bytes()).unwrap();
        jsonwebtoken::encode(&header, &claims, &key).unwrap()
    }

    #[test]
    fn remembered_tokens_still_expire_and_go_with_their_key() {
        let verifier = TokenVerifier::new("iss", "aud");
        verifier.set_keys([("k1", TEST_PUBLIC_PEM)]).unwrap();
        let good = token("k1", now_secs() + 600);
        assert_eq!(verifier.verify(&good).unwrap().user_id, UserId(Uuid::nil()));
        assert!(verifier.verified.get(good.as_str()).is_some(), "remembered");
        assert_eq!(verifier.verify(&good).unwrap().user_id, UserId(Uuid::nil()));

        // A remembered token is checked for time on every call: an expired one is refused.
        let stale = token("k1", now_secs() + 600);
        let mut remembered = verifier.verify(&stale).unwrap();
        remembered.claims.exp = now_secs() - LEEWAY_SECS as i64 - 1;
        let key_set = verifier.key_set.load(Ordering::Acquire);
        verifier
            .verified
            .insert(stale.clone(), (key_set, remembered));
        // The remembered entry is out of time, so the token is verified again, in full.
        let fresh = verifier.verify(&stale).unwrap();
        assert!(fresh.claims.exp > now_secs(), "{:?}", fresh.claims);
        let expired = token("k1", now_secs() - LEEWAY_SECS as i64 - 1);
        assert_eq!(verifier.verify(&expired).unwrap_err(), AuthError::Invalid);
        assert!(verifier.verified.get(expired.as_str()).is_none());

        // Withdrawing the key withdraws its remembered tokens.
        verifier.set_keys([("k2", TEST_PUBLIC_PEM)]).unwrap();
        assert_eq!(
            verifier.verify(&good).unwrap_err(),
            AuthError::UnknownKey("k1".into())
        );
        // A tampered copy of a remembered token is checked in full.
        verifier.set_keys([("k1", TEST_PUBLIC_PEM)]).unwrap();
        assert!(verifier.verify(&good).is_ok());
        let mut tampered = good.clone();
        tampered.pop();
        tampered.push(if good.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(verifier.verify(&tampered).unwrap_err(), AuthError::Invalid);
    }

    #[test]
    fn garbage_and_unsigned_tokens_are_invalid() {
        let verifier = TokenVerifier::new("iss", "aud");
        assert_eq!(
            verifier.verify("not a jwt").unwrap_err(),
            AuthError::Invalid
        );
        // {"alg":"none","typ":"JWT"} . {"sub":"x"} . (no signature)
        let none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0.";
        assert_eq!(verifier.verify(none).unwrap_err(), AuthError::Invalid);
    }
}
