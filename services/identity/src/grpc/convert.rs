//! The only place proto messages meet domain values: requests into checked values,
//! results into messages.

use interview_coach_common::{auth, status::FieldViolations, time::timestamp};
use interview_coach_proto::identity::v1 as pb;
use tonic::{Request, Status};

use crate::{
    app::tokens::{RefreshToken, TokenPair},
    error::IdentityError,
    repo::{token_revocations::Revocation, users::User},
};

/// INVALID_ARGUMENT with every recorded field violation.
pub(super) fn invalid(violations: FieldViolations) -> Status {
    IdentityError::InvalidArgument(violations).into()
}

pub(super) fn peer<T>(request: &Request<T>) -> Option<std::net::IpAddr> {
    request.remote_addr().map(|addr| addr.ip())
}

pub(super) fn user_message(user: User) -> pb::User {
    pb::User {
        id: user.id.to_string(),
        email: user.email,
        name: user.name,
        create_time: user.created_at.map(timestamp),
        update_time: user.updated_at.map(timestamp),
    }
}

pub(super) fn tokens_message(pair: TokenPair) -> pb::TokenPair {
    pb::TokenPair {
        access_token: pair.access.token,
        access_token_expire_time: Some(timestamp(pair.access.expires_at)),
        refresh_token: pair.refresh.expose().to_owned(),
        refresh_token_expire_time: Some(timestamp(pair.refresh_expires_at)),
        token_type: "Bearer".to_owned(),
    }
}

pub(super) fn revocation_message(revocation: Revocation) -> pb::TokenRevocation {
    pb::TokenRevocation {
        user_id: revocation.user_id.to_string(),
        not_before: Some(timestamp(revocation.not_before)),
    }
}

pub(super) fn parse_refresh_token(raw: String) -> Result<RefreshToken, Status> {
    let mut violations = FieldViolations::new();
    match violations.check("refresh_token", RefreshToken::parse(raw)) {
        Some(token) => Ok(token),
        None => Err(invalid(violations)),
    }
}

/// The bearer token of `request`; UNAUTHENTICATED when there is none.
pub(super) fn bearer<T>(request: &Request<T>) -> Result<&str, Status> {
    auth::bearer_token(request.metadata()).map_err(|err| IdentityError::from(err).into())
}
