//! `coach progress`: averages per type, the recent trend and what to practise next.

use std::io::{BufRead, Write};

use crate::{console::Console, context::Context, errors::Error, render};

/// Shows the user's progress.
pub async fn run<R: BufRead, W: Write>(
    context: &Context,
    console: &mut Console<R, W>,
) -> Result<(), Error> {
    let progress = context.session().await?.progress().await?;
    writeln!(console.out(), "{}", render::progress(&progress))?;
    Ok(())
}
