//! Running a session: each question in turn, then the summary.

use std::io::{BufRead, Write};

use chrono::{TimeDelta, Utc};
use interview_coach_proto::session::v1::{Question, Session};
use tonic::Code;

use crate::{
    answer::{AnswerDraft, AnswerEvent},
    clients::SessionApi,
    console::Console,
    errors::Error,
    render, time,
};

/// How answering one question ended.
enum Outcome {
    /// Answered (scored or pending).
    Answered,
    /// Skipped with `:skip`.
    Skipped,
    /// `:quit`, confirmed.
    Quit,
    /// No more input: finish with what was answered.
    EndOfInput,
    /// The session no longer takes answers (e.g. past its deadline).
    Closed,
}

/// Asks every question of `session` on `console`, then completes the session (or
/// abandons it on a confirmed `:quit`) and shows the summary. Returns the session as it
/// ended.
pub async fn interview<R: BufRead, W: Write>(
    api: &mut SessionApi,
    session: Session,
    console: &mut Console<R, W>,
) -> Result<Session, Error> {
    let deadline = time::optional_datetime(session.deadline_time.as_ref());
    let total = session.questions.len();
    writeln!(console.out(), "{}", render::instructions())?;
    for question in &session.questions {
        let time_left = deadline.map(|deadline| time::remaining(deadline, Utc::now()));
        if time_left == Some(TimeDelta::zero()) {
            writeln!(console.out(), "Time is up.")?;
            break;
        }
        writeln!(
            console.out(),
            "{}",
            render::question(question, total, time_left)
        )?;
        match answer(api, &session.id, question, console).await? {
            Outcome::Answered | Outcome::Skipped => {}
            Outcome::Quit => {
                let abandoned = api.abandon_session(&session.id).await?;
                writeln!(console.out(), "{}", render::summary(&abandoned))?;
                return Ok(abandoned);
            }
            Outcome::EndOfInput => {
                writeln!(console.out(), "No more input: finishing the session.")?;
                break;
            }
            Outcome::Closed => break,
        }
    }
    finish(api, &session.id, console).await
}

/// Reads and submits the answer to one question, handling the answer commands.
async fn answer<R: BufRead, W: Write>(
    api: &mut SessionApi,
    session_id: &str,
    question: &Question,
    console: &mut Console<R, W>,
) -> Result<Outcome, Error> {
    let mut draft = AnswerDraft::default();
    let mut hints = question.hints.iter();
    loop {
        match draft.next_event(console)? {
            AnswerEvent::Hint => match hints.next() {
                Some(hint) => writeln!(console.out(), "Hint: {hint}")?,
                None => writeln!(console.out(), "No more hints.")?,
            },
            AnswerEvent::Empty => {
                writeln!(console.out(), "The answer is empty: type it, or :skip.")?;
            }
            AnswerEvent::Skip => {
                writeln!(console.out(), "Skipped.")?;
                return Ok(Outcome::Skipped);
            }
            AnswerEvent::EndOfInput => return Ok(Outcome::EndOfInput),
            AnswerEvent::Quit => {
                if console.confirm("Abandon this session?")? {
                    return Ok(Outcome::Quit);
                }
                writeln!(
                    console.out(),
                    "Go on: end the answer with a line holding only \".\"."
                )?;
            }
            AnswerEvent::Submit(text) => {
                match api.submit_answer(session_id, &question.id, text).await {
                    Ok(result) => {
                        writeln!(console.out(), "{}", render::submit_result(&result))?;
                        return Ok(Outcome::Answered);
                    }
                    Err(err) if err.code() == Some(Code::InvalidArgument) => {
                        writeln!(console.out(), "{err}. Answer again, or :skip.")?;
                    }
                    Err(err) if err.code() == Some(Code::FailedPrecondition) => {
                        writeln!(console.out(), "{err}")?;
                        return Ok(Outcome::Closed);
                    }
                    Err(err) => return Err(err),
                }
            }
        }
    }
}

/// Completes the session and shows its summary. A session that was already finished
/// (e.g. timed out meanwhile) is shown as it is.
async fn finish<R: BufRead, W: Write>(
    api: &mut SessionApi,
    session_id: &str,
    console: &mut Console<R, W>,
) -> Result<Session, Error> {
    let finished = match api.complete_session(session_id).await {
        Ok(completed) => completed,
        Err(err) if err.code() == Some(Code::FailedPrecondition) => {
            writeln!(console.out(), "{err}")?;
            api.get_session(session_id).await?
        }
        Err(err) => return Err(err),
    };
    writeln!(console.out(), "{}", render::summary(&finished))?;
    Ok(finished)
}
