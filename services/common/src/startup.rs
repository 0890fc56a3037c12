//! The shell every service runs in: its gRPC server bound to a port, its routes, its
//! database pool and its background tasks. A service's `Application::build` makes a
//! [`Shell`]; `Application::run_until_stopped` starts its tasks on [`Shell::background`] and
//! hands over to [`Shell::run_until_stopped`], which serves, drains on shutdown and then
//! stops the tasks within the same bound.

use std::{future::Future, time::Duration};

use sqlx::PgPool;
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use tonic::service::Routes;

use crate::server::{GrpcServer, Reflection, ServerSettings};

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

/// Why a shell could not bind or serve.
#[derive(Debug, thiserror::Error)]
pub enum ShellError {
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
