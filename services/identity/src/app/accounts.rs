//! What the RPCs do, on validated input: accounts, sign-in, token exchange. The gRPC layer
//! (`grpc/`) only converts messages to and from these calls.

use std::{net::IpAddr, sync::Arc};

use chrono::Utc;
use interview_coach_common::auth::{AuthError, TokenVerifier, Verified};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    app::login_throttle::LoginThrottle,
    app::password_hasher::PasswordHasher,
    app::revocations,
    app::tokens::{self, RefreshToken, TokenPair, Tokens},
    domain::{Email, Password, PasswordAttempt, UserName},
    error::IdentityError,
    repo::refresh_tokens,
    repo::token_revocations,
    repo::users::{self, User},
};

#[derive(Clone, Debug)]
pub struct Accounts {
    pool: PgPool,
    hasher: PasswordHasher,
    throttle: Arc<LoginThrottle>,
    tokens: Tokens,
    verifier: TokenVerifier,
}

/// A new account and its first tokens.
#[derive(Debug)]
pub struct SignedIn {
    pub user: User,
    pub tokens: TokenPair,
}

impl Accounts {
    /// Operations over `pool`.
    pub fn new(
        pool: PgPool,
        hasher: PasswordHasher,
        throttle: Arc<LoginThrottle>,
        tokens: Tokens,
        verifier: TokenVerifier,
    ) -> Self {
        Self {
            pool,
            hasher,
            throttle,
            tokens,
            verifier,
        }
    }

    /// Creates an account and signs it in.
    pub async fn register(
        &self,
        email: Email,
        password: Password,
        name: UserName,
    ) -> Result<SignedIn, IdentityError> {
        let hash = self.hasher.hash(&password).await?;
        let mut tx = self.pool.begin().await?;
        let user = users::insert(&mut tx, &email, &hash, &name).await?;
        let tokens = self
            .tokens
            .issue_pair(&mut tx, user.id, tokens::new_family())
            .await?;
        tx.commit().await?;
        tracing::info!(user_id = %user.id, "account registered");
        Ok(SignedIn { user, tokens })
    }

    /// Signs in. Unknown email and wrong password fail alike and take about as long;
    /// throttled callers are refused before any password check.
    pub async fn login(
        &self,
        email: Email,
        password: PasswordAttempt,
        peer: Option<IpAddr>,
    ) -> Result<SignedIn, IdentityError> {
        self.throttle.check(&email, peer)?;
        let mut conn = self.pool.acquire().await?;
        let credentials = users::find_credentials_by_email(&mut conn, &email).await?;
        drop(conn);
        let matches = self
            .hasher
            .verify(&password, credentials.as_ref().map(|c| &c.password_hash))
            .await?;
        let Some(credentials) = credentials.filter(|_| matches) else {
            self.throttle.record_failure(&email, peer);
            tracing::info!(peer = ?peer, "sign-in refused: wrong email or password");
            return Err(IdentityError::WrongCredentials);
        };
        self.throttle.record_success(&email);
        let mut conn = self.pool.acquire().await?;
        let tokens = self
            .tokens
            .issue_pair(&mut conn, credentials.user.id, tokens::new_family())
            .await?;
        Ok(SignedIn {
            user: credentials.user,
            tokens,
        })
    }

    /// Exchanges a refresh token for a new pair.
    pub async fn refresh(&self, presented: &RefreshToken) -> Result<TokenPair, IdentityError> {
        self.tokens.rotate(&self.pool, presented).await
    }

    /// Revokes the family of a refresh token. Idempotent.
    pub async fn logout(&self, presented: &RefreshToken) -> Result<(), IdentityError> {
        self.tokens.revoke_family(&self.pool, presented).await
    }

    /// Who the access `token` belongs to. A token revoked by a password change or an
    /// account deletion is refused like any invalid token.
    pub async fn authenticate(&self, token: &str) -> Result<Uuid, IdentityError> {
        let Verified { user_id, claims } = self.verifier.verify(token)?;
        let mut conn = self.pool.acquire().await?;
        let not_before = token_revocations::not_before_of(&mut conn, user_id.0).await?;
        if not_before.is_some_and(|not_before| revocations::revokes(not_before, claims.iat)) {
            tracing::debug!(user_id = %user_id.0, "revoked access token refused");
            return Err(AuthError::Invalid.into());
        }
        Ok(user_id.0)
    }

    /// The account `user_id`.
    pub async fn current_user(&self, user_id: Uuid) -> Result<User, IdentityError> {
        let mut conn = self.pool.acquire().await?;
        users::find_by_id(&mut conn, user_id)
            .await?
            .ok_or(IdentityError::AccountGone)
    }

    /// Renames the account `user_id`.
    pub async fn rename(&self, user_id: Uuid, name: UserName) -> Result<User, IdentityError> {
        let mut conn = self.pool.acquire().await?;
        users::update_name(&mut conn, user_id, &name)
            .await?
            .ok_or(IdentityError::AccountGone)
    }

    /// Changes the password of `user_id` after checking the current one; revokes every
    /// refresh token of the user and the access tokens issued before, and signs them in
    /// afresh, in one transaction.
    pub async fn change_password(
        &self,
        user_id: Uuid,
        current: PasswordAttempt,
        new: Password,
        peer: Option<IpAddr>,
    ) -> Result<TokenPair, IdentityError> {
        self.confirm_password(user_id, &current, peer).await?;
        let hash = self.hasher.hash(&new).await?;
        // Before the new pair is issued, so that its `iat` is not earlier.
        let not_before = revocations::from_now();
        let mut tx = self.pool.begin().await?;
        if !users::update_password_hash(&mut tx, user_id, &hash).await? {
            return Err(IdentityError::AccountGone);
        }
        let revoked = refresh_tokens::revoke_all_of_user(&mut tx, user_id).await?;
        let expires_at = self.tokens.access_tokens_expired_after(not_before);
        token_revocations::upsert(&mut tx, user_id, not_before, expires_at).await?;
        let tokens = self
            .tokens
            .issue_pair(&mut tx, user_id, tokens::new_family())
            .await?;
        tx.commit().await?;
        tracing::info!(%user_id, revoked, "password changed, refresh tokens revoked");
        Ok(tokens)
    }

    /// Deletes the account `user_id` after checking its password; the database cascades
    /// to everything the user owns. Every access token of the user is revoked in the same
    /// transaction.
    pub async fn delete(
        &self,
        user_id: Uuid,
        password: PasswordAttempt,
        peer: Option<IpAddr>,
    ) -> Result<(), IdentityError> {
        self.confirm_password(user_id, &password, peer).await?;
        let mut tx = self.pool.begin().await?;
        if !users::delete(&mut tx, user_id).await? {
            return Err(IdentityError::AccountGone);
        }
        let expires_at = self.tokens.access_tokens_expired_after(Utc::now());
        token_revocations::upsert(&mut tx, user_id, revocations::every_token(), expires_at).await?;
        tx.commit().await?;
        tracing::info!(%user_id, "account deleted, access tokens revoked");
        Ok(())
    }

    /// Checks the password of an authenticated user, under the same throttle as sign-in
    /// (a stolen access token must not become a password oracle).
    async fn confirm_password(
        &self,
        user_id: Uuid,
        attempt: &PasswordAttempt,
        peer: Option<IpAddr>,
    ) -> Result<(), IdentityError> {
        let mut conn = self.pool.acquire().await?;
        let credentials = users::find_credentials_by_id(&mut conn, user_id)
            .await?
            .ok_or(IdentityError::AccountGone)?;
        drop(conn);
        let email = Email::from_stored(credentials.user.email.clone());
        self.throttle.check(&email, peer)?;
        if !self
            .hasher
            .verify(attempt, Some(&credentials.password_hash))
            .await?
        {
            self.throttle.record_failure(&email, peer);
            return Err(IdentityError::WrongPassword);
        }
        self.throttle.record_success(&email);
        Ok(())
    }
}
