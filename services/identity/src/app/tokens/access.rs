//! Access tokens: short-lived EdDSA JWTs carrying exactly [`AccessClaims`].

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, TimeDelta, Utc};
use interview_coach_common::auth::{ALGORITHM, AccessClaims};
use jsonwebtoken::Header;
use uuid::Uuid;

use super::SigningKeys;

/// A signed access token.
#[derive(Clone)]
pub struct AccessToken {
    /// The compact JWT.
    pub token: String,
    /// Its `exp`.
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Signs access tokens with the active key.
#[derive(Clone, Debug)]
pub struct AccessTokenIssuer {
    keys: Arc<SigningKeys>,
    issuer: String,
    audience: String,
    ttl: TimeDelta,
}

impl AccessTokenIssuer {
    /// Tokens from `issuer` for `audience`, valid for `ttl`.
    pub fn new(keys: Arc<SigningKeys>, issuer: String, audience: String, ttl: Duration) -> Self {
        Self {
            keys,
            issuer,
            audience,
            ttl: TimeDelta::from_std(ttl).unwrap_or(TimeDelta::MAX),
        }
    }

    /// How long a token is valid.
    pub fn ttl(&self) -> TimeDelta {
        self.ttl
    }

    /// A token for `user_id`, issued `now`.
    pub fn issue(
        &self,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<AccessToken, jsonwebtoken::errors::Error> {
        let key = self.keys.active();
        let expires_at = now + self.ttl;
        let claims = AccessClaims {
            sub: user_id.to_string(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: expires_at.timestamp(),
            jti: Uuid::new_v4().to_string(),
        };
        let mut header = Header::new(ALGORITHM);
        header.kid = Some(key.kid().to_owned());
        let token = jsonwebtoken::encode(&header, &claims, key.encoding_key())?;
        Ok(AccessToken { token, expires_at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_verify_with_the_published_keys() {
        let keys = Arc::new(SigningKeys::generate().unwrap());
        let issuer = AccessTokenIssuer::new(
            keys.clone(),
            "the-issuer".to_owned(),
            "the-audience".to_owned(),
            Duration::from_secs(900),
        );
        let user = Uuid::new_v4();
        let now = Utc::now();
        let token = issuer.issue(user, now).unwrap();
        assert_eq!(token.expires_at.timestamp(), now.timestamp() + 900);

        let verified = keys
            .verifier("the-issuer", "the-audience")
            .unwrap()
            .verify(&token.token)
            .unwrap();
        assert_eq!(verified.user_id.0, user);
        assert_eq!(verified.claims.exp - verified.claims.iat, 900);
        assert_eq!(verified.claims.nbf, verified.claims.iat);
        assert!(Uuid::parse_str(&verified.claims.jti).is_ok());

        let header = jsonwebtoken::decode_header(&token.token).unwrap();
        assert_eq!(header.alg, ALGORITHM);
        assert_eq!(header.kid.as_deref(), Some(keys.active().kid()));
    }

    #[test]
    fn tokens_for_another_audience_are_refused() {
        let keys = Arc::new(SigningKeys::generate().unwrap());
        let issuer = AccessTokenIssuer::new(
            keys.clone(),
            "iss".to_owned(),
            "aud".to_owned(),
            Duration::from_secs(60),
        );
        let token = issuer.issue(Uuid::new_v4(), Utc::now()).unwrap();
        assert!(
            keys.verifier("iss", "other")
                .unwrap()
                .verify(&token.token)
                .is_err()
        );
    }
}
