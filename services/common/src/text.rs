//! Free text from clients: what counts as blank, and bounded required texts.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Characters that render as nothing but are not format characters by category: the
/// Hangul fillers and the blank Braille pattern, used to fake "non-empty" names and answers.
const INVISIBLE: [char; 5] = ['\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}', '\u{2800}'];

/// True when `text` shows nothing: only white space and invisible characters (format
/// characters such as zero-width spaces and joiners, the byte-order mark, directional
/// marks, soft hyphens; and fillers). Such a text is as empty as "" and is refused as
/// such wherever a text is required.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace()
            || c.general_category() == GeneralCategory::Format
            || INVISIBLE.contains(&c)
    })
}

/// A text of 1 to `MAX` characters that is not blank (see [`is_blank`]) and has no NUL
/// (which Postgres text cannot hold). Kept as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoundedText<const MAX: usize>(String);

impl<const MAX: usize> BoundedText<MAX> {
    /// Validates `text`.
    pub fn new(text: String) -> Result<Self, String> {
        if is_blank(&text) {
            return Err("must not be empty".to_owned());
        }
        if text.chars().count() > MAX {
            return Err(format!("must be at most {MAX} characters"));
        }
        if text.contains('\0') {
            return Err("must not contain NUL characters".to_owned());
        }
        Ok(Self(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_text_counts_characters_and_refuses_blank_and_nul() {
        type Short = BoundedText<3>;
        assert!(Short::new("   \n".into()).is_err());
        assert!(Short::new("\u{200B}".into()).is_err());
        assert!(Short::new("a\0b".into()).is_err());
        assert_eq!(
            Short::new("ééé".into()).map(|t| t.into_string()),
            Ok("ééé".into())
        );
        assert!(Short::new("éééé".into()).is_err());
    }

    #[test]
    fn invisible_characters_are_blank_and_visible_ones_are_not() {
        for blank in [
            "",
            " \t\n",
            "\u{200B}\u{200B}",
            "\u{FEFF}",
            "\u{200C}\u{200D}\u{2060}",
            " \u{00AD}\u{200E}\u{202E} ",
            "\u{3164}\u{2800}",
        ] {
            assert!(is_blank(blank), "{blank:?}");
        }
        for shown in ["a", "\u{200B}x", "日本", "🙂", "0", "\u{0301}"] {
            assert!(!is_blank(shown), "{shown:?}");
        }
    }
}
