//! The whole system in-process for end-to-end tests: identity, evaluation and session
//! services, each on 127.0.0.1 port 0, over one fresh `#[sqlx::test]` database, talking
//! real gRPC. Readiness is polled through `grpc.health.v1`, never slept for.
// Test support: a failed set-up step is a failed test, so it may panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{future::Future, time::Duration};

use ed25519_dalek::pkcs8::{EncodePrivateKey, spki::der::pem::LineEnding};
use interview_coach_common::{db::DatabaseSettings, probe, server::ServerSettings};
use interview_coach_proto::{
    common::v1::{Difficulty, InterviewType},
    identity::v1::{RegisterRequest, identity_service_client::IdentityServiceClient},
    session::v1::{self as pb, session_service_client::SessionServiceClient},
};
use rand::RngCore;
use sqlx::PgPool;
use tokio::{sync::oneshot, task::JoinHandle};
use tonic::{Code, Request, Status, metadata::MetadataValue, transport::Channel};
use tonic_types::StatusExt;

pub const SERVICE_TOKEN: &str = "test-only-service-token";
pub const PASSWORD: &str = "correct horse battery staple";

/// Resolves when a test service must shut down.
type StopSignal = std::pin::Pin<Box<dyn Future<Output = ()> + Send>>;

/// One running service.
pub struct Running {
    pub port: u16,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<()>>,
}

impl Running {
    /// Runs `run(shutdown)` in a task and waits until the service on `port` is SERVING;
    /// `shutdown` resolves when [`Running::stop`] is called or the handle is dropped.
    async fn start<F>(port: u16, run: impl FnOnce(StopSignal) -> F) -> Self
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

fn new_private_key_pem() -> String {
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    ed25519_dalek::SigningKey::from_bytes(&secret)
        .to_pkcs8_pem(LineEnding::LF)
        .expect("encode key")
        .to_string()
}

fn ephemeral(port: u16) -> ServerSettings {
    let mut server = ServerSettings::local_ephemeral();
    server.listen_addr.set_port(port);
    server
}

/// Starts identity on `port` (0 = any).
pub async fn start_identity(pool: &PgPool, port: u16, key_pem: &str) -> Running {
    use identity_service::{
        app::login_throttle::ThrottleSettings,
        app::tokens::SigningKeys,
        settings::{PasswordSettings, TokenSettings},
    };
    let mut database = DatabaseSettings::with_url("postgres://unused-the-pool-is-given");
    database.migrate = false;
    let settings = identity_service::Settings {
        server: ephemeral(port),
        database,
        tokens: TokenSettings {
            signing_keys: Some(SigningKeys::from_pem(key_pem).expect("signing key")),
            ..TokenSettings::with_defaults()
        },
        passwords: PasswordSettings {
            bcrypt_cost: 4,
            max_concurrency: 2,
        },
        login_throttle: ThrottleSettings::default(),
    };
    let app = identity_service::Application::build_with_pool(settings, pool.clone())
        .await
        .expect("identity builds");
    Running::start(app.port(), |stop| async move {
        let _ = app.run_until_stopped(stop).await;
    })
    .await
}

/// Starts evaluation on `port` (0 = any).
pub async fn start_evaluation(pool: &PgPool, port: u16) -> Running {
    let mut settings = evaluation_service::Settings::for_tests(SERVICE_TOKEN);
    settings.server = ephemeral(port);
    let app = evaluation_service::Application::build_with_pool(settings, pool.clone())
        .await
        .expect("evaluation builds");
    Running::start(app.port(), |stop| async move {
        let _ = app.run_until_stopped(stop).await;
    })
    .await
}

/// Test settings of a session service using `identity` and `evaluation`, on a database
/// already migrated.
fn session_settings(identity: &Running, evaluation: &Running) -> session_service::Settings {
    let mut settings =
        session_service::Settings::for_tests(identity.url(), evaluation.url(), SERVICE_TOKEN);
    settings.database.migrate = false;
    settings
}

/// Starts session with `settings`.
pub async fn start_session(pool: &PgPool, settings: session_service::Settings) -> Running {
    let app = session_service::Application::build_with_pool(settings, pool.clone())
        .await
        .expect("session builds");
    Running::start(app.port(), |stop| async move {
        let _ = app.run_until_stopped(stop).await;
    })
    .await
}

/// A registered user.
#[derive(Clone, Debug)]
pub struct User {
    pub id: String,
    pub email: String,
    pub access_token: String,
}

/// The three services.
pub struct Stack {
    pub pool: PgPool,
    pub identity: Running,
    pub evaluation: Running,
    pub session: Running,
    pub key_pem: String,
}

impl Stack {
    /// Starts everything with the test defaults.
    pub async fn start(pool: PgPool) -> Self {
        Self::start_with(pool, |_| {}).await
    }

    /// Starts everything, letting the test adjust the session settings.
    pub async fn start_with(
        pool: PgPool,
        adjust: impl FnOnce(&mut session_service::Settings),
    ) -> Self {
        interview_coach_common::db::migrate(&pool)
            .await
            .expect("migrations");
        let key_pem = new_private_key_pem();
        let identity = start_identity(&pool, 0, &key_pem).await;
        let evaluation = start_evaluation(&pool, 0).await;
        let mut settings = session_settings(&identity, &evaluation);
        adjust(&mut settings);
        let session = start_session(&pool, settings).await;
        Self {
            pool,
            identity,
            evaluation,
            session,
            key_pem,
        }
    }

    /// Starts another session replica on this stack's database and services (its own
    /// caches), letting the test adjust its settings.
    pub async fn start_session_replica(
        &self,
        adjust: impl FnOnce(&mut session_service::Settings),
    ) -> Running {
        let mut settings = session_settings(&self.identity, &self.evaluation);
        adjust(&mut settings);
        start_session(&self.pool, settings).await
    }

    pub async fn session_client(&self) -> SessionServiceClient<Channel> {
        SessionServiceClient::connect(self.session.url())
            .await
            .expect("connect session")
    }

    pub async fn identity_client(&self) -> IdentityServiceClient<Channel> {
        IdentityServiceClient::connect(self.identity.url())
            .await
            .expect("connect identity")
    }

    /// Registers a user with a unique email.
    pub async fn user(&self, name: &str) -> User {
        let email = format!("{name}-{}@example.com", uuid::Uuid::new_v4().simple());
        let response = self
            .identity_client()
            .await
            .register(RegisterRequest {
                email: email.clone(),
                password: PASSWORD.into(),
                name: name.into(),
            })
            .await
            .expect("register")
            .into_inner();
        User {
            id: response.user.expect("user").id,
            email,
            access_token: response.tokens.expect("tokens").access_token,
        }
    }

    /// Stops evaluation and starts it again on the same port.
    pub async fn restart_evaluation(&mut self) {
        let port = self.evaluation.port;
        self.evaluation.stop().await;
        self.evaluation = start_evaluation(&self.pool, port).await;
    }

    /// Creates a session for `user` and returns it.
    pub async fn create_session(
        &self,
        user: &User,
        interview_type: InterviewType,
        minutes: i32,
    ) -> pb::Session {
        self.session_client()
            .await
            .create_session(authed(
                user,
                pb::CreateSessionRequest {
                    interview_type: interview_type as i32,
                    duration_minutes: minutes,
                    difficulty: Difficulty::Medium as i32,
                    question_count: None,
                },
            ))
            .await
            .expect("create session")
            .into_inner()
            .session
            .expect("session")
    }

    /// `user`'s session `session_id`, read with GetSession.
    pub async fn get_session(&self, user: &User, session_id: &str) -> pb::Session {
        self.session_client()
            .await
            .get_session(authed(
                user,
                pb::GetSessionRequest {
                    session_id: session_id.to_owned(),
                },
            ))
            .await
            .expect("get session")
            .into_inner()
            .session
            .expect("session")
    }
}

/// A request carrying `user`'s access token.
pub fn authed<T>(user: &User, message: T) -> Request<T> {
    with_token(&user.access_token, message)
}

/// A request carrying `token` as bearer.
pub fn with_token<T>(token: &str, message: T) -> Request<T> {
    let mut request = Request::new(message);
    request.metadata_mut().insert(
        "authorization",
        MetadataValue::try_from(format!("Bearer {token}")).expect("metadata"),
    );
    request
}

/// Asserts the code and, for INVALID_ARGUMENT, that `fields` are among the violations.
pub fn assert_status(status: &Status, code: Code, fields: &[&str]) {
    assert_eq!(status.code(), code, "unexpected status: {status:?}");
    if !fields.is_empty() {
        let violations: Vec<String> = status
            .get_details_bad_request()
            .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
            .unwrap_or_default();
        for field in fields {
            assert!(
                violations.iter().any(|v| v == field),
                "no violation for {field}: {violations:?}"
            );
        }
    }
}

/// Polls `check` until it returns true or `within` passes.
pub async fn eventually<F, Fut>(within: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A decent answer for any question.
pub fn answer_for(question: &pb::Question) -> String {
    format!(
        "My approach: first I clarify the requirements and constraints of \"{}\". \
         Then I would design the solution step by step, for example using a hash map or a \
         queue where it fits, and analyse the time complexity (O(n log n)) and space. \
         I would cover edge cases such as empty input, duplicates and failures, and test it \
         with unit tests. In my last project this approach reduced latency by 30%.",
        question.text.chars().take(80).collect::<String>()
    )
}
