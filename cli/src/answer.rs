//! Reading a multi-line answer.
//!
//! An answer is every line typed until a line holding only `.` (or the end of input).
//! A line holding only `:hint`, `:skip` or `:quit` is a command, not part of the answer;
//! the draft survives `:hint` and a `:quit` that is not confirmed.

use std::io::{self, BufRead, Write};

use crate::console::Console;

/// What the user did while answering.
#[derive(Debug, PartialEq, Eq)]
pub enum AnswerEvent {
    /// Finished an answer (with `.` or the end of input).
    Submit(String),
    /// Finished with nothing typed.
    Empty,
    /// Asked for the next hint.
    Hint,
    /// Skipped the question; the draft is dropped.
    Skip,
    /// Wants to abandon the session.
    Quit,
    /// Input ended with nothing typed.
    EndOfInput,
}

/// What one typed line means.
#[derive(Debug, PartialEq, Eq)]
enum Line<'a> {
    End,
    Hint,
    Skip,
    Quit,
    Text(&'a str),
}

impl<'a> Line<'a> {
    fn classify(line: &'a str) -> Self {
        match line.trim() {
            "." => Self::End,
            ":hint" => Self::Hint,
            ":skip" => Self::Skip,
            ":quit" => Self::Quit,
            _ => Self::Text(line),
        }
    }
}

/// The answer being typed to one question.
#[derive(Debug, Default)]
pub struct AnswerDraft {
    lines: Vec<String>,
}

impl AnswerDraft {
    /// Reads lines until something happens that the caller must handle.
    pub fn next_event<R: BufRead, W: Write>(
        &mut self,
        console: &mut Console<R, W>,
    ) -> io::Result<AnswerEvent> {
        loop {
            let Some(line) = console.read_line()? else {
                return Ok(match self.take() {
                    Some(answer) => AnswerEvent::Submit(answer),
                    None => AnswerEvent::EndOfInput,
                });
            };
            match Line::classify(&line) {
                Line::End => {
                    return Ok(match self.take() {
                        Some(answer) => AnswerEvent::Submit(answer),
                        None => AnswerEvent::Empty,
                    });
                }
                Line::Hint => return Ok(AnswerEvent::Hint),
                Line::Skip => {
                    self.lines.clear();
                    return Ok(AnswerEvent::Skip);
                }
                Line::Quit => return Ok(AnswerEvent::Quit),
                Line::Text(text) => self.lines.push(text.to_owned()),
            }
        }
    }

    /// The typed answer without blank lines around it, `None` when only blanks were typed;
    /// the draft is empty afterwards.
    fn take(&mut self) -> Option<String> {
        let lines = std::mem::take(&mut self.lines);
        let first = lines.iter().position(|l| !l.trim().is_empty())?;
        let last = lines.iter().rposition(|l| !l.trim().is_empty())?;
        Some(lines[first..=last].join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn events(input: &str) -> Vec<AnswerEvent> {
        let mut console = Console::new(Cursor::new(input.as_bytes().to_vec()), Vec::new(), false);
        let mut draft = AnswerDraft::default();
        let mut seen = Vec::new();
        loop {
            let event = draft.next_event(&mut console).unwrap();
            let done = event == AnswerEvent::EndOfInput;
            seen.push(event);
            if done {
                return seen;
            }
        }
    }

    #[test]
    fn a_dot_line_ends_a_multi_line_answer() {
        assert_eq!(
            events("\nUse a hash map.\n  It is O(1) on average.\n\n.\n"),
            [
                AnswerEvent::Submit("Use a hash map.\n  It is O(1) on average.".into()),
                AnswerEvent::EndOfInput,
            ]
        );
    }

    #[test]
    fn the_end_of_input_submits_what_was_typed() {
        assert_eq!(
            events("last answer"),
            [
                AnswerEvent::Submit("last answer".into()),
                AnswerEvent::EndOfInput
            ]
        );
    }

    #[test]
    fn hint_keeps_the_draft() {
        assert_eq!(
            events("first line\n:hint\nsecond line\n.\n"),
            [
                AnswerEvent::Hint,
                AnswerEvent::Submit("first line\nsecond line".into()),
                AnswerEvent::EndOfInput,
            ]
        );
    }

    #[test]
    fn skip_drops_the_draft() {
        assert_eq!(
            events("half an answer\n:skip\n.\n"),
            [
                AnswerEvent::Skip,
                AnswerEvent::Empty,
                AnswerEvent::EndOfInput
            ]
        );
    }

    #[test]
    fn quit_keeps_the_draft_in_case_it_is_not_confirmed() {
        assert_eq!(
            events("draft\n :quit \n.\n"),
            [
                AnswerEvent::Quit,
                AnswerEvent::Submit("draft".into()),
                AnswerEvent::EndOfInput,
            ]
        );
    }

    #[test]
    fn commands_only_count_on_a_line_of_their_own() {
        assert_eq!(
            events("type :hint here\n..\n.\n"),
            [
                AnswerEvent::Submit("type :hint here\n..".into()),
                AnswerEvent::EndOfInput,
            ]
        );
    }

    #[test]
    fn blank_answers_are_empty() {
        assert_eq!(
            events("   \n.\n"),
            [AnswerEvent::Empty, AnswerEvent::EndOfInput]
        );
    }
}
