//! The one error type of the service and the one place it becomes a gRPC status.

use std::time::Duration;

use interview_coach_common::{
    auth::AuthError,
    db,
    status::{self, FieldViolations},
};
use tonic::Status;

use crate::{
    app::login_throttle::Throttled, app::password_hasher::HashError, repo::users::InsertError,
};

/// Everything an identity RPC can fail with.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// Bad request fields; one violation per field.
    #[error("invalid request")]
    InvalidArgument(FieldViolations),
    /// Register with an email that has an account.
    #[error("email already registered")]
    EmailTaken,
    /// Login with an unknown email or a wrong password (one answer for both).
    #[error("wrong email or password")]
    WrongCredentials,
    /// A confirmation password (ChangePassword, DeleteCurrentUser) is wrong.
    #[error("wrong password")]
    WrongPassword,
    /// Too many failed password checks for this email or peer.
    #[error("too many failed attempts")]
    Throttled {
        /// When the caller may try again.
        retry_after: Duration,
    },
    /// Missing, malformed, expired or foreign access token.
    #[error(transparent)]
    AccessToken(#[from] AuthError),
    /// A valid access token whose account was deleted.
    #[error("account no longer exists")]
    AccountGone,
    /// Unknown, expired, revoked or reused refresh token.
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    /// A database error (unreachable, or a bug).
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// bcrypt failed.
    #[error("password hashing: {0}")]
    Hashing(#[from] HashError),
    /// Signing an access token failed.
    #[error("token signing: {0}")]
    Signing(#[from] jsonwebtoken::errors::Error),
}

impl From<InsertError> for IdentityError {
    fn from(err: InsertError) -> Self {
        match err {
            InsertError::EmailTaken => Self::EmailTaken,
            InsertError::Database(db_err) => Self::Database(db_err),
        }
    }
}

impl From<Throttled> for IdentityError {
    fn from(throttled: Throttled) -> Self {
        Self::Throttled {
            retry_after: throttled.retry_after,
        }
    }
}

impl From<IdentityError> for Status {
    fn from(err: IdentityError) -> Self {
        match err {
            IdentityError::InvalidArgument(violations) => violations.into_status(),
            IdentityError::EmailTaken => {
                Status::already_exists("an account with this email already exists")
            }
            IdentityError::WrongCredentials => Status::unauthenticated("wrong email or password"),
            IdentityError::WrongPassword => Status::unauthenticated("wrong password"),
            IdentityError::Throttled { retry_after } => status::resource_exhausted(
                "too many failed sign-in attempts, try again later",
                retry_after,
            ),
            IdentityError::AccessToken(auth) => auth.into(),
            IdentityError::AccountGone => {
                Status::unauthenticated("the account of this access token no longer exists")
            }
            IdentityError::InvalidRefreshToken => {
                Status::unauthenticated("invalid, expired or revoked refresh token")
            }
            IdentityError::Database(db_err) if db::is_unavailable(&db_err) => {
                status::unavailable("database", &db_err)
            }
            err @ (IdentityError::Database(_)
            | IdentityError::Hashing(_)
            | IdentityError::Signing(_)) => status::internal(&err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::Code;

    #[test]
    fn internals_never_reach_the_caller() {
        let status = Status::from(IdentityError::Database(sqlx::Error::RowNotFound));
        assert_eq!(status.code(), Code::Internal);
        assert_eq!(status.message(), "internal error");
    }

    #[test]
    fn an_unreachable_database_is_unavailable() {
        let status = Status::from(IdentityError::Database(sqlx::Error::PoolTimedOut));
        assert_eq!(status.code(), Code::Unavailable);
    }

    #[test]
    fn wrong_credentials_say_nothing_about_which_part_was_wrong() {
        let status = Status::from(IdentityError::WrongCredentials);
        assert_eq!(status.code(), Code::Unauthenticated);
        assert_eq!(status.message(), "wrong email or password");
    }
}
