//! Wiring: settings in, a bound gRPC server out.

use std::{future::Future, sync::Arc, time::Duration};

use chrono::Utc;
use interview_coach_common::{
    config::ConfigError,
    server::Reflection,
    startup::{Shell, ShellError},
};
use interview_coach_proto::identity::v1::identity_service_server::{
    IdentityServiceServer, SERVICE_NAME,
};
use sqlx::{PgPool, migrate::MigrateError};
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
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot apply migrations: {0}")]
    Migrate(#[from] MigrateError),
    /// The signing keys cannot be used.
    #[error("signing keys: {0}")]
    SigningKeys(#[from] SigningKeysError),
    /// The public keys cannot be loaded into a verifier.
    #[error("signing keys: cannot build the verifier: {0}")]
    Verifier(#[from] jsonwebtoken::errors::Error),
    /// bcrypt cannot run (the dummy hash failed).
    #[error("password hashing: {0}")]
    Hashing(#[from] HashError),
    /// The listener cannot be bound, or the server failed.
    #[error(transparent)]
    Shell(#[from] ShellError),
}

/// A built service, bound to its port, not yet serving.
pub struct Application {
    shell: Shell,
}

impl Application {
    /// Connects to the database of `settings` and builds the service.
    pub async fn build(settings: Settings) -> Result<Self, ApplicationError> {
        let pool = settings.database.pool()?;
        Self::build_with_pool(settings, pool).await
    }

    /// Builds the service over `pool` (tests pass their own): applies migrations when
    /// `settings.database.migrate`, loads or generates the signing keys, prepares bcrypt
    /// and binds the listener. Health stays NOT_SERVING until the database answers.
    pub async fn build_with_pool(
        settings: Settings,
        pool: PgPool,
    ) -> Result<Self, ApplicationError> {
        settings.database.migrate_if_asked(&pool).await?;

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

        let addr = settings.server.listen_addr;
        let shell = Shell::bind(
            &settings.server,
            Reflection::of(
                &[SERVICE_NAME],
                interview_coach_proto::IDENTITY_DESCRIPTOR_SET,
            ),
            Routes::new(service),
            pool,
        )
        .await?;
        tracing::info!(%addr, port = shell.port(), "identity-service listening");
        Ok(Self { shell })
    }

    /// The port the listener is bound to (useful with port 0).
    pub fn port(&self) -> u16 {
        self.shell.port()
    }

    /// Serves until `shutdown` resolves, then drains in-flight calls and stops the sweeper.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), ApplicationError> {
        let pool = self.shell.pool().clone();
        self.shell
            .background()
            .every(EXPIRED_TOKEN_SWEEP_INTERVAL, true, move || {
                sweep_expired_tokens(pool.clone())
            });
        Ok(self.shell.run_until_stopped(shutdown).await?)
    }
}

/// Deletes expired refresh tokens and token revocations, so the tables do not grow forever.
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
