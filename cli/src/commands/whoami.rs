//! `coach whoami`: the logged-in account.

use std::io::{BufRead, Write};

use crate::{console::Console, context::Context, errors::Error, render};

/// Shows the account of the stored login.
pub async fn run<R: BufRead, W: Write>(
    context: &Context,
    console: &mut Console<R, W>,
) -> Result<(), Error> {
    let mut auth = context.authenticator()?;
    let user = context.identity().await?.current_user(&mut auth).await?;
    writeln!(console.out(), "{}", render::user(&user))?;
    Ok(())
}
