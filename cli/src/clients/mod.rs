//! Connections to the services: where they are, how long a call may take, and typed
//! wrappers that turn responses into what commands need and statuses into [`Error`]s.

mod auth;
mod identity;
mod session;

use std::time::Duration;

use tonic::{
    Request,
    transport::{Channel, Endpoint},
};

pub use self::{
    auth::Authenticator,
    identity::{IdentityApi, SignedIn},
    session::SessionApi,
};
use crate::errors::Error;

/// Deadline of an ordinary call.
pub const CALL_DEADLINE: Duration = Duration::from_secs(30);

/// Deadline of calls that wait for question generation or answer scoring.
pub const SLOW_CALL_DEADLINE: Duration = Duration::from_secs(60);

/// How long to try to open a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A service's address, checked when the settings are read.
#[derive(Clone, Debug)]
pub struct ServiceAddress {
    url: String,
    endpoint: Endpoint,
}

impl ServiceAddress {
    /// The address at `url`; `setting` names where the URL came from, for the error.
    pub fn parse(setting: &'static str, url: &str) -> Result<Self, Error> {
        let invalid = |reason: &str| Error::Setting {
            setting,
            reason: format!("{url:?} {reason}"),
        };
        // The client is built without TLS: plain HTTP/2 to internal services.
        if !url.starts_with("http://") {
            return Err(invalid("must start with http://"));
        }
        let endpoint = Endpoint::from_shared(url.to_owned())
            .map_err(|_| invalid("is not a URL"))?
            .connect_timeout(CONNECT_TIMEOUT);
        Ok(Self {
            url: url.to_owned(),
            endpoint,
        })
    }

    /// The URL, as the user gave it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Opens a connection now, so that an unreachable service is reported as such.
    async fn connect(&self) -> Result<Channel, Error> {
        self.endpoint
            .connect()
            .await
            .map_err(|_| Error::Unreachable {
                url: self.url.clone(),
            })
    }
}

/// A request carrying `message` that gives up after `deadline` (sent as `grpc-timeout`).
fn request<T>(message: T, deadline: Duration) -> Request<T> {
    let mut request = Request::new(message);
    request.set_timeout(deadline);
    request
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_must_be_http_urls() {
        let address = ServiceAddress::parse("COACH_SESSION_URL", "http://127.0.0.1:50052").unwrap();
        assert_eq!(address.url(), "http://127.0.0.1:50052");

        let err = ServiceAddress::parse("COACH_SESSION_URL", "127.0.0.1:50052").unwrap_err();
        assert_eq!(
            err.to_string(),
            "COACH_SESSION_URL: \"127.0.0.1:50052\" must start with http://"
        );
        assert!(ServiceAddress::parse("COACH_SESSION_URL", "http://bad host").is_err());
    }

    #[tokio::test]
    async fn a_closed_port_is_reported_as_unreachable() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        let address = ServiceAddress::parse("COACH_IDENTITY_URL", &url).unwrap();

        let err = address.connect().await.unwrap_err();

        assert_eq!(err.to_string(), format!("service unreachable at {url}"));
    }
}
