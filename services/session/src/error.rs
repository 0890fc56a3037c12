//! The one error type of the session service and its mapping to gRPC status codes.

use interview_coach_common::{
    auth::AuthError,
    db,
    status::{self, FieldViolations},
};
use tonic::{Code, Status};

/// Everything that can go wrong below the gRPC edge.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// Bad input: INVALID_ARGUMENT with a field violation per bad field.
    #[error("invalid request")]
    InvalidArgument(FieldViolations),
    /// No, bad or expired access token, or the account is gone.
    #[error("unauthenticated: {0}")]
    Unauthenticated(#[from] AuthError),
    /// The session (or question) does not exist or belongs to someone else.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The session cannot take this now (finished, past its deadline, evaluations pending).
    #[error("{0}")]
    FailedPrecondition(String),
    /// The question already has an answer.
    #[error("question already answered")]
    AlreadyAnswered,
    /// The user's quota of `what` per hour is used up.
    #[error("quota of {limit} {what} per hour used up")]
    QuotaExceeded {
        /// What is counted, e.g. "sessions created".
        what: &'static str,
        /// The quota.
        limit: u32,
        /// When the next call will be allowed.
        retry_after: std::time::Duration,
    },
    /// A downstream service failed or timed out.
    #[error("{service} call failed: {status:?}")]
    Downstream {
        /// Which service.
        service: &'static str,
        /// What it said.
        status: Status,
    },
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A bug or broken invariant; details only in logs.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<FieldViolations> for SessionError {
    fn from(violations: FieldViolations) -> Self {
        Self::InvalidArgument(violations)
    }
}

impl SessionError {
    /// `service` did not answer within the call's deadline (enforced on our side, so no
    /// status came back): recorded as the DEADLINE_EXCEEDED it stands for.
    pub fn downstream_deadline(service: &'static str, message: &str) -> Self {
        Self::Downstream {
            service,
            status: Status::deadline_exceeded(message),
        }
    }
}

impl From<SessionError> for Status {
    fn from(err: SessionError) -> Self {
        match err {
            SessionError::InvalidArgument(violations) => violations.into_status(),
            SessionError::Unauthenticated(auth) => auth.into(),
            SessionError::NotFound(what) => Status::not_found(format!("{what} not found")),
            SessionError::FailedPrecondition(message) => Status::failed_precondition(message),
            SessionError::AlreadyAnswered => {
                Status::already_exists("this question already has an answer")
            }
            SessionError::QuotaExceeded {
                what,
                limit,
                retry_after,
            } => status::resource_exhausted(
                format!(
                    "quota exceeded: at most {limit} {what} per hour; retry in {} s",
                    retry_after.as_secs()
                ),
                retry_after,
            ),
            SessionError::Downstream { service, status } => match status.code() {
                // Our own bad request to a dependency is our bug, not the caller's.
                Code::InvalidArgument | Code::Unauthenticated | Code::PermissionDenied => {
                    status::internal(&format!("{service} refused our call: {status:?}"))
                }
                _ => status::unavailable(service, &format!("{status:?}")),
            },
            SessionError::Database(err) if db::is_unavailable(&err) => {
                status::unavailable("the database", &err)
            }
            SessionError::Database(err) => status::internal(&err),
            SessionError::Internal(message) => status::internal(&message),
        }
    }
}

/// Shorthand for results of this service.
pub type Result<T, E = SessionError> = std::result::Result<T, E>;
