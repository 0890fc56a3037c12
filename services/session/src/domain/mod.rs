//! Requests validated into domain types at the edge; everything below trusts them.

use interview_coach_common::{
    domain::{Difficulty, InterviewType},
    status::FieldViolations,
};
use interview_coach_proto::session::v1 as pb;
use tonic::Status;
use uuid::Uuid;

use crate::page_token::PageToken;

/// Longest answer accepted, in characters.
pub const MAX_ANSWER_CHARS: usize = 10_000;
/// Default and largest page of ListSessions.
pub const DEFAULT_PAGE_SIZE: i64 = 20;
/// See [`DEFAULT_PAGE_SIZE`].
pub const MAX_PAGE_SIZE: i64 = 100;

/// A session's lifecycle state, stored as `in_progress`, `completed`, `abandoned`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionStatus {
    /// Open for answers until the deadline.
    InProgress,
    /// Finished with a score.
    Completed,
    /// Given up or timed out unanswered.
    Abandoned,
}

impl SessionStatus {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Abandoned => "abandoned",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::InProgress, Self::Completed, Self::Abandoned]
            .into_iter()
            .find(|status| status.as_str() == s)
    }

    /// The wire enum.
    pub fn to_proto(self) -> pb::SessionStatus {
        match self {
            Self::InProgress => pb::SessionStatus::InProgress,
            Self::Completed => pb::SessionStatus::Completed,
            Self::Abandoned => pb::SessionStatus::Abandoned,
        }
    }
}

/// Session length, 30 to 60 minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DurationMinutes(i32);

impl DurationMinutes {
    /// Validates the range.
    pub fn new(minutes: i32) -> Result<Self, &'static str> {
        if (30..=60).contains(&minutes) {
            Ok(Self(minutes))
        } else {
            Err("must be between 30 and 60 minutes")
        }
    }

    /// The minutes.
    pub fn get(self) -> i32 {
        self.0
    }

    /// One question per 10 minutes: 30 → 3 … 60 → 6.
    pub fn default_question_count(self) -> QuestionCount {
        QuestionCount(self.0 / 10)
    }
}

/// Number of questions, 1 to 10.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuestionCount(i32);

impl QuestionCount {
    /// Validates the range.
    pub fn new(count: i32) -> Result<Self, &'static str> {
        if (1..=10).contains(&count) {
            Ok(Self(count))
        } else {
            Err("must be between 1 and 10")
        }
    }

    /// The count.
    pub fn get(self) -> i32 {
        self.0
    }
}

/// An answer: 1 to 10,000 characters, not blank (white space and invisible characters
/// only), no NUL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerText(String);

impl AnswerText {
    /// Validates the text; it is stored as submitted.
    pub fn new(text: String) -> Result<Self, &'static str> {
        if interview_coach_common::text::is_blank(&text) {
            return Err("must not be empty");
        }
        if text.chars().count() > MAX_ANSWER_CHARS {
            return Err("must be at most 10000 characters");
        }
        if text.contains('\0') {
            return Err("must not contain NUL characters");
        }
        Ok(Self(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn uuid_field(violations: &mut FieldViolations, field: &str, value: &str) -> Option<Uuid> {
    violations.check(
        field,
        Uuid::parse_str(value.trim()).map_err(|_| "must be a UUID"),
    )
}

/// A validated CreateSession.
#[derive(Clone, Debug)]
pub struct NewSession {
    /// Type of the interview.
    pub interview_type: InterviewType,
    /// Difficulty.
    pub difficulty: Difficulty,
    /// Length.
    pub duration: DurationMinutes,
    /// How many questions to ask for.
    pub question_count: QuestionCount,
}

impl NewSession {
    /// Validates every field, reporting all bad ones at once.
    pub fn parse(request: &pb::CreateSessionRequest) -> Result<Self, Status> {
        let mut v = FieldViolations::new();
        let interview_type = v.check(
            "interview_type",
            InterviewType::from_proto(request.interview_type)
                .ok_or("must be a known, specified interview type"),
        );
        let difficulty = v.check(
            "difficulty",
            Difficulty::from_proto(request.difficulty)
                .ok_or("must be a known, specified difficulty"),
        );
        let duration = v.check(
            "duration_minutes",
            DurationMinutes::new(request.duration_minutes),
        );
        // 0 is proto3's zero value: clients that always send the field mean "the default".
        let explicit_count = match request.question_count {
            None | Some(0) => Some(None),
            Some(count) => v
                .check("question_count", QuestionCount::new(count))
                .map(Some),
        };
        v.into_result()?;
        match (interview_type, difficulty, duration, explicit_count) {
            (Some(interview_type), Some(difficulty), Some(duration), Some(count)) => Ok(Self {
                interview_type,
                difficulty,
                duration,
                question_count: count.unwrap_or_else(|| duration.default_question_count()),
            }),
            _ => Err(Status::internal("internal error")),
        }
    }
}

/// A session id from a request.
pub fn parse_session_id(value: &str) -> Result<Uuid, Status> {
    let mut v = FieldViolations::new();
    let id = uuid_field(&mut v, "session_id", value);
    v.into_result()?;
    id.ok_or_else(|| Status::internal("internal error"))
}

/// A validated SubmitAnswer.
#[derive(Clone, Debug)]
pub struct NewAnswer {
    /// The session.
    pub session_id: Uuid,
    /// The question.
    pub question_id: Uuid,
    /// The answer.
    pub text: AnswerText,
}

impl NewAnswer {
    /// Validates every field.
    pub fn parse(request: pb::SubmitAnswerRequest) -> Result<Self, Status> {
        let mut v = FieldViolations::new();
        let session_id = uuid_field(&mut v, "session_id", &request.session_id);
        let question_id = uuid_field(&mut v, "question_id", &request.question_id);
        let text = v.check("answer_text", AnswerText::new(request.answer_text));
        v.into_result()?;
        match (session_id, question_id, text) {
            (Some(session_id), Some(question_id), Some(text)) => Ok(Self {
                session_id,
                question_id,
                text,
            }),
            _ => Err(Status::internal("internal error")),
        }
    }
}

/// A validated ListSessions.
#[derive(Clone, Debug)]
pub struct ListQuery {
    /// Sessions per page.
    pub page_size: i64,
    /// Where the page starts.
    pub after: Option<PageToken>,
    /// Only this status.
    pub status: Option<SessionStatus>,
}

impl ListQuery {
    /// Validates paging (AIP-158: 0 means the default, above the maximum means the maximum).
    pub fn parse(request: &pb::ListSessionsRequest) -> Result<Self, Status> {
        let mut v = FieldViolations::new();
        let page_size = match i64::from(request.page_size) {
            size if size < 0 => {
                v.add("page_size", "must not be negative");
                DEFAULT_PAGE_SIZE
            }
            0 => DEFAULT_PAGE_SIZE,
            size => size.min(MAX_PAGE_SIZE),
        };
        let status = match pb::SessionStatus::try_from(request.status) {
            Ok(pb::SessionStatus::Unspecified) => None,
            Ok(pb::SessionStatus::InProgress) => Some(SessionStatus::InProgress),
            Ok(pb::SessionStatus::Completed) => Some(SessionStatus::Completed),
            Ok(pb::SessionStatus::Abandoned) => Some(SessionStatus::Abandoned),
            Err(_) => {
                v.add("status", "must be a known session status");
                None
            }
        };
        let after = if request.page_token.is_empty() {
            None
        } else {
            match PageToken::decode(&request.page_token) {
                Some(token) if token.status_filter == status.map(|s| s.as_str().to_owned()) => {
                    Some(token)
                }
                Some(_) => {
                    v.add("page_token", "was issued for a different status filter");
                    None
                }
                None => {
                    v.add("page_token", "is not a valid page token");
                    None
                }
            }
        };
        v.into_result()?;
        Ok(Self {
            page_size,
            after,
            status,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_bounds_and_default_question_count() {
        assert!(DurationMinutes::new(29).is_err());
        assert!(DurationMinutes::new(61).is_err());
        assert_eq!(
            DurationMinutes::new(30)
                .unwrap()
                .default_question_count()
                .get(),
            3
        );
        assert_eq!(
            DurationMinutes::new(45)
                .unwrap()
                .default_question_count()
                .get(),
            4
        );
        assert_eq!(
            DurationMinutes::new(60)
                .unwrap()
                .default_question_count()
                .get(),
            6
        );
    }

    #[test]
    fn answer_text_limits() {
        assert!(AnswerText::new("   \n".into()).is_err());
        assert!(AnswerText::new("a\0b".into()).is_err());
        assert!(AnswerText::new("é".repeat(10_000)).is_ok());
        assert!(AnswerText::new("é".repeat(10_001)).is_err());
    }

    #[test]
    fn page_size_follows_aip_158() {
        let q = |size| {
            ListQuery::parse(&pb::ListSessionsRequest {
                page_size: size,
                ..Default::default()
            })
        };
        assert_eq!(q(0).unwrap().page_size, 20);
        assert_eq!(q(1_000_000).unwrap().page_size, 100);
        assert_eq!(q(-1).unwrap_err().code(), tonic::Code::InvalidArgument);
    }

    #[test]
    fn a_zero_question_count_is_the_default() {
        for count in [None, Some(0)] {
            let new = NewSession::parse(&pb::CreateSessionRequest {
                interview_type: 1,
                duration_minutes: 45,
                difficulty: 1,
                question_count: count,
            })
            .unwrap();
            assert_eq!(new.question_count.get(), 4, "{count:?}");
        }
    }

    #[test]
    fn create_reports_every_bad_field() {
        let err = NewSession::parse(&pb::CreateSessionRequest {
            interview_type: 0,
            duration_minutes: 29,
            difficulty: 9,
            question_count: Some(11),
        })
        .unwrap_err();
        for field in [
            "interview_type",
            "duration_minutes",
            "difficulty",
            "question_count",
        ] {
            assert!(
                err.message().contains(field),
                "{field} missing in {}",
                err.message()
            );
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn create_accepts_exactly_the_valid_ranges(
                interview_type in any::<i32>(),
                difficulty in any::<i32>(),
                duration in prop_oneof![any::<i32>(), 25..65],
                count in proptest::option::of(prop_oneof![any::<i32>(), -2..13]),
            ) {
                let request = pb::CreateSessionRequest {
                    interview_type,
                    duration_minutes: duration,
                    difficulty,
                    question_count: count,
                };
                let valid = (1..=3).contains(&interview_type)
                    && (1..=3).contains(&difficulty)
                    && (30..=60).contains(&duration)
                    && count.is_none_or(|c| (0..=10).contains(&c));
                match NewSession::parse(&request) {
                    Ok(new) => {
                        prop_assert!(valid);
                        prop_assert!((1..=10).contains(&new.question_count.get()));
                    }
                    Err(status) => {
                        prop_assert!(!valid);
                        prop_assert_eq!(status.code(), tonic::Code::InvalidArgument);
                    }
                }
            }

            #[test]
            fn submit_never_panics_and_refuses_only_with_invalid_argument(
                session_id in prop_oneof![any::<String>(), any::<u128>().prop_map(|i| Uuid::from_u128(i).to_string())],
                question_id in prop_oneof![any::<String>(), any::<u128>().prop_map(|i| Uuid::from_u128(i).to_string())],
                text in prop_oneof![any::<String>(), "\\PC{0,50}", "[ \t\n]{0,5}"],
            ) {
                let text_ok = !interview_coach_common::text::is_blank(&text)
                    && text.chars().count() <= MAX_ANSWER_CHARS
                    && !text.contains('\0');
                let ids_ok = Uuid::parse_str(session_id.trim()).is_ok()
                    && Uuid::parse_str(question_id.trim()).is_ok();
                match NewAnswer::parse(pb::SubmitAnswerRequest {
                    session_id,
                    question_id,
                    answer_text: text.clone(),
                }) {
                    Ok(answer) => {
                        prop_assert!(text_ok && ids_ok);
                        prop_assert_eq!(answer.text.as_str(), text.as_str());
                    }
                    Err(status) => {
                        prop_assert!(!(text_ok && ids_ok));
                        prop_assert_eq!(status.code(), tonic::Code::InvalidArgument);
                    }
                }
            }

            #[test]
            fn list_never_panics_and_keeps_the_page_size_in_range(
                page_size in any::<i32>(),
                page_token in prop_oneof![any::<String>(), "[A-Za-z0-9_-]{0,120}"],
                status in prop_oneof![any::<i32>(), -1..5],
            ) {
                match ListQuery::parse(&pb::ListSessionsRequest { page_size, page_token, status }) {
                    Ok(query) => prop_assert!((1..=MAX_PAGE_SIZE).contains(&query.page_size)),
                    Err(status) => prop_assert_eq!(status.code(), tonic::Code::InvalidArgument),
                }
            }
        }
    }
}
