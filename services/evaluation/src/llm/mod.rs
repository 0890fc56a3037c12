//! The optional LLM: any OpenAI-compatible chat-completions endpoint (`LLM_BASE_URL`,
//! `LLM_MODEL`, `LLM_API_KEY`, `LLM_TIMEOUT_MS`). Calls are made at temperature 0, the
//! reply must be a JSON object that passes validation; an invalid reply is retried once
//! with the validation error appended. Callers fall back to the built-in engine on any
//! [`LlmError`], so an outage never means a score of 0.

mod client;
pub mod output;
pub mod prompt;

use std::time::Duration;

use interview_coach_common::config::{self, ConfigError};
use secrecy::SecretString;

pub use client::{ClientBuildError, Completion, LlmClient};

/// Settings of the LLM provider.
#[derive(Clone, Debug)]
pub struct LlmSettings {
    /// Base URL up to the API version, e.g. `https://api.openai.com/v1`;
    /// `/chat/completions` is appended.
    pub base_url: String,
    /// Model name sent with every request, and recorded as `llm:<model>`.
    pub model: String,
    /// Bearer key, if the endpoint needs one.
    pub api_key: Option<SecretString>,
    /// Time limit of one HTTP call.
    pub timeout: Duration,
}

impl LlmSettings {
    /// Default of `LLM_TIMEOUT_MS`.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(20_000);

    /// `None` when `LLM_BASE_URL` is unset (the built-in engine only); `LLM_MODEL` is then
    /// required.
    pub fn from_env() -> Result<Option<Self>, ConfigError> {
        let Some(base_url) = config::parse_opt::<String>("LLM_BASE_URL")? else {
            return Ok(None);
        };
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(ConfigError::new(
                "LLM_BASE_URL",
                "must start with http:// or https://",
            ));
        }
        let timeout = config::millis_or("LLM_TIMEOUT_MS", Self::DEFAULT_TIMEOUT)?;
        if timeout.is_zero() {
            return Err(ConfigError::new("LLM_TIMEOUT_MS", "must be positive"));
        }
        Ok(Some(Self {
            base_url,
            model: config::required("LLM_MODEL")?,
            api_key: config::secret("LLM_API_KEY"),
            timeout,
        }))
    }
}

/// Why the LLM gave no usable answer; its [`LlmError::reason`] is stored as the fallback
/// reason.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LlmError {
    /// No reply within `LLM_TIMEOUT_MS`.
    #[error("LLM call timed out")]
    Timeout,
    /// The endpoint answered with an error status.
    #[error("LLM endpoint answered HTTP {0}")]
    Http(u16),
    /// It could not be reached.
    #[error("LLM endpoint unreachable")]
    Unreachable,
    /// Its reply did not pass validation, twice.
    #[error("LLM reply invalid: {0}")]
    InvalidOutput(String),
}

impl LlmError {
    /// Short stable reason: `timeout`, `http_<status>`, `unreachable`, `invalid_output`.
    pub fn reason(&self) -> String {
        match self {
            Self::Timeout => "timeout".to_owned(),
            Self::Http(status) => format!("http_{status}"),
            Self::Unreachable => "unreachable".to_owned(),
            Self::InvalidOutput(_) => "invalid_output".to_owned(),
        }
    }
}
