//! The database pool and the migrations.
//!
//! All services apply one ordered stream of migrations (`migrations/` at the workspace
//! root) with one tracking table. The stream is embedded in every binary, so any service
//! can start first against an empty database; sqlx serialises concurrent runs with an
//! advisory lock. `ignore_missing` lets an older binary run beside a newer one that has
//! already applied later (additive) migrations during a rolling deploy.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use sqlx::{
    Connection, PgPool,
    migrate::{MigrateError, Migrator},
    postgres::{PgConnectOptions, PgPoolOptions},
};

use crate::config::{self, ConfigError};

/// A connection idle for longer than this is pinged before it is handed out; one used more
/// recently is known to be alive (sqlx already pings every connection when it is released).
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// Every migration of the system, in order. Also the migrator of `#[sqlx::test]`s.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

/// Connection settings shared by the services.
#[derive(Clone, Debug)]
pub struct DatabaseSettings {
    /// `DATABASE_URL`; a secret because it may carry a password.
    pub url: SecretString,
    /// `DATABASE_MAX_CONNECTIONS` (default 20, as the seed says).
    pub max_connections: u32,
    /// `DATABASE_IDLE_TIMEOUT_SECS` (default 30).
    pub idle_timeout: Duration,
    /// `DATABASE_ACQUIRE_TIMEOUT_MS`: how long a request waits for a connection (default 3000).
    pub acquire_timeout: Duration,
    /// `MIGRATE`: apply pending migrations at start-up (default true).
    pub migrate: bool,
}

impl DatabaseSettings {
    /// Reads the settings; `DATABASE_URL` is required.
    pub fn from_env() -> Result<Self, ConfigError> {
        let max_connections = config::check_range(
            "DATABASE_MAX_CONNECTIONS",
            config::parse_or("DATABASE_MAX_CONNECTIONS", 20u32)?,
            1,
            1000,
        )?;
        Ok(Self {
            url: config::required_secret("DATABASE_URL")?,
            max_connections,
            idle_timeout: config::secs_or("DATABASE_IDLE_TIMEOUT_SECS", Duration::from_secs(30))?,
            acquire_timeout: config::millis_or(
                "DATABASE_ACQUIRE_TIMEOUT_MS",
                Duration::from_secs(3),
            )?,
            migrate: config::bool_or("MIGRATE", true)?,
        })
    }

    /// Settings for a given URL with the defaults (tests, tools).
    pub fn with_url(url: impl Into<String>) -> Self {
        Self {
            url: SecretString::from(url.into()),
            max_connections: 20,
            idle_timeout: Duration::from_secs(30),
            acquire_timeout: Duration::from_secs(3),
            migrate: true,
        }
    }

    /// Parsed connect options.
    pub fn connect_options(&self) -> Result<PgConnectOptions, ConfigError> {
        self.url
            .expose_secret()
            .parse::<PgConnectOptions>()
            // The parse error can echo the URL (and its password): keep it out.
            .map_err(|_| ConfigError::new("DATABASE_URL", "is not a valid postgres:// URL"))
    }

    /// A pool that connects lazily, so a service can start (NOT_SERVING) while the database
    /// is still coming up, and recovers by itself when it comes back. Connections idle for
    /// more than a second are pinged before use (a dead one is replaced); busy ones are not,
    /// which saves a round trip per query under load (sqlx's default pings on every acquire).
    pub fn pool(&self) -> Result<PgPool, ConfigError> {
        Ok(PgPoolOptions::new()
            .max_connections(self.max_connections)
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > PING_IF_IDLE_FOR {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .idle_timeout(Some(self.idle_timeout))
            .acquire_timeout(self.acquire_timeout)
            .connect_lazy_with(self.connect_options()?))
    }
}

/// Applies pending migrations (idempotent; safe when several processes start at once).
pub async fn migrate(pool: &PgPool) -> Result<(), MigrateError> {
    let mut migrator = Migrator {
        migrations: MIGRATOR.migrations.clone(),
        ..Migrator::DEFAULT
    };
    migrator.set_ignore_missing(true);
    migrator.run(pool).await
}

/// Checks that the database answers.
pub async fn ping(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await.map(|_| ())
}

/// True when an sqlx error means the database is unreachable (retryable), rather than a
/// bug or a constraint.
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    matches!(
        err,
        sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed
    ) || matches!(err, sqlx::Error::Database(db) if db.code().is_some_and(|c| c.starts_with("08") || c.starts_with("57P")))
}

/// The constraint a unique violation (23505) was about, if this is one.
pub fn unique_violation(err: &sqlx::Error) -> Option<String> {
    match err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            Some(db.constraint().unwrap_or_default().to_owned())
        }
        _ => None,
    }
}
