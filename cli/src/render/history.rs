//! One line per session, for `coach history`.

use std::fmt::Display;

use chrono::TimeZone;
use interview_coach_proto::session::v1::Session;

use super::{date_time, difficulty, interview_type, score, status};
use crate::time;

/// The column titles above [`history_line`]s.
pub fn history_header() -> String {
    format!(
        "{:<16}  {:<13}  {:<6}  {:<11}  Score",
        "Started", "Type", "Level", "Status"
    )
}

/// `2026-03-01 14:05  technical      medium  completed    7.5/10`, the date in `tz`.
pub fn history_line<Tz: TimeZone>(session: &Session, tz: &Tz) -> String
where
    Tz::Offset: Display,
{
    let started = time::optional_datetime(session.create_time.as_ref())
        .map_or_else(|| "????-??-?? ??:??".to_owned(), |at| date_time(at, tz));
    let result = session.overall_score.map_or_else(|| "—".to_owned(), score);
    format!(
        "{started}  {:<13}  {:<6}  {:<11}  {result}",
        interview_type(session.interview_type),
        difficulty(session.difficulty),
        status(session.status),
    )
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    #[test]
    fn the_header_lines_up_with_the_rows() {
        let header = history_header();
        assert_eq!(header.find("Type"), Some(18));
        assert_eq!(header.find("Score"), Some(54));
    }

    #[test]
    fn a_completed_session_shows_its_score() {
        let session = Session {
            interview_type: 3,
            difficulty: 2,
            status: 2,
            overall_score: Some(7.5),
            create_time: Some(prost_types::Timestamp {
                seconds: 1_767_225_600,
                nanos: 0,
            }),
            ..Session::default()
        };
        assert_eq!(
            history_line(&session, &Utc),
            "2026-01-01 00:00  system-design  medium  completed    7.5/10"
        );
    }

    #[test]
    fn an_unscored_session_shows_a_dash() {
        let session = Session {
            interview_type: 1,
            difficulty: 1,
            status: 1,
            ..Session::default()
        };
        assert_eq!(
            history_line(&session, &Utc),
            "????-??-?? ??:??  technical      easy    in progress  —"
        );
    }
}
