//! The HTTP side: one chat-completions call, and the validate-and-retry-once loop.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::{LlmError, LlmSettings};

/// Longest reply kept to send back with the retry.
const MAX_ECHOED_REPLY: usize = 4000;

/// A client of one OpenAI-compatible endpoint.
#[derive(Clone)]
pub struct LlmClient {
    http: reqwest::Client,
    endpoint: String,
    model: String,
    api_key: Option<SecretString>,
}

impl std::fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmClient")
            .field("endpoint", &self.endpoint)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

#[derive(Serialize, Clone)]
struct Message {
    role: &'static str,
    content: String,
}

#[derive(Serialize)]
struct ChatRequest<'a> {
    model: &'a str,
    messages: &'a [Message],
    temperature: f32,
}

#[derive(Deserialize)]
struct ChatResponse {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: ReplyMessage,
}

#[derive(Deserialize)]
struct ReplyMessage {
    #[serde(default)]
    content: Option<String>,
}

impl LlmClient {
    /// A client for `settings`.
    pub fn new(settings: &LlmSettings) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .build()?;
        Ok(Self {
            http,
            endpoint: format!(
                "{}/chat/completions",
                settings.base_url.trim_end_matches('/')
            ),
            model: settings.model.clone(),
            api_key: settings.api_key.clone(),
        })
    }

    /// The model name.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// `llm:<model>`, as recorded in provenance (at most 100 characters).
    pub fn source(&self) -> String {
        format!("llm:{}", self.model).chars().take(100).collect()
    }

    async fn call(&self, messages: &[Message]) -> Result<String, LlmError> {
        let mut request = self.http.post(&self.endpoint).json(&ChatRequest {
            model: &self.model,
            messages,
            temperature: 0.0,
        });
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key.expose_secret());
        }
        let response = request.send().await.map_err(classify)?;
        let status = response.status();
        if !status.is_success() {
            return Err(LlmError::Http(status.as_u16()));
        }
        let body: ChatResponse = response.json().await.map_err(|err| {
            if err.is_timeout() {
                LlmError::Timeout
            } else {
                LlmError::InvalidOutput("reply is not a chat completion".to_owned())
            }
        })?;
        body.choices
            .into_iter()
            .next()
            .and_then(|c| c.message.content)
            .ok_or_else(|| LlmError::InvalidOutput("reply has no message content".to_owned()))
    }

    /// Sends `system` and `user`, validates the reply with `validate`; on a validation
    /// error asks once more with the error appended. Transport errors are not retried.
    pub async fn complete<T>(
        &self,
        system: String,
        user: String,
        validate: impl Fn(&str) -> Result<T, String>,
    ) -> Result<T, LlmError> {
        let mut messages = vec![
            Message {
                role: "system",
                content: system,
            },
            Message {
                role: "user",
                content: user,
            },
        ];
        let first = match self.call(&messages).await {
            Ok(reply) => reply,
            Err(LlmError::InvalidOutput(err)) => format!("<{err}>"),
            Err(err) => return Err(err),
        };
        let error = match validate(&first) {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        tracing::info!(error = %error, "LLM reply invalid, retrying once");
        messages.push(Message {
            role: "assistant",
            content: first.chars().take(MAX_ECHOED_REPLY).collect(),
        });
        messages.push(Message {
            role: "user",
            content: format!(
                "That reply was invalid: {error}. Reply again with only the JSON object, \
                 following the required format exactly."
            ),
        });
        let second = self.call(&messages).await?;
        validate(&second).map_err(LlmError::InvalidOutput)
    }
}

fn classify(err: reqwest::Error) -> LlmError {
    if err.is_timeout() {
        LlmError::Timeout
    } else if let Some(status) = err.status() {
        LlmError::Http(status.as_u16())
    } else {
        LlmError::Unreachable
    }
}
