//! Building and running the session service.

use std::{future::Future, sync::Arc, time::Duration};

use interview_coach_common::{
    auth::TokenVerifier,
    db,
    server::{GrpcServer, Reflection},
    service_auth::ServiceCredential,
};
use interview_coach_proto::{
    identity::v1::identity_service_client::IdentityServiceClient,
    session::v1::session_service_server::{SERVICE_NAME, SessionServiceServer},
};
use sqlx::PgPool;
use tokio::sync::watch;
use tonic::{service::Routes, transport::Endpoint};

use crate::{
    auth::Authenticator,
    config::Settings,
    evaluation_cache::EvaluationCache,
    evaluation_client::EvaluationClient,
    gauges,
    interview::Interviews,
    queue::{self, QueueSettings},
    quota::Quotas,
    revocations::{self, RevocationFeed, RevokedTokens},
    service::SessionApi,
    sweeper,
};

/// Why the service could not start.
pub type StartError = Box<dyn std::error::Error + Send + Sync>;

/// A built service: listening, not yet serving.
pub struct Application {
    server: GrpcServer,
    settings: Settings,
    pool: PgPool,
    interviews: Interviews,
    auth: Arc<Authenticator>,
    revocations: RevocationFeed,
}

fn channel(url: &str, var: &str) -> Result<tonic::transport::Channel, StartError> {
    Ok(Endpoint::from_shared(url.to_owned())
        .map_err(|_| format!("invalid configuration: {var}: not a valid URL"))?
        .connect_timeout(Duration::from_secs(2))
        .tcp_nodelay(true)
        .http2_keep_alive_interval(Duration::from_secs(30))
        .keep_alive_while_idle(true)
        .connect_lazy())
}

impl Application {
    /// Connects (lazily) to the database, applies migrations and binds the listener.
    pub async fn build(settings: Settings) -> Result<Self, StartError> {
        let pool = settings.database.pool()?;
        Self::build_with_pool(settings, pool).await
    }

    /// Like [`Application::build`] with a given pool (tests).
    pub async fn build_with_pool(settings: Settings, pool: PgPool) -> Result<Self, StartError> {
        if settings.database.migrate {
            db::migrate(&pool).await?;
        }
        let server = GrpcServer::bind(
            &settings.server,
            Reflection::of(
                &[SERVICE_NAME],
                interview_coach_proto::SESSION_DESCRIPTOR_SET,
            ),
        )
        .await?;

        let verifier = TokenVerifier::new(&settings.jwt_issuer, &settings.jwt_audience);
        let identity = IdentityServiceClient::new(channel(&settings.identity_url, "IDENTITY_URL")?);
        let revoked = Arc::new(RevokedTokens::default());
        let auth = Arc::new(Authenticator::new(
            verifier,
            revoked.clone(),
            identity.clone(),
            settings.identity_timeout,
            settings.key_refresh_min_interval,
        ));
        let revocations = RevocationFeed::new(revoked, identity, settings.identity_timeout);
        let evaluation = EvaluationClient::new(
            channel(&settings.evaluation_url, "EVALUATION_URL")?,
            ServiceCredential::new(settings.service_token.clone()),
            settings.generate_timeout,
            settings.evaluate_timeout,
            EvaluationCache::new(settings.evaluation_cache_bytes),
        );
        let interviews = Interviews::new(
            pool.clone(),
            evaluation,
            settings.submit_wait,
            settings.recent_sessions_excluded,
        );
        Ok(Self {
            server,
            settings,
            pool,
            interviews,
            auth,
            revocations,
        })
    }

    /// The bound port (useful with port 0).
    pub fn port(&self) -> u16 {
        self.server.port()
    }

    /// Serves until `shutdown` resolves, then drains within the configured bound.
    pub async fn run_until_stopped(
        mut self,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), StartError> {
        // Identity may still be starting: a failure here is retried on the first unknown kid.
        if !self.auth.refresh_keys(true).await {
            tracing::warn!("signing keys not loaded yet; will fetch on first request");
        }
        // Likewise retried every poll (the failure is logged by the feed).
        self.revocations.poll().await;
        let (stop_tx, stop_rx) = watch::channel(false);
        let revocation_poller = tokio::spawn(revocations::run(
            self.revocations,
            self.settings.revocation_poll_interval,
            stop_rx.clone(),
        ));
        let worker = tokio::spawn(queue::run(
            self.interviews.clone(),
            QueueSettings {
                interval: self.settings.worker_interval,
                batch: self.settings.worker_batch,
                retry_max: self.settings.retry_max,
            },
            stop_rx.clone(),
        ));
        let gauges = tokio::spawn(gauges::run(
            self.pool.clone(),
            Duration::from_secs(5),
            stop_rx.clone(),
        ));
        let sweeper = tokio::spawn(sweeper::run(
            self.interviews.clone(),
            self.settings.sweeper_interval,
            self.settings.session_grace,
            stop_rx,
        ));

        let api = SessionServiceServer::new(SessionApi::new(
            self.auth,
            self.interviews,
            Quotas::new(self.pool.clone(), self.settings.quotas),
        ))
        .max_decoding_message_size(self.settings.server.max_message_bytes);
        tracing::info!(port = self.server.port(), "session-service listening");
        let result = self
            .server
            .run(Routes::new(api), self.pool.clone(), shutdown)
            .await;

        let _ = stop_tx.send(true);
        let _ = tokio::time::timeout(self.settings.server.drain_timeout, async {
            let _ = worker.await;
            let _ = sweeper.await;
            let _ = gauges.await;
            let _ = revocation_poller.await;
        })
        .await;
        result.map_err(Into::into)
    }
}
