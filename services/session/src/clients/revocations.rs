//! Access-token revocations, learnt from identity's `ListTokenRevocations` feed.
//!
//! Tokens are verified locally, so a deleted account's tokens, or the ones issued before a
//! password change, would stay valid until they expire. Identity publishes those
//! revocations; a background poller fetches what changed since its last poll (with a
//! deadline, every `REVOCATION_POLL_MS`) into an in-memory map user → `not_before`, and
//! [`RevokedTokens::revokes`] answers from memory: still no identity call per request.
//!
//! An identity outage keeps the map as it is (and is logged once, not every poll); the next
//! poll picks up from the last successful one. Entries are forgotten once every token they
//! cover has expired, so memory stays bounded.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
    time::Duration,
};

use chrono::Utc;
use interview_coach_common::{auth::LEEWAY_SECS, observability};
use interview_coach_proto::identity::v1::{
    ListTokenRevocationsRequest, TokenRevocation, identity_service_client::IdentityServiceClient,
};
use tonic::transport::Channel;
use tracing::Instrument;
use uuid::Uuid;

/// How long, in seconds, a revocation is kept after its `not_before` (or after it was
/// learnt, when that is earlier, as for a deleted account): identity's longest access-token
/// lifetime (`ACCESS_TOKEN_TTL_SECS` is at most a day) plus the leeway on `exp`. By then
/// every token it covers has expired.
const RETENTION_SECS: i64 = 24 * 3600 + LEEWAY_SECS as i64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    /// Tokens issued (`iat`) before this second are revoked.
    not_before: i64,
    /// When the entry can go (seconds since the epoch).
    forget_at: i64,
}

/// The revocations in force, by user. Cheap to read on every request.
#[derive(Debug, Default)]
pub struct RevokedTokens {
    entries: RwLock<HashMap<Uuid, Entry>>,
}

impl RevokedTokens {
    /// Whether a token of `user_id` issued at `iat` (seconds since the epoch) is revoked.
    pub fn revokes(&self, user_id: Uuid, iat: i64) -> bool {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        entries
            .get(&user_id)
            .is_some_and(|entry| iat < entry.not_before)
    }

    /// How many users have revoked tokens.
    pub fn len(&self) -> usize {
        self.entries.read().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Records that tokens of `user_id` issued before `not_before` are revoked, learnt at
    /// `now` (both in seconds since the epoch). Idempotent; the later `not_before` wins.
    fn record(&self, user_id: Uuid, not_before: i64, now: i64) {
        let new = Entry {
            not_before,
            forget_at: not_before.min(now).saturating_add(RETENTION_SECS),
        };
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        entries
            .entry(user_id)
            .and_modify(|old| {
                old.not_before = old.not_before.max(new.not_before);
                old.forget_at = old.forget_at.max(new.forget_at);
            })
            .or_insert(new);
    }

    /// Forgets the entries whose tokens have all expired at `now`.
    fn forget_expired(&self, now: i64) -> usize {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        let before = entries.len();
        entries.retain(|_, entry| entry.forget_at > now);
        before - entries.len()
    }
}

/// Polls identity's revocation feed into a [`RevokedTokens`].
pub struct RevocationFeed {
    revoked: Arc<RevokedTokens>,
    identity: IdentityServiceClient<Channel>,
    timeout: Duration,
    /// The `as_of` of the last successful poll; `None` until then (everything in force).
    since: Option<prost_types::Timestamp>,
    /// Whether the last poll failed (an outage is logged when it starts and ends).
    failing: bool,
}

impl RevocationFeed {
    /// A feed from `identity` into `revoked`, each poll within `timeout`.
    pub fn new(
        revoked: Arc<RevokedTokens>,
        identity: IdentityServiceClient<Channel>,
        timeout: Duration,
    ) -> Self {
        Self {
            revoked,
            identity,
            timeout,
            since: None,
            failing: false,
        }
    }

    /// One poll: applies what identity recorded since the last successful poll, then
    /// forgets expired entries. Returns whether identity answered.
    pub async fn poll(&mut self) -> bool {
        let span = observability::client_span(
            "interview_coach.identity.v1.IdentityService/ListTokenRevocations",
        );
        let mut request = tonic::Request::new(ListTokenRevocationsRequest { since: self.since });
        request.set_timeout(self.timeout);
        observability::inject_context(&span, request.metadata_mut());
        let response = tokio::time::timeout(
            self.timeout,
            self.identity.clone().list_token_revocations(request),
        )
        .instrument(span)
        .await;
        let now = Utc::now().timestamp();
        let answered = match response {
            Ok(Ok(response)) => {
                let response = response.into_inner();
                let learnt = self.apply(&response.revocations, now);
                if learnt > 0 {
                    tracing::info!(users = learnt, "token revocations received");
                }
                // Without `as_of` (never sent by identity) the next poll reads everything.
                self.since = response.as_of;
                if self.failing {
                    tracing::info!("token revocation feed reachable again");
                }
                self.failing = false;
                true
            }
            Ok(Err(status)) => {
                self.report_failure(&format!("identity answered {:?}", status.code()));
                false
            }
            Err(_) => {
                self.report_failure("timed out");
                false
            }
        };
        let forgotten = self.revoked.forget_expired(now);
        if forgotten > 0 {
            tracing::debug!(forgotten, "expired token revocations forgotten");
        }
        metrics::gauge!("revoked_token_users").set(self.revoked.len() as f64);
        answered
    }

    /// Records `revocations`; returns how many were usable.
    fn apply(&self, revocations: &[TokenRevocation], now: i64) -> usize {
        let mut learnt = 0;
        for revocation in revocations {
            let (Ok(user_id), Some(not_before)) = (
                Uuid::parse_str(&revocation.user_id),
                revocation.not_before.as_ref(),
            ) else {
                tracing::warn!("identity sent an unusable token revocation; skipped");
                continue;
            };
            self.revoked.record(user_id, not_before.seconds, now);
            learnt += 1;
        }
        learnt
    }

    /// Logs the start of an outage at WARN, later failed polls of it at DEBUG only.
    fn report_failure(&mut self, why: &str) {
        if self.failing {
            tracing::debug!(why, "token revocation feed still unreachable");
        } else {
            tracing::warn!(
                why,
                "cannot fetch token revocations; keeping the known ones, retrying every poll"
            );
        }
        self.failing = true;
    }
}

#[cfg(test)]
mod tests {
    use std::{
        io,
        sync::{Arc, Mutex},
    };

    use super::*;

    const NOW: i64 = 1_800_000_000;
    /// 9999-12-31T23:59:59Z, what identity sends for a deleted account.
    const EVERY_TOKEN: i64 = 253_402_300_799;

    #[test]
    fn tokens_issued_before_not_before_are_revoked() {
        let revoked = RevokedTokens::default();
        let (user, other) = (Uuid::new_v4(), Uuid::new_v4());
        revoked.record(user, NOW, NOW);
        assert!(revoked.revokes(user, NOW - 1));
        assert!(!revoked.revokes(user, NOW));
        assert!(!revoked.revokes(user, NOW + 1));
        assert!(!revoked.revokes(other, NOW - 1));
    }

    #[test]
    fn the_later_not_before_wins_whatever_the_order() {
        let revoked = RevokedTokens::default();
        let user = Uuid::new_v4();
        revoked.record(user, EVERY_TOKEN, NOW);
        revoked.record(user, NOW, NOW);
        assert!(revoked.revokes(user, NOW + 3600));
        assert_eq!(revoked.len(), 1);
    }

    #[test]
    fn entries_are_forgotten_once_their_tokens_have_expired() {
        let revoked = RevokedTokens::default();
        let (changed, deleted) = (Uuid::new_v4(), Uuid::new_v4());
        revoked.record(changed, NOW - 100, NOW);
        revoked.record(deleted, EVERY_TOKEN, NOW);
        assert_eq!(revoked.forget_expired(NOW + RETENTION_SECS - 101), 0);
        assert_eq!(revoked.forget_expired(NOW + RETENTION_SECS - 100), 1);
        assert!(!revoked.revokes(changed, NOW - 200));
        assert!(revoked.revokes(deleted, NOW));
        assert_eq!(revoked.forget_expired(NOW + RETENTION_SECS), 1);
        assert_eq!(revoked.len(), 0);
    }

    /// Log output kept in memory.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn an_outage_keeps_the_revocations_and_is_logged_once() {
        let captured = Captured::default();
        let writer = captured.clone();
        let _guard = tracing::subscriber::set_default(
            tracing_subscriber::fmt()
                .with_writer(move || writer.clone())
                .with_max_level(tracing::Level::DEBUG)
                .with_ansi(false)
                .finish(),
        );
        // A port nothing listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let channel = tonic::transport::Endpoint::from_shared(format!("http://127.0.0.1:{port}"))
            .unwrap()
            .connect_lazy();
        let revoked = Arc::new(RevokedTokens::default());
        let user = Uuid::new_v4();
        let now = Utc::now().timestamp();
        revoked.record(user, EVERY_TOKEN, now);
        let mut feed = RevocationFeed::new(
            revoked.clone(),
            IdentityServiceClient::new(channel),
            Duration::from_millis(500),
        );

        for _ in 0..3 {
            assert!(!feed.poll().await, "nothing answers");
        }
        assert!(revoked.revokes(user, now), "the known revocation is kept");
        assert_eq!(feed.since, None, "the next poll still reads everything");
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let warnings = log
            .lines()
            .filter(|line| line.contains("WARN") && line.contains("cannot fetch token revocations"))
            .count();
        assert_eq!(warnings, 1, "{log}");
        assert_eq!(
            log.matches("token revocation feed still unreachable")
                .count(),
            2,
            "{log}"
        );
    }
}
