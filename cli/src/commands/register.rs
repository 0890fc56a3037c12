//! `coach register`: create an account and keep its login.

use std::io::{BufRead, Write};

use secrecy::{ExposeSecret, SecretString};

use crate::{cli::RegisterArgs, console::Console, context::Context, errors::Error};

/// Registers with the flags, asking for what they leave out; `password` (from
/// `COACH_PASSWORD`) replaces the two password prompts.
pub async fn run<R: BufRead, W: Write>(
    context: &Context,
    args: RegisterArgs,
    password: Option<SecretString>,
    console: &mut Console<R, W>,
) -> Result<(), Error> {
    let email = match args.email {
        Some(email) => email,
        None => console.prompt_required("Email")?,
    };
    let name = match args.name {
        Some(name) => name,
        None => console.prompt_required("Name")?,
    };
    let password = match password {
        Some(password) => password,
        None => new_password(console)?,
    };
    let signed_in = context
        .identity()
        .await?
        .register(email, name, &password)
        .await?;
    context.store().save(&signed_in.credentials)?;
    let user = signed_in.user;
    writeln!(
        console.out(),
        "Welcome, {}! You are logged in as {}.",
        user.name,
        user.email
    )?;
    Ok(())
}

/// A password typed twice.
fn new_password<R: BufRead, W: Write>(console: &mut Console<R, W>) -> Result<SecretString, Error> {
    let password = console.prompt_secret("Password (12 characters or more)")?;
    let repeated = console.prompt_secret("Password again")?;
    if password.expose_secret() != repeated.expose_secret() {
        return Err(Error::Input("the two passwords differ".into()));
    }
    Ok(password)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    #[test]
    fn the_password_must_be_typed_the_same_twice() {
        let input = Cursor::new(b"correct horse battery\ncorrect horse battery\n".to_vec());
        let mut console = Console::new(input, Vec::new(), false);
        assert_eq!(
            new_password(&mut console).unwrap().expose_secret(),
            "correct horse battery"
        );

        let input = Cursor::new(b"correct horse battery\ncorrect horse battary\n".to_vec());
        let mut console = Console::new(input, Vec::new(), false);
        assert_eq!(
            new_password(&mut console).unwrap_err().to_string(),
            "the two passwords differ"
        );
    }
}
