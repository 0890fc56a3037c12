//! Calls to the identity service.

use interview_coach_proto::identity::v1::{
    GetCurrentUserRequest, LoginRequest, LogoutRequest, RefreshTokenRequest, RegisterRequest,
    TokenPair, User, identity_service_client::IdentityServiceClient,
};
use secrecy::{ExposeSecret, SecretString};
use tonic::{Code, Status, transport::Channel};

use super::{Authenticator, CALL_DEADLINE, ServiceAddress, request};
use crate::{credentials::Credentials, errors::Error};

/// A signed-in user and their tokens.
#[derive(Debug)]
pub struct SignedIn {
    /// The account.
    pub user: User,
    /// Its fresh token pair.
    pub credentials: Credentials,
}

/// The identity service, connected.
pub struct IdentityApi {
    client: IdentityServiceClient<Channel>,
    url: String,
}

impl IdentityApi {
    /// Connects to the identity service at `address`.
    pub async fn connect(address: &ServiceAddress) -> Result<Self, Error> {
        Ok(Self {
            client: IdentityServiceClient::new(address.connect().await?),
            url: address.url().to_owned(),
        })
    }

    /// Creates an account and signs it in.
    pub async fn register(
        &mut self,
        email: String,
        name: String,
        password: &SecretString,
    ) -> Result<SignedIn, Error> {
        let message = RegisterRequest {
            email,
            name,
            password: password.expose_secret().to_owned(),
        };
        let response = self
            .client
            .register(request(message, CALL_DEADLINE))
            .await
            .map_err(|status| self.error(status))?
            .into_inner();
        self.signed_in(response.user, response.tokens)
    }

    /// Signs in; a wrong email or password is [`Error::WrongCredentials`].
    pub async fn login(
        &mut self,
        email: String,
        password: &SecretString,
    ) -> Result<SignedIn, Error> {
        let message = LoginRequest {
            email,
            password: password.expose_secret().to_owned(),
        };
        let response = self
            .client
            .login(request(message, CALL_DEADLINE))
            .await
            .map_err(|status| match status.code() {
                Code::Unauthenticated => Error::WrongCredentials,
                _ => self.error(status),
            })?
            .into_inner();
        self.signed_in(response.user, response.tokens)
    }

    /// A new token pair for `refresh_token`, which is spent; a refused token is
    /// [`Error::LoginExpired`].
    pub async fn refresh(&mut self, refresh_token: &SecretString) -> Result<Credentials, Error> {
        let message = RefreshTokenRequest {
            refresh_token: refresh_token.expose_secret().to_owned(),
        };
        let response = self
            .client
            .refresh_token(request(message, CALL_DEADLINE))
            .await
            .map_err(|status| match status.code() {
                Code::Unauthenticated => Error::LoginExpired,
                _ => self.error(status),
            })?
            .into_inner();
        self.credentials(response.tokens)
    }

    /// Revokes `refresh_token` (and every token of its login).
    pub async fn logout(&mut self, refresh_token: &SecretString) -> Result<(), Error> {
        let message = LogoutRequest {
            refresh_token: refresh_token.expose_secret().to_owned(),
        };
        self.client
            .logout(request(message, CALL_DEADLINE))
            .await
            .map_err(|status| self.error(status))?;
        Ok(())
    }

    /// The account of the logged-in user.
    pub async fn current_user(&mut self, auth: &mut Authenticator) -> Result<User, Error> {
        let mut call = request(GetCurrentUserRequest {}, CALL_DEADLINE);
        auth.authorize(&mut call).await?;
        let response = self
            .client
            .get_current_user(call)
            .await
            .map_err(|status| self.error(status))?
            .into_inner();
        response.user.ok_or_else(|| self.incomplete("user"))
    }

    fn signed_in(&self, user: Option<User>, tokens: Option<TokenPair>) -> Result<SignedIn, Error> {
        Ok(SignedIn {
            user: user.ok_or_else(|| self.incomplete("user"))?,
            credentials: self.credentials(tokens)?,
        })
    }

    fn credentials(&self, tokens: Option<TokenPair>) -> Result<Credentials, Error> {
        let tokens = tokens.ok_or_else(|| self.incomplete("tokens"))?;
        Credentials::from_token_pair(tokens).map_err(|field| self.incomplete(field))
    }

    fn error(&self, status: Status) -> Error {
        Error::rpc(&self.url, status)
    }

    fn incomplete(&self, field: &'static str) -> Error {
        Error::IncompleteResponse {
            url: self.url.clone(),
            field,
        }
    }
}
