//! The command line: subcommands, flags and the environment variables behind them.

use std::path::PathBuf;

use clap::{
    Args, Parser, Subcommand, ValueEnum,
    builder::{PossibleValuesParser, TypedValueParser},
};
use interview_coach_common::domain::{Difficulty, InterviewType};
use interview_coach_proto::session::v1::SessionStatus;

/// Practise job interviews with Interview Coach.
#[derive(Debug, Parser)]
#[command(name = "coach", version)]
pub struct Cli {
    #[command(flatten)]
    pub options: GlobalOptions,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the services and the stored login are.
#[derive(Debug, Args)]
#[command(next_help_heading = "Connection")]
pub struct GlobalOptions {
    /// URL of the identity service.
    #[arg(
        long,
        global = true,
        env = "COACH_IDENTITY_URL",
        default_value = "http://127.0.0.1:50051"
    )]
    pub identity_url: String,
    /// URL of the session service.
    #[arg(
        long,
        global = true,
        env = "COACH_SESSION_URL",
        default_value = "http://127.0.0.1:50052"
    )]
    pub session_url: String,
    /// Directory of the stored login [default: <user config dir>/interview-coach].
    #[arg(long, global = true, env = "COACH_CONFIG_DIR")]
    pub config_dir: Option<PathBuf>,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an account and log in (the password may come from COACH_PASSWORD).
    Register(RegisterArgs),
    /// Log in and keep the login for the other commands (password: as for register).
    Login(LoginArgs),
    /// Revoke the stored login and forget it.
    Logout,
    /// Take a mock interview.
    Practice(PracticeArgs),
    /// List your sessions, newest first.
    History(HistoryArgs),
    /// Show your average scores and how they develop.
    Progress,
    /// Show who is logged in.
    Whoami,
}

/// `coach register`.
#[derive(Debug, Default, Args)]
pub struct RegisterArgs {
    /// Email address (asked when missing).
    #[arg(long)]
    pub email: Option<String>,
    /// Display name (asked when missing).
    #[arg(long)]
    pub name: Option<String>,
}

/// `coach login`.
#[derive(Debug, Default, Args)]
pub struct LoginArgs {
    /// Email address (asked when missing).
    #[arg(long)]
    pub email: Option<String>,
}

/// `coach practice`; missing choices are asked on a terminal, else defaulted.
#[derive(Debug, Default, Args)]
pub struct PracticeArgs {
    /// Kind of interview [default: technical].
    #[arg(long = "type", value_parser = interview_type())]
    pub interview_type: Option<InterviewType>,
    /// How hard the questions are [default: medium].
    #[arg(long, value_parser = difficulty())]
    pub difficulty: Option<Difficulty>,
    /// Length in minutes, 30 to 60 [default: 30].
    #[arg(long, value_parser = clap::value_parser!(i32).range(30..=60))]
    pub minutes: Option<i32>,
    /// Number of questions, 1 to 10 [default: one per 10 minutes].
    #[arg(long, value_parser = clap::value_parser!(i32).range(1..=10))]
    pub questions: Option<i32>,
}

/// `coach history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only sessions in this state.
    #[arg(long, value_enum)]
    pub status: Option<StatusFilter>,
    /// At most this many sessions.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(i32).range(1..=1000))]
    pub limit: i32,
}

/// The session states `coach history` can filter on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatusFilter {
    InProgress,
    Completed,
    Abandoned,
}

impl StatusFilter {
    /// The wire value.
    pub fn to_proto(self) -> SessionStatus {
        match self {
            Self::InProgress => SessionStatus::InProgress,
            Self::Completed => SessionStatus::Completed,
            Self::Abandoned => SessionStatus::Abandoned,
        }
    }
}

fn interview_type() -> impl TypedValueParser<Value = InterviewType> {
    PossibleValuesParser::new(InterviewType::ALL.map(InterviewType::as_str))
        .try_map(|value| InterviewType::parse(&value).ok_or("unknown interview type"))
}

fn difficulty() -> impl TypedValueParser<Value = Difficulty> {
    PossibleValuesParser::new(Difficulty::ALL.map(Difficulty::as_str))
        .try_map(|value| Difficulty::parse(&value).ok_or("unknown difficulty"))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn practice_flags_parse_into_domain_types() {
        let cli = Cli::try_parse_from([
            "coach",
            "practice",
            "--type",
            "system-design",
            "--difficulty",
            "hard",
            "--minutes",
            "45",
            "--questions",
            "2",
        ])
        .unwrap();
        let Command::Practice(args) = cli.command else {
            panic!("not practice: {:?}", cli.command);
        };
        assert_eq!(args.interview_type, Some(InterviewType::SystemDesign));
        assert_eq!(args.difficulty, Some(Difficulty::Hard));
        assert_eq!(args.minutes, Some(45));
        assert_eq!(args.questions, Some(2));
    }

    #[test]
    fn out_of_range_choices_are_refused() {
        assert!(Cli::try_parse_from(["coach", "practice", "--minutes", "20"]).is_err());
        assert!(Cli::try_parse_from(["coach", "practice", "--type", "trivia"]).is_err());
        assert!(Cli::try_parse_from(["coach", "history", "--limit", "0"]).is_err());
    }

    #[test]
    fn history_status_uses_kebab_case() {
        let cli = Cli::try_parse_from(["coach", "history", "--status", "in-progress"]).unwrap();
        let Command::History(args) = cli.command else {
            panic!("not history: {:?}", cli.command);
        };
        assert_eq!(args.status, Some(StatusFilter::InProgress));
        assert_eq!(args.limit, 20);
    }
}
