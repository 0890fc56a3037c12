//! Email addresses: trimmed, lower-cased and given a sane syntax check.

use std::fmt;

/// Longest address, in characters (the `users.email` column is `VARCHAR(255)`).
pub const MAX_CHARS: usize = 255;

/// Why a string is not an acceptable email address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing but spaces.
    #[error("must not be empty")]
    Empty,
    /// Longer than [`MAX_CHARS`].
    #[error("must be at most {MAX_CHARS} characters")]
    TooLong,
    /// Spaces or control characters inside the address.
    #[error("must not contain spaces or control characters")]
    ForbiddenCharacter,
    /// Not `local@domain.tld`.
    #[error("must be an address like name@example.com")]
    Malformed,
}

/// A normalised email address (trimmed, lower-case, one `@`, a non-empty local part and a
/// dotted domain without empty labels).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Normalises and checks `raw`.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(EmailError::Empty);
        }
        if email.chars().count() > MAX_CHARS {
            return Err(EmailError::TooLong);
        }
        if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailError::ForbiddenCharacter);
        }
        let (local, domain) = email.split_once('@').ok_or(EmailError::Malformed)?;
        let domain_ok = domain.contains('.') && domain.split('.').all(|label| !label.is_empty());
        if local.is_empty() || domain.contains('@') || !domain_ok {
            return Err(EmailError::Malformed);
        }
        Ok(Self(email))
    }

    /// An address read back from the `users` table, where only parsed addresses are
    /// written; it is not checked again.
    pub(crate) fn from_stored(stored: String) -> Self {
        Self(stored)
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_surrounding_spaces() {
        let email = Email::parse("  Ada.Lovelace@Example.COM \n").unwrap();
        assert_eq!(email.as_str(), "ada.lovelace@example.com");
    }

    #[test]
    fn accepts_ordinary_addresses() {
        for ok in ["a@b.co", "first.last+tag@sub.example.org", "x_y-z@a-b.c.d"] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "plainaddress",
            "@example.com",
            "name@",
            "name@localhost",
            "a@b@example.com",
            "name@.example.com",
            "name@example.com.",
            "name@example..com",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Malformed), "{bad}");
        }
    }

    #[test]
    fn refuses_empty_spaces_and_control_characters() {
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        assert_eq!(
            Email::parse("a b@example.com"),
            Err(EmailError::ForbiddenCharacter)
        );
        assert_eq!(
            Email::parse("ab\u{7}@example.com"),
            Err(EmailError::ForbiddenCharacter)
        );
    }

    #[test]
    fn length_limit_is_255_characters() {
        let domain = "@example.com";
        let fits = format!("{}{domain}", "a".repeat(MAX_CHARS - domain.len()));
        assert_eq!(fits.chars().count(), 255);
        assert!(Email::parse(&fits).is_ok());
        let too_long = format!("a{fits}");
        assert_eq!(Email::parse(&too_long), Err(EmailError::TooLong));
    }
}
