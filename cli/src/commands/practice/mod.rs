//! `coach practice`: choose an interview, answer its questions, see the scores.

mod interview;
mod plan;

use std::io::{BufRead, Write};

use interview_coach_proto::session::v1::Session;

pub use self::{interview::interview, plan::Plan};
use crate::{cli::PracticeArgs, console::Console, context::Context, errors::Error};

/// Starts a session with the flags' choices (asking for the missing ones on a terminal)
/// and runs it; returns the session as it ended, completed or abandoned.
pub async fn run<R: BufRead, W: Write>(
    context: &Context,
    args: PracticeArgs,
    console: &mut Console<R, W>,
) -> Result<Session, Error> {
    let mut api = context.session().await?;
    let plan = Plan::choose(args, console)?;
    writeln!(console.out(), "Preparing {plan}…")?;
    let session = api.create_session(plan.request()).await?;
    interview(&mut api, session, console).await
}
