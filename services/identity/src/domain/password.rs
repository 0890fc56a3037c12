//! Passwords: the policy for new ones, and attempts to present an existing one. Both keep
//! the text in a [`SecretString`] and never print it.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// Fewest characters of a new password.
pub const MIN_CHARS: usize = 12;
/// Most characters of a new password.
pub const MAX_CHARS: usize = 128;
/// Most UTF-8 bytes of any password: bcrypt ignores everything after byte 72, so longer
/// passwords are refused rather than silently truncated.
pub const MAX_BYTES: usize = 72;

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("must be at least {MIN_CHARS} characters")]
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    #[error("must be at most {MAX_CHARS} characters")]
    TooLong,
    /// More than [`MAX_BYTES`] bytes in UTF-8.
    #[error(
        "must be at most {MAX_BYTES} bytes in UTF-8 (fewer characters when they are not ASCII)"
    )]
    TooManyBytes,
}

/// A new password that satisfies the policy: 12 to 128 characters and at most 72 bytes.
#[derive(Clone)]
pub struct Password(SecretString);

impl Password {
    /// Checks `raw` against the policy. The text is kept as given (not trimmed).
    pub fn parse(raw: String) -> Result<Self, PasswordError> {
        let chars = raw.chars().count();
        let result = if chars < MIN_CHARS {
            Err(PasswordError::TooShort)
        } else if chars > MAX_CHARS {
            Err(PasswordError::TooLong)
        } else if raw.len() > MAX_BYTES {
            Err(PasswordError::TooManyBytes)
        } else {
            Ok(())
        };
        let secret = SecretString::from(raw);
        result.map(|()| Self(secret))
    }

    /// The secret text, for hashing.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([REDACTED])")
    }
}

/// Why a presented password is refused before it is even checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordAttemptError {
    /// The field was left empty.
    #[error("must not be empty")]
    Empty,
}

/// A password someone presents to prove who they are (sign-in, confirmation). No policy
/// beyond "not empty": a wrong one is found out by the hash, in constant time.
#[derive(Clone)]
pub struct PasswordAttempt(SecretString);

impl PasswordAttempt {
    pub fn parse(raw: String) -> Result<Self, PasswordAttemptError> {
        let secret = SecretString::from(raw);
        if secret.expose_secret().is_empty() {
            return Err(PasswordAttemptError::Empty);
        }
        Ok(Self(secret))
    }

    /// The secret text, for verification.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for PasswordAttempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordAttempt([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_bounds_are_12_and_128() {
        assert_eq!(
            Password::parse("a".repeat(11)).unwrap_err(),
            PasswordError::TooShort
        );
        assert!(Password::parse("a".repeat(12)).is_ok());
        // 128 ASCII characters are 128 bytes: the byte limit refuses them first.
        assert_eq!(
            Password::parse("a".repeat(128)).unwrap_err(),
            PasswordError::TooManyBytes
        );
        assert_eq!(
            Password::parse("a".repeat(129)).unwrap_err(),
            PasswordError::TooLong
        );
    }

    #[test]
    fn byte_limit_is_72() {
        assert!(Password::parse("a".repeat(72)).is_ok());
        assert_eq!(
            Password::parse("a".repeat(73)).unwrap_err(),
            PasswordError::TooManyBytes
        );
    }

    #[test]
    fn multibyte_characters_count_once_for_length_but_fully_for_bytes() {
        // 12 characters of 2 bytes each: long enough, 24 bytes.
        assert!(Password::parse("é".repeat(12)).is_ok());
        // 11 two-byte characters: 22 bytes but too few characters.
        assert_eq!(
            Password::parse("é".repeat(11)).unwrap_err(),
            PasswordError::TooShort
        );
        // 40 characters (well under 128) but 73 bytes: 33 two-byte + 7 one-byte.
        let pw = format!("{}{}", "é".repeat(33), "a".repeat(7));
        assert_eq!(pw.chars().count(), 40);
        assert_eq!(pw.len(), 73);
        assert_eq!(
            Password::parse(pw).unwrap_err(),
            PasswordError::TooManyBytes
        );
        // 36 two-byte characters: exactly 72 bytes.
        assert!(Password::parse("é".repeat(36)).is_ok());
    }

    #[test]
    fn debug_never_shows_the_text() {
        let pw = Password::parse("correct horse battery".to_owned()).unwrap();
        assert!(!format!("{pw:?}").contains("horse"));
        let attempt = PasswordAttempt::parse("correct horse battery".to_owned()).unwrap();
        assert!(!format!("{attempt:?}").contains("horse"));
        assert_eq!(attempt.expose(), "correct horse battery");
    }

    #[test]
    fn attempts_only_need_to_be_non_empty() {
        assert_eq!(
            PasswordAttempt::parse(String::new()).unwrap_err(),
            PasswordAttemptError::Empty
        );
        assert!(PasswordAttempt::parse("x".to_owned()).is_ok());
    }
}
