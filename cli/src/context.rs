//! Where the services and the stored login are, and how to reach them.

use std::path::PathBuf;

use crate::{
    cli::GlobalOptions,
    clients::{Authenticator, IdentityApi, ServiceAddress, SessionApi},
    credentials::CredentialStore,
    errors::Error,
};

/// What every command needs to reach the services as the logged-in user.
#[derive(Clone, Debug)]
pub struct Context {
    identity: ServiceAddress,
    session: ServiceAddress,
    store: CredentialStore,
}

impl Context {
    /// Name of the directory under the user's config directory.
    const APP_DIR: &'static str = "interview-coach";

    /// The services at these URLs, the login stored in `config_dir`.
    pub fn new(identity_url: &str, session_url: &str, config_dir: PathBuf) -> Result<Self, Error> {
        Ok(Self {
            identity: ServiceAddress::parse("COACH_IDENTITY_URL", identity_url)?,
            session: ServiceAddress::parse("COACH_SESSION_URL", session_url)?,
            store: CredentialStore::in_dir(config_dir),
        })
    }

    /// The context the command line and environment describe.
    pub fn from_options(options: GlobalOptions) -> Result<Self, Error> {
        let config_dir = match options.config_dir {
            Some(dir) => dir,
            None => dirs::config_dir()
                .ok_or_else(|| Error::Setting {
                    setting: "COACH_CONFIG_DIR",
                    reason: "this user has no config directory: set COACH_CONFIG_DIR".into(),
                })?
                .join(Self::APP_DIR),
        };
        Self::new(&options.identity_url, &options.session_url, config_dir)
    }

    /// The stored login.
    pub fn store(&self) -> &CredentialStore {
        &self.store
    }

    /// A connection to the identity service.
    pub async fn identity(&self) -> Result<IdentityApi, Error> {
        IdentityApi::connect(&self.identity).await
    }

    /// Signs calls as the stored user; [`Error::NotLoggedIn`] when nobody is logged in.
    pub fn authenticator(&self) -> Result<Authenticator, Error> {
        Authenticator::load(self.store.clone(), self.identity.clone())
    }

    /// A connection to the session service as the stored user.
    pub async fn session(&self) -> Result<SessionApi, Error> {
        let auth = self.authenticator()?;
        SessionApi::connect(&self.session, auth).await
    }
}
