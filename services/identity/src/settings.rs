//! Settings from the environment. A bad value stops start-up with one line naming the
//! variable (never its value when it may be secret). Every variable, its default and its
//! range are documented once, in the README's configuration table.

use std::{fmt, path::PathBuf, time::Duration};

use interview_coach_common::{
    config::{self, ConfigError},
    db::DatabaseSettings,
    server::ServerSettings,
};
use secrecy::ExposeSecret;

use crate::{
    app::login_throttle::ThrottleSettings,
    app::password_hasher::{MAX_COST, MIN_COST},
    app::tokens::SigningKeys,
};

/// Where the service listens by default.
pub const DEFAULT_LISTEN_ADDR: &str = "0.0.0.0:50051";
/// Lowest bcrypt cost accepted without `BCRYPT_ALLOW_INSECURE_COST=true`.
pub const MIN_SECURE_BCRYPT_COST: u32 = 10;

/// Everything the service needs to start.
#[derive(Debug)]
pub struct Settings {
    /// Listener and drain.
    pub server: ServerSettings,
    /// Database pool and migrations.
    pub database: DatabaseSettings,
    /// Token issuance.
    pub tokens: TokenSettings,
    /// bcrypt.
    pub passwords: PasswordSettings,
    /// Failed-login throttling.
    pub login_throttle: ThrottleSettings,
}

pub struct TokenSettings {
    /// Configured signing keys; `None` makes the service generate one at start-up (tokens
    /// then die with the process).
    pub signing_keys: Option<SigningKeys>,
    /// `iss` of access tokens.
    pub issuer: String,
    /// `aud` of access tokens.
    pub audience: String,
    /// Lifetime of access tokens.
    pub access_ttl: Duration,
    /// Lifetime of refresh tokens.
    pub refresh_ttl: Duration,
}

impl fmt::Debug for TokenSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSettings")
            .field(
                "signing_keys",
                &self
                    .signing_keys
                    .as_ref()
                    .map(|keys| keys.iter().map(|k| k.kid().to_owned()).collect::<Vec<_>>()),
            )
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("access_ttl", &self.access_ttl)
            .field("refresh_ttl", &self.refresh_ttl)
            .finish()
    }
}

impl TokenSettings {
    /// Defaults with no configured keys (tests, tools).
    pub fn with_defaults() -> Self {
        Self {
            signing_keys: None,
            issuer: "interview-coach-identity".to_owned(),
            audience: "interview-coach".to_owned(),
            access_ttl: Duration::from_secs(15 * 60),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordSettings {
    pub bcrypt_cost: u32,
    /// Most bcrypt computations at once.
    pub max_concurrency: usize,
}

impl Settings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            server: ServerSettings::from_env(DEFAULT_LISTEN_ADDR)?,
            database: DatabaseSettings::from_env()?,
            tokens: token_settings()?,
            passwords: password_settings()?,
            login_throttle: throttle_settings()?,
        })
    }
}

fn token_settings() -> Result<TokenSettings, ConfigError> {
    let defaults = TokenSettings::with_defaults();
    let access_secs = config::check_range(
        "ACCESS_TOKEN_TTL_SECS",
        config::parse_or("ACCESS_TOKEN_TTL_SECS", defaults.access_ttl.as_secs())?,
        60,
        24 * 3600,
    )?;
    let refresh_days = config::check_range(
        "REFRESH_TOKEN_TTL_DAYS",
        config::parse_or("REFRESH_TOKEN_TTL_DAYS", 30u64)?,
        1,
        365,
    )?;
    Ok(TokenSettings {
        signing_keys: signing_keys()?,
        issuer: config::string_or("JWT_ISSUER", &defaults.issuer),
        audience: config::string_or("JWT_AUDIENCE", &defaults.audience),
        access_ttl: Duration::from_secs(access_secs),
        refresh_ttl: Duration::from_secs(refresh_days * 24 * 3600),
    })
}

fn signing_keys() -> Result<Option<SigningKeys>, ConfigError> {
    if let Some(pem) = config::secret("JWT_SIGNING_KEYS") {
        return SigningKeys::from_pem(pem.expose_secret())
            .map(Some)
            .map_err(|err| ConfigError::new("JWT_SIGNING_KEYS", err.to_string()));
    }
    let Some(path) = config::parse_opt::<PathBuf>("JWT_SIGNING_KEYS_FILE")? else {
        return Ok(None);
    };
    let pem = secrecy::SecretString::from(std::fs::read_to_string(&path).map_err(|err| {
        ConfigError::new(
            "JWT_SIGNING_KEYS_FILE",
            format!("cannot read {}: {err}", path.display()),
        )
    })?);
    SigningKeys::from_pem(pem.expose_secret())
        .map(Some)
        .map_err(|err| ConfigError::new("JWT_SIGNING_KEYS_FILE", err.to_string()))
}

fn password_settings() -> Result<PasswordSettings, ConfigError> {
    let cost = config::parse_or("BCRYPT_COST", bcrypt::DEFAULT_COST)?;
    let allow_insecure = config::bool_or("BCRYPT_ALLOW_INSECURE_COST", false)?;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    Ok(PasswordSettings {
        bcrypt_cost: check_bcrypt_cost(cost, allow_insecure)?,
        max_concurrency: config::check_range(
            "BCRYPT_MAX_CONCURRENCY",
            config::parse_or("BCRYPT_MAX_CONCURRENCY", cores)?,
            1,
            1024,
        )?,
    })
}

/// Checks a bcrypt cost: within bcrypt's range, and not below
/// [`MIN_SECURE_BCRYPT_COST`] unless insecure costs are allowed (tests).
pub fn check_bcrypt_cost(cost: u32, allow_insecure: bool) -> Result<u32, ConfigError> {
    let cost = config::check_range("BCRYPT_COST", cost, MIN_COST, MAX_COST)?;
    if cost < MIN_SECURE_BCRYPT_COST && !allow_insecure {
        return Err(ConfigError::new(
            "BCRYPT_COST",
            format!(
                "{cost} is below {MIN_SECURE_BCRYPT_COST}; set BCRYPT_ALLOW_INSECURE_COST=true \
                 to allow it (tests only)"
            ),
        ));
    }
    Ok(cost)
}

fn throttle_settings() -> Result<ThrottleSettings, ConfigError> {
    let defaults = ThrottleSettings::default();
    Ok(ThrottleSettings {
        max_failures_per_email: config::check_range(
            "LOGIN_MAX_FAILURES_PER_EMAIL",
            config::parse_or(
                "LOGIN_MAX_FAILURES_PER_EMAIL",
                defaults.max_failures_per_email,
            )?,
            1,
            1_000_000,
        )?,
        max_failures_per_peer: config::check_range(
            "LOGIN_MAX_FAILURES_PER_PEER",
            config::parse_or(
                "LOGIN_MAX_FAILURES_PER_PEER",
                defaults.max_failures_per_peer,
            )?,
            1,
            1_000_000,
        )?,
        window: Duration::from_secs(config::check_range(
            "LOGIN_FAILURE_WINDOW_SECS",
            config::parse_or("LOGIN_FAILURE_WINDOW_SECS", defaults.window.as_secs())?,
            1,
            7 * 24 * 3600,
        )?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bcrypt_cost_below_10_needs_the_insecure_switch() {
        assert_eq!(check_bcrypt_cost(12, false).unwrap(), 12);
        assert_eq!(check_bcrypt_cost(10, false).unwrap(), 10);
        let err = check_bcrypt_cost(9, false).unwrap_err();
        assert_eq!(err.var, "BCRYPT_COST");
        assert_eq!(check_bcrypt_cost(4, true).unwrap(), 4);
        assert!(check_bcrypt_cost(3, true).is_err());
        assert!(check_bcrypt_cost(32, false).is_err());
    }

    #[test]
    fn token_settings_debug_shows_no_key_material() {
        let mut settings = TokenSettings::with_defaults();
        settings.signing_keys = Some(SigningKeys::generate().unwrap());
        let debug = format!("{settings:?}");
        assert!(!debug.contains("PRIVATE"));
        assert!(debug.contains("interview-coach-identity"));
    }
}
