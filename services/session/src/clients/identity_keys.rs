//! Local verification of access tokens with identity's public keys.
//!
//! Keys are fetched with `ListSigningKeys` (with a deadline), cached, and refetched when a
//! token names an unknown `kid` — at most once per `min_refresh_interval`, one fetch at a
//! time — so there is no identity call per request, and an identity outage leaves the
//! cached keys working. A verified token is then checked against the revocations identity
//! published (kept in memory by [`crate::clients::revocations`]).

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use interview_coach_common::{
    auth::{AuthError, TokenVerifier, UserId, Verified},
    observability,
};
use interview_coach_proto::identity::v1::{
    ListSigningKeysRequest, identity_service_client::IdentityServiceClient,
};
use tokio::sync::Mutex;
use tonic::{metadata::MetadataMap, transport::Channel};
use tracing::Instrument;

use crate::clients::revocations::RevokedTokens;

/// Authenticates end users.
pub struct Authenticator {
    verifier: TokenVerifier,
    revoked: Arc<RevokedTokens>,
    identity: IdentityServiceClient<Channel>,
    timeout: Duration,
    min_refresh_interval: Duration,
    last_fetch: Mutex<Option<Instant>>,
}

impl Authenticator {
    /// An authenticator that fetches keys from `identity` and refuses the tokens in
    /// `revoked`.
    pub fn new(
        verifier: TokenVerifier,
        revoked: Arc<RevokedTokens>,
        identity: IdentityServiceClient<Channel>,
        timeout: Duration,
        min_refresh_interval: Duration,
    ) -> Self {
        Self {
            verifier,
            revoked,
            identity,
            timeout,
            min_refresh_interval,
            last_fetch: Mutex::new(None),
        }
    }

    /// Fetches the signing keys now (unless a fetch happened within the minimum interval
    /// and `force` is false). Returns whether the key set was replaced.
    pub async fn refresh_keys(&self, force: bool) -> bool {
        let mut last = self.last_fetch.lock().await;
        if !force && last.is_some_and(|at| at.elapsed() < self.min_refresh_interval) {
            return false;
        }
        *last = Some(Instant::now());
        let span = observability::client_span(
            "interview_coach.identity.v1.IdentityService/ListSigningKeys",
        );
        let mut request = tonic::Request::new(ListSigningKeysRequest {});
        request.set_timeout(self.timeout);
        observability::inject_context(&span, request.metadata_mut());
        let response = tokio::time::timeout(
            self.timeout,
            self.identity.clone().list_signing_keys(request),
        )
        .instrument(span)
        .await;
        let keys = match response {
            Ok(Ok(response)) => response.into_inner().keys,
            Ok(Err(status)) => {
                tracing::warn!(code = ?status.code(), "fetching signing keys failed; keeping cached keys");
                return false;
            }
            Err(_) => {
                tracing::warn!("fetching signing keys timed out; keeping cached keys");
                return false;
            }
        };
        match self.verifier.set_keys(
            keys.iter()
                .map(|k| (k.kid.as_str(), k.public_key_pem.as_str())),
        ) {
            Ok(count) => {
                tracing::info!(keys = count, "signing keys loaded");
                true
            }
            Err(err) => {
                tracing::error!(error = %err, "identity published an unusable key; keeping cached keys");
                false
            }
        }
    }

    /// The caller of a request, or why not. A revoked token is refused like an invalid one.
    pub async fn authenticate(&self, metadata: &MetadataMap) -> Result<UserId, AuthError> {
        let Verified { user_id, claims } = match self.verifier.verify_metadata(metadata) {
            Err(AuthError::UnknownKey(kid)) => {
                tracing::debug!(%kid, "unknown signing key, refetching keys");
                self.refresh_keys(false).await;
                self.verifier.verify_metadata(metadata)?
            }
            verified => verified?,
        };
        if self.revoked.revokes(user_id.0, claims.iat) {
            tracing::debug!(user_id = %user_id.0, "revoked access token refused");
            return Err(AuthError::Invalid);
        }
        Ok(user_id)
    }
}
