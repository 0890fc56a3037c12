//! Refresh tokens: 256 random bits, base64url, given to the client once. Only their SHA-256
//! is stored, so a database leak yields no usable token.

use std::fmt;

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// Random bytes in a token.
pub const TOKEN_BYTES: usize = 32;

/// Why a presented refresh token is refused before any lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RefreshTokenError {
    /// The field was empty.
    #[error("must not be empty")]
    Empty,
}

/// A refresh token: one just generated, or one a client presents.
#[derive(Clone)]
pub struct RefreshToken(SecretString);

impl RefreshToken {
    /// A new random token.
    pub fn generate() -> Self {
        let mut bytes = [0u8; TOKEN_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = URL_SAFE_NO_PAD.encode(bytes);
        bytes.fill(0);
        Self(SecretString::from(token))
    }

    /// A token presented by a client (any non-empty text; unknown ones simply match nothing).
    pub fn parse(raw: String) -> Result<Self, RefreshTokenError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(RefreshTokenError::Empty);
        }
        Ok(Self(SecretString::from(trimmed)))
    }

    /// The SHA-256 the database stores.
    pub fn digest(&self) -> [u8; 32] {
        Sha256::digest(self.0.expose_secret().as_bytes()).into()
    }

    /// The token text, for the response.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshToken([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_43_base64url_characters_and_distinct() {
        let a = RefreshToken::generate();
        let b = RefreshToken::generate();
        assert_eq!(a.expose().len(), 43);
        assert_eq!(
            URL_SAFE_NO_PAD.decode(a.expose()).unwrap().len(),
            TOKEN_BYTES
        );
        assert_ne!(a.expose(), b.expose());
    }

    #[test]
    fn digest_is_the_sha256_of_the_text() {
        let token = RefreshToken::parse(" abc ".to_owned()).unwrap();
        let expected: [u8; 32] = Sha256::digest(b"abc").into();
        assert_eq!(token.digest(), expected);
        assert!(!format!("{token:?}").contains("abc"));
    }

    #[test]
    fn empty_tokens_are_refused() {
        assert_eq!(
            RefreshToken::parse("  ".to_owned()).unwrap_err(),
            RefreshTokenError::Empty
        );
    }
}
