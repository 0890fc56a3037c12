//! Free text from clients: what counts as blank.

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

#[cfg(test)]
mod tests {
    use super::*;

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
