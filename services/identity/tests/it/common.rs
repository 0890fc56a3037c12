//! Starts identity-service in-process on 127.0.0.1:0 over the `#[sqlx::test]` database and
//! hands back a connected client plus what tests need to forge tokens.
#![allow(dead_code)] // each test binary uses a different part

use std::time::Duration;

use ed25519_dalek::pkcs8::{EncodePrivateKey, spki::der::pem::LineEnding};
use identity_service::{
    Application, Settings,
    app::login_throttle::ThrottleSettings,
    app::tokens::SigningKeys,
    settings::{PasswordSettings, TokenSettings},
};
use interview_coach_common::{db::DatabaseSettings, probe, server::ServerSettings};
use interview_coach_proto::identity::v1::{
    RegisterRequest, RegisterResponse, identity_service_client::IdentityServiceClient,
};
use rand::RngCore;
use sqlx::PgPool;
use tokio::sync::oneshot;
use tonic::{Code, Request, Status, metadata::MetadataValue, transport::Channel};
use tonic_types::StatusExt;

/// A password that satisfies the policy.
pub const PASSWORD: &str = "correct horse battery staple";

pub type Client = IdentityServiceClient<Channel>;

/// A running service.
pub struct TestApp {
    pub client: Client,
    pub url: String,
    pub pool: PgPool,
    /// PKCS#8 PEM of every configured key, the active one first.
    pub private_key_pems: Vec<String>,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A fresh Ed25519 private key as PKCS#8 PEM.
pub fn new_private_key_pem() -> String {
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    ed25519_dalek::SigningKey::from_bytes(&secret)
        .to_pkcs8_pem(LineEnding::LF)
        .unwrap()
        .to_string()
}

/// Settings for tests: port 0, bcrypt cost 4, one fresh signing key.
pub fn test_settings() -> (Settings, Vec<String>) {
    let pems = vec![new_private_key_pem()];
    let settings = Settings {
        server: ServerSettings::local_ephemeral(),
        database: DatabaseSettings::with_url("postgres://unused-the-pool-is-given"),
        tokens: TokenSettings {
            signing_keys: Some(SigningKeys::from_pem(&pems.concat()).unwrap()),
            ..TokenSettings::with_defaults()
        },
        passwords: PasswordSettings {
            bcrypt_cost: 4,
            max_concurrency: 2,
        },
        login_throttle: ThrottleSettings::default(),
    };
    (settings, pems)
}

/// The service with the test settings.
pub async fn spawn_app(pool: PgPool) -> TestApp {
    spawn_app_with(pool, |_, _| {}).await
}

/// The service with the test settings changed by `configure` (which may also replace the
/// list of private key PEMs it is given, keeping it in step with the settings).
pub async fn spawn_app_with(
    pool: PgPool,
    configure: impl FnOnce(&mut Settings, &mut Vec<String>),
) -> TestApp {
    let (mut settings, mut pems) = test_settings();
    configure(&mut settings, &mut pems);
    let application = Application::build_with_pool(settings, pool.clone())
        .await
        .expect("the application builds");
    let url = format!("http://127.0.0.1:{}", application.port());
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(application.run_until_stopped(async {
        let _ = stopped.await;
    }));
    assert!(
        probe::wait_until_serving(&url, Duration::from_secs(10)).await,
        "identity-service did not become SERVING"
    );
    let client = IdentityServiceClient::connect(url.clone()).await.unwrap();
    TestApp {
        client,
        url,
        pool,
        private_key_pems: pems,
        stop: Some(stop),
    }
}

impl TestApp {
    /// Registers `email` with [`PASSWORD`].
    pub async fn register(&self, email: &str) -> RegisterResponse {
        self.client
            .clone()
            .register(RegisterRequest {
                email: email.to_owned(),
                password: PASSWORD.to_owned(),
                name: "Ada Lovelace".to_owned(),
            })
            .await
            .expect("registration succeeds")
            .into_inner()
    }
}

/// `message` with `authorization: Bearer <token>`.
pub fn bearer<T>(message: T, token: &str) -> Request<T> {
    let mut request = Request::new(message);
    request.metadata_mut().insert(
        "authorization",
        MetadataValue::try_from(format!("Bearer {token}")).unwrap(),
    );
    request
}

/// Asserts the code of a failed call and returns the status.
pub fn expect_code<T: std::fmt::Debug>(result: Result<T, Status>, code: Code) -> Status {
    match result {
        Ok(value) => panic!("expected {code:?}, got OK: {value:?}"),
        Err(status) => {
            assert_eq!(status.code(), code, "unexpected status: {status:?}");
            status
        }
    }
}

/// The fields of the BadRequest violations of `status`, sorted.
pub fn violated_fields(status: &Status) -> Vec<String> {
    let bad_request = status
        .get_details_bad_request()
        .expect("INVALID_ARGUMENT carries google.rpc.BadRequest");
    let mut fields: Vec<String> = bad_request
        .field_violations
        .into_iter()
        .map(|v| v.field)
        .collect();
    fields.sort();
    fields
}
