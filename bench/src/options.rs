//! The command line of `loadgen`.

use std::{path::PathBuf, time::Duration};

use clap::{Parser, ValueEnum};

/// What the virtual users do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mix {
    /// Loop: create a session, submit every answer, get the session, complete it, get
    /// progress, signed in since registration (`--relogin`: log in at every loop's start).
    Journey,
    /// Loop: create a session of 10 questions and answer them all (SubmitAnswer with its
    /// evaluation, CreateSession amortised over ten answers).
    Submit,
    /// Read one answered session over and over (GetSession).
    GetSession,
    /// Log in over and over (bcrypt-bound).
    Login,
    /// `--login-users` logging in over and over while `--users` read sessions: does bcrypt
    /// starve the other RPCs?
    Mixed,
}

impl Mix {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Journey => "journey",
            Self::Submit => "submit",
            Self::GetSession => "get-session",
            Self::Login => "login",
            Self::Mixed => "mixed",
        }
    }
}

/// Which limits to measure before the load.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LimitsMode {
    /// Only those the chosen mixes are compared against.
    Auto,
    /// All of them.
    All,
    /// None.
    None,
}

/// `loadgen`: virtual users running the real journey against running services.
#[derive(Clone, Debug, Parser)]
#[command(name = "loadgen", version, about)]
pub struct Options {
    /// The identity service.
    #[arg(
        long,
        env = "BENCH_IDENTITY_URL",
        default_value = "http://127.0.0.1:50051"
    )]
    pub identity_url: String,
    /// The session service.
    #[arg(
        long,
        env = "BENCH_SESSION_URL",
        default_value = "http://127.0.0.1:50052"
    )]
    pub session_url: String,
    /// The database the services use (for the database limit; skipped when absent).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Scenarios to run, in order (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "journey")]
    pub mix: Vec<Mix>,
    /// Concurrent virtual users (the readers in `mixed`).
    #[arg(long, default_value_t = 32)]
    pub users: usize,
    /// Virtual users logging in during `mixed`.
    #[arg(long, default_value_t = 8)]
    pub login_users: usize,
    /// Cap on the readers' total GetSession rate in `mixed` (requests/s; 0 = as fast as
    /// they can).
    #[arg(long, default_value_t = 0)]
    pub read_rate: u32,
    /// In `journey`, log in again at the start of every loop.
    #[arg(long)]
    pub relogin: bool,
    /// Measured time per scenario (e.g. `15s`, `500ms`, `20`).
    #[arg(long, default_value = "15s", value_parser = parse_duration)]
    pub duration: Duration,
    /// Unmeasured time before each scenario's measurement.
    #[arg(long, default_value = "3s", value_parser = parse_duration)]
    pub warmup: Duration,
    /// Measured time of each limit probe.
    #[arg(long, default_value = "4s", value_parser = parse_duration)]
    pub limit_duration: Duration,
    /// gRPC connections shared by the users (0 = one per user).
    #[arg(long, default_value_t = 0)]
    pub connections: usize,
    /// The bcrypt cost the identity service is configured with (`BCRYPT_COST`).
    #[arg(long, env = "BCRYPT_COST", default_value_t = 12)]
    pub bcrypt_cost: u32,
    /// Pool size of the database probe (the services' `DATABASE_MAX_CONNECTIONS`).
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 20)]
    pub db_pool: u32,
    /// Which limits to measure.
    #[arg(long, value_enum, default_value = "auto")]
    pub limits: LimitsMode,
    /// A process to watch, as `name=pid` (repeatable); without any, the three services are
    /// looked up by executable name.
    #[arg(long = "pid", value_parser = parse_pid)]
    pub pids: Vec<(String, u32)>,
    /// Also write the results as JSON here.
    #[arg(long)]
    pub json_out: Option<PathBuf>,
}

impl Options {
    /// The number of gRPC connections to open for `users` users.
    pub fn connections_for(&self, users: usize) -> usize {
        match self.connections {
            0 => users.max(1),
            n => n.min(users.max(1)),
        }
    }
}

/// `15s`, `500ms`, `2m` or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 15s or 500ms"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        _ => return Err(format!("{text:?}: unknown unit {unit:?} (ms, s, m)")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|err| format!("{text:?}: {err}"))
}

/// `name=pid`.
pub fn parse_pid(text: &str) -> Result<(String, u32), String> {
    let (name, pid) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not name=pid"))?;
    let pid = pid
        .parse()
        .map_err(|_| format!("{text:?}: {pid:?} is not a process id"))?;
    Ok((name.to_owned(), pid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_units() {
        assert_eq!(parse_duration("15s").unwrap(), Duration::from_secs(15));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("3").unwrap(), Duration::from_secs(3));
        assert!(parse_duration("3h").is_err());
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn pids_are_name_equals_number() {
        assert_eq!(parse_pid("session=42").unwrap(), ("session".to_owned(), 42));
        assert!(parse_pid("session").is_err());
        assert!(parse_pid("session=x").is_err());
    }

    #[test]
    fn mixes_parse_as_a_list() {
        let options =
            Options::try_parse_from(["loadgen", "--mix", "login,get-session", "--users", "4"])
                .unwrap();
        assert_eq!(options.mix, vec![Mix::Login, Mix::GetSession]);
        assert_eq!(options.connections_for(4), 4);
    }
}
