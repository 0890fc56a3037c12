//! One service running in a task of the test, stopped when dropped.

use std::{future::Future, pin::Pin, time::Duration};

use interview_coach_common::{probe, server::ServerSettings};
use tokio::{sync::oneshot, task::JoinHandle};

/// Resolves when a test service must shut down.
pub(crate) type StopSignal = Pin<Box<dyn Future<Output = ()> + Send>>;

/// One running service.
pub struct Running {
    pub port: u16,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<()>>,
}

impl Running {
    /// Runs `run(shutdown)` in a task and waits until the service on `port` is SERVING;
    /// `shutdown` resolves when [`Running::stop`] is called or the handle is dropped.
    pub(crate) async fn start<F>(port: u16, run: impl FnOnce(StopSignal) -> F) -> Self
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let (stop, stopped) = oneshot::channel::<()>();
        let handle = tokio::spawn(run(Box::pin(async move {
            let _ = stopped.await;
        })));
        let running = Self {
            port,
            stop: Some(stop),
            handle: Some(handle),
        };
        running.wait_serving().await;
        running
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stops the service and waits until it has drained and closed its port.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(handle) = self.handle.take() {
            let _ = handle.await;
        }
    }

    async fn wait_serving(&self) {
        assert!(
            probe::wait_until_serving(&self.url(), Duration::from_secs(20)).await,
            "service on port {} never became SERVING",
            self.port
        );
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Server settings on 127.0.0.1:`port` (0 = any).
pub(crate) fn ephemeral(port: u16) -> ServerSettings {
    let mut server = ServerSettings::local_ephemeral();
    server.listen_addr.set_port(port);
    server
}
