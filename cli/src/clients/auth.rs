//! The `authorization` metadata of authenticated calls, with the access token refreshed
//! when it is about to expire (a practice session outlives a 15-minute access token).

use chrono::Utc;
use secrecy::ExposeSecret;
use tonic::{Request, metadata::MetadataValue};

use super::{IdentityApi, ServiceAddress};
use crate::{
    credentials::{CredentialStore, Credentials},
    errors::Error,
};

/// Signs requests as the logged-in user.
pub struct Authenticator {
    store: CredentialStore,
    identity: ServiceAddress,
    credentials: Credentials,
}

impl Authenticator {
    /// The stored login; [`Error::NotLoggedIn`] when there is none. `identity` is where
    /// expiring tokens are refreshed.
    pub fn load(store: CredentialStore, identity: ServiceAddress) -> Result<Self, Error> {
        let credentials = store.load()?.ok_or(Error::NotLoggedIn)?;
        Ok(Self {
            store,
            identity,
            credentials,
        })
    }

    /// Adds `authorization: Bearer <access token>` to `request`, refreshing the token
    /// first when it expires soon.
    pub async fn authorize<T>(&mut self, request: &mut Request<T>) -> Result<(), Error> {
        if self.credentials.access_token_expires_soon(Utc::now()) {
            self.refresh().await?;
        }
        let bearer = format!("Bearer {}", self.credentials.access_token.expose_secret());
        let mut value = MetadataValue::try_from(bearer).map_err(|_| Error::DamagedCredentials {
            path: self.store.path(),
        })?;
        value.set_sensitive(true);
        request.metadata_mut().insert("authorization", value);
        Ok(())
    }

    /// Exchanges the refresh token for a new pair and stores it.
    async fn refresh(&mut self) -> Result<(), Error> {
        if self.credentials.refresh_token_expired(Utc::now()) {
            return Err(Error::LoginExpired);
        }
        let mut identity = IdentityApi::connect(&self.identity).await?;
        let fresh = identity.refresh(&self.credentials.refresh_token).await?;
        // Store before use: the old refresh token is spent whatever happens next.
        self.store.save(&fresh)?;
        self.credentials = fresh;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    fn identity() -> ServiceAddress {
        ServiceAddress::parse("COACH_IDENTITY_URL", "http://127.0.0.1:1").unwrap()
    }

    #[test]
    fn without_stored_credentials_the_user_is_not_logged_in() {
        let dir = tempfile::tempdir().unwrap();
        let result = Authenticator::load(CredentialStore::in_dir(dir.path()), identity());
        assert!(matches!(result, Err(Error::NotLoggedIn)));
    }

    #[tokio::test]
    async fn a_valid_token_is_sent_as_a_hidden_bearer_header() {
        let dir = tempfile::tempdir().unwrap();
        let store = CredentialStore::in_dir(dir.path());
        let now = Utc::now();
        store
            .save(&Credentials {
                access_token: "header.payload.signature".into(),
                access_token_expire_time: now + TimeDelta::minutes(10),
                refresh_token: "refresh".into(),
                refresh_token_expire_time: now + TimeDelta::days(1),
            })
            .unwrap();
        let mut auth = Authenticator::load(store, identity()).unwrap();
        let mut request = Request::new(());

        auth.authorize(&mut request).await.unwrap();

        let value = request.metadata().get("authorization").unwrap();
        assert_eq!(value.to_str().unwrap(), "Bearer header.payload.signature");
        assert!(value.is_sensitive());
    }

    #[tokio::test]
    async fn an_expired_refresh_token_asks_for_a_new_login() {
        let dir = tempfile::tempdir().unwrap();
        let store = CredentialStore::in_dir(dir.path());
        let past = Utc::now() - TimeDelta::minutes(1);
        store
            .save(&Credentials {
                access_token: "expired".into(),
                access_token_expire_time: past,
                refresh_token: "expired too".into(),
                refresh_token_expire_time: past,
            })
            .unwrap();
        let mut auth = Authenticator::load(store, identity()).unwrap();

        let err = auth.authorize(&mut Request::new(())).await.unwrap_err();

        assert!(matches!(err, Error::LoginExpired), "{err}");
    }
}
