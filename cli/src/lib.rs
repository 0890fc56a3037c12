//! `coach`, the Interview Coach command-line client.
//!
//! It talks to the identity service (`COACH_IDENTITY_URL`, default
//! `http://127.0.0.1:50051`) and the session service (`COACH_SESSION_URL`, default
//! `http://127.0.0.1:50052`), and keeps the login in
//! `<user config dir>/interview-coach/credentials.json` (`COACH_CONFIG_DIR` overrides the
//! directory). Every command is a function of a [`Context`] and a [`Console`], so tests can
//! drive them with scripted input: see [`commands::practice::run`].

pub mod answer;
pub mod cli;
pub mod clients;
pub mod commands;
pub mod console;
pub mod context;
pub mod credentials;
pub mod errors;
pub mod render;
mod time;

use secrecy::SecretString;

use self::cli::Command;
pub use self::{cli::Cli, console::Console, context::Context, errors::Error};

/// Environment variable holding the password, for scripts.
pub const PASSWORD_VAR: &str = "COACH_PASSWORD";

/// Runs the parsed command line on the real terminal.
pub async fn run(cli: Cli) -> Result<(), Error> {
    let context = Context::from_options(cli.options)?;
    let console = &mut Console::stdio();
    match cli.command {
        Command::Register(args) => {
            commands::register::run(&context, args, password_from_env(), console).await
        }
        Command::Login(args) => {
            commands::login::run(&context, args, password_from_env(), console).await
        }
        Command::Logout => commands::logout::run(&context, console).await,
        Command::Practice(args) => commands::practice::run(&context, args, console)
            .await
            .map(drop),
        Command::History(args) => commands::history::run(&context, args, console).await,
        Command::Progress => commands::progress::run(&context, console).await,
        Command::Whoami => commands::whoami::run(&context, console).await,
    }
}

/// The password from [`PASSWORD_VAR`], when it is set and not empty.
fn password_from_env() -> Option<SecretString> {
    std::env::var(PASSWORD_VAR)
        .ok()
        .filter(|password| !password.is_empty())
        .map(SecretString::from)
}
