//! The `IdentityService` gRPC implementation: turns requests into domain values (field
//! violations for bad ones), calls [`Accounts`] and turns the results into responses
//! ([`convert`]).

mod convert;

use std::sync::Arc;

use interview_coach_common::{
    status::{self, FieldViolations},
    time::timestamp,
};
use interview_coach_proto::identity::v1::{self as pb, identity_service_server::IdentityService};
use tonic::{Request, Response, Status};

use self::convert::{
    bearer, invalid, parse_refresh_token, peer, revocation_message, tokens_message, user_message,
};
use crate::{
    app::accounts::Accounts,
    app::revocations::RevocationFeed,
    app::tokens::SigningKeys,
    domain::{Email, Password, PasswordAttempt, Since, UserName},
};

/// The service: the account operations plus the published keys and revocations.
#[derive(Debug, Clone)]
pub struct IdentityHandlers {
    accounts: Accounts,
    signing_keys: Arc<pb::ListSigningKeysResponse>,
    revocations: RevocationFeed,
}

impl IdentityHandlers {
    /// Serves `accounts` and `revocations`; publishes `keys` for tokens of `issuer` meant
    /// for `audience`.
    pub fn new(
        accounts: Accounts,
        revocations: RevocationFeed,
        keys: &SigningKeys,
        issuer: &str,
        audience: &str,
    ) -> Self {
        let active = keys.active().kid().to_owned();
        let published = pb::ListSigningKeysResponse {
            keys: keys
                .iter()
                .map(|key| pb::SigningKey {
                    kid: key.kid().to_owned(),
                    algorithm: "EdDSA".to_owned(),
                    public_key_pem: key.public_key_pem().to_owned(),
                    active: key.kid() == active,
                })
                .collect(),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        };
        Self {
            accounts,
            signing_keys: Arc::new(published),
            revocations,
        }
    }
}

#[tonic::async_trait]
impl IdentityService for IdentityHandlers {
    async fn register(
        &self,
        request: Request<pb::RegisterRequest>,
    ) -> Result<Response<pb::RegisterResponse>, Status> {
        let pb::RegisterRequest {
            email,
            password,
            name,
        } = request.into_inner();
        let mut violations = FieldViolations::new();
        let email = violations.check("email", Email::parse(&email));
        let password = violations.check("password", Password::parse(password));
        let name = violations.check("name", UserName::parse(&name));
        let (Some(email), Some(password), Some(name)) = (email, password, name) else {
            return Err(invalid(violations));
        };
        let signed_in = self.accounts.register(email, password, name).await?;
        Ok(Response::new(pb::RegisterResponse {
            user: Some(user_message(signed_in.user)),
            tokens: Some(tokens_message(signed_in.tokens)),
        }))
    }

    async fn login(
        &self,
        request: Request<pb::LoginRequest>,
    ) -> Result<Response<pb::LoginResponse>, Status> {
        let peer = peer(&request);
        let pb::LoginRequest { email, password } = request.into_inner();
        let mut violations = FieldViolations::new();
        let email = violations.check("email", Email::parse(&email));
        let password = violations.check("password", PasswordAttempt::parse(password));
        let (Some(email), Some(password)) = (email, password) else {
            return Err(invalid(violations));
        };
        let signed_in = self.accounts.login(email, password, peer).await?;
        Ok(Response::new(pb::LoginResponse {
            user: Some(user_message(signed_in.user)),
            tokens: Some(tokens_message(signed_in.tokens)),
        }))
    }

    async fn refresh_token(
        &self,
        request: Request<pb::RefreshTokenRequest>,
    ) -> Result<Response<pb::RefreshTokenResponse>, Status> {
        let presented = parse_refresh_token(request.into_inner().refresh_token)?;
        let pair = self.accounts.refresh(&presented).await?;
        Ok(Response::new(pb::RefreshTokenResponse {
            tokens: Some(tokens_message(pair)),
        }))
    }

    async fn logout(
        &self,
        request: Request<pb::LogoutRequest>,
    ) -> Result<Response<pb::LogoutResponse>, Status> {
        let presented = parse_refresh_token(request.into_inner().refresh_token)?;
        self.accounts.logout(&presented).await?;
        Ok(Response::new(pb::LogoutResponse {}))
    }

    async fn get_current_user(
        &self,
        request: Request<pb::GetCurrentUserRequest>,
    ) -> Result<Response<pb::GetCurrentUserResponse>, Status> {
        let user_id = self.accounts.authenticate(bearer(&request)?).await?;
        let user = self.accounts.current_user(user_id).await?;
        Ok(Response::new(pb::GetCurrentUserResponse {
            user: Some(user_message(user)),
        }))
    }

    async fn update_current_user(
        &self,
        request: Request<pb::UpdateCurrentUserRequest>,
    ) -> Result<Response<pb::UpdateCurrentUserResponse>, Status> {
        let user_id = self.accounts.authenticate(bearer(&request)?).await?;
        let mut violations = FieldViolations::new();
        let Some(name) = violations.check("name", UserName::parse(&request.get_ref().name)) else {
            return Err(invalid(violations));
        };
        let user = self.accounts.rename(user_id, name).await?;
        Ok(Response::new(pb::UpdateCurrentUserResponse {
            user: Some(user_message(user)),
        }))
    }

    async fn change_password(
        &self,
        request: Request<pb::ChangePasswordRequest>,
    ) -> Result<Response<pb::ChangePasswordResponse>, Status> {
        let user_id = self.accounts.authenticate(bearer(&request)?).await?;
        let peer = peer(&request);
        let pb::ChangePasswordRequest {
            current_password,
            new_password,
        } = request.into_inner();
        let mut violations = FieldViolations::new();
        let current =
            violations.check("current_password", PasswordAttempt::parse(current_password));
        let new = violations.check("new_password", Password::parse(new_password));
        let (Some(current), Some(new)) = (current, new) else {
            return Err(invalid(violations));
        };
        let pair = self
            .accounts
            .change_password(user_id, current, new, peer)
            .await?;
        Ok(Response::new(pb::ChangePasswordResponse {
            tokens: Some(tokens_message(pair)),
        }))
    }

    async fn delete_current_user(
        &self,
        request: Request<pb::DeleteCurrentUserRequest>,
    ) -> Result<Response<pb::DeleteCurrentUserResponse>, Status> {
        let user_id = self.accounts.authenticate(bearer(&request)?).await?;
        let peer = peer(&request);
        let mut violations = FieldViolations::new();
        let Some(password) = violations.check(
            "password",
            PasswordAttempt::parse(request.into_inner().password),
        ) else {
            return Err(invalid(violations));
        };
        self.accounts.delete(user_id, password, peer).await?;
        Ok(Response::new(pb::DeleteCurrentUserResponse {}))
    }

    async fn list_signing_keys(
        &self,
        _request: Request<pb::ListSigningKeysRequest>,
    ) -> Result<Response<pb::ListSigningKeysResponse>, Status> {
        Ok(Response::new(self.signing_keys.as_ref().clone()))
    }

    async fn list_token_revocations(
        &self,
        request: Request<pb::ListTokenRevocationsRequest>,
    ) -> Result<Response<pb::ListTokenRevocationsResponse>, Status> {
        let since = request
            .into_inner()
            .since
            .map(|since| Since::from_timestamp(since.seconds, since.nanos))
            .transpose()
            .map_err(|err| status::invalid_field("since", err.to_string()))?;
        let page = self.revocations.list(since).await?;
        Ok(Response::new(pb::ListTokenRevocationsResponse {
            revocations: page
                .revocations
                .into_iter()
                .map(revocation_message)
                .collect(),
            as_of: Some(timestamp(page.as_of)),
        }))
    }
}
