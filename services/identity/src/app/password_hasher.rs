//! bcrypt hashing and verification, off the async runtime: every call runs on one of
//! `max_concurrency` dedicated worker threads, so at most that many bcrypt computations run
//! at once. The workers run at the lowest CPU priority (Linux `SCHED_IDLE`, else nice
//! [`FALLBACK_NICE`]): a sign-in takes all the CPU nothing else wants, but never delays the
//! runtime's threads (this service's other RPCs) or the other processes of its cgroup — a
//! waking thread preempts a bcrypt worker at once; when the CPU is saturated, logins queue,
//! reads do not. Between containers the cgroups' CPU shares still apply, so other pods
//! cannot starve the logins.
//! `bcrypt_queue_depth` counts the calls waiting for a worker, `bcrypt_in_flight` the ones
//! computing.

use std::{
    fmt,
    panic::{AssertUnwindSafe, catch_unwind},
    sync::{Arc, Mutex, mpsc},
};

use rand::RngCore;
use tokio::sync::oneshot;

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

/// Nice value of the bcrypt workers where `SCHED_IDLE` is refused (19 is the lowest
/// priority: about 1/70 of a normal thread's weight).
pub const FALLBACK_NICE: i32 = 19;

/// Hashing failed (a bug or a broken stored hash, never the caller's fault).
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// bcrypt refused (bad cost, malformed stored hash).
    #[error("bcrypt: {0}")]
    Bcrypt(#[from] bcrypt::BcryptError),
    /// The computation panicked.
    #[error("hashing task panicked")]
    Panicked,
    /// The worker threads are gone (or could not be started).
    #[error("hashing workers unavailable: {0}")]
    Workers(String),
}

type Job = Box<dyn FnOnce() + Send>;

/// Dedicated low-priority threads running bcrypt jobs from one queue.
struct Workers {
    jobs: Mutex<mpsc::Sender<Job>>,
}

impl Workers {
    /// Starts `count` (at least one) workers; they stop when the last hasher is dropped.
    fn start(count: usize) -> Result<Self, HashError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for index in 0..count.max(1) {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("bcrypt-{index}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })
                .map_err(|err| HashError::Workers(err.to_string()))?;
        }
        Ok(Self {
            jobs: Mutex::new(jobs),
        })
    }

    /// Runs `work` on a worker once one is free.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let queued = metrics::gauge!("bcrypt_queue_depth");
        let running = metrics::gauge!("bcrypt_in_flight");
        let (done, result) = oneshot::channel();
        let job: Job = {
            let (queued, running) = (queued.clone(), running.clone());
            Box::new(move || {
                queued.decrement(1.0);
                running.increment(1.0);
                let outcome = catch_unwind(AssertUnwindSafe(work));
                running.decrement(1.0);
                let _ = done.send(outcome);
            })
        };
        queued.increment(1.0);
        let sent = self
            .jobs
            .lock()
            .map_err(|_| HashError::Workers("queue poisoned".into()))
            .and_then(|jobs| {
                jobs.send(job)
                    .map_err(|_| HashError::Workers("workers stopped".into()))
            });
        if let Err(err) = sent {
            queued.decrement(1.0);
            return Err(err);
        }
        result
            .await
            .map_err(|_| HashError::Workers("a worker stopped".into()))?
            .map_err(|_| HashError::Panicked)
    }
}

/// Puts the calling thread in `SCHED_IDLE` (it runs only when no normal thread wants the
/// core), or at nice [`FALLBACK_NICE`] if that is refused. Both are per thread on Linux and
/// need no privilege (they only lower priority). Elsewhere the thread keeps its priority.
// The workspace denies unsafe code; these two libc calls are the only ones it allows.
#[allow(unsafe_code)]
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: syscalls about the calling thread itself (id 0); `param` outlives the call.
        if unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) } == 0 {
            return;
        }
        let idle_error = std::io::Error::last_os_error();
        // SAFETY: as above.
        let niced = unsafe {
            libc::setpriority(
                libc::PRIO_PROCESS,
                libc::gettid() as libc::id_t,
                FALLBACK_NICE,
            )
        };
        if niced != 0 {
            tracing::warn!(
                error = %std::io::Error::last_os_error(),
                %idle_error,
                "cannot lower the bcrypt workers' priority"
            );
        }
    }
}

/// Hashes and verifies passwords at a fixed cost. Cheap to clone.
#[derive(Clone)]
pub struct PasswordHasher {
    cost: u32,
    workers: Arc<Workers>,
    max_concurrency: usize,
    /// Verified against when the account does not exist, so an unknown email costs as much
    /// time as a wrong password.
    dummy: PasswordHash,
}

impl PasswordHasher {
    /// A hasher at `cost` running at most `max_concurrency` computations at once. Computes
    /// the dummy hash (one bcrypt at `cost`) before returning.
    pub async fn new(cost: u32, max_concurrency: usize) -> Result<Self, HashError> {
        let workers = Arc::new(Workers::start(max_concurrency)?);
        let mut random = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut random);
        let dummy = workers.run(move || bcrypt::hash(random, cost)).await??;
        Ok(Self {
            cost,
            workers,
            max_concurrency: max_concurrency.max(1),
            dummy: PasswordHash(dummy),
        })
    }

    pub fn cost(&self) -> u32 {
        self.cost
    }

    pub async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError> {
        let password = password.clone();
        let cost = self.cost;
        let hash = self
            .workers
            .run(move || bcrypt::hash(password.expose(), cost))
            .await??;
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
        let matches = self
            .workers
            .run(move || {
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
            .field("max_concurrency", &self.max_concurrency)
            .finish_non_exhaustive()
    }
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

    #[tokio::test]
    #[allow(unsafe_code)]
    async fn workers_run_at_the_lowest_priority_and_in_parallel() {
        let hasher = PasswordHasher::new(4, 2).await.unwrap();
        #[cfg(target_os = "linux")]
        {
            // SAFETY: reads the calling thread's own policy and nice value.
            let (policy, nice) = hasher
                .workers
                .run(|| unsafe {
                    (
                        libc::sched_getscheduler(0),
                        libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t),
                    )
                })
                .await
                .unwrap();
            assert!(
                policy == libc::SCHED_IDLE || nice == FALLBACK_NICE,
                "policy {policy}, nice {nice}"
            );
        }
        let (first, second) = (
            password("first password here"),
            password("second password here"),
        );
        let (a, b) = tokio::join!(hasher.hash(&first), hasher.hash(&second));
        assert!(a.is_ok() && b.is_ok());
    }

    #[tokio::test]
    async fn a_panicking_job_is_an_error_and_the_worker_survives() {
        let hasher = PasswordHasher::new(4, 1).await.unwrap();
        let panicked = hasher.workers.run(|| panic!("boom")).await;
        assert!(matches!(panicked, Err(HashError::Panicked)));
        assert!(hasher.hash(&password("still working fine")).await.is_ok());
    }

    #[test]
    fn debug_redacts_hashes() {
        let hash = PasswordHash::new("$2b$04$secretsecret".to_owned());
        assert!(!format!("{hash:?}").contains("secret"));
    }
}
