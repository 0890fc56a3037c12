//! Reading settings from environment variables with local defaults.
//!
//! Every reader returns a [`ConfigError`] naming the variable, so a bad setting ends the
//! process with one clear line instead of a panic.

use std::{env, fmt::Display, str::FromStr, time::Duration};

use secrecy::SecretString;

/// A setting that is missing or cannot be parsed.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {var}: {reason}")]
pub struct ConfigError {
    /// The environment variable.
    pub var: String,
    /// What is wrong with it (never its value, which may be a secret).
    pub reason: String,
}

impl ConfigError {
    /// An error about `var`.
    pub fn new(var: &str, reason: impl Into<String>) -> Self {
        Self {
            var: var.to_owned(),
            reason: reason.into(),
        }
    }
}

fn raw(var: &str) -> Option<String> {
    env::var(var).ok().filter(|value| !value.trim().is_empty())
}

/// The variable parsed as `T`, or `default` when unset or empty.
pub fn parse_or<T>(var: &str, default: T) -> Result<T, ConfigError>
where
    T: FromStr,
    T::Err: Display,
{
    match raw(var) {
        None => Ok(default),
        Some(value) => value
            .trim()
            .parse()
            .map_err(|err| ConfigError::new(var, format!("cannot parse {value:?}: {err}"))),
    }
}

/// The variable parsed as `T`, or `None` when unset or empty.
pub fn parse_opt<T>(var: &str) -> Result<Option<T>, ConfigError>
where
    T: FromStr,
    T::Err: Display,
{
    raw(var)
        .map(|value| {
            value
                .trim()
                .parse()
                .map_err(|err| ConfigError::new(var, format!("cannot parse {value:?}: {err}")))
        })
        .transpose()
}

/// The variable as a string, or `default`.
pub fn string_or(var: &str, default: &str) -> String {
    raw(var).unwrap_or_else(|| default.to_owned())
}

/// A required string.
pub fn required(var: &str) -> Result<String, ConfigError> {
    raw(var).ok_or_else(|| ConfigError::new(var, "must be set"))
}

/// A secret; its value never appears in errors or logs.
pub fn secret(var: &str) -> Option<SecretString> {
    raw(var).map(SecretString::from)
}

/// A required secret.
pub fn required_secret(var: &str) -> Result<SecretString, ConfigError> {
    secret(var).ok_or_else(|| ConfigError::new(var, "must be set"))
}

/// A boolean: `true/false`, `1/0`, `yes/no`, `on/off`.
pub fn bool_or(var: &str, default: bool) -> Result<bool, ConfigError> {
    match raw(var).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) => match v.as_str() {
            "true" | "1" | "yes" | "on" => Ok(true),
            "false" | "0" | "no" | "off" => Ok(false),
            _ => Err(ConfigError::new(
                var,
                format!("expected true or false, got {v:?}"),
            )),
        },
    }
}

/// A duration in milliseconds (`<VAR>` holds an integer).
pub fn millis_or(var: &str, default: Duration) -> Result<Duration, ConfigError> {
    parse_opt::<u64>(var).map(|v| v.map(Duration::from_millis).unwrap_or(default))
}

/// A duration in seconds (`<VAR>` holds an integer).
pub fn secs_or(var: &str, default: Duration) -> Result<Duration, ConfigError> {
    parse_opt::<u64>(var).map(|v| v.map(Duration::from_secs).unwrap_or(default))
}

/// Fails when `value` is outside `min..=max`.
pub fn check_range<T: PartialOrd + Display>(
    var: &str,
    value: T,
    min: T,
    max: T,
) -> Result<T, ConfigError> {
    if value < min || value > max {
        return Err(ConfigError::new(
            var,
            format!("{value} is outside {min}..={max}"),
        ));
    }
    Ok(value)
}
