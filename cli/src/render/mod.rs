//! Turning service responses into text. Pure functions: every one is unit-tested.

mod account;
mod history;
mod interview;
mod progress;

use chrono::{DateTime, TimeZone};
use interview_coach_common::domain::{Difficulty, InterviewType};
use interview_coach_proto::session::v1::SessionStatus;

pub use self::{
    account::user,
    history::{history_header, history_line},
    interview::{evaluation, instructions, question, submit_result, summary},
    progress::{progress, sparkline},
};

/// A score out of ten, e.g. `7.5/10`.
pub fn score(value: f64) -> String {
    format!("{value:.1}/10")
}

/// The name of a wire interview type.
fn interview_type(value: i32) -> &'static str {
    InterviewType::from_proto(value).map_or("unknown", InterviewType::as_str)
}

/// The name of a wire difficulty.
fn difficulty(value: i32) -> &'static str {
    Difficulty::from_proto(value).map_or("unknown", Difficulty::as_str)
}

/// The name of a wire session status.
fn status(value: i32) -> &'static str {
    match SessionStatus::try_from(value) {
        Ok(SessionStatus::InProgress) => "in progress",
        Ok(SessionStatus::Completed) => "completed",
        Ok(SessionStatus::Abandoned) => "abandoned",
        Ok(SessionStatus::Unspecified) | Err(_) => "unknown",
    }
}

/// A date and time in `tz`, to the minute.
fn date_time<Tz: TimeZone>(at: DateTime<chrono::Utc>, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    at.with_timezone(tz).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_wire_values() {
        assert_eq!(score(7.25), "7.2/10");
        assert_eq!(score(10.0), "10.0/10");
        assert_eq!(interview_type(3), "system-design");
        assert_eq!(interview_type(0), "unknown");
        assert_eq!(difficulty(1), "easy");
        assert_eq!(status(1), "in progress");
        assert_eq!(status(42), "unknown");
    }
}
