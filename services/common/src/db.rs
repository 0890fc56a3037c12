//! The database pool and the migrations.
//!
//! All services apply one ordered stream of migrations (`migrations/` at the workspace
//! root) with one tracking table. The stream is embedded in every binary, so any service
//! can start first against an empty database; sqlx serialises concurrent runs with an
//! advisory lock. `ignore_missing` lets an older binary run beside a newer one that has
//! already applied later (additive) migrations during a rolling deploy.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use secrecy::{ExposeSecret, SecretString};
use sqlx::{
    Connection, PgConnection, PgPool, Postgres,
    migrate::{MigrateError, Migrator},
    pool::PoolConnection,
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
    /// `DATABASE_MAX_CONNECTIONS` (default 20).
    pub max_connections: u32,
    /// `DATABASE_IDLE_TIMEOUT_SECS` (default 30).
    pub idle_timeout: Duration,
    /// `DATABASE_ACQUIRE_TIMEOUT_MS`: how long a request waits for a connection (default 3000).
    pub acquire_timeout: Duration,
    /// `MIGRATE`: apply pending migrations at start-up (default true).
    pub migrate: bool,
    /// `MIGRATION_DATABASE_URL`: the role that applies migrations (DDL rights), when the
    /// service's own role has none; unset, migrations run over `DATABASE_URL`.
    pub migration_url: Option<SecretString>,
}

impl DatabaseSettings {
    /// Applies the pending migrations when `MIGRATE` asks for it: as the migrator
    /// (`MIGRATION_DATABASE_URL`) when one is set, else over `pool`.
    pub async fn migrate_if_asked(&self, pool: &PgPool) -> Result<(), MigrateError> {
        if self.migrate {
            match self.migration_pool()? {
                Some(migrator) => {
                    let applied = migrate(&migrator).await;
                    migrator.close().await;
                    applied?;
                }
                None => migrate(pool).await?,
            }
            tracing::info!("migrations applied");
        }
        Ok(())
    }

    /// One connection as the migrator, if `MIGRATION_DATABASE_URL` is set.
    pub fn migration_pool(&self) -> Result<Option<PgPool>, MigrateError> {
        let Some(url) = &self.migration_url else {
            return Ok(None);
        };
        let options = url
            .expose_secret()
            .parse::<PgConnectOptions>()
            // Checked by from_env; the parse error could echo the password.
            .map_err(|_| {
                MigrateError::Execute(sqlx::Error::Configuration(
                    "MIGRATION_DATABASE_URL is not a valid postgres:// URL".into(),
                ))
            })?;
        Ok(Some(
            PgPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(self.acquire_timeout)
                .connect_lazy_with(options),
        ))
    }

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
            migration_url: match config::secret("MIGRATION_DATABASE_URL") {
                Some(url) if url.expose_secret().parse::<PgConnectOptions>().is_err() => {
                    return Err(ConfigError::new(
                        "MIGRATION_DATABASE_URL",
                        "is not a valid postgres:// URL",
                    ));
                }
                url => url,
            },
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
            migration_url: None,
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

/// One pooled connection kept by a single writer (a batch writer, see [`crate::batch`])
/// between its statements, so that a statement costs no pool round trip: no acquire, and no
/// release with the ping sqlx sends on every release. After a failed statement the
/// connection is given back and the next statement takes a fresh one, so a broken
/// connection (a database restart) costs one failed statement. A connection unused for
/// [`RELEASE_IDLE_AFTER`] goes back to the pool, so an idle writer holds nothing and the
/// pool can close.
#[derive(Debug)]
pub struct HeldConnection {
    pool: PgPool,
    held: tokio::sync::Mutex<Option<PoolConnection<Postgres>>>,
    /// Set by every statement, cleared by each idle check.
    used: AtomicBool,
}

/// How long a writer keeps a connection it does not use.
pub const RELEASE_IDLE_AFTER: Duration = Duration::from_millis(100);

impl HeldConnection {
    /// Holds nothing yet; the first statement takes a connection from `pool`. Starts the
    /// idle check on the current runtime; it ends with the last handle.
    pub fn new(pool: PgPool) -> Arc<Self> {
        let this = Arc::new(Self {
            pool,
            held: tokio::sync::Mutex::new(None),
            used: AtomicBool::new(false),
        });
        let weak = Arc::downgrade(&this);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(RELEASE_IDLE_AFTER);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let Some(this) = weak.upgrade() else {
                    return;
                };
                if !this.used.swap(false, Ordering::AcqRel)
                    && let Ok(mut held) = this.held.try_lock()
                {
                    held.take();
                }
            }
        });
        this
    }

    /// The pool it takes connections from.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Whether a connection is held now.
    #[cfg(test)]
    async fn is_holding(&self) -> bool {
        self.held.lock().await.is_some()
    }

    /// Runs `work` on the held connection (taken from the pool when none is held). Calls
    /// wait for each other.
    pub async fn run<T, E>(
        &self,
        work: impl AsyncFnOnce(&mut PgConnection) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<sqlx::Error>,
    {
        let mut held = self.held.lock().await;
        self.used.store(true, Ordering::Release);
        let mut conn = match held.take() {
            Some(conn) => conn,
            None => self.pool.acquire().await?,
        };
        let result = work(&mut conn).await;
        if result.is_ok() {
            *held = Some(conn);
        }
        result
    }
}

#[cfg(test)]
mod held_connection_tests {
    use super::*;

    async fn backend(writer: &HeldConnection) -> Result<i32, sqlx::Error> {
        writer
            .run(async |conn| {
                sqlx::query_scalar("SELECT pg_backend_pid()")
                    .fetch_one(conn)
                    .await
            })
            .await
    }

    #[sqlx::test(migrations = false)]
    async fn a_writer_keeps_its_connection_until_it_fails_or_idles(pool: PgPool) {
        let writer = HeldConnection::new(pool.clone());
        let first = backend(&writer).await.unwrap();
        assert!(writer.is_holding().await);
        assert_eq!(
            backend(&writer).await.unwrap(),
            first,
            "the same connection"
        );

        // A failed statement gives the connection back; the next one takes another.
        let failed: Result<i32, sqlx::Error> = writer
            .run(async |conn| sqlx::query_scalar("SELECT 1/0").fetch_one(conn).await)
            .await;
        assert!(failed.is_err());
        assert!(!writer.is_holding().await);
        assert!(backend(&writer).await.is_ok());

        // Unused, it goes back to the pool, and the pool can close.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while writer.is_holding().await {
            assert!(tokio::time::Instant::now() < deadline, "still held");
            tokio::time::sleep(RELEASE_IDLE_AFTER / 4).await;
        }
        tokio::time::timeout(Duration::from_secs(5), pool.close())
            .await
            .unwrap();
    }
}
