//! The limits every figure is compared against, measured on this machine in this run:
//!
//! - bcrypt: one hash at the configured cost on one core; bound = cores ÷ hash time;
//! - the gRPC ceiling: a do-nothing unary RPC (`grpc.health.v1.Health/Check`) served by
//!   the services' own server scaffold (`interview_coach_common::server::serve`), called
//!   through the same clients and connections the virtual users use, at the same
//!   concurrency;
//! - the database: a single-row insert (one commit) and a primary-key select through an
//!   sqlx pool of the services' size.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use interview_coach_common::server::{self, Health};
use serde::Serialize;
use sqlx::{PgPool, postgres::PgPoolOptions};
use tokio::{net::TcpListener, sync::oneshot};
use tonic::service::Routes;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

use crate::{
    clients::{Channels, PASSWORD},
    recorder::{Recorder, Window, swarm},
};

/// Hashes timed; the fastest counts (the others may have been interrupted).
const BCRYPT_SAMPLES: usize = 3;
/// Warm-up before each probe's measurement.
const PROBE_WARMUP: Duration = Duration::from_secs(1);
/// Ids kept for the select probe.
const SELECT_IDS: usize = 10_000;

/// The bcrypt bound.
#[derive(Clone, Debug, Serialize)]
pub struct BcryptLimit {
    /// The cost.
    pub cost: u32,
    /// One hash on one core, milliseconds.
    pub hash_ms: f64,
    /// cores ÷ hash time: the most logins per second this machine can do.
    pub bound_per_second: f64,
}

/// A probe's throughput and latency.
#[derive(Clone, Debug, Serialize)]
pub struct Probe {
    /// Calls per second.
    pub per_second: f64,
    /// Median latency, ms.
    pub p50_ms: f64,
    /// 99th percentile latency, ms.
    pub p99_ms: f64,
    /// Concurrency.
    pub concurrency: usize,
}

impl Probe {
    fn from(recorder: &Recorder, name: &str, concurrency: usize) -> Option<Self> {
        let stats = recorder.rpcs().get(name)?;
        let seconds = recorder.window().length().as_secs_f64();
        Some(Self {
            per_second: stats.ok() as f64 / seconds,
            p50_ms: stats.latency.value_at_quantile(0.50) as f64 / 1000.0,
            p99_ms: stats.latency.value_at_quantile(0.99) as f64 / 1000.0,
            concurrency,
        })
    }
}

/// Every measured limit.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Limits {
    /// Cores the OS gives this process.
    pub cores: usize,
    /// bcrypt.
    pub bcrypt: Option<BcryptLimit>,
    /// The do-nothing RPC.
    pub grpc: Option<Probe>,
    /// Single-row insert, one commit each.
    pub db_insert: Option<Probe>,
    /// Primary-key select.
    pub db_select: Option<Probe>,
}

/// Cores available to this process.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Times one bcrypt hash at `cost` on one core (the fastest of a few).
pub async fn bcrypt(cost: u32) -> Result<BcryptLimit> {
    let mut best = Duration::MAX;
    for _ in 0..BCRYPT_SAMPLES {
        let took = tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            bcrypt::hash(PASSWORD, cost).map(|_| started.elapsed())
        })
        .await
        .context("bcrypt task")?
        .context("bcrypt")?;
        best = best.min(took);
    }
    let hash_ms = best.as_secs_f64() * 1000.0;
    Ok(BcryptLimit {
        cost,
        hash_ms,
        bound_per_second: cores() as f64 / best.as_secs_f64(),
    })
}

/// The do-nothing RPC at `users` concurrency over `connections` connections.
pub async fn grpc(users: usize, connections: usize, duration: Duration) -> Result<Probe> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .context("bind the probe server")?;
    let url = format!("http://{}", listener.local_addr()?);
    let (health, health_service) = Health::new(&[]).await;
    health.set_serving().await;
    let (stop, stopped) = oneshot::channel::<()>();
    let reflection = server::Reflection::of(&[], interview_coach_proto::FILE_DESCRIPTOR_SET);
    let server = tokio::spawn(async move {
        server::serve(
            listener,
            Routes::default(),
            (health, health_service),
            &reflection,
            Duration::from_secs(1),
            async {
                let _ = stopped.await;
            },
        )
        .await
    });

    let channels = Channels::open(&url, connections).await?;
    let window = Window::after(PROBE_WARMUP, duration);
    let recorder = swarm(users, window, |index, mut recorder| {
        let mut client = HealthClient::new(channels.get(index));
        async move {
            while !recorder.window().is_over() {
                let request = HealthCheckRequest {
                    service: String::new(),
                };
                let _ = recorder.time("Check", client.check(request)).await;
            }
            recorder
        }
    })
    .await;
    let _ = stop.send(());
    let _ = server.await;
    Probe::from(&recorder, "Check", users).context("the probe made no calls")
}

/// Single-row inserts, then primary-key selects, at `users` concurrency through a pool of
/// `pool_size`; the probe table is dropped afterwards.
pub async fn database(
    url: &str,
    pool_size: u32,
    users: usize,
    duration: Duration,
) -> Result<(Probe, Probe)> {
    let pool = PgPoolOptions::new()
        .max_connections(pool_size)
        .connect(url)
        .await
        .context("connect to the database")?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS loadgen_probe (\
             id UUID PRIMARY KEY DEFAULT gen_random_uuid(), \
             payload TEXT NOT NULL, \
             created_at TIMESTAMPTZ NOT NULL DEFAULT NOW())",
    )
    .execute(&pool)
    .await
    .context("create the probe table")?;
    let result = probe_database(&pool, users, duration).await;
    let dropped = sqlx::query("DROP TABLE IF EXISTS loadgen_probe")
        .execute(&pool)
        .await;
    pool.close().await;
    let probes = result?;
    dropped.context("drop the probe table")?;
    Ok(probes)
}

async fn probe_database(pool: &PgPool, users: usize, duration: Duration) -> Result<(Probe, Probe)> {
    let window = Window::after(PROBE_WARMUP, duration);
    let inserts = swarm(users, window, |_, mut recorder| {
        let pool = pool.clone();
        async move {
            while !recorder.window().is_over() {
                let insert = sqlx::query_scalar::<_, uuid::Uuid>(
                    "INSERT INTO loadgen_probe (payload) VALUES ($1) RETURNING id",
                )
                .bind("a payload about as long as a short answer's metadata")
                .fetch_one(&pool);
                let _ = recorder.time_sql("insert", insert).await;
            }
            recorder
        }
    })
    .await;
    let insert = Probe::from(&inserts, "insert", users).context("no inserts")?;

    let ids: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT id FROM loadgen_probe ORDER BY random() LIMIT $1")
            .bind(SELECT_IDS as i64)
            .fetch_all(pool)
            .await?;
    anyhow::ensure!(!ids.is_empty(), "no rows to select");
    let ids = std::sync::Arc::new(ids);
    let window = Window::after(PROBE_WARMUP, duration);
    let selects = swarm(users, window, |index, mut recorder| {
        let pool = pool.clone();
        let ids = ids.clone();
        async move {
            let mut next = index;
            while !recorder.window().is_over() {
                let id = ids[next % ids.len()];
                next += users;
                let select = sqlx::query_scalar::<_, String>(
                    "SELECT payload FROM loadgen_probe WHERE id = $1",
                )
                .bind(id)
                .fetch_one(&pool);
                let _ = recorder.time_sql("select", select).await;
            }
            recorder
        }
    })
    .await;
    let select = Probe::from(&selects, "select", users).context("no selects")?;
    Ok((insert, select))
}
