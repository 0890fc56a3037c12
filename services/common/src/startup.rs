//! How every service starts and runs. A service says what it is by implementing
//! [`Service`] (its settings, its error, how its routes are built, which tasks run beside
//! them); [`Application`] does the rest the same way for all: connect, migrate when asked,
//! build, bind ([`Shell`]), report the port, serve until stopped, drain, and stop the
//! background tasks within the same bound.

use std::{future::Future, time::Duration};

use sqlx::{PgPool, migrate::MigrateError};
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use tonic::service::Routes;

use crate::{
    config::ConfigError,
    db::DatabaseSettings,
    server::{GrpcServer, Reflection, ServerSettings},
};

/// What one service is, to [`Application`]. The implementing type is what the service keeps
/// between building and serving (its use cases, clients, settings), for
/// [`start`](Service::start) to use.
pub trait Service: Sized + Send {
    /// Its name in logs (`identity-service`, …).
    const NAME: &'static str;
    /// The gRPC service it serves (the generated `SERVICE_NAME`), listed by reflection.
    const GRPC_SERVICE: &'static str;
    /// The encoded descriptor set of its contract, for reflection.
    const DESCRIPTORS: &'static [u8];
    /// Its settings.
    type Settings: Send;
    /// Why it cannot start, or stopped with an error: the shell's reasons and its own.
    type Error: From<ShellError> + Send;

    /// The database and listener parts of `settings`.
    fn shell_settings(settings: &Self::Settings) -> (&DatabaseSettings, &ServerSettings);

    /// Builds the service's routes over a migrated `pool`, and what it keeps for
    /// [`start`](Service::start).
    fn build(
        settings: Self::Settings,
        pool: PgPool,
    ) -> impl Future<Output = Result<(Routes, Self), Self::Error>> + Send;

    /// Starts the background tasks on `shell`, just before it serves. None by default.
    fn start(self, shell: &Shell) -> impl Future<Output = ()> + Send {
        let _ = shell;
        async {}
    }
}

/// A built service, bound to its port, not yet serving.
pub struct Application<S> {
    shell: Shell,
    service: S,
}

impl<S: Service> Application<S> {
    /// Connects (lazily) to the database of `settings` and builds the service.
    pub async fn build(settings: S::Settings) -> Result<Self, S::Error> {
        let pool = S::shell_settings(&settings)
            .0
            .pool()
            .map_err(ShellError::from)?;
        Self::build_with_pool(settings, pool).await
    }

    /// Builds the service over `pool` (tests pass their own): applies migrations when the
    /// settings ask for it, builds the routes and binds the listener. Health stays
    /// NOT_SERVING until the database answers.
    pub async fn build_with_pool(settings: S::Settings, pool: PgPool) -> Result<Self, S::Error> {
        let (database, server) = S::shell_settings(&settings);
        database
            .migrate_if_asked(&pool)
            .await
            .map_err(ShellError::from)?;
        let server = server.clone();
        let (routes, service) = S::build(settings, pool.clone()).await?;
        let reflection = Reflection::of(&[S::GRPC_SERVICE], S::DESCRIPTORS);
        let shell = Shell::bind(&server, reflection, routes, pool).await?;
        tracing::info!(
            service = S::NAME,
            addr = %server.listen_addr,
            port = shell.port(),
            "listening"
        );
        Ok(Self { shell, service })
    }

    /// The port the listener is bound to (useful with port 0).
    pub fn port(&self) -> u16 {
        self.shell.port()
    }

    /// Starts the background tasks, serves until `shutdown` resolves, then drains in-flight
    /// calls and stops the tasks.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), S::Error> {
        self.service.start(&self.shell).await;
        Ok(self.shell.run_until_stopped(shutdown).await?)
    }
}

/// Tasks that run beside the server until it stops: spawned with a cancellation token to
/// watch, tracked so that stopping waits for them.
#[derive(Clone, Debug, Default)]
pub struct Background {
    tracker: TaskTracker,
    cancel: CancellationToken,
}

impl Background {
    /// No tasks yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `task` on the runtime; it is given the token that is cancelled when the
    /// service stops, and should return soon after.
    pub fn spawn<F, Fut>(&self, task: F)
    where
        F: FnOnce(CancellationToken) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.tracker.spawn(task(self.cancel.clone()));
    }

    /// Runs `round` every `interval` until the service stops: the first round at once when
    /// `now`, else after one interval. A round in progress finishes; none starts after the
    /// stop.
    pub fn every<F, Fut>(&self, interval: Duration, now: bool, mut round: F)
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        self.spawn(move |cancel| async move {
            if !now {
                tokio::select! {
                    () = cancel.cancelled() => return,
                    () = tokio::time::sleep(interval) => {}
                }
            }
            loop {
                round().await;
                tokio::select! {
                    () = cancel.cancelled() => return,
                    () = tokio::time::sleep(interval) => {}
                }
            }
        });
    }

    /// Asks every task to stop and waits for them, at most `within`; false when some were
    /// still running then (they are left to the runtime's shutdown).
    pub async fn stop(&self, within: Duration) -> bool {
        self.cancel.cancel();
        self.tracker.close();
        tokio::time::timeout(within, self.tracker.wait())
            .await
            .is_ok()
    }
}

/// Why a service could not start (its settings, the migrations, the listener) or serve.
#[derive(Debug, thiserror::Error)]
pub enum ShellError {
    /// A bad setting.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Migrations failed.
    #[error("cannot apply migrations: {0}")]
    Migrate(#[from] MigrateError),
    /// The listener cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The server failed while serving.
    #[error("server: {0}")]
    Serve(#[from] tonic::transport::Error),
}

/// A built service: bound to its port, not yet serving.
pub struct Shell {
    server: GrpcServer,
    routes: Routes,
    pool: PgPool,
    drain_timeout: Duration,
    background: Background,
}

impl Shell {
    /// Binds `settings.listen_addr` for `routes`, with health and reflection as
    /// `reflection` describes; `pool` is what health follows.
    pub async fn bind(
        settings: &ServerSettings,
        reflection: Reflection,
        routes: Routes,
        pool: PgPool,
    ) -> Result<Self, ShellError> {
        let server = GrpcServer::bind(settings, reflection)
            .await
            .map_err(|source| ShellError::Bind {
                addr: settings.listen_addr,
                source,
            })?;
        Ok(Self {
            server,
            routes,
            pool,
            drain_timeout: settings.drain_timeout,
            background: Background::new(),
        })
    }

    /// The bound port (useful with port 0).
    pub fn port(&self) -> u16 {
        self.server.port()
    }

    /// The database pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Where the service's background tasks run.
    pub fn background(&self) -> &Background {
        &self.background
    }

    /// Serves until `shutdown` resolves, drains in-flight calls, then stops the background
    /// tasks, each within the configured drain bound.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), ShellError> {
        let result = self.server.run(self.routes, self.pool, shutdown).await;
        if !self.background.stop(self.drain_timeout).await {
            tracing::warn!(
                drain_timeout = ?self.drain_timeout,
                "background tasks still running after the drain bound"
            );
        }
        Ok(result?)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn periodic_rounds_run_until_stopped_and_stopping_waits_for_them() {
        let background = Background::new();
        let rounds = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&rounds);
        background.every(Duration::from_secs(10), true, move || {
            let counted = Arc::clone(&counted);
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
            }
        });
        let later = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&later);
        background.every(Duration::from_secs(10), false, move || {
            let counted = Arc::clone(&counted);
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
            }
        });
        tokio::time::sleep(Duration::from_secs(25)).await;
        assert_eq!(rounds.load(Ordering::SeqCst), 3, "at 0, 10 and 20 s");
        assert_eq!(later.load(Ordering::SeqCst), 2, "at 10 and 20 s");
        assert!(background.stop(Duration::from_secs(1)).await);
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(rounds.load(Ordering::SeqCst), 3, "none after the stop");
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_that_ignores_the_stop_is_reported() {
        let background = Background::new();
        background.spawn(|_cancel| async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        });
        assert!(!background.stop(Duration::from_secs(1)).await);
    }
}
