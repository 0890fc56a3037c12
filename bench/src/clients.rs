//! The project's own gRPC clients, connected the way a backend-for-frontend would connect
//! them, and the accounts the virtual users sign in with.

use std::time::Duration;

use anyhow::{Context, Result};
use interview_coach_proto::{
    identity::v1::{LoginRequest, RegisterRequest, identity_service_client::IdentityServiceClient},
    session::v1::session_service_client::SessionServiceClient,
};
use tokio::task::JoinSet;
use tonic::{
    Request,
    metadata::MetadataValue,
    transport::{Channel, Endpoint},
};

/// The password of every benchmark account.
pub const PASSWORD: &str = "correct horse battery staple";

/// A connected channel to `url`.
pub async fn connect(url: &str) -> Result<Channel> {
    Endpoint::from_shared(url.to_owned())
        .with_context(|| format!("{url:?} is not a URL"))?
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true)
        .connect()
        .await
        .with_context(|| format!("cannot connect to {url}"))
}

/// `count` channels to `url`, handed out round-robin.
#[derive(Clone)]
pub struct Channels(Vec<Channel>);

impl Channels {
    /// Opens `count` (at least one) connections.
    pub async fn open(url: &str, count: usize) -> Result<Self> {
        let mut channels = Vec::with_capacity(count.max(1));
        for _ in 0..count.max(1) {
            channels.push(connect(url).await?);
        }
        Ok(Self(channels))
    }

    /// The channel of user `index`.
    pub fn get(&self, index: usize) -> Channel {
        self.0[index % self.0.len()].clone()
    }

    /// A session client for user `index`.
    pub fn session(&self, index: usize) -> SessionServiceClient<Channel> {
        SessionServiceClient::new(self.get(index))
    }

    /// An identity client for user `index`.
    pub fn identity(&self, index: usize) -> IdentityServiceClient<Channel> {
        IdentityServiceClient::new(self.get(index))
    }
}

/// A registered account.
#[derive(Clone, Debug)]
pub struct Account {
    /// Its email.
    pub email: String,
    /// A valid access token.
    pub access_token: String,
}

/// Registers `count` accounts (concurrently; each costs one bcrypt hash on the identity
/// service).
pub async fn register(identity: &Channels, run_id: &str, count: usize) -> Result<Vec<Account>> {
    let mut tasks = JoinSet::new();
    for index in 0..count {
        let mut client = identity.identity(index);
        let email = format!("loadgen-{run_id}-{index}@bench.example.com");
        tasks.spawn(async move {
            let response = client
                .register(RegisterRequest {
                    email: email.clone(),
                    password: PASSWORD.to_owned(),
                    name: format!("Virtual user {index}"),
                })
                .await
                .with_context(|| format!("register {email}"))?
                .into_inner();
            let access_token = response
                .tokens
                .context("Register returned no tokens")?
                .access_token;
            Ok::<_, anyhow::Error>((
                index,
                Account {
                    email,
                    access_token,
                },
            ))
        });
    }
    let mut accounts = Vec::with_capacity(count);
    while let Some(joined) = tasks.join_next().await {
        accounts.push(joined.context("registration task")??);
    }
    accounts.sort_by_key(|(index, _)| *index);
    Ok(accounts.into_iter().map(|(_, account)| account).collect())
}

/// The Login request of `account`.
pub fn login_request(account: &Account) -> LoginRequest {
    LoginRequest {
        email: account.email.clone(),
        password: PASSWORD.to_owned(),
    }
}

/// A request carrying `token` as its bearer token.
pub fn authed<T>(token: &MetadataValue<tonic::metadata::Ascii>, message: T) -> Request<T> {
    let mut request = Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", token.clone());
    request
}

/// The `authorization` value for `access_token`.
pub fn bearer(access_token: &str) -> Result<MetadataValue<tonic::metadata::Ascii>> {
    MetadataValue::try_from(format!("Bearer {access_token}"))
        .context("the access token is not valid metadata")
}
