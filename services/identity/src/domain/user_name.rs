//! Display names.

use std::fmt;

/// Most characters of a name (the `users.name` column is `VARCHAR(255)`).
pub const MAX_CHARS: usize = 255;

/// Why a name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UserNameError {
    /// Empty or blank (white space and invisible characters only).
    #[error("must not be empty")]
    Empty,
    /// Longer than [`MAX_CHARS`] after trimming.
    #[error("must be at most {MAX_CHARS} characters")]
    TooLong,
    /// Contains a control character (newline, tab, NUL, …).
    #[error("must not contain control characters")]
    ControlCharacter,
}

/// A display name: trimmed, 1 to 255 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserName(String);

impl UserName {
    /// Trims and checks `raw`.
    pub fn parse(raw: &str) -> Result<Self, UserNameError> {
        let name = raw.trim();
        if interview_coach_common::text::is_blank(name) {
            return Err(UserNameError::Empty);
        }
        if name.chars().count() > MAX_CHARS {
            return Err(UserNameError::TooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(UserNameError::ControlCharacter);
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_inner_spaces() {
        assert_eq!(
            UserName::parse("  Ada  Lovelace ").unwrap().as_str(),
            "Ada  Lovelace"
        );
    }

    #[test]
    fn bounds_are_1_and_255_characters_after_trimming() {
        assert_eq!(UserName::parse(" \t "), Err(UserNameError::Empty));
        assert_eq!(
            UserName::parse("\u{200B}\u{FEFF}\u{3164}"),
            Err(UserNameError::Empty)
        );
        assert!(UserName::parse("A").is_ok());
        assert!(UserName::parse(&"ü".repeat(255)).is_ok());
        assert_eq!(
            UserName::parse(&"ü".repeat(256)),
            Err(UserNameError::TooLong)
        );
        assert!(UserName::parse(&format!("  {}  ", "a".repeat(255))).is_ok());
    }

    #[test]
    fn refuses_control_characters() {
        assert_eq!(
            UserName::parse("Ada\nLovelace"),
            Err(UserNameError::ControlCharacter)
        );
        assert_eq!(
            UserName::parse("Ada\u{0}"),
            Err(UserNameError::ControlCharacter)
        );
    }
}
