//! Settings of the evaluation service, from the environment (see the README's table).

use interview_coach_common::{
    config::{self, ConfigError},
    db::DatabaseSettings,
    server::ServerSettings,
};
use secrecy::SecretString;

use crate::llm::LlmSettings;

/// Default listen address.
pub const DEFAULT_LISTEN_ADDR: &str = "0.0.0.0:50053";

/// Everything the service needs.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Listener and drain.
    pub server: ServerSettings,
    /// Database pool and migrations.
    pub database: DatabaseSettings,
    /// The shared secret internal callers present.
    pub service_token: SecretString,
    /// The LLM provider, if configured.
    pub llm: Option<LlmSettings>,
}

impl Settings {
    /// Reads every setting.
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            server: ServerSettings::from_env(DEFAULT_LISTEN_ADDR)?,
            database: DatabaseSettings::from_env()?,
            service_token: config::required_secret("SERVICE_TOKEN")?,
            llm: LlmSettings::from_env()?,
        })
    }

    /// Settings for tests: port 0 on loopback, no migrations (the test pool has them),
    /// the given credential, no LLM.
    pub fn for_tests(service_token: &str) -> Self {
        let mut database = DatabaseSettings::with_url("postgres://unused-with-build-with-pool");
        database.migrate = false;
        Self {
            server: ServerSettings::local_ephemeral(),
            database,
            service_token: SecretString::from(service_token.to_owned()),
            llm: None,
        }
    }
}
