//! The `coach` binary: parse the command line, run it, print a failure as one line.

use std::process::ExitCode;

use clap::Parser;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match coach::run(coach::Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("coach: {err}");
            ExitCode::FAILURE
        }
    }
}
