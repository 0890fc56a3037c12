//! Everything that can make a command fail, each printed as one friendly line.
//!
//! gRPC statuses are turned into words here and nowhere else: the code decides the
//! message, the server's text is only shown where it was written for people.

use std::{io, path::PathBuf};

use tonic::{Code, Status};
use tonic_types::StatusExt;

/// What `coach` tells the user when a command fails.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No stored credentials, or the server refused the access token.
    #[error("not logged in or session expired: run `coach login`")]
    NotLoggedIn,
    /// The refresh token is expired, revoked or was already used.
    #[error("your login has expired: run `coach login` again")]
    LoginExpired,
    /// Login refused the email and password.
    #[error("wrong email or password")]
    WrongCredentials,
    /// No connection could be made to a service.
    #[error("service unreachable at {url}")]
    Unreachable { url: String },
    /// A call returned an error status.
    #[error("{}", describe_status(.status, .url))]
    Rpc { url: String, status: Box<Status> },
    /// A service answered without a field the contract promises.
    #[error("the service at {url} sent an incomplete answer (no {field})")]
    IncompleteResponse { url: String, field: &'static str },
    /// A setting (flag or environment variable) is unusable.
    #[error("{setting}: {reason}")]
    Setting {
        setting: &'static str,
        reason: String,
    },
    /// What the user typed cannot be used.
    #[error("{0}")]
    Input(String),
    /// The terminal (standard input or output) failed.
    #[error("terminal: {0}")]
    Terminal(#[from] io::Error),
    /// The credentials file could not be read or written.
    #[error("credentials file {}: {source}", .path.display())]
    CredentialsFile { path: PathBuf, source: io::Error },
    /// The credentials file exists but is not ours to understand.
    #[error("credentials file {} is damaged: run `coach login`", .path.display())]
    DamagedCredentials { path: PathBuf },
}

impl Error {
    /// The error for `status`, returned by the service at `url`.
    pub fn rpc(url: &str, status: Status) -> Self {
        Self::Rpc {
            url: url.to_owned(),
            status: Box::new(status),
        }
    }

    /// The gRPC code, when the error is a call's status.
    pub fn code(&self) -> Option<Code> {
        match self {
            Self::Rpc { status, .. } => Some(status.code()),
            _ => None,
        }
    }
}

/// One line saying what went wrong in the call to `url`.
fn describe_status(status: &Status, url: &str) -> String {
    let message = status.message().trim();
    match status.code() {
        Code::Unauthenticated => Error::NotLoggedIn.to_string(),
        Code::Unavailable if message.is_empty() => format!("service unreachable at {url}"),
        Code::Unavailable => format!("service unreachable at {url} ({message})"),
        Code::InvalidArgument => invalid_argument(status),
        Code::ResourceExhausted => resource_exhausted(status),
        Code::DeadlineExceeded => format!("no answer from {url} in time: try again"),
        Code::Cancelled => "cancelled".to_owned(),
        Code::NotFound
        | Code::AlreadyExists
        | Code::FailedPrecondition
        | Code::PermissionDenied
        | Code::OutOfRange
        | Code::Aborted
            if !message.is_empty() =>
        {
            message.to_owned()
        }
        code => format!(
            "the service at {url} failed ({}): try again later",
            code.description().to_lowercase()
        ),
    }
}

/// The field violations of an INVALID_ARGUMENT, or its message when it has none.
fn invalid_argument(status: &Status) -> String {
    let violations = status
        .get_details_bad_request()
        .map(|details| details.field_violations)
        .unwrap_or_default();
    if violations.is_empty() {
        return format!("invalid input: {}", status.message());
    }
    let described: Vec<String> = violations
        .iter()
        .map(|v| format!("{}: {}", v.field, v.description))
        .collect();
    format!("invalid input: {}", described.join("; "))
}

/// A quota message, with when to try again if the server said.
fn resource_exhausted(status: &Status) -> String {
    let message = match status.message().trim() {
        "" => "too many requests",
        message => message,
    };
    let retry_after = status
        .get_details_retry_info()
        .and_then(|info| info.retry_delay);
    match retry_after {
        Some(delay) => format!("{message}: try again in {} s", delay.as_secs().max(1)),
        None => format!("{message}: try again later"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tonic_types::{ErrorDetails, FieldViolation};

    use super::*;

    const URL: &str = "http://127.0.0.1:50052";

    fn message(status: Status) -> String {
        Error::rpc(URL, status).to_string()
    }

    #[test]
    fn unauthenticated_tells_the_user_to_log_in() {
        assert_eq!(
            message(Status::unauthenticated("token expired")),
            "not logged in or session expired: run `coach login`"
        );
    }

    #[test]
    fn unavailable_names_the_url() {
        assert_eq!(
            message(Status::unavailable("")),
            "service unreachable at http://127.0.0.1:50052"
        );
        assert_eq!(
            message(Status::unavailable("evaluation service is unavailable")),
            "service unreachable at http://127.0.0.1:50052 (evaluation service is unavailable)"
        );
    }

    #[test]
    fn invalid_argument_lists_every_field_violation() {
        let status = Status::with_error_details(
            Code::InvalidArgument,
            "invalid request",
            ErrorDetails::with_bad_request(vec![
                FieldViolation::new("email", "is not an email address"),
                FieldViolation::new("password", "must be at least 12 characters"),
            ]),
        );
        assert_eq!(
            message(status),
            "invalid input: email: is not an email address; \
             password: must be at least 12 characters"
        );
    }

    #[test]
    fn invalid_argument_without_details_shows_the_message() {
        assert_eq!(
            message(Status::invalid_argument("bad page token")),
            "invalid input: bad page token"
        );
    }

    #[test]
    fn resource_exhausted_says_when_to_retry() {
        let status = Status::with_error_details(
            Code::ResourceExhausted,
            "too many failed logins",
            ErrorDetails::with_retry_info(Some(Duration::from_secs(42))),
        );
        assert_eq!(message(status), "too many failed logins: try again in 42 s");
    }

    #[test]
    fn internal_errors_do_not_echo_the_server_text() {
        let text = message(Status::internal("connection pool exhausted"));
        assert_eq!(
            text,
            "the service at http://127.0.0.1:50052 failed (internal error): try again later"
        );
    }

    #[test]
    fn human_messages_pass_through() {
        assert_eq!(
            message(Status::already_exists(
                "this question already has an answer"
            )),
            "this question already has an answer"
        );
        assert_eq!(
            message(Status::deadline_exceeded("")),
            "no answer from http://127.0.0.1:50052 in time: try again"
        );
    }
}
