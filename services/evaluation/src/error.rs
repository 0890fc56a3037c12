//! The service's one error type, mapped to a gRPC status in one place.

use interview_coach_common::{
    db,
    status::{self, FieldViolations},
};
use tonic::Status;

/// Everything that can go wrong in a call.
#[derive(Debug, thiserror::Error)]
pub enum EvaluationError {
    /// Bad input: INVALID_ARGUMENT with a field violation per bad field.
    #[error("invalid request")]
    InvalidArgument(FieldViolations),
    /// The answer has no evaluation: NOT_FOUND.
    #[error("no evaluation for this answer")]
    NotFound,
    /// The answer (or its session or question) does not exist: FAILED_PRECONDITION.
    #[error("the answer does not exist")]
    AnswerMissing,
    /// The rubric digest sent names no stored rubric: FAILED_PRECONDITION.
    #[error("no rubric has this digest")]
    UnknownRubric,
    /// A database error: UNAVAILABLE when it is unreachable, else INTERNAL.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A bug or broken invariant: INTERNAL, details logged only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<FieldViolations> for EvaluationError {
    fn from(violations: FieldViolations) -> Self {
        Self::InvalidArgument(violations)
    }
}

impl From<EvaluationError> for Status {
    fn from(err: EvaluationError) -> Self {
        match err {
            EvaluationError::InvalidArgument(violations) => violations.into_status(),
            EvaluationError::NotFound => Status::not_found("no evaluation for this answer"),
            EvaluationError::AnswerMissing => Status::failed_precondition(
                "the answer does not exist: store the answer before asking for its evaluation",
            ),
            EvaluationError::UnknownRubric => Status::failed_precondition(
                "rubric_digest names no rubric this service handed out: send the rubric itself",
            ),
            EvaluationError::Database(err) if db::is_unavailable(&err) => {
                status::unavailable("database", &err)
            }
            EvaluationError::Database(err) => status::internal(&err),
            EvaluationError::Internal(cause) => status::internal(&cause),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::Code;

    #[test]
    fn each_error_has_its_code_and_leaks_nothing() {
        assert_eq!(
            Status::from(EvaluationError::NotFound).code(),
            Code::NotFound
        );
        assert_eq!(
            Status::from(EvaluationError::AnswerMissing).code(),
            Code::FailedPrecondition
        );
        assert_eq!(
            Status::from(EvaluationError::UnknownRubric).code(),
            Code::FailedPrecondition
        );
        let internal = Status::from(EvaluationError::Internal("secret path /x".into()));
        assert_eq!(
            (internal.code(), internal.message()),
            (Code::Internal, "internal error")
        );
        assert_eq!(
            Status::from(EvaluationError::Database(sqlx::Error::PoolTimedOut)).code(),
            Code::Unavailable
        );
        let sql = Status::from(EvaluationError::Database(sqlx::Error::RowNotFound));
        assert_eq!(
            (sql.code(), sql.message()),
            (Code::Internal, "internal error")
        );
        let mut v = FieldViolations::new();
        v.add("count", "bad");
        assert_eq!(
            Status::from(EvaluationError::from(v)).code(),
            Code::InvalidArgument
        );
    }
}
