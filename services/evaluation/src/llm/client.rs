//! The HTTP side: one chat-completions call through `async-openai`, and the
//! validate-and-retry-once loop.
//!
//! `async-openai` runs over our own transport: one request per call (its default stack
//! retries 429, 5xx and connect errors with backoff, which would turn an outage into
//! seconds of waiting), the time limit of `LLM_TIMEOUT_MS`, and every non-2xx status an
//! error carrying that status, whatever the body.

use std::sync::Arc;

use async_openai::{
    Client,
    config::Config,
    error::{ApiError, ApiErrorResponse, OpenAIError},
    middleware::HttpRequestFactory,
    types::chat::{
        ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage,
        ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage,
        CreateChatCompletionRequest,
    },
};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use super::{LlmError, LlmSettings};

/// Longest reply kept to send back with the retry.
const MAX_ECHOED_REPLY: usize = 4000;

/// Why the client cannot be built (at start-up).
#[derive(Debug, thiserror::Error)]
pub enum ClientBuildError {
    /// The key cannot be sent in a header; the key itself is never shown.
    #[error("LLM_API_KEY must be printable ASCII (it is sent as an HTTP header)")]
    ApiKey,
    /// The TLS settings were refused.
    #[error("TLS: {0}")]
    Tls(#[from] rustls::Error),
    /// The HTTP client cannot be built.
    #[error("HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// The endpoint as `async-openai` sees it. Unlike its `OpenAIConfig` this reads no
/// `OPENAI_*` environment variables and sends no `Authorization` header without a key
/// (local servers need none); the header is built, and checked, once.
#[derive(Clone)]
struct Endpoint {
    base_url: String,
    headers: HeaderMap,
    api_key: SecretString,
}

impl Endpoint {
    fn new(settings: &LlmSettings) -> Result<Self, ClientBuildError> {
        let mut headers = HeaderMap::new();
        if let Some(key) = &settings.api_key {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", key.expose_secret()))
                .map_err(|_| ClientBuildError::ApiKey)?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        Ok(Self {
            base_url: settings.base_url.trim_end_matches('/').to_owned(),
            headers,
            api_key: settings
                .api_key
                .clone()
                .unwrap_or_else(|| SecretString::from("")),
        })
    }
}

impl Config for Endpoint {
    fn headers(&self) -> HeaderMap {
        self.headers.clone()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    fn query(&self) -> Vec<(&str, &str)> {
        Vec::new()
    }

    fn api_base(&self) -> &str {
        &self.base_url
    }

    fn api_key(&self) -> &SecretString {
        &self.api_key
    }
}

/// TLS with the ring provider and the Mozilla root certificates (no C toolchain, no
/// system certificate store needed in the image).
fn tls_config() -> Result<rustls::ClientConfig, rustls::Error> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth())
}

/// A validated reply, and whether it took the one retry.
#[derive(Clone, Debug, PartialEq)]
pub struct Completion<T> {
    /// The validated value.
    pub value: T,
    /// True when the first reply was invalid and the retry's was not.
    pub retried: bool,
}

/// A client of one OpenAI-compatible endpoint.
#[derive(Clone)]
pub struct LlmClient {
    client: Client<Endpoint>,
    model: String,
}

impl std::fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let endpoint = self.client.config();
        f.debug_struct("LlmClient")
            .field("base_url", &endpoint.base_url)
            .field("model", &self.model)
            .field(
                "api_key",
                &(!endpoint.headers.is_empty()).then_some("[redacted]"),
            )
            .finish()
    }
}

impl LlmClient {
    /// A client for `settings`.
    pub fn new(settings: &LlmSettings) -> Result<Self, ClientBuildError> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .tls_backend_preconfigured(tls_config()?)
            .build()?;
        let sender = http.clone();
        let transport = tower::service_fn(move |request: HttpRequestFactory| {
            let http = sender.clone();
            async move {
                let response = http.execute(request.build().await?).await?;
                let status = response.status();
                if status.is_success() {
                    Ok(response)
                } else {
                    Err(OpenAIError::ApiError(ApiErrorResponse {
                        status_code: status,
                        api_error: ApiError {
                            message: format!("HTTP {status}"),
                            ..ApiError::default()
                        },
                    }))
                }
            }
        });
        Ok(Self {
            // `Client::build`, not `with_config`: that one makes a default reqwest client,
            // which has no TLS provider here and would panic.
            client: Client::build(http, Endpoint::new(settings)?).with_http_service(transport),
            model: settings.model.clone(),
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

    async fn call(&self, messages: &[ChatCompletionRequestMessage]) -> Result<String, LlmError> {
        let request = CreateChatCompletionRequest {
            model: self.model.clone(),
            messages: messages.to_vec(),
            temperature: Some(0.0),
            ..CreateChatCompletionRequest::default()
        };
        let response = self.client.chat().create(request).await.map_err(classify)?;
        response
            .choices
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
    ) -> Result<Completion<T>, LlmError> {
        let mut messages: Vec<ChatCompletionRequestMessage> = vec![
            ChatCompletionRequestSystemMessage::from(system).into(),
            ChatCompletionRequestUserMessage::from(user).into(),
        ];
        let first = match self.call(&messages).await {
            Ok(reply) => reply,
            Err(LlmError::InvalidOutput(err)) => format!("<{err}>"),
            Err(err) => return Err(err),
        };
        let error = match validate(&first) {
            Ok(value) => {
                return Ok(Completion {
                    value,
                    retried: false,
                });
            }
            Err(error) => error,
        };
        tracing::info!(error = %error, "LLM reply invalid, retrying once");
        messages.push(
            ChatCompletionRequestAssistantMessage::from(
                first.chars().take(MAX_ECHOED_REPLY).collect::<String>(),
            )
            .into(),
        );
        messages.push(
            ChatCompletionRequestUserMessage::from(format!(
                "That reply was invalid: {error}. Reply again with only the JSON object, \
                 following the required format exactly."
            ))
            .into(),
        );
        let second = self.call(&messages).await?;
        validate(&second)
            .map(|value| Completion {
                value,
                retried: true,
            })
            .map_err(LlmError::InvalidOutput)
    }
}

/// The [`LlmError`] of a failed call.
fn classify(err: OpenAIError) -> LlmError {
    match err {
        OpenAIError::ApiError(response) => LlmError::Http(response.status_code.as_u16()),
        OpenAIError::Reqwest(err) if err.is_timeout() => LlmError::Timeout,
        OpenAIError::Reqwest(err) => match err.status() {
            Some(status) => LlmError::Http(status.as_u16()),
            // The status was fine but the body could not be read.
            None if err.is_body() || err.is_decode() => {
                LlmError::InvalidOutput("reply is not a chat completion".to_owned())
            }
            None => LlmError::Unreachable,
        },
        OpenAIError::JSONDeserialize(..) => {
            LlmError::InvalidOutput("reply is not a chat completion".to_owned())
        }
        other => {
            tracing::warn!(error = %other, "unexpected LLM client error");
            LlmError::Unreachable
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn settings(api_key: Option<&str>) -> LlmSettings {
        LlmSettings {
            base_url: "https://llm.example/v1/".to_owned(),
            model: "m".to_owned(),
            api_key: api_key.map(SecretString::from),
            timeout: Duration::from_secs(1),
        }
    }

    #[test]
    fn the_endpoint_sends_the_key_only_when_set_and_never_shows_it() {
        let keyed = Endpoint::new(&settings(Some("sk-secret"))).unwrap();
        assert_eq!(
            keyed.url("/chat/completions"),
            "https://llm.example/v1/chat/completions"
        );
        let header = keyed.headers().get(AUTHORIZATION).cloned().unwrap();
        assert!(header.is_sensitive());
        assert_eq!(header, "Bearer sk-secret");
        let local = Endpoint::new(&settings(None)).unwrap();
        assert!(local.headers().is_empty());
        assert!(matches!(
            Endpoint::new(&settings(Some("sk-\nbad"))),
            Err(ClientBuildError::ApiKey)
        ));
        let client = LlmClient::new(&settings(Some("sk-secret"))).unwrap();
        let shown = format!("{client:?}");
        assert!(
            !shown.contains("sk-secret") && shown.contains("[redacted]"),
            "{shown}"
        );
    }
}
