//! The only place the session contract's messages meet domain values: read models and
//! evaluations turned into messages.

use chrono::{TimeDelta, Utc};
use interview_coach_common::{
    domain::{Difficulty, InterviewType},
    time::{duration, timestamp},
};
use interview_coach_proto::{evaluation::v1 as eval_pb, session::v1 as pb};
use rust_decimal::prelude::ToPrimitive;

use crate::{
    app::interview::{SessionView, SubmittedAnswer},
    clients::evaluation::EvaluationsByAnswer,
    domain::SessionStatus,
    repo::{QuestionRow, SessionRow, question_data::QuestionData},
};

/// The session contract's view of an evaluation.
pub fn evaluation(e: &eval_pb::Evaluation) -> pb::Evaluation {
    pb::Evaluation {
        id: e.id.clone(),
        score: e.score,
        feedback: e.feedback.clone(),
        strengths: e.strengths.clone(),
        improvements: e.improvements.clone(),
        provenance: e.provenance.clone(),
        create_time: e.create_time,
        confidence: e.confidence,
        red_flags: e.red_flags.clone(),
    }
}

fn interview_type(stored: &str) -> i32 {
    InterviewType::parse(stored).map_or(0, |t| t.to_proto() as i32)
}

fn difficulty(stored: &str) -> i32 {
    Difficulty::parse(stored).map_or(0, |d| d.to_proto() as i32)
}

fn question(row: QuestionRow, evaluations: &EvaluationsByAnswer) -> pb::Question {
    let data = QuestionData::from_json(row.question_data);
    let provenance = Some(data.provenance_proto());
    let answer = row.answer_id.map(|id| pb::Answer {
        id: id.to_string(),
        text: row.answer_text.clone().unwrap_or_default(),
        create_time: row.answer_created_at.map(timestamp),
    });
    let evaluation = row
        .answer_id
        .and_then(|id| evaluations.get(&id))
        .map(|e| evaluation(e));
    let state = match (&answer, &evaluation) {
        (None, _) => pb::EvaluationState::NotAnswered,
        (Some(_), Some(_)) => pb::EvaluationState::Evaluated,
        (Some(_), None) => pb::EvaluationState::Pending,
    };
    pb::Question {
        id: row.id.to_string(),
        position: row.position,
        text: row.question_text,
        interview_type: interview_type(&row.question_type),
        difficulty: difficulty(&row.difficulty),
        hints: data.hints,
        examples: data.examples,
        answer,
        evaluation_state: state as i32,
        evaluation,
        provenance,
    }
}

/// A session; with its questions in the detailed views, without in lists.
pub fn session(view: SessionView) -> pb::Session {
    let SessionView {
        row,
        questions,
        evaluations,
    } = view;
    session_message(&row, questions, &evaluations)
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
    row: &SessionRow,
    questions: Vec<QuestionRow>,
    evaluations: &EvaluationsByAnswer,
) -> pb::Session {
    let status = SessionStatus::parse(&row.status);
    let remaining = if status == Some(SessionStatus::InProgress) {
        row.deadline - Utc::now()
    } else {
        TimeDelta::zero()
    };
    pb::Session {
        id: row.id.to_string(),
        interview_type: interview_type(&row.interview_type),
        difficulty: difficulty(&row.difficulty),
        duration_minutes: row.duration_minutes,
        status: status.map_or(0, |s| s.to_proto() as i32),
        overall_score: row.overall_score.and_then(|s| s.to_f64()),
        create_time: Some(timestamp(row.created_at)),
        deadline_time: Some(timestamp(row.deadline)),
        time_remaining: Some(duration(remaining)),
        complete_time: row.completed_at.map(timestamp),
        update_time: Some(timestamp(row.updated_at)),
        question_count: i32::try_from(row.question_count).unwrap_or(i32::MAX),
        answered_count: i32::try_from(row.answered_count).unwrap_or(i32::MAX),
        questions: questions
            .into_iter()
            .map(|q| question(q, evaluations))
            .collect(),
    }
}
