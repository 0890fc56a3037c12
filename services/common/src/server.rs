//! The gRPC server scaffold every service runs: `grpc.health.v1.Health` (NOT_SERVING while
//! starting, while the database is unreachable and while draining), server reflection v1 and
//! v1alpha, and a graceful shutdown whose drain is bounded.

use std::{
    future::Future,
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use sqlx::PgPool;
use tokio::net::TcpListener;
use tonic::{
    service::Routes,
    transport::{Server, server::TcpIncoming},
};
use tonic_health::{ServingStatus, server::HealthReporter};

use crate::config::{self, ConfigError};

/// The `grpc.health.v1.Health` server a [`Health`] reports through.
pub type HealthServer =
    tonic_health::pb::health_server::HealthServer<tonic_health::server::HealthService>;

/// Listener and drain settings, from `LISTEN_ADDR`, `SHUTDOWN_DRAIN_SECS`,
/// `GRPC_MAX_MESSAGE_BYTES`.
#[derive(Clone, Debug)]
pub struct ServerSettings {
    /// Address to listen on.
    pub listen_addr: SocketAddr,
    /// How long in-flight calls may take to finish after SIGTERM.
    pub drain_timeout: Duration,
    /// Largest request message accepted (bigger ones get RESOURCE_EXHAUSTED, see
    /// [`crate::message_limit`]).
    pub max_message_bytes: usize,
}

impl ServerSettings {
    /// Reads the settings with `default_addr` as the listen default.
    pub fn from_env(default_addr: &str) -> Result<Self, ConfigError> {
        Ok(Self {
            listen_addr: config::parse_or(
                "LISTEN_ADDR",
                default_addr.parse().map_err(|_| {
                    ConfigError::new("LISTEN_ADDR", "built-in default is not an address")
                })?,
            )?,
            drain_timeout: config::secs_or("SHUTDOWN_DRAIN_SECS", Duration::from_secs(10))?,
            max_message_bytes: config::check_range(
                "GRPC_MAX_MESSAGE_BYTES",
                config::parse_or("GRPC_MAX_MESSAGE_BYTES", 256 * 1024usize)?,
                1024,
                64 * 1024 * 1024,
            )?,
        })
    }

    /// Settings for tests: port 0 on loopback, short drain.
    pub fn local_ephemeral() -> Self {
        Self {
            listen_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            drain_timeout: Duration::from_secs(5),
            max_message_bytes: 256 * 1024,
        }
    }

    /// Binds the listener (port 0 picks a free port).
    pub async fn bind(&self) -> std::io::Result<TcpListener> {
        TcpListener::bind(self.listen_addr).await
    }
}

/// The health state of one server: the overall (`""`) entry and one per gRPC service.
#[derive(Clone)]
pub struct Health {
    reporter: HealthReporter,
    services: Arc<[&'static str]>,
    draining: Arc<AtomicBool>,
}

impl Health {
    /// A reporter for `services` (their full names, e.g. `interview_coach.identity.v1.IdentityService`),
    /// all NOT_SERVING until [`Health::set_serving`].
    pub async fn new(services: &[&'static str]) -> (Self, HealthServer) {
        let reporter = HealthReporter::new();
        let server = tonic_health::pb::health_server::HealthServer::new(
            tonic_health::server::HealthService::from_health_reporter(reporter.clone()),
        );
        let health = Self {
            reporter,
            services: services.into(),
            draining: Arc::new(AtomicBool::new(false)),
        };
        health.set(ServingStatus::NotServing).await;
        (health, server)
    }

    async fn set(&self, status: ServingStatus) {
        self.reporter.set_service_status("", status).await;
        for name in self.services.iter() {
            self.reporter.set_service_status(*name, status).await;
        }
    }

    /// Ready to take calls (ignored once draining started).
    pub async fn set_serving(&self) {
        if !self.draining.load(Ordering::SeqCst) {
            self.set(ServingStatus::Serving).await;
        }
    }

    /// Not ready (a dependency is down).
    pub async fn set_not_serving(&self) {
        self.set(ServingStatus::NotServing).await;
    }

    /// Shutting down: NOT_SERVING for good.
    pub async fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
        self.set(ServingStatus::NotServing).await;
    }

    /// Follows the database: NOT_SERVING while it does not answer, SERVING when it does.
    /// Runs until draining starts.
    pub fn watch_database(&self, pool: PgPool, interval: Duration) -> tokio::task::JoinHandle<()> {
        let health = self.clone();
        tokio::spawn(async move {
            let mut serving = None;
            let mut ticker = tokio::time::interval(interval);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            while !health.draining.load(Ordering::SeqCst) {
                ticker.tick().await;
                let idle = pool.num_idle() as f64;
                metrics::gauge!("db_pool_connections", "state" => "idle").set(idle);
                metrics::gauge!("db_pool_connections", "state" => "in_use")
                    .set(f64::from(pool.size()) - idle);
                let up = matches!(
                    tokio::time::timeout(
                        interval.max(Duration::from_secs(1)),
                        crate::db::ping(&pool)
                    )
                    .await,
                    Ok(Ok(()))
                );
                if serving != Some(up) {
                    if up {
                        tracing::info!("database reachable: SERVING");
                        health.set_serving().await;
                    } else {
                        tracing::warn!("database unreachable: NOT_SERVING");
                        health.set_not_serving().await;
                    }
                    serving = Some(up);
                }
            }
        })
    }
}

/// How often health re-checks the database.
pub const DATABASE_CHECK_INTERVAL: Duration = Duration::from_secs(2);

/// What a server's reflection describes: the descriptor set of its contract and the
/// services it serves. It lists exactly those (and health and reflection itself), so a
/// user of grpcurl can tell from `list` which address serves what.
#[derive(Clone, Debug)]
pub struct Reflection {
    /// Encoded `FileDescriptorSet` of the served contract and its imports.
    pub descriptors: &'static [u8],
    /// Full names of the services served, e.g. `interview_coach.identity.v1.IdentityService`.
    pub services: Vec<&'static str>,
}

/// Reflection's own service names, listed by every server.
const REFLECTION_SERVICES: [&str; 2] = [
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
];

impl Reflection {
    /// Reflection of `services`, described by `descriptors`.
    pub fn of(services: &[&'static str], descriptors: &'static [u8]) -> Self {
        Self {
            descriptors,
            services: services.to_vec(),
        }
    }

    /// Configures a reflection builder: the contract, health and both reflection versions
    /// registered (so `describe` resolves each of them), the served names advertised.
    fn builder(&self) -> tonic_reflection::server::Builder<'static> {
        let mut builder = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(self.descriptors)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(
                tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET,
            )
            .include_reflection_service(false)
            .with_service_name(HEALTH_SERVICE);
        for name in self.services.iter().chain(&REFLECTION_SERVICES) {
            builder = builder.with_service_name(*name);
        }
        builder
    }
}

/// The health service's full name.
const HEALTH_SERVICE: &str = "grpc.health.v1.Health";

/// A server bound to its port, not yet serving: its health starts NOT_SERVING.
pub struct GrpcServer {
    listener: TcpListener,
    port: u16,
    health: Health,
    health_service: HealthServer,
    drain_timeout: Duration,
    reflection: Reflection,
}

impl GrpcServer {
    /// Binds `settings.listen_addr`, reports `reflection.services` (full gRPC names) in
    /// health and lists exactly them in reflection.
    pub async fn bind(settings: &ServerSettings, reflection: Reflection) -> std::io::Result<Self> {
        let (health, health_service) = Health::new(&reflection.services).await;
        let listener = settings.bind().await?;
        let port = listener.local_addr()?.port();
        Ok(Self {
            listener,
            port,
            health,
            health_service,
            drain_timeout: settings.drain_timeout,
            reflection,
        })
    }

    /// The bound port (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves `routes` until `shutdown` resolves, SERVING while `pool` answers, then drains
    /// within the configured bound.
    pub async fn run(
        self,
        routes: Routes,
        pool: PgPool,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), tonic::transport::Error> {
        let watcher = self.health.watch_database(pool, DATABASE_CHECK_INTERVAL);
        let result = serve(
            self.listener,
            routes,
            (self.health, self.health_service),
            &self.reflection,
            self.drain_timeout,
            shutdown,
        )
        .await;
        watcher.abort();
        result
    }
}

/// Runs `routes` plus health and reflection on `listener` until `shutdown` resolves, then
/// reports NOT_SERVING, stops accepting and lets in-flight calls finish for at most
/// `drain_timeout`.
pub async fn serve(
    listener: TcpListener,
    routes: Routes,
    (health, health_service): (Health, HealthServer),
    reflection: &Reflection,
    drain_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), tonic::transport::Error> {
    let reflection_v1 = reflection.builder().build_v1();
    let reflection_v1alpha = reflection.builder().build_v1alpha();
    let (reflection_v1, reflection_v1alpha) = match (reflection_v1, reflection_v1alpha) {
        (Ok(v1), Ok(v1alpha)) => (v1, v1alpha),
        (Err(err), _) | (_, Err(err)) => {
            // The descriptor set is compiled in; this only fails if the build is broken.
            tracing::error!(error = %err, "reflection unavailable: descriptor set is invalid");
            return Ok(());
        }
    };

    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = Server::builder()
        .layer(crate::observability::GrpcObservabilityLayer)
        // Inside the observability layer, so metrics and traces see the rewritten code.
        .layer(crate::message_limit::MessageLimitLayer)
        .http2_keepalive_interval(Some(Duration::from_secs(30)))
        .http2_keepalive_timeout(Some(Duration::from_secs(10)))
        .add_routes(routes)
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        // `Server::tcp_nodelay` applies only to listeners tonic binds itself: the accepted
        // connections need it set here, or Nagle's algorithm holds back the last small
        // write of a response until the peer's delayed ACK (40 ms on Linux).
        .serve_with_incoming_shutdown(
            TcpIncoming::from(listener).with_nodelay(Some(true)),
            async {
                let _ = stop_rx.await;
            },
        );
    tokio::pin!(server);

    tokio::select! {
        result = &mut server => return result,
        () = shutdown => {}
    }
    health.start_draining().await;
    let _ = stop_tx.send(());
    match tokio::time::timeout(drain_timeout, server).await {
        Ok(result) => {
            tracing::info!("drained, stopped");
            result
        }
        Err(_) => {
            tracing::warn!(
                ?drain_timeout,
                "drain timed out, stopping with calls in flight"
            );
            Ok(())
        }
    }
}
