//! The only place the session contract's messages meet domain values: requests validated
//! into domain values (every bad field reported at once, as INVALID_ARGUMENT with field
//! violations), read models, progress and evaluations turned into messages.

use chrono::{TimeDelta, Utc};
use interview_coach_common::{
    domain::{AnswerText, Difficulty, InterviewType},
    paging::Cursor,
    status::FieldViolations,
    time::{duration, timestamp},
};
use interview_coach_proto::{common::v1 as common_pb, session::v1 as pb};
use rust_decimal::prelude::ToPrimitive;
use uuid::Uuid;

use crate::{
    domain::{
        DurationMinutes, ListQuery, NewAnswer, NewSession, QuestionCount, SESSION_PAGES,
        SessionStatus,
        evaluation::{Confidence, Evaluation, EvaluationsByAnswer},
        list_scope,
        progress::Progress,
        question::{Provenance, RubricOrigin},
        session::{Question, Session, SessionView, SubmittedAnswer},
    },
    error::Result,
};

/// A validated CreateSession.
pub fn new_session(request: &pb::CreateSessionRequest) -> Result<NewSession> {
    let mut v = FieldViolations::new();
    let interview_type = v.check(
        "interview_type",
        InterviewType::from_proto(request.interview_type)
            .ok_or("must be a known, specified interview type"),
    );
    let difficulty = v.check(
        "difficulty",
        Difficulty::from_proto(request.difficulty).ok_or("must be a known, specified difficulty"),
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
    match (interview_type, difficulty, duration, explicit_count) {
        (Some(interview_type), Some(difficulty), Some(duration), Some(count)) if v.is_empty() => {
            Ok(NewSession {
                interview_type,
                difficulty,
                duration,
                question_count: count.unwrap_or_else(|| duration.default_question_count()),
            })
        }
        _ => Err(v.into()),
    }
}

/// A session id from a request.
pub fn session_id(value: &str) -> Result<Uuid> {
    let mut v = FieldViolations::new();
    v.uuid("session_id", value).ok_or_else(|| v.into())
}

/// A validated SubmitAnswer.
pub fn new_answer(request: pb::SubmitAnswerRequest) -> Result<NewAnswer> {
    let mut v = FieldViolations::new();
    let session_id = v.uuid("session_id", &request.session_id);
    let question_id = v.uuid("question_id", &request.question_id);
    let text = v.check("answer_text", AnswerText::new(request.answer_text));
    match (session_id, question_id, text) {
        (Some(session_id), Some(question_id), Some(text)) if v.is_empty() => Ok(NewAnswer {
            session_id,
            question_id,
            text,
        }),
        _ => Err(v.into()),
    }
}

/// A validated ListSessions (AIP-158: 0 means the default, above the maximum the maximum).
pub fn list_query(request: &pb::ListSessionsRequest) -> Result<ListQuery> {
    let mut v = FieldViolations::new();
    let page_size = v.check("page_size", SESSION_PAGES.parse(request.page_size));
    let status = v.check(
        "status",
        match pb::SessionStatus::try_from(request.status) {
            Ok(pb::SessionStatus::Unspecified) => Ok(None),
            Ok(pb::SessionStatus::InProgress) => Ok(Some(SessionStatus::InProgress)),
            Ok(pb::SessionStatus::Completed) => Ok(Some(SessionStatus::Completed)),
            Ok(pb::SessionStatus::Abandoned) => Ok(Some(SessionStatus::Abandoned)),
            Err(_) => Err("must be a known session status"),
        },
    );
    // A token is checked against the filter it is sent with; with a bad filter there is
    // nothing to check it against, and the status violation says what to fix.
    let after = status.and_then(|status| {
        v.check(
            "page_token",
            Cursor::decode_optional(&request.page_token, list_scope(status)),
        )
    });
    match (page_size, status, after) {
        (Some(page_size), Some(status), Some(after)) if v.is_empty() => Ok(ListQuery {
            page_size,
            after,
            status,
        }),
        _ => Err(v.into()),
    }
}

fn status_message(status: SessionStatus) -> pb::SessionStatus {
    match status {
        SessionStatus::InProgress => pb::SessionStatus::InProgress,
        SessionStatus::Completed => pb::SessionStatus::Completed,
        SessionStatus::Abandoned => pb::SessionStatus::Abandoned,
    }
}

fn provenance(p: &Provenance) -> common_pb::Provenance {
    common_pb::Provenance {
        source: p.source.clone(),
        is_fallback: p.is_fallback,
        fallback_reason: p.fallback_reason.clone(),
        rubric_version: p.rubric_version.clone(),
        rubric_origin: match p.rubric_origin {
            None => common_pb::RubricOrigin::Unspecified,
            Some(RubricOrigin::Bank) => common_pb::RubricOrigin::Bank,
            Some(RubricOrigin::Question) => common_pb::RubricOrigin::Question,
            Some(RubricOrigin::KeyPoints) => common_pb::RubricOrigin::KeyPoints,
            Some(RubricOrigin::Derived) => common_pb::RubricOrigin::Derived,
        } as i32,
        disagreement: p.disagreement,
    }
}

/// The session contract's view of an evaluation.
pub fn evaluation(e: &Evaluation) -> pb::Evaluation {
    pb::Evaluation {
        id: e.id.clone(),
        score: e.score,
        feedback: e.feedback.clone(),
        strengths: e.strengths.clone(),
        improvements: e.improvements.clone(),
        provenance: e.provenance.as_ref().map(provenance),
        create_time: e.created_at.map(timestamp),
        confidence: match e.confidence {
            None => common_pb::Confidence::Unspecified,
            Some(Confidence::Low) => common_pb::Confidence::Low,
            Some(Confidence::Medium) => common_pb::Confidence::Medium,
            Some(Confidence::High) => common_pb::Confidence::High,
        } as i32,
        red_flags: e.red_flags.clone(),
    }
}

fn interview_type(kind: Option<InterviewType>) -> i32 {
    kind.map_or(0, |t| t.to_proto() as i32)
}

fn difficulty(level: Option<Difficulty>) -> i32 {
    level.map_or(0, |d| d.to_proto() as i32)
}

fn question(question: Question, evaluations: &EvaluationsByAnswer) -> pb::Question {
    let evaluation = question
        .answer
        .as_ref()
        .and_then(|a| evaluations.get(&a.id))
        .map(|e| evaluation(e));
    let answer = question.answer.map(|a| pb::Answer {
        id: a.id.to_string(),
        text: a.text,
        create_time: a.created_at.map(timestamp),
    });
    let state = match (&answer, &evaluation) {
        (None, _) => pb::EvaluationState::NotAnswered,
        (Some(_), Some(_)) => pb::EvaluationState::Evaluated,
        (Some(_), None) => pb::EvaluationState::Pending,
    };
    pb::Question {
        id: question.id.to_string(),
        position: question.position,
        text: question.text,
        interview_type: interview_type(question.interview_type),
        difficulty: difficulty(question.difficulty),
        hints: question.hints,
        examples: question.examples,
        answer,
        evaluation_state: state as i32,
        evaluation,
        provenance: Some(provenance(&question.provenance)),
    }
}

/// A session; with its questions in the detailed views, without in lists.
pub fn session(view: SessionView) -> pb::Session {
    let SessionView {
        session,
        questions,
        evaluations,
    } = view;
    session_message(&session, questions, &evaluations)
}

/// The response of SubmitAnswer.
pub fn submitted(answer: SubmittedAnswer) -> pb::SubmitAnswerResponse {
    let evaluation = answer.evaluation.as_deref().map(evaluation);
    pb::SubmitAnswerResponse {
        answer: Some(pb::Answer {
            id: answer.id.to_string(),
            text: answer.text,
            create_time: Some(timestamp(answer.created_at)),
        }),
        evaluation_state: if evaluation.is_some() {
            pb::EvaluationState::Evaluated
        } else {
            pb::EvaluationState::Pending
        } as i32,
        evaluation,
    }
}

fn session_message(
    session: &Session,
    questions: Vec<Question>,
    evaluations: &EvaluationsByAnswer,
) -> pb::Session {
    let remaining = if session.status == SessionStatus::InProgress {
        session.deadline - Utc::now()
    } else {
        TimeDelta::zero()
    };
    pb::Session {
        id: session.id.to_string(),
        interview_type: interview_type(session.interview_type),
        difficulty: difficulty(session.difficulty),
        duration_minutes: session.duration_minutes,
        status: status_message(session.status) as i32,
        overall_score: session.overall_score.and_then(|s| s.to_f64()),
        create_time: Some(timestamp(session.created_at)),
        deadline_time: Some(timestamp(session.deadline)),
        time_remaining: Some(duration(remaining)),
        complete_time: session.completed_at.map(timestamp),
        update_time: Some(timestamp(session.updated_at)),
        question_count: i32::try_from(session.question_count).unwrap_or(i32::MAX),
        answered_count: i32::try_from(session.answered_count).unwrap_or(i32::MAX),
        questions: questions
            .into_iter()
            .map(|q| question(q, evaluations))
            .collect(),
    }
}

/// The response of GetProgress.
pub fn progress(progress: Progress) -> pb::GetProgressResponse {
    pb::GetProgressResponse {
        sessions_completed: progress.sessions_completed,
        mean_overall_score: progress.mean_overall_score,
        recent_scores: progress
            .recent_scores
            .into_iter()
            .map(|s| pb::SessionScore {
                session_id: s.session_id.to_string(),
                interview_type: interview_type(s.interview_type),
                overall_score: s.overall_score,
                complete_time: s.completed_at.map(timestamp),
            })
            .collect(),
        by_type: progress
            .by_type
            .into_iter()
            .map(|t| pb::TypeProgress {
                interview_type: interview_type(Some(t.interview_type)),
                average_score: t.average_score,
                answer_count: t.answer_count,
            })
            .collect(),
        weakest_type: interview_type(progress.weakest_type),
    }
}

#[cfg(test)]
mod tests {
    use interview_coach_common::domain::MAX_ANSWER_CHARS;
    use tonic::{Code, Status};

    use super::*;

    fn refused_fields(result: Result<impl std::fmt::Debug>) -> String {
        let status = Status::from(result.unwrap_err());
        assert_eq!(status.code(), Code::InvalidArgument);
        status.message().to_owned()
    }

    #[test]
    fn answer_text_limits() {
        let answer = |text: &str| {
            new_answer(pb::SubmitAnswerRequest {
                session_id: Uuid::nil().to_string(),
                question_id: Uuid::nil().to_string(),
                answer_text: text.into(),
            })
        };
        assert!(answer("   \n").is_err());
        assert!(answer("a\0b").is_err());
        assert!(answer(&"é".repeat(10_000)).is_ok());
        assert!(refused_fields(answer(&"é".repeat(10_001))).contains("answer_text"));
    }

    #[test]
    fn page_size_follows_aip_158() {
        let q = |size| {
            list_query(&pb::ListSessionsRequest {
                page_size: size,
                ..Default::default()
            })
        };
        assert_eq!(q(0).unwrap().page_size.get(), 20);
        assert_eq!(q(1_000_000).unwrap().page_size.get(), 100);
        assert!(refused_fields(q(-1)).contains("page_size"));
    }

    #[test]
    fn a_token_is_refused_under_another_status_filter() {
        let token = Cursor {
            created_at: Utc::now(),
            id: Uuid::nil(),
            scope: "completed".into(),
        }
        .encode();
        let q = |status: pb::SessionStatus| {
            list_query(&pb::ListSessionsRequest {
                page_size: 1,
                page_token: token.clone(),
                status: status as i32,
            })
        };
        assert!(q(pb::SessionStatus::Completed).is_ok());
        assert!(refused_fields(q(pb::SessionStatus::Unspecified)).contains("page_token"));
    }

    #[test]
    fn a_zero_question_count_is_the_default() {
        for count in [None, Some(0)] {
            let new = new_session(&pb::CreateSessionRequest {
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
        let message = refused_fields(new_session(&pb::CreateSessionRequest {
            interview_type: 0,
            duration_minutes: 29,
            difficulty: 9,
            question_count: Some(11),
        }));
        for field in [
            "interview_type",
            "duration_minutes",
            "difficulty",
            "question_count",
        ] {
            assert!(message.contains(field), "{field} missing in {message}");
        }
    }

    mod properties {
        use super::*;
        use interview_coach_testkit::uuid_or_text;
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
                match new_session(&request) {
                    Ok(new) => {
                        prop_assert!(valid);
                        prop_assert!((1..=10).contains(&new.question_count.get()));
                    }
                    Err(err) => {
                        prop_assert!(!valid);
                        prop_assert_eq!(Status::from(err).code(), Code::InvalidArgument);
                    }
                }
            }

            #[test]
            fn submit_never_panics_and_refuses_only_with_invalid_argument(
                session_id in uuid_or_text(),
                question_id in uuid_or_text(),
                text in prop_oneof![any::<String>(), "\\PC{0,50}", "[ \t\n]{0,5}"],
            ) {
                let text_ok = !interview_coach_common::text::is_blank(&text)
                    && text.chars().count() <= MAX_ANSWER_CHARS
                    && !text.contains('\0');
                let ids_ok = Uuid::parse_str(session_id.trim()).is_ok()
                    && Uuid::parse_str(question_id.trim()).is_ok();
                match new_answer(pb::SubmitAnswerRequest {
                    session_id,
                    question_id,
                    answer_text: text.clone(),
                }) {
                    Ok(answer) => {
                        prop_assert!(text_ok && ids_ok);
                        prop_assert_eq!(answer.text.as_str(), text.as_str());
                    }
                    Err(err) => {
                        prop_assert!(!(text_ok && ids_ok));
                        prop_assert_eq!(Status::from(err).code(), Code::InvalidArgument);
                    }
                }
            }

            #[test]
            fn list_never_panics_and_keeps_the_page_size_in_range(
                page_size in any::<i32>(),
                page_token in prop_oneof![any::<String>(), "[A-Za-z0-9_-]{0,120}"],
                status in prop_oneof![any::<i32>(), -1..5],
            ) {
                match list_query(&pb::ListSessionsRequest { page_size, page_token, status }) {
                    Ok(query) => prop_assert!((1..=100).contains(&query.page_size.get())),
                    Err(err) => prop_assert_eq!(Status::from(err).code(), Code::InvalidArgument),
                }
            }
        }
    }
}
