//! Building and running the session service.

use std::{sync::Arc, time::Duration};

use interview_coach_common::{
    auth::TokenVerifier,
    db::DatabaseSettings,
    server::ServerSettings,
    service_auth::ServiceCredential,
    startup::{self, Service, Shell, ShellError},
};
use interview_coach_proto::{
    identity::v1::identity_service_client::IdentityServiceClient,
    session::v1::session_service_server::{SERVICE_NAME, SessionServiceServer},
};
use sqlx::PgPool;
use tonic::{service::Routes, transport::Endpoint};

use crate::{
    app::gauges,
    app::interview::Interviews,
    app::queue::{self, QueueSettings},
    app::quota::Quotas,
    app::sweeper,
    clients::evaluation::EvaluationClient,
    clients::evaluation_cache::EvaluationCache,
    clients::identity_keys::Authenticator,
    clients::revocations::{RevocationFeed, RevokedTokens},
    grpc::SessionHandlers,
    settings::Settings,
};

/// Why the service cannot start, or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    /// A downstream URL is not a URL.
    #[error("invalid configuration: {0}: not a valid URL")]
    Url(&'static str),
    /// Bad settings, failed migrations, or the listener cannot be bound or serve.
    #[error(transparent)]
    Shell(#[from] ShellError),
}

/// The session service, as [`Application`] builds it: what its background work needs
/// once it serves.
pub struct Wiring {
    settings: Settings,
    interviews: Interviews,
    auth: Arc<Authenticator>,
    revocations: RevocationFeed,
}

fn channel(url: &str, var: &'static str) -> Result<tonic::transport::Channel, ApplicationError> {
    Ok(Endpoint::from_shared(url.to_owned())
        .map_err(|_| ApplicationError::Url(var))?
        .connect_timeout(Duration::from_secs(2))
        .tcp_nodelay(true)
        .http2_keep_alive_interval(Duration::from_secs(30))
        .keep_alive_while_idle(true)
        .connect_lazy())
}

/// The session service: [`Application::build`], [`Application::port`],
/// [`Application::run_until_stopped`].
pub type Application = startup::Application<Wiring>;

impl Service for Wiring {
    const NAME: &'static str = "session-service";
    const GRPC_SERVICE: &'static str = SERVICE_NAME;
    const DESCRIPTORS: &'static [u8] = interview_coach_proto::SESSION_DESCRIPTOR_SET;
    type Settings = Settings;
    type Error = ApplicationError;

    fn shell_settings(settings: &Settings) -> (&DatabaseSettings, &ServerSettings) {
        (&settings.database, &settings.server)
    }

    /// Builds the clients of identity and evaluation (connecting lazily) and the handlers.
    async fn build(settings: Settings, pool: PgPool) -> Result<(Routes, Self), ApplicationError> {
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
        let api = SessionServiceServer::new(SessionHandlers::new(
            Arc::clone(&auth),
            interviews.clone(),
            Quotas::new(pool.clone(), settings.quotas),
        ))
        .max_decoding_message_size(settings.server.max_message_bytes);
        Ok((
            Routes::new(api),
            Self {
                settings,
                interviews,
                auth,
                revocations,
            },
        ))
    }

    /// The background work beside the server: revocation polling, the evaluation queue,
    /// the gauges and the sweeper.
    async fn start(self, shell: &Shell) {
        // Identity may still be starting: a failure here is retried on the first unknown kid.
        if !self.auth.refresh_keys(true).await {
            tracing::warn!("signing keys not loaded yet; will fetch on first request");
        }
        // Likewise retried every poll (the failure is logged by the feed).
        let mut revocations = self.revocations;
        revocations.poll().await;
        let background = shell.background();
        let revocations = Arc::new(tokio::sync::Mutex::new(revocations));
        background.every(self.settings.revocation_poll_interval, false, move || {
            let revocations = Arc::clone(&revocations);
            async move {
                revocations.lock().await.poll().await;
            }
        });
        let (interviews, settings) = (self.interviews.clone(), &self.settings);
        let queue_settings = QueueSettings {
            interval: settings.worker_interval,
            batch: settings.worker_batch,
            retry_max: settings.retry_max,
        };
        background.spawn(move |stop| queue::run(interviews, queue_settings, stop));
        let pool = shell.pool().clone();
        background.every(GAUGE_INTERVAL, true, move || gauges::sample(pool.clone()));
        let (interviews, grace) = (self.interviews.clone(), settings.session_grace);
        background.every(settings.sweeper_interval, false, move || {
            let interviews = interviews.clone();
            async move { sweeper::round(&interviews, grace).await }
        });
    }
}

/// How often the gauges are sampled.
const GAUGE_INTERVAL: Duration = Duration::from_secs(5);
