//! Settings of the session service, from the environment (see the README's table).

use std::time::Duration;

use interview_coach_common::{
    config::{self, ConfigError},
    db::DatabaseSettings,
    server::ServerSettings,
};
use secrecy::SecretString;

use crate::app::quota::QuotaSettings;

/// Everything the service needs to start.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Listener and drain.
    pub server: ServerSettings,
    /// Database pool and migrations.
    pub database: DatabaseSettings,
    /// `IDENTITY_URL`: where the signing keys come from.
    pub identity_url: String,
    /// `EVALUATION_URL`: the evaluation service.
    pub evaluation_url: String,
    /// `SERVICE_TOKEN`: the credential the evaluation service requires.
    pub service_token: SecretString,
    /// `JWT_ISSUER` / `JWT_AUDIENCE`: what access tokens must say.
    pub jwt_issuer: String,
    /// See `jwt_issuer`.
    pub jwt_audience: String,
    /// `IDENTITY_TIMEOUT_MS`: deadline of the signing-key and revocation fetches (default 2000).
    pub identity_timeout: Duration,
    /// `KEY_REFRESH_MIN_INTERVAL_MS`: unknown `kid`s refetch keys at most this often (default 5000).
    pub key_refresh_min_interval: Duration,
    /// `REVOCATION_POLL_MS`: how often identity's token revocations are polled (default
    /// 5000, 10..=3600000): about how long a revoked token may still be accepted.
    pub revocation_poll_interval: Duration,
    /// `EVALUATION_GENERATE_TIMEOUT_MS`: deadline of GenerateQuestions (default 10000).
    pub generate_timeout: Duration,
    /// `EVALUATION_TIMEOUT_MS`: deadline of EvaluateAnswer and reads (default 10000).
    pub evaluate_timeout: Duration,
    /// `SUBMIT_EVALUATION_WAIT_MS`: how long SubmitAnswer waits for the evaluation before
    /// answering with PENDING (default 3000).
    pub submit_wait: Duration,
    /// `EVALUATION_WORKER_INTERVAL_MS`: how often the queue worker looks for due answers (default 500).
    pub worker_interval: Duration,
    /// `EVALUATION_WORKER_BATCH`: answers claimed per round (default 16).
    pub worker_batch: i64,
    /// `EVALUATION_RETRY_MAX_MS`: the longest backoff between attempts (default 60000).
    pub retry_max: Duration,
    /// `SWEEPER_INTERVAL_SECS`: how often expired sessions are closed (default 30).
    pub sweeper_interval: Duration,
    /// `SESSION_GRACE_SECS`: time after the deadline before the sweeper closes a session (default 300).
    pub session_grace: Duration,
    /// `RECENT_SESSIONS_EXCLUDED`: questions of this many recent sessions are avoided (default 5).
    pub recent_sessions_excluded: i64,
    /// `SESSION_CREATE_QUOTA_PER_HOUR` (default 30) and `ANSWER_QUOTA_PER_HOUR` (default
    /// 300): per-user limits over the last hour, counted in the database; 0 turns one off.
    pub quotas: QuotaSettings,
    /// `EVALUATION_CACHE_MIB`: memory for the evaluations this replica keeps, so that
    /// reading an evaluated session needs no evaluation-service call (default 8, 0..=1024;
    /// 0 turns it off). Evaluations never change once stored.
    pub evaluation_cache_bytes: u64,
}

impl Settings {
    /// Reads the settings; DATABASE_URL, IDENTITY_URL, EVALUATION_URL and SERVICE_TOKEN are required.
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            server: ServerSettings::from_env("0.0.0.0:50052")?,
            database: DatabaseSettings::from_env()?,
            identity_url: config::required("IDENTITY_URL")?,
            evaluation_url: config::required("EVALUATION_URL")?,
            service_token: config::required_secret("SERVICE_TOKEN")?,
            jwt_issuer: config::string_or("JWT_ISSUER", "interview-coach-identity"),
            jwt_audience: config::string_or("JWT_AUDIENCE", "interview-coach"),
            identity_timeout: config::millis_or("IDENTITY_TIMEOUT_MS", Duration::from_secs(2))?,
            key_refresh_min_interval: config::millis_or(
                "KEY_REFRESH_MIN_INTERVAL_MS",
                Duration::from_secs(5),
            )?,
            revocation_poll_interval: Duration::from_millis(config::check_range(
                "REVOCATION_POLL_MS",
                config::parse_or("REVOCATION_POLL_MS", 5000u64)?,
                10,
                3_600_000,
            )?),
            generate_timeout: config::millis_or(
                "EVALUATION_GENERATE_TIMEOUT_MS",
                Duration::from_secs(10),
            )?,
            evaluate_timeout: config::millis_or("EVALUATION_TIMEOUT_MS", Duration::from_secs(10))?,
            submit_wait: config::millis_or("SUBMIT_EVALUATION_WAIT_MS", Duration::from_secs(3))?,
            worker_interval: config::millis_or(
                "EVALUATION_WORKER_INTERVAL_MS",
                Duration::from_millis(500),
            )?,
            worker_batch: config::check_range(
                "EVALUATION_WORKER_BATCH",
                config::parse_or("EVALUATION_WORKER_BATCH", 16i64)?,
                1,
                1000,
            )?,
            retry_max: config::millis_or("EVALUATION_RETRY_MAX_MS", Duration::from_secs(60))?,
            sweeper_interval: config::secs_or("SWEEPER_INTERVAL_SECS", Duration::from_secs(30))?,
            session_grace: config::secs_or("SESSION_GRACE_SECS", Duration::from_secs(300))?,
            recent_sessions_excluded: config::check_range(
                "RECENT_SESSIONS_EXCLUDED",
                config::parse_or("RECENT_SESSIONS_EXCLUDED", 5i64)?,
                0,
                50,
            )?,
            quotas: QuotaSettings {
                sessions_per_hour: config::check_range(
                    "SESSION_CREATE_QUOTA_PER_HOUR",
                    config::parse_or("SESSION_CREATE_QUOTA_PER_HOUR", 30u32)?,
                    0,
                    1_000_000,
                )?,
                answers_per_hour: config::check_range(
                    "ANSWER_QUOTA_PER_HOUR",
                    config::parse_or("ANSWER_QUOTA_PER_HOUR", 300u32)?,
                    0,
                    1_000_000,
                )?,
            },
            evaluation_cache_bytes: config::check_range(
                "EVALUATION_CACHE_MIB",
                config::parse_or("EVALUATION_CACHE_MIB", 8u64)?,
                0,
                1024,
            )? << 20,
        })
    }

    /// Local defaults for tests: ephemeral port, the given URLs and database settings, no
    /// quotas (tests that exercise them set `quotas`).
    pub fn for_tests(identity_url: String, evaluation_url: String, service_token: &str) -> Self {
        Self {
            server: ServerSettings::local_ephemeral(),
            database: DatabaseSettings::with_url("postgres://unused-in-tests"),
            identity_url,
            evaluation_url,
            service_token: SecretString::from(service_token.to_owned()),
            jwt_issuer: "interview-coach-identity".to_owned(),
            jwt_audience: "interview-coach".to_owned(),
            identity_timeout: Duration::from_secs(2),
            key_refresh_min_interval: Duration::from_millis(200),
            revocation_poll_interval: Duration::from_secs(5),
            generate_timeout: Duration::from_secs(5),
            evaluate_timeout: Duration::from_secs(5),
            submit_wait: Duration::from_secs(3),
            worker_interval: Duration::from_millis(100),
            worker_batch: 16,
            retry_max: Duration::from_secs(2),
            sweeper_interval: Duration::from_secs(3600),
            session_grace: Duration::from_secs(300),
            recent_sessions_excluded: 5,
            quotas: QuotaSettings::disabled(),
            evaluation_cache_bytes: 8 << 20,
        }
    }
}
