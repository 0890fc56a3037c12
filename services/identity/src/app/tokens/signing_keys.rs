//! The Ed25519 keys that sign access tokens.
//!
//! Configured as PKCS#8 PEM private keys (one or more, concatenated): the first signs new
//! tokens, all of them verify (rotation: put the new key first, keep the old one until the
//! tokens it signed have expired). The key id (`kid`) is derived from the public key, so the
//! same key always has the same id on every replica. Private keys are never printed.

use std::fmt;

use ed25519_dalek::{
    SigningKey as Ed25519Key,
    pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, spki::der::pem::LineEnding},
};
use interview_coach_common::auth::TokenVerifier;
use jsonwebtoken::EncodingKey;
use rand::RngCore;
use sha2::{Digest, Sha256};

const PEM_END: &str = "-----END PRIVATE KEY-----";

/// Why the configured keys cannot be used. Never contains key material.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SigningKeysError {
    /// No key in the text.
    #[error("no PEM private key found")]
    Empty,
    /// The n-th key (from 1) is not a PKCS#8 PEM Ed25519 private key.
    #[error("key #{0} is not a PKCS#8 PEM Ed25519 private key")]
    Invalid(usize),
    /// The n-th key (from 1) is the same key as an earlier one.
    #[error("key #{0} repeats an earlier key")]
    Duplicate(usize),
    /// Encoding a key failed.
    #[error("cannot encode a signing key")]
    Encoding,
}

/// One key: its id, its public half as SPKI PEM, and what signs with it.
pub struct SigningKey {
    kid: String,
    public_key_pem: String,
    encoding: EncodingKey,
}

impl SigningKey {
    fn from_ed25519(key: &Ed25519Key) -> Result<Self, SigningKeysError> {
        let public = key.verifying_key();
        let public_key_pem = public
            .to_public_key_pem(LineEnding::LF)
            .map_err(|_| SigningKeysError::Encoding)?;
        let private_der = key.to_pkcs8_der().map_err(|_| SigningKeysError::Encoding)?;
        Ok(Self {
            kid: key_id(public.as_bytes()),
            public_key_pem,
            encoding: EncodingKey::from_ed_der(private_der.as_bytes()),
        })
    }

    /// The key id, the `kid` header of the tokens it signs.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as SubjectPublicKeyInfo PEM.
    pub fn public_key_pem(&self) -> &str {
        &self.public_key_pem
    }

    pub(crate) fn encoding_key(&self) -> &EncodingKey {
        &self.encoding
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// The key id of a raw 32-byte Ed25519 public key: the first 16 hex digits of its SHA-256.
pub fn key_id(public_key: &[u8]) -> String {
    Sha256::digest(public_key)
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A non-empty ordered set of keys: the active one, then the ones that only verify.
#[derive(Debug)]
pub struct SigningKeys {
    active: SigningKey,
    previous: Vec<SigningKey>,
}

impl SigningKeys {
    /// Parses one or more concatenated PKCS#8 PEM Ed25519 private keys. Text between keys
    /// is ignored; `\n` written as two characters (as some env files do) is understood.
    pub fn from_pem(text: &str) -> Result<Self, SigningKeysError> {
        let text = if text.contains('\n') {
            text.to_owned()
        } else {
            text.replace("\\n", "\n")
        };
        let mut keys: Vec<SigningKey> = Vec::new();
        for (index, chunk) in text.split(PEM_END).enumerate() {
            let number = index + 1;
            let Some(begin) = chunk.find("-----BEGIN") else {
                continue;
            };
            let block = format!("{}{PEM_END}\n", &chunk[begin..]);
            let key = Ed25519Key::from_pkcs8_pem(&block)
                .map_err(|_| SigningKeysError::Invalid(number))?;
            let key = SigningKey::from_ed25519(&key)?;
            if keys.iter().any(|known| known.kid == key.kid) {
                return Err(SigningKeysError::Duplicate(number));
            }
            keys.push(key);
        }
        let mut keys = keys.into_iter();
        let active = keys.next().ok_or(SigningKeysError::Empty)?;
        Ok(Self {
            active,
            previous: keys.collect(),
        })
    }

    /// One fresh random key (tokens it signs die with the process).
    pub fn generate() -> Result<Self, SigningKeysError> {
        let mut secret = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        let key = Ed25519Key::from_bytes(&secret);
        secret.fill(0);
        Ok(Self {
            active: SigningKey::from_ed25519(&key)?,
            previous: Vec::new(),
        })
    }

    /// The key that signs new tokens.
    pub fn active(&self) -> &SigningKey {
        &self.active
    }

    /// All keys, the active one first.
    pub fn iter(&self) -> impl Iterator<Item = &SigningKey> {
        std::iter::once(&self.active).chain(self.previous.iter())
    }

    /// A verifier that knows every key, for tokens of `issuer` meant for `audience`.
    pub fn verifier(
        &self,
        issuer: &str,
        audience: &str,
    ) -> Result<TokenVerifier, jsonwebtoken::errors::Error> {
        let verifier = TokenVerifier::new(issuer, audience);
        verifier.set_keys(self.iter().map(|k| (k.kid(), k.public_key_pem())))?;
        Ok(verifier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pem_of(seed: u8) -> String {
        Ed25519Key::from_bytes(&[seed; 32])
            .to_pkcs8_pem(LineEnding::LF)
            .unwrap()
            .to_string()
    }

    #[test]
    fn parses_concatenated_keys_first_is_active() {
        let text = format!("{}\n{}", pem_of(1), pem_of(2));
        let keys = SigningKeys::from_pem(&text).unwrap();
        let kids: Vec<_> = keys.iter().map(|k| k.kid().to_owned()).collect();
        assert_eq!(kids.len(), 2);
        assert_eq!(keys.active().kid(), kids[0]);
        assert_ne!(kids[0], kids[1]);
        for key in keys.iter() {
            assert!(
                key.public_key_pem()
                    .starts_with("-----BEGIN PUBLIC KEY-----")
            );
        }
    }

    #[test]
    fn kid_is_deterministic_16_hex_digits_of_the_public_key() {
        let a = SigningKeys::from_pem(&pem_of(7)).unwrap();
        let b = SigningKeys::from_pem(&pem_of(7)).unwrap();
        assert_eq!(a.active().kid(), b.active().kid());
        assert_eq!(a.active().kid().len(), 16);
        let public = Ed25519Key::from_bytes(&[7; 32]).verifying_key();
        let expected: String = Sha256::digest(public.as_bytes())[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(a.active().kid(), expected);
    }

    #[test]
    fn understands_escaped_newlines() {
        let escaped = pem_of(3).replace('\n', "\\n");
        let keys = SigningKeys::from_pem(&escaped).unwrap();
        assert_eq!(keys.iter().count(), 1);
    }

    #[test]
    fn refuses_garbage_duplicates_and_nothing() {
        assert_eq!(
            SigningKeys::from_pem("").unwrap_err(),
            SigningKeysError::Empty
        );
        assert_eq!(
            SigningKeys::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")
                .unwrap_err(),
            SigningKeysError::Invalid(1)
        );
        let twice = format!("{}{}", pem_of(4), pem_of(4));
        assert_eq!(
            SigningKeys::from_pem(&twice).unwrap_err(),
            SigningKeysError::Duplicate(2)
        );
    }

    #[test]
    fn debug_shows_kids_only() {
        let keys = SigningKeys::generate().unwrap();
        let debug = format!("{keys:?}");
        assert!(debug.contains(keys.active().kid()));
        assert!(!debug.contains("PRIVATE"));
    }

    #[test]
    fn verifier_accepts_every_key() {
        let keys = SigningKeys::from_pem(&format!("{}{}", pem_of(5), pem_of(6))).unwrap();
        let verifier = keys.verifier("iss", "aud").unwrap();
        assert_eq!(verifier.key_count(), 2);
    }
}
