//! Password hashing with argon2id, off the async runtime and bounded, so a
//! burst of logins cannot starve the server of threads or memory: a few
//! hashes at a time, a short queue behind them, and beyond that a refusal
//! (503) rather than a pile of waiting requests.
//!
//! The hashes run on threads of their own at a lower priority (nice
//! [`HASH_NICE`]): when the machine is busy, pages and lookups come first
//! and a login waits a little longer, instead of a login storm taking a
//! whole core from everyone (the benchmark's login scenario).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::{Semaphore, SemaphorePermit};

/// OWASP's argon2id minimum: 19 MiB, two passes, one lane.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The hashing threads' nice value: they get about a tenth of a core's
/// share against a busy runtime thread (Linux's weights 110 to 1024), and
/// all of an idle machine.
pub const HASH_NICE: i32 = 10;

/// Threads that run hashing jobs, at [`HASH_NICE`]; they end when the last
/// [`Hasher`] holding them is dropped.
struct Workers {
    jobs: std::sync::Mutex<std::sync::mpsc::Sender<Job>>,
}

type Job = Box<dyn FnOnce() + Send>;

impl std::fmt::Debug for Workers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Workers")
    }
}

impl Workers {
    fn start(threads: usize) -> Self {
        let (jobs, receiver) = std::sync::mpsc::channel::<Job>();
        let receiver = Arc::new(std::sync::Mutex::new(receiver));
        for _ in 0..threads {
            let receiver = receiver.clone();
            let started = std::thread::Builder::new()
                .name("academy-hash".into())
                .spawn(move || {
                    // Linux's nice is per thread: this one only (elsewhere
                    // it would be the whole process's). Failing (a sandbox
                    // that forbids it) leaves it at the ordinary priority.
                    #[cfg(target_os = "linux")]
                    let _ = rustix::process::setpriority_process(None, HASH_NICE);
                    loop {
                        let job = receiver.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        match job {
                            // A job that panics fails its caller (its
                            // answer is dropped: `Closed`), not the thread.
                            Ok(job) => {
                                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                            }
                            Err(_) => break,
                        }
                    }
                });
            if let Err(error) = started {
                tracing::error!(%error, "starting a hashing thread");
            }
        }
        Workers {
            jobs: std::sync::Mutex::new(jobs),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let (done, result) = tokio::sync::oneshot::channel();
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .send(Box::new(move || {
                let _ = done.send(job());
            }))
            .map_err(|_| HashError::Closed)?;
        result.await.map_err(|_| HashError::Closed)
    }
}

/// Hashes and verifies on its own threads, at most `permits` at a time
/// (each hash holds 19 MiB for a few tens of milliseconds), with at most
/// `queue` more waiting.
#[derive(Debug, Clone)]
pub struct Hasher {
    workers: Arc<Workers>,
    permits: Arc<Semaphore>,
    queue: usize,
    waiting: Arc<AtomicUsize>,
    verifications: Arc<AtomicU64>,
}

/// The queue a hasher gets unless told otherwise: a second or two of work.
pub const DEFAULT_QUEUE: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("hashing task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("hasher closed")]
    Closed,
    /// Every permit is taken and the queue is full: try again shortly.
    #[error("too many passwords waiting to be hashed")]
    Busy,
}

impl From<HashError> for crate::error::AppError {
    fn from(error: HashError) -> Self {
        match error {
            HashError::Busy => crate::error::AppError::Unavailable {
                retry_after_secs: 1,
            },
            other => crate::error::AppError::internal(other),
        }
    }
}

impl Hasher {
    pub fn new(concurrency: usize) -> Self {
        Self::with_queue(concurrency, DEFAULT_QUEUE)
    }

    pub fn with_queue(concurrency: usize, queue: usize) -> Self {
        Self {
            workers: Arc::new(Workers::start(concurrency.max(1))),
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            queue,
            waiting: Default::default(),
            verifications: Default::default(),
        }
    }

    /// Passwords checked so far (for tests and metrics).
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    /// A permit now, or after a place in the queue, or `Busy`.
    async fn permit(&self) -> Result<SemaphorePermit<'_>, HashError> {
        if let Ok(permit) = self.permits.try_acquire() {
            return Ok(permit);
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(HashError::Busy);
        }
        let permit = self.permits.acquire().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        permit.map_err(|_| HashError::Closed)
    }

    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        let _permit = self.permit().await?;
        self.workers.run(move || hash_blocking(&password)).await?
    }

    /// Checks `password` against `stored`; with no stored hash (unknown
    /// account) it checks a dummy hash instead, so the answer takes as long
    /// either way and timing does not reveal who has an account.
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, HashError> {
        let _permit = self.permit().await?;
        self.verifications.fetch_add(1, Ordering::Relaxed);
        self.workers
            .run(move || {
                let known = stored.is_some();
                let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
                let matches = PasswordHash::new(&stored)
                    .map(|parsed| {
                        argon2()
                            .verify_password(password.as_bytes(), &parsed)
                            .is_ok()
                    })
                    .unwrap_or(false);
                known && matches
            })
            .await
    }
}

pub fn hash_blocking(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| HashError::Hash(e.to_string()))
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_blocking("an unguessable placeholder for unknown accounts")
            .expect("hashing a constant succeeds")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashing_runs_below_the_runtime_s_priority() {
        let hasher = Hasher::new(1);
        let inside = hasher
            .workers
            .run(|| rustix::process::getpriority_process(None))
            .await
            .unwrap()
            .unwrap();
        let outside = rustix::process::getpriority_process(None).unwrap();
        // (A test run already niced past it cannot go back up.)
        if outside < HASH_NICE {
            assert_eq!(inside, HASH_NICE, "the runtime's thread is at {outside}");
        }
    }

    #[tokio::test]
    async fn hashes_are_argon2id_with_the_configured_cost_and_verify() {
        let hasher = Hasher::new(2);
        let hash = hasher.hash("academy-demo".into()).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "unexpected parameters: {hash}"
        );
        assert!(hasher
            .verify("academy-demo".into(), Some(hash.clone()))
            .await
            .unwrap());
        assert!(!hasher
            .verify("academy-dem0".into(), Some(hash))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        let hasher = Hasher::new(1);
        assert!(!hasher.verify("anything".into(), None).await.unwrap());
        assert!(!hasher
            .verify("anything".into(), Some("not a hash".into()))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn a_full_queue_is_refused_at_once_rather_than_waited_for() {
        let hasher = Hasher::with_queue(1, 2);
        let burst: Vec<_> = (0..12)
            .map(|_| {
                let hasher = hasher.clone();
                tokio::spawn(async move { hasher.verify("guess".into(), None).await })
            })
            .collect();
        let mut busy = 0;
        let mut done = 0;
        for task in burst {
            match task.await.unwrap() {
                Ok(_) => done += 1,
                Err(HashError::Busy) => busy += 1,
                Err(other) => panic!("{other}"),
            }
        }
        assert!(busy > 0, "some were refused");
        assert!(
            (1..=3).contains(&done),
            "one working and two waiting at most: {done}"
        );
        assert_eq!(hasher.verifications(), done as u64);
    }

    #[tokio::test]
    async fn two_hashes_of_one_password_differ_by_their_salt() {
        let hasher = Hasher::new(2);
        let a = hasher.hash("academy-demo".into()).await.unwrap();
        let b = hasher.hash("academy-demo".into()).await.unwrap();
        assert_ne!(a, b);
    }
}
