//! Throttling of failed password checks, per email and per peer address.
//!
//! Each key (an email, an IP address) gets a fixed window that opens at its first failure:
//! once `max` failures fall inside the window, every further attempt for that key is refused
//! until the window closes, without checking the password (no bcrypt work). A successful
//! sign-in clears the email's counter (not the peer's).
//!
//! The state lives in this process: with N replicas an attacker who is spread across them
//! gets up to N times the limits. Attempts already past the check when the limit is reached
//! still finish, so a burst of concurrent attempts can overshoot by the number in flight. Memory is bounded: expired entries are pruned as time
//! passes, and each map holds at most [`MAX_TRACKED_KEYS`] entries (when full, the entry
//! closest to expiring makes room).

use std::{
    collections::HashMap,
    hash::Hash,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::domain::Email;

/// Most keys tracked per map.
pub const MAX_TRACKED_KEYS: usize = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottleSettings {
    /// Failures allowed per email within a window (`LOGIN_MAX_FAILURES_PER_EMAIL`).
    pub max_failures_per_email: u32,
    /// Failures allowed per peer IP address within a window (`LOGIN_MAX_FAILURES_PER_PEER`).
    pub max_failures_per_peer: u32,
    /// Length of a window (`LOGIN_FAILURE_WINDOW_SECS`).
    pub window: Duration,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        Self {
            max_failures_per_email: 5,
            max_failures_per_peer: 50,
            window: Duration::from_secs(900),
        }
    }
}

/// Attempts are refused for this long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttled {
    /// When the caller may try again.
    pub retry_after: Duration,
}

#[derive(Clone, Copy, Debug)]
struct Window {
    opened: Instant,
    failures: u32,
}

struct Counters<K> {
    max: u32,
    entries: HashMap<K, Window>,
}

impl<K: Eq + Hash + Clone> Counters<K> {
    fn new(max: u32) -> Self {
        Self {
            max,
            entries: HashMap::new(),
        }
    }

    /// How long `key` stays blocked, if it is.
    fn blocked_for(&self, key: &K, now: Instant, window: Duration) -> Option<Duration> {
        let entry = self.entries.get(key)?;
        let closes = entry.opened + window;
        (entry.failures >= self.max && closes > now).then(|| closes - now)
    }

    fn record(&mut self, key: &K, now: Instant, window: Duration) {
        if let Some(entry) = self.entries.get_mut(key) {
            if entry.opened + window > now {
                entry.failures = entry.failures.saturating_add(1);
            } else {
                *entry = Window {
                    opened: now,
                    failures: 1,
                };
            }
            return;
        }
        if self.entries.len() >= MAX_TRACKED_KEYS {
            self.prune(now, window);
        }
        if self.entries.len() >= MAX_TRACKED_KEYS {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, w)| w.opened)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                self.entries.remove(&oldest);
            }
        }
        self.entries.insert(
            key.clone(),
            Window {
                opened: now,
                failures: 1,
            },
        );
    }

    fn clear(&mut self, key: &K) {
        self.entries.remove(key);
    }

    fn prune(&mut self, now: Instant, window: Duration) {
        self.entries.retain(|_, w| w.opened + window > now);
    }
}

struct State {
    emails: Counters<Email>,
    peers: Counters<IpAddr>,
    last_prune: Instant,
}

/// The throttle. Share one per process (behind an `Arc`).
pub struct LoginThrottle {
    window: Duration,
    state: Mutex<State>,
}

impl LoginThrottle {
    pub fn new(settings: ThrottleSettings) -> Self {
        Self {
            window: settings.window,
            state: Mutex::new(State {
                emails: Counters::new(settings.max_failures_per_email),
                peers: Counters::new(settings.max_failures_per_peer),
                last_prune: Instant::now(),
            }),
        }
    }

    /// Refuses when the email or the peer used up its failures.
    pub fn check(&self, email: &Email, peer: Option<IpAddr>) -> Result<(), Throttled> {
        self.check_at(email, peer, Instant::now())
    }

    /// Counts a failed attempt against the email and the peer.
    pub fn record_failure(&self, email: &Email, peer: Option<IpAddr>) {
        self.record_failure_at(email, peer, Instant::now());
    }

    /// Clears the email's counter after a successful sign-in.
    pub fn record_success(&self, email: &Email) {
        self.lock().emails.clear(email);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent whatever panicked while holding the lock.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn check_at(&self, email: &Email, peer: Option<IpAddr>, now: Instant) -> Result<(), Throttled> {
        let state = self.lock();
        let by_email = state.emails.blocked_for(email, now, self.window);
        let by_peer = peer.and_then(|ip| state.peers.blocked_for(&ip, now, self.window));
        match by_email.max(by_peer) {
            Some(retry_after) => Err(Throttled { retry_after }),
            None => Ok(()),
        }
    }

    fn record_failure_at(&self, email: &Email, peer: Option<IpAddr>, now: Instant) {
        let window = self.window;
        let mut state = self.lock();
        if now.saturating_duration_since(state.last_prune) >= window.min(Duration::from_secs(60)) {
            state.emails.prune(now, window);
            state.peers.prune(now, window);
            state.last_prune = now;
        }
        state.emails.record(email, now, window);
        if let Some(ip) = peer {
            state.peers.record(&ip, now, window);
        }
    }

    /// How many emails and peers are tracked (for tests and metrics).
    pub fn tracked(&self) -> (usize, usize) {
        let state = self.lock();
        (state.emails.entries.len(), state.peers.entries.len())
    }
}

impl std::fmt::Debug for LoginThrottle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (emails, peers) = self.tracked();
        f.debug_struct("LoginThrottle")
            .field("window", &self.window)
            .field("tracked_emails", &emails)
            .field("tracked_peers", &peers)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(text: &str) -> Email {
        Email::parse(text).unwrap()
    }

    fn throttle(per_email: u32, per_peer: u32) -> LoginThrottle {
        LoginThrottle::new(ThrottleSettings {
            max_failures_per_email: per_email,
            max_failures_per_peer: per_peer,
            window: Duration::from_secs(100),
        })
    }

    const PEER: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));

    #[test]
    fn blocks_an_email_after_its_limit_until_the_window_closes() {
        let t = throttle(3, 100);
        let a = email("a@example.com");
        let start = Instant::now();
        for i in 0..3 {
            assert!(t.check_at(&a, PEER, start).is_ok(), "attempt {i}");
            t.record_failure_at(&a, PEER, start);
        }
        let later = start + Duration::from_secs(40);
        assert_eq!(
            t.check_at(&a, PEER, later),
            Err(Throttled {
                retry_after: Duration::from_secs(60)
            })
        );
        // Another email from the same peer is fine.
        assert!(t.check_at(&email("b@example.com"), PEER, later).is_ok());
        // The window closes.
        assert!(
            t.check_at(&a, PEER, start + Duration::from_secs(100))
                .is_ok()
        );
    }

    #[test]
    fn blocks_a_peer_across_emails() {
        let t = throttle(100, 2);
        let now = Instant::now();
        t.record_failure_at(&email("a@example.com"), PEER, now);
        t.record_failure_at(&email("b@example.com"), PEER, now);
        assert!(t.check_at(&email("c@example.com"), PEER, now).is_err());
        let other_peer = Some(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1)));
        assert!(t.check_at(&email("c@example.com"), other_peer, now).is_ok());
    }

    #[test]
    fn success_clears_the_email_counter_only() {
        let t = throttle(2, 3);
        let a = email("a@example.com");
        let now = Instant::now();
        t.record_failure_at(&a, PEER, now);
        t.record_failure_at(&a, PEER, now);
        assert!(t.check_at(&a, None, now).is_err());
        t.record_success(&a);
        assert!(t.check_at(&a, None, now).is_ok());
        // The peer still carries its two failures: one more blocks it.
        t.record_failure_at(&a, PEER, now);
        assert!(t.check_at(&email("z@example.com"), PEER, now).is_err());
    }

    #[test]
    fn a_failure_after_the_window_starts_a_new_one() {
        let t = throttle(2, 100);
        let a = email("a@example.com");
        let start = Instant::now();
        t.record_failure_at(&a, None, start);
        t.record_failure_at(&a, None, start + Duration::from_secs(150));
        assert!(
            t.check_at(&a, None, start + Duration::from_secs(151))
                .is_ok()
        );
    }

    #[test]
    fn expired_entries_are_pruned() {
        let t = throttle(5, 5);
        let start = Instant::now();
        t.record_failure_at(&email("a@example.com"), PEER, start);
        t.record_failure_at(&email("b@example.com"), None, start);
        assert_eq!(t.tracked(), (2, 1));
        t.record_failure_at(
            &email("c@example.com"),
            None,
            start + Duration::from_secs(200),
        );
        assert_eq!(t.tracked(), (1, 0));
    }
}
