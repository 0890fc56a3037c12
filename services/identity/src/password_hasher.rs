//! bcrypt hashing and verification, off the async runtime: every call runs on the blocking
//! pool behind a semaphore, so at most `max_concurrency` bcrypt computations run at once
//! and sign-ins never stall other RPCs.

use std::{fmt, sync::Arc};

use rand::RngCore;
use tokio::sync::Semaphore;

use crate::domain::{Password, PasswordAttempt, password::MAX_BYTES};

/// Smallest cost bcrypt accepts.
pub const MIN_COST: u32 = 4;
/// Largest cost bcrypt accepts.
pub const MAX_COST: u32 = 31;

/// A stored bcrypt hash. Not a secret like the password, but no business of logs either.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a hash read from the database.
    pub fn new(hash: String) -> Self {
        Self(hash)
    }

    /// The `$2b$…` text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash([REDACTED])")
    }
}

/// Hashing failed (a bug or a broken stored hash, never the caller's fault).
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// bcrypt refused (bad cost, malformed stored hash).
    #[error("bcrypt: {0}")]
    Bcrypt(#[from] bcrypt::BcryptError),
    /// The blocking task died.
    #[error("hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// The semaphore was closed.
    #[error("hashing pool closed")]
    Closed,
}

/// Hashes and verifies passwords at a fixed cost. Cheap to clone.
#[derive(Clone)]
pub struct PasswordHasher {
    cost: u32,
    permits: Arc<Semaphore>,
    /// Verified against when the account does not exist, so an unknown email costs as much
    /// time as a wrong password.
    dummy: PasswordHash,
}

impl PasswordHasher {
    /// A hasher at `cost` running at most `max_concurrency` computations at once. Computes
    /// the dummy hash (one bcrypt at `cost`) before returning.
    pub async fn new(cost: u32, max_concurrency: usize) -> Result<Self, HashError> {
        let permits = Arc::new(Semaphore::new(max_concurrency.max(1)));
        let mut random = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut random);
        let dummy = run_limited(&permits, move || bcrypt::hash(random, cost)).await??;
        Ok(Self {
            cost,
            permits,
            dummy: PasswordHash(dummy),
        })
    }

    /// The bcrypt cost in use.
    pub fn cost(&self) -> u32 {
        self.cost
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError> {
        let password = password.clone();
        let cost = self.cost;
        let hash =
            run_limited(&self.permits, move || bcrypt::hash(password.expose(), cost)).await??;
        Ok(PasswordHash(hash))
    }

    /// True when `attempt` matches `hash`. With no hash (unknown account) the dummy hash is
    /// checked instead and the answer is always false, taking the same time.
    pub async fn verify(
        &self,
        attempt: &PasswordAttempt,
        hash: Option<&PasswordHash>,
    ) -> Result<bool, HashError> {
        let known = hash.is_some();
        let hash = hash.unwrap_or(&self.dummy).clone();
        let attempt = attempt.clone();
        let matches = run_limited(&self.permits, move || {
            // bcrypt would compare only the first 72 bytes; no stored password is longer,
            // so a longer attempt can never be right, but it still costs a full check.
            let fits = attempt.expose().len() <= MAX_BYTES;
            bcrypt::verify(attempt.expose(), hash.as_str()).map(|ok| ok && fits)
        })
        .await??;
        Ok(known && matches)
    }
}

impl fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("cost", &self.cost)
            .field("available_permits", &self.permits.available_permits())
            .finish_non_exhaustive()
    }
}

/// Runs `work` on the blocking pool once a permit is free; `bcrypt_queue_depth` counts the
/// calls waiting for a permit, `bcrypt_in_flight` the ones computing.
async fn run_limited<T: Send + 'static>(
    permits: &Arc<Semaphore>,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HashError> {
    let queued = metrics::gauge!("bcrypt_queue_depth");
    queued.increment(1.0);
    let permit = permits.clone().acquire_owned().await;
    queued.decrement(1.0);
    let permit = permit.map_err(|_| HashError::Closed)?;
    let running = metrics::gauge!("bcrypt_in_flight");
    running.increment(1.0);
    let result = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    })
    .await;
    running.decrement(1.0);
    let result = result?;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn password(text: &str) -> Password {
        Password::parse(text.to_owned()).unwrap()
    }

    fn attempt(text: &str) -> PasswordAttempt {
        PasswordAttempt::parse(text.to_owned()).unwrap()
    }

    #[tokio::test]
    async fn verifies_the_right_password_only() {
        let hasher = PasswordHasher::new(4, 2).await.unwrap();
        let hash = hasher
            .hash(&password("correct horse battery"))
            .await
            .unwrap();
        assert!(hash.as_str().starts_with("$2b$04$"));
        assert!(
            hasher
                .verify(&attempt("correct horse battery"), Some(&hash))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify(&attempt("correct horse batterY"), Some(&hash))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify() {
        let hasher = PasswordHasher::new(4, 1).await.unwrap();
        assert!(
            !hasher
                .verify(&attempt("anything at all"), None)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn attempts_longer_than_72_bytes_never_verify() {
        let hasher = PasswordHasher::new(4, 1).await.unwrap();
        let exactly_72 = "a".repeat(72);
        let hash = hasher.hash(&password(&exactly_72)).await.unwrap();
        assert!(
            hasher
                .verify(&attempt(&exactly_72), Some(&hash))
                .await
                .unwrap()
        );
        // bcrypt alone would accept this one: same first 72 bytes.
        let longer = format!("{exactly_72}b");
        assert!(!hasher.verify(&attempt(&longer), Some(&hash)).await.unwrap());
    }

    #[tokio::test]
    async fn a_broken_stored_hash_is_an_error_not_a_match() {
        let hasher = PasswordHasher::new(4, 1).await.unwrap();
        let broken = PasswordHash::new("not a bcrypt hash".to_owned());
        assert!(
            hasher
                .verify(&attempt("whatever"), Some(&broken))
                .await
                .is_err()
        );
    }

    #[test]
    fn debug_redacts_hashes() {
        let hash = PasswordHash::new("$2b$04$secretsecret".to_owned());
        assert!(!format!("{hash:?}").contains("secret"));
    }
}
