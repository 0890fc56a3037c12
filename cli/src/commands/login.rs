//! `coach login`: sign in and keep the token pair for the other commands.

use std::io::{BufRead, Write};

use secrecy::SecretString;

use crate::{cli::LoginArgs, console::Console, context::Context, errors::Error};

/// Logs in with the flag's email or the one typed; `password` (from `COACH_PASSWORD`)
/// replaces the password prompt.
pub async fn run<R: BufRead, W: Write>(
    context: &Context,
    args: LoginArgs,
    password: Option<SecretString>,
    console: &mut Console<R, W>,
) -> Result<(), Error> {
    let email = match args.email {
        Some(email) => email,
        None => console.prompt_required("Email")?,
    };
    let password = match password {
        Some(password) => password,
        None => console.prompt_secret("Password")?,
    };
    let signed_in = context.identity().await?.login(email, &password).await?;
    context.store().save(&signed_in.credentials)?;
    let user = signed_in.user;
    writeln!(
        console.out(),
        "Logged in as {} <{}>.",
        user.name,
        user.email
    )?;
    Ok(())
}
