//! The choices a session starts from: flags first, then questions on a terminal, then
//! defaults.

use std::{
    fmt,
    io::{BufRead, Write},
    ops::RangeInclusive,
};

use interview_coach_common::domain::{Difficulty, InterviewType};
use interview_coach_proto::session::v1::CreateSessionRequest;

use crate::{cli::PracticeArgs, console::Console, errors::Error};

const DEFAULT_TYPE: InterviewType = InterviewType::Technical;
const DEFAULT_DIFFICULTY: Difficulty = Difficulty::Medium;
const DEFAULT_MINUTES: i32 = 30;
const MINUTES: RangeInclusive<i32> = 30..=60;
const QUESTIONS: RangeInclusive<i32> = 1..=10;

/// What kind of session to start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    pub interview_type: InterviewType,
    pub difficulty: Difficulty,
    pub minutes: i32,
    /// `None`: the service's default, one question per 10 minutes.
    pub questions: Option<i32>,
}

impl Plan {
    /// The flags' choices; the missing ones are asked on a terminal and defaulted
    /// otherwise (technical, medium, 30 minutes, one question per 10 minutes).
    pub fn choose<R: BufRead, W: Write>(
        args: PracticeArgs,
        console: &mut Console<R, W>,
    ) -> Result<Self, Error> {
        let ask = console.is_interactive();
        let interview_type = match args.interview_type {
            Some(chosen) => chosen,
            None if ask => ask_for(
                console,
                "Interview type (technical, behavioral, system-design)",
                DEFAULT_TYPE,
                InterviewType::parse,
            )?,
            None => DEFAULT_TYPE,
        };
        let difficulty = match args.difficulty {
            Some(chosen) => chosen,
            None if ask => ask_for(
                console,
                "Difficulty (easy, medium, hard)",
                DEFAULT_DIFFICULTY,
                Difficulty::parse,
            )?,
            None => DEFAULT_DIFFICULTY,
        };
        let minutes = match args.minutes {
            Some(chosen) => chosen,
            None if ask => ask_for(console, "Minutes (30 to 60)", DEFAULT_MINUTES, |s| {
                number_in(s, &MINUTES)
            })?,
            None => DEFAULT_MINUTES,
        };
        let questions = match args.questions {
            Some(chosen) => Some(chosen),
            None if ask => Some(ask_for(
                console,
                "Questions (1 to 10)",
                minutes / 10,
                |s| number_in(s, &QUESTIONS),
            )?),
            None => None,
        };
        Ok(Self {
            interview_type,
            difficulty,
            minutes,
            questions,
        })
    }

    /// The CreateSession request of this plan.
    pub fn request(&self) -> CreateSessionRequest {
        CreateSessionRequest {
            interview_type: self.interview_type.to_proto().into(),
            duration_minutes: self.minutes,
            difficulty: self.difficulty.to_proto().into(),
            question_count: self.questions,
        }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a {}-minute {} {} interview",
            self.minutes, self.difficulty, self.interview_type
        )
    }
}

/// Asks until the answer parses; an empty answer or the end of input takes `default`.
fn ask_for<T, R, W>(
    console: &mut Console<R, W>,
    label: &str,
    default: T,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, Error>
where
    T: fmt::Display,
    R: BufRead,
    W: Write,
{
    let prompt = format!("{label} [{default}]");
    loop {
        match console.prompt(&prompt)? {
            None => return Ok(default),
            Some(answer) if answer.is_empty() => return Ok(default),
            Some(answer) => match parse(&answer.to_lowercase()) {
                Some(value) => return Ok(value),
                None => writeln!(console.out(), "{answer:?} is not one of the choices.")?,
            },
        }
    }
}

fn number_in(text: &str, range: &RangeInclusive<i32>) -> Option<i32> {
    text.parse().ok().filter(|n| range.contains(n))
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn console(input: &str, interactive: bool) -> Console<Cursor<Vec<u8>>, Vec<u8>> {
        Console::new(
            Cursor::new(input.as_bytes().to_vec()),
            Vec::new(),
            interactive,
        )
    }

    #[test]
    fn without_a_terminal_missing_choices_take_the_defaults() {
        let plan = Plan::choose(PracticeArgs::default(), &mut console("", false)).unwrap();
        assert_eq!(
            plan,
            Plan {
                interview_type: InterviewType::Technical,
                difficulty: Difficulty::Medium,
                minutes: 30,
                questions: None,
            }
        );
        assert_eq!(plan.request().question_count, None);
    }

    #[test]
    fn on_a_terminal_missing_choices_are_asked_again_until_valid() {
        let mut console = console("Behavioral\nimpossible\nhard\n90\n45\n\n", true);
        let plan = Plan::choose(PracticeArgs::default(), &mut console).unwrap();
        assert_eq!(plan.interview_type, InterviewType::Behavioral);
        assert_eq!(plan.difficulty, Difficulty::Hard);
        assert_eq!(plan.minutes, 45);
        assert_eq!(plan.questions, Some(4));
        let shown = String::from_utf8(console.into_output()).unwrap();
        assert!(
            shown.contains("\"impossible\" is not one of the choices."),
            "{shown}"
        );
        assert!(
            shown.contains("\"90\" is not one of the choices."),
            "{shown}"
        );
    }

    #[test]
    fn flags_are_not_asked_for() {
        let args = PracticeArgs {
            interview_type: Some(InterviewType::SystemDesign),
            difficulty: Some(Difficulty::Easy),
            minutes: Some(60),
            questions: Some(2),
        };
        let plan = Plan::choose(args, &mut console("", true)).unwrap();
        let request = plan.request();
        assert_eq!(request.interview_type, 3);
        assert_eq!(request.difficulty, 1);
        assert_eq!(request.duration_minutes, 60);
        assert_eq!(request.question_count, Some(2));
        assert_eq!(plan.to_string(), "a 60-minute easy system-design interview");
    }
}
