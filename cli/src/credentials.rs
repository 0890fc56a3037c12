//! The token pair of the logged-in user, kept in `<config dir>/credentials.json`.
//!
//! The file is readable by its owner only (0600) inside a directory only its owner can
//! enter (0700 when `coach` creates it). It is replaced atomically: a crash never leaves
//! half a file.

use std::{
    fs::{self, DirBuilder, OpenOptions, Permissions},
    io::{self, Write},
    os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt},
    path::{Path, PathBuf},
};

use chrono::{DateTime, TimeDelta, Utc};
use interview_coach_proto::identity::v1::TokenPair;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

use crate::{errors::Error, time};

/// How long before its expiry an access token is refreshed, so that it cannot expire
/// during a call.
const REFRESH_MARGIN: TimeDelta = TimeDelta::seconds(60);

/// A token pair with its expiry times. `Debug` never shows the tokens.
#[derive(Debug, Serialize, Deserialize)]
pub struct Credentials {
    /// JWT sent as `authorization: Bearer <access_token>`.
    #[serde(serialize_with = "expose")]
    pub access_token: SecretString,
    /// When the identity service stops accepting the access token.
    pub access_token_expire_time: DateTime<Utc>,
    /// Single-use token for RefreshToken and Logout.
    #[serde(serialize_with = "expose")]
    pub refresh_token: SecretString,
    /// When the refresh token stops being accepted.
    pub refresh_token_expire_time: DateTime<Utc>,
}

impl Credentials {
    /// The credentials of a token pair; `Err` names the first missing field.
    pub fn from_token_pair(pair: TokenPair) -> Result<Self, &'static str> {
        let access_token_expire_time =
            time::optional_datetime(pair.access_token_expire_time.as_ref())
                .ok_or("access_token_expire_time")?;
        let refresh_token_expire_time =
            time::optional_datetime(pair.refresh_token_expire_time.as_ref())
                .ok_or("refresh_token_expire_time")?;
        if pair.access_token.is_empty() {
            return Err("access_token");
        }
        if pair.refresh_token.is_empty() {
            return Err("refresh_token");
        }
        Ok(Self {
            access_token: pair.access_token.into(),
            access_token_expire_time,
            refresh_token: pair.refresh_token.into(),
            refresh_token_expire_time,
        })
    }

    /// True when the access token is expired, or will be within the refresh margin.
    pub fn access_token_expires_soon(&self, now: DateTime<Utc>) -> bool {
        now + REFRESH_MARGIN >= self.access_token_expire_time
    }

    /// True when the refresh token can no longer be used.
    pub fn refresh_token_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.refresh_token_expire_time
    }
}

fn expose<S: Serializer>(secret: &SecretString, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose_secret())
}

/// Where the credentials live on disk.
#[derive(Clone, Debug)]
pub struct CredentialStore {
    dir: PathBuf,
}

impl CredentialStore {
    const FILE_NAME: &'static str = "credentials.json";
    const DIR_MODE: u32 = 0o700;
    const FILE_MODE: u32 = 0o600;

    /// The store in `dir` (created on first save).
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory holding the credentials file.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The credentials file.
    pub fn path(&self) -> PathBuf {
        self.dir.join(Self::FILE_NAME)
    }

    /// The stored credentials, `None` when nobody is logged in.
    pub fn load(&self) -> Result<Option<Credentials>, Error> {
        let path = self.path();
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(Error::CredentialsFile { path, source }),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|_| Error::DamagedCredentials { path })
    }

    /// Replaces the stored credentials.
    pub fn save(&self, credentials: &Credentials) -> Result<(), Error> {
        let path = self.path();
        self.write(credentials)
            .map_err(|source| Error::CredentialsFile { path, source })
    }

    /// Removes the stored credentials; `false` when there were none.
    pub fn delete(&self) -> Result<bool, Error> {
        let path = self.path();
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(source) => Err(Error::CredentialsFile { path, source }),
        }
    }

    fn write(&self, credentials: &Credentials) -> io::Result<()> {
        DirBuilder::new()
            .recursive(true)
            .mode(Self::DIR_MODE)
            .create(&self.dir)?;
        let json = serde_json::to_vec_pretty(credentials)?;
        let temporary = self.dir.join(format!(".{}.tmp", Self::FILE_NAME));
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(Self::FILE_MODE)
            .open(&temporary)?;
        // `mode` applies only to a new file: a leftover temporary keeps its old mode.
        file.set_permissions(Permissions::from_mode(Self::FILE_MODE))?;
        file.write_all(&json)?;
        file.sync_all()?;
        fs::rename(&temporary, self.path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials(access_expiry: DateTime<Utc>) -> Credentials {
        Credentials {
            access_token: "access.jwt.token".into(),
            access_token_expire_time: access_expiry,
            refresh_token: "refresh-secret".into(),
            refresh_token_expire_time: access_expiry + TimeDelta::days(30),
        }
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn saved_credentials_load_back_and_are_private() {
        let root = tempfile::tempdir().unwrap();
        let store = CredentialStore::in_dir(root.path().join("interview-coach"));
        let expiry = DateTime::from_timestamp(1_900_000_000, 0).unwrap();

        store.save(&credentials(expiry)).unwrap();
        let loaded = store.load().unwrap().unwrap();

        assert_eq!(loaded.access_token.expose_secret(), "access.jwt.token");
        assert_eq!(loaded.refresh_token.expose_secret(), "refresh-secret");
        assert_eq!(loaded.access_token_expire_time, expiry);
        assert_eq!(mode(&store.path()), 0o600);
        assert_eq!(mode(store.dir()), 0o700);
    }

    #[test]
    fn an_existing_open_file_becomes_private_when_replaced() {
        let root = tempfile::tempdir().unwrap();
        let store = CredentialStore::in_dir(root.path());
        fs::write(store.path(), "{}").unwrap();
        fs::set_permissions(store.path(), Permissions::from_mode(0o644)).unwrap();

        store.save(&credentials(Utc::now())).unwrap();

        assert_eq!(mode(&store.path()), 0o600);
    }

    #[test]
    fn missing_file_means_logged_out_and_delete_is_idempotent() {
        let root = tempfile::tempdir().unwrap();
        let store = CredentialStore::in_dir(root.path());
        assert!(store.load().unwrap().is_none());
        store.save(&credentials(Utc::now())).unwrap();
        assert!(store.delete().unwrap());
        assert!(!store.delete().unwrap());
        assert!(store.load().unwrap().is_none());
    }

    #[test]
    fn a_damaged_file_asks_for_a_new_login() {
        let root = tempfile::tempdir().unwrap();
        let store = CredentialStore::in_dir(root.path());
        fs::write(store.path(), "not json").unwrap();
        let err = store.load().unwrap_err();
        assert!(
            err.to_string().ends_with("is damaged: run `coach login`"),
            "{err}"
        );
    }

    #[test]
    fn debug_output_hides_the_tokens() {
        let shown = format!("{:?}", credentials(Utc::now()));
        assert!(!shown.contains("access.jwt.token"), "{shown}");
        assert!(!shown.contains("refresh-secret"), "{shown}");
    }

    #[test]
    fn access_tokens_are_refreshed_a_little_before_they_expire() {
        let now = Utc::now();
        assert!(!credentials(now + TimeDelta::minutes(10)).access_token_expires_soon(now));
        assert!(credentials(now + TimeDelta::seconds(30)).access_token_expires_soon(now));
        assert!(credentials(now - TimeDelta::seconds(1)).access_token_expires_soon(now));
    }

    #[test]
    fn token_pairs_without_expiry_are_refused() {
        let pair = TokenPair {
            access_token: "a".into(),
            refresh_token: "r".into(),
            ..TokenPair::default()
        };
        assert_eq!(
            Credentials::from_token_pair(pair).unwrap_err(),
            "access_token_expire_time"
        );
    }
}
