//! identity-service in-process.

use identity_service::{
    Application, Settings,
    app::{login_throttle::ThrottleSettings, tokens::SigningKeys},
    settings::{PasswordSettings, TokenSettings},
};
use interview_coach_common::db::DatabaseSettings;
use interview_coach_proto::identity::v1::{
    RegisterRequest, RegisterResponse, identity_service_client::IdentityServiceClient,
};
use sqlx::PgPool;
use tonic::transport::Channel;

use crate::{PASSWORD, Running, running::ephemeral, tokens::new_private_key_pem};

/// Test settings: port 0, a database already migrated, bcrypt cost 4, the keys of
/// `key_pems` (PKCS#8 PEMs, the active one first; none: no signing keys).
pub fn identity_settings(key_pems: &[String]) -> Settings {
    let mut database = DatabaseSettings::with_url("postgres://unused-the-pool-is-given");
    database.migrate = false;
    Settings {
        server: ephemeral(0),
        database,
        tokens: TokenSettings {
            signing_keys: (!key_pems.is_empty())
                .then(|| SigningKeys::from_pem(&key_pems.concat()).expect("signing keys")),
            ..TokenSettings::with_defaults()
        },
        passwords: PasswordSettings {
            bcrypt_cost: 4,
            max_concurrency: 2,
        },
        login_throttle: ThrottleSettings::default(),
    }
}

/// Starts identity with `settings` over `pool`'s database, connected as its own role.
pub async fn start_identity_with(pool: &PgPool, settings: Settings) -> Running {
    let app =
        Application::build_with_pool(settings, crate::db::as_role(pool, crate::db::IDENTITY_ROLE))
            .await
            .expect("identity builds");
    Running::start(app.port(), |stop| async move {
        let _ = app.run_until_stopped(stop).await;
    })
    .await
}

/// Starts identity on `port` (0 = any) signing with `key_pem`.
pub async fn start_identity(pool: &PgPool, port: u16, key_pem: &str) -> Running {
    let mut settings = identity_settings(&[key_pem.to_owned()]);
    settings.server = ephemeral(port);
    start_identity_with(pool, settings).await
}

/// identity running alone, with a connected client and the keys it signs with.
pub struct IdentityApp {
    pub client: IdentityServiceClient<Channel>,
    pub url: String,
    pub pool: PgPool,
    /// PKCS#8 PEM of every configured key, the active one first.
    pub private_key_pems: Vec<String>,
    pub running: Running,
}

impl IdentityApp {
    /// The service with the test settings and one fresh signing key.
    pub async fn spawn(pool: PgPool) -> Self {
        Self::spawn_with(pool, |_, _| {}).await
    }

    /// The service with the test settings changed by `configure` (which may also replace
    /// the list of private key PEMs it is given, keeping it in step with the settings).
    pub async fn spawn_with(
        pool: PgPool,
        configure: impl FnOnce(&mut Settings, &mut Vec<String>),
    ) -> Self {
        let mut pems = vec![new_private_key_pem()];
        let mut settings = identity_settings(&pems);
        configure(&mut settings, &mut pems);
        let running = start_identity_with(&pool, settings).await;
        let url = running.url();
        let client = IdentityServiceClient::connect(url.clone())
            .await
            .expect("connect identity");
        Self {
            client,
            url,
            pool,
            private_key_pems: pems,
            running,
        }
    }

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
