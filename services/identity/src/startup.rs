//! Wiring: settings in, a bound gRPC server out.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use interview_coach_common::{
    db::DatabaseSettings,
    server::ServerSettings,
    startup::{self, Service, Shell, ShellError},
};
use interview_coach_proto::identity::v1::identity_service_server::{
    IdentityServiceServer, SERVICE_NAME,
};
use sqlx::PgPool;
use tonic::service::Routes;

use crate::{
    app::accounts::Accounts,
    app::login_throttle::LoginThrottle,
    app::password_hasher::{HashError, PasswordHasher},
    app::revocations::RevocationFeed,
    app::tokens::{AccessTokenIssuer, SigningKeys, SigningKeysError, Tokens},
    grpc::IdentityHandlers,
    repo::refresh_tokens,
    repo::token_revocations,
    settings::Settings,
};

/// How often expired refresh tokens and token revocations are deleted.
const EXPIRED_TOKEN_SWEEP_INTERVAL: Duration = Duration::from_secs(3600);

/// Why the service cannot start, or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    /// The signing keys cannot be used.
    #[error("signing keys: {0}")]
    SigningKeys(#[from] SigningKeysError),
    /// The public keys cannot be loaded into a verifier.
    #[error("signing keys: cannot build the verifier: {0}")]
    Verifier(#[from] jsonwebtoken::errors::Error),
    /// bcrypt cannot run (the dummy hash failed).
    #[error("password hashing: {0}")]
    Hashing(#[from] HashError),
    /// Bad settings, failed migrations, or the listener cannot be bound or serve.
    #[error(transparent)]
    Shell(#[from] ShellError),
}

/// The identity service, as [`Application`] builds it: nothing is kept between building
/// and serving (the sweeper works on the shell's pool).
pub struct Wiring;

/// The identity service: [`Application::build`], [`Application::port`],
/// [`Application::run_until_stopped`].
pub type Application = startup::Application<Wiring>;

impl Service for Wiring {
    const NAME: &'static str = "identity-service";
    const GRPC_SERVICE: &'static str = SERVICE_NAME;
    const DESCRIPTORS: &'static [u8] = interview_coach_proto::IDENTITY_DESCRIPTOR_SET;
    type Settings = Settings;
    type Error = ApplicationError;

    fn shell_settings(settings: &Settings) -> (&DatabaseSettings, &ServerSettings) {
        (&settings.database, &settings.server)
    }

    /// Loads (or, without configured keys, generates) the signing keys, checks bcrypt and
    /// builds the handlers.
    async fn build(settings: Settings, pool: PgPool) -> Result<(Routes, Self), ApplicationError> {
        let token_settings = settings.tokens;
        let keys = Arc::new(match token_settings.signing_keys {
            Some(keys) => keys,
            None => {
                tracing::warn!(
                    "no JWT_SIGNING_KEYS or JWT_SIGNING_KEYS_FILE configured: generated a \
                     signing key; access tokens will not survive a restart and other \
                     replicas will not accept them"
                );
                SigningKeys::generate()?
            }
        });
        let kids: Vec<&str> = keys.iter().map(|k| k.kid()).collect();
        tracing::info!(
            active_kid = keys.active().kid(),
            ?kids,
            "signing keys loaded"
        );

        let issuer = token_settings.issuer;
        let audience = token_settings.audience;
        let verifier = keys.verifier(&issuer, &audience)?;
        let hasher = PasswordHasher::new(
            settings.passwords.bcrypt_cost,
            settings.passwords.max_concurrency,
        )
        .await?;
        let tokens = Tokens::new(
            AccessTokenIssuer::new(
                keys.clone(),
                issuer.clone(),
                audience.clone(),
                token_settings.access_ttl,
            ),
            token_settings.refresh_ttl,
        );
        let accounts = Accounts::new(
            pool.clone(),
            hasher,
            Arc::new(LoginThrottle::new(settings.login_throttle)),
            tokens,
            verifier,
        );
        let service = IdentityServiceServer::new(IdentityHandlers::new(
            accounts,
            RevocationFeed::new(pool.clone()),
            &keys,
            &issuer,
            &audience,
        ))
        .max_decoding_message_size(settings.server.max_message_bytes);

        Ok((Routes::new(service), Self))
    }

    /// Deletes expired refresh tokens and revocations at start and then hourly.
    async fn start(self, shell: &Shell) {
        let pool = shell.pool().clone();
        shell
            .background()
            .every(EXPIRED_TOKEN_SWEEP_INTERVAL, true, move || {
                sweep_expired_tokens(pool.clone())
            });
    }
}

async fn sweep_expired_tokens(pool: PgPool) {
    let now = Utc::now();
    let mut conn = match pool.acquire().await {
        Ok(conn) => conn,
        Err(err) => {
            tracing::warn!(error = %err, "cannot delete expired tokens");
            return;
        }
    };
    match refresh_tokens::delete_expired(&mut conn, now).await {
        Ok(0) => {}
        Ok(count) => tracing::info!(count, "expired refresh tokens deleted"),
        Err(err) => tracing::warn!(error = %err, "cannot delete expired refresh tokens"),
    }
    match token_revocations::delete_expired(&mut conn, now).await {
        Ok(0) => {}
        Ok(count) => tracing::info!(count, "expired token revocations deleted"),
        Err(err) => tracing::warn!(error = %err, "cannot delete expired token revocations"),
    }
}
