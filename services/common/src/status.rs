//! Building `tonic::Status` values as the README's "Status codes" promise: INVALID_ARGUMENT
//! with a `google.rpc.BadRequest` field violation per bad field, RESOURCE_EXHAUSTED with
//! `google.rpc.RetryInfo`, and generic INTERNAL / UNAVAILABLE messages that leak nothing.

use std::time::Duration;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};

/// Collects field violations while a request is validated.
#[derive(Debug, Default)]
pub struct FieldViolations(Vec<FieldViolation>);

impl FieldViolations {
    /// No violations yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `field` is bad, and why (a message for the caller).
    pub fn add(&mut self, field: impl Into<String>, description: impl Into<String>) {
        self.0.push(FieldViolation::new(field, description));
    }

    /// Keeps `Ok` values; records `Err` descriptions under `field`.
    pub fn check<T, E: ToString>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(err) => {
                self.add(field, err.to_string());
                None
            }
        }
    }

    /// A UUID field (surrounding white space ignored); records a violation otherwise.
    pub fn uuid(&mut self, field: &str, value: &str) -> Option<uuid::Uuid> {
        self.check(
            field,
            uuid::Uuid::parse_str(value.trim()).map_err(|_| "must be a UUID"),
        )
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was recorded, else the INVALID_ARGUMENT status.
    pub fn into_result(self) -> Result<(), Status> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.into_status())
        }
    }

    /// The INVALID_ARGUMENT status carrying every violation.
    pub fn into_status(self) -> Status {
        let message = self
            .0
            .iter()
            .map(|v| format!("{}: {}", v.field, v.description))
            .collect::<Vec<_>>()
            .join("; ");
        Status::with_error_details(
            Code::InvalidArgument,
            format!("invalid request: {message}"),
            ErrorDetails::with_bad_request(self.0),
        )
    }
}

/// INVALID_ARGUMENT for a single field.
pub fn invalid_field(field: &str, description: impl Into<String>) -> Status {
    let mut violations = FieldViolations::new();
    violations.add(field, description);
    violations.into_status()
}

/// RESOURCE_EXHAUSTED telling the caller when to retry.
pub fn resource_exhausted(message: impl Into<String>, retry_after: Duration) -> Status {
    Status::with_error_details(
        Code::ResourceExhausted,
        message,
        ErrorDetails::with_retry_info(Some(retry_after)),
    )
}

/// INTERNAL with a generic message; the cause is logged here and never sent.
pub fn internal(cause: &dyn std::fmt::Display) -> Status {
    tracing::error!(error = %cause, "internal error");
    Status::internal("internal error")
}

/// UNAVAILABLE for a dependency that is down; the caller may retry.
pub fn unavailable(what: &str, cause: &dyn std::fmt::Display) -> Status {
    tracing::warn!(error = %cause, dependency = what, "dependency unavailable");
    Status::unavailable(format!("{what} is unavailable, retry later"))
}
