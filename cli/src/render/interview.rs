//! What `coach practice` shows: questions, evaluations and the final summary.

use chrono::TimeDelta;
use interview_coach_proto::session::v1::{
    Evaluation, EvaluationState, Question, Session, SessionStatus, SubmitAnswerResponse,
};

use super::{difficulty, interview_type, score};

/// How to answer, shown once before the first question.
pub fn instructions() -> &'static str {
    "Type your answer over as many lines as you like, then a line with only \".\".\n\
     Commands on a line of their own: :hint (next hint), :skip (skip the question), \
     :quit (abandon the session)."
}

/// The header and text of question `question.position` of `total`.
pub fn question(question: &Question, total: usize, time_left: Option<TimeDelta>) -> String {
    let header = match time_left {
        Some(left) => format!(
            "Question {}/{total} · {}",
            question.position,
            remaining(left)
        ),
        None => format!("Question {}/{total}", question.position),
    };
    let mut lines = vec![String::new(), header, question.text.trim().to_owned()];
    match question.hints.len() {
        0 => {}
        1 => lines.push("(1 hint available: :hint)".to_owned()),
        n => lines.push(format!("({n} hints available: :hint)")),
    }
    lines.join("\n")
}

/// `24 min 05 s left`, or `time is up`.
fn remaining(left: TimeDelta) -> String {
    if left <= TimeDelta::zero() {
        return "time is up".to_owned();
    }
    let seconds = left.num_seconds();
    format!("{} min {:02} s left", seconds / 60, seconds % 60)
}

/// Score, feedback, strengths and improvements of an evaluation.
pub fn evaluation(evaluation: &Evaluation) -> String {
    let mut lines = vec![format!("Score: {}", score(evaluation.score))];
    let feedback = evaluation.feedback.trim();
    if !feedback.is_empty() {
        lines.push(format!("Feedback: {feedback}"));
    }
    push_list(&mut lines, "Strengths", '+', &evaluation.strengths);
    push_list(&mut lines, "Improvements", '-', &evaluation.improvements);
    if evaluation
        .provenance
        .as_ref()
        .is_some_and(|p| p.is_fallback)
    {
        lines
            .push("(scored by the built-in rubric: the language model was unavailable)".to_owned());
    }
    lines.join("\n")
}

fn push_list(lines: &mut Vec<String>, title: &str, bullet: char, items: &[String]) {
    if items.is_empty() {
        return;
    }
    lines.push(format!("{title}:"));
    lines.extend(items.iter().map(|item| format!("  {bullet} {item}")));
}

/// The evaluation of a submitted answer, or that it is still being made.
pub fn submit_result(result: &SubmitAnswerResponse) -> String {
    match (result.evaluation_state(), &result.evaluation) {
        (EvaluationState::Evaluated, Some(done)) => evaluation(done),
        _ => "Evaluation pending: the score will be in the summary.".to_owned(),
    }
}

/// The overall result of a finished session and the score of each question.
pub fn summary(session: &Session) -> String {
    let outcome = match session.status() {
        SessionStatus::Completed => "completed",
        SessionStatus::Abandoned => "abandoned",
        SessionStatus::InProgress | SessionStatus::Unspecified => "not finished",
    };
    let overall = match (session.status(), session.overall_score) {
        (_, Some(overall)) => format!("Overall score: {}", score(overall)),
        (SessionStatus::Abandoned, None) => {
            "Overall score: none (the session was abandoned)".to_owned()
        }
        (_, None) => "Overall score: none (nothing was scored)".to_owned(),
    };
    let mut lines = vec![
        String::new(),
        format!(
            "Session {outcome}: {}, {}, {} of {} questions answered.",
            interview_type(session.interview_type),
            difficulty(session.difficulty),
            session.answered_count,
            session.question_count,
        ),
        overall,
    ];
    lines.extend(session.questions.iter().map(|question| {
        format!(
            "  Q{:<2} {:<10}  {}",
            question.position,
            question_result(question),
            headline(&question.text),
        )
    }));
    lines.join("\n")
}

fn question_result(question: &Question) -> String {
    match (question.evaluation_state(), &question.evaluation) {
        (EvaluationState::Evaluated, Some(done)) => score(done.score),
        (EvaluationState::Pending, _) => "pending".to_owned(),
        _ => "unanswered".to_owned(),
    }
}

/// The first line of a question, cut to fit one terminal line.
fn headline(text: &str) -> String {
    const WIDTH: usize = 60;
    let first = text.trim().lines().next().unwrap_or_default();
    if first.chars().count() <= WIDTH {
        return first.to_owned();
    }
    let cut: String = first.chars().take(WIDTH - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use interview_coach_proto::common::v1::Provenance;

    use super::*;

    fn scored(score: f64) -> Evaluation {
        Evaluation {
            score,
            feedback: "Clear, but no complexity analysis.".into(),
            strengths: vec!["Correct algorithm".into(), "Named edge cases".into()],
            improvements: vec!["State the time complexity".into()],
            ..Evaluation::default()
        }
    }

    #[test]
    fn an_evaluation_shows_score_feedback_strengths_and_improvements() {
        assert_eq!(
            evaluation(&scored(7.5)),
            "Score: 7.5/10\n\
             Feedback: Clear, but no complexity analysis.\n\
             Strengths:\n  + Correct algorithm\n  + Named edge cases\n\
             Improvements:\n  - State the time complexity"
        );
    }

    #[test]
    fn a_fallback_evaluation_says_so() {
        let mut fallback = scored(5.0);
        fallback.provenance = Some(Provenance {
            is_fallback: true,
            ..Provenance::default()
        });
        assert!(evaluation(&fallback).ends_with("the language model was unavailable)"));
    }

    #[test]
    fn a_pending_evaluation_says_it_is_pending() {
        let pending = SubmitAnswerResponse {
            evaluation_state: EvaluationState::Pending.into(),
            ..SubmitAnswerResponse::default()
        };
        assert_eq!(
            submit_result(&pending),
            "Evaluation pending: the score will be in the summary."
        );
        let done = SubmitAnswerResponse {
            evaluation_state: EvaluationState::Evaluated.into(),
            evaluation: Some(scored(9.0)),
            ..SubmitAnswerResponse::default()
        };
        assert!(submit_result(&done).starts_with("Score: 9.0/10\n"));
    }

    #[test]
    fn a_question_shows_its_position_time_left_and_hints() {
        let q = Question {
            position: 2,
            text: "Explain a hash map.\n".into(),
            hints: vec!["buckets".into(), "collisions".into()],
            ..Question::default()
        };
        assert_eq!(
            question(&q, 3, Some(TimeDelta::seconds(24 * 60 + 5))),
            "\nQuestion 2/3 · 24 min 05 s left\nExplain a hash map.\n(2 hints available: :hint)"
        );
        assert_eq!(
            question(&q, 3, Some(TimeDelta::zero())).lines().nth(1),
            Some("Question 2/3 · time is up")
        );
    }

    #[test]
    fn the_summary_lists_every_question() {
        let question = |position, state: EvaluationState, evaluation| Question {
            position,
            text: format!("Question number {position}"),
            evaluation_state: state.into(),
            evaluation,
            ..Question::default()
        };
        let session = Session {
            interview_type: 1,
            difficulty: 2,
            status: SessionStatus::Completed.into(),
            overall_score: Some(6.5),
            question_count: 3,
            answered_count: 2,
            questions: vec![
                question(1, EvaluationState::Evaluated, Some(scored(6.5))),
                question(2, EvaluationState::Pending, None),
                question(3, EvaluationState::NotAnswered, None),
            ],
            ..Session::default()
        };
        assert_eq!(
            summary(&session),
            "\nSession completed: technical, medium, 2 of 3 questions answered.\n\
             Overall score: 6.5/10\n  \
             Q1  6.5/10      Question number 1\n  \
             Q2  pending     Question number 2\n  \
             Q3  unanswered  Question number 3"
        );
    }

    #[test]
    fn long_questions_are_cut_in_the_summary() {
        let long = "word ".repeat(30);
        let cut = headline(&long);
        assert_eq!(cut.chars().count(), 60);
        assert!(cut.ends_with('…'));
    }
}
