//! Password hashing with argon2id, off the async runtime and bounded, so a
//! burst of logins cannot starve the server of threads or memory.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

/// OWASP's argon2id minimum: 19 MiB, two passes, one lane.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes and verifies on the blocking pool, at most `permits` at a time
/// (each hash holds 19 MiB for a few tens of milliseconds).
#[derive(Debug, Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("hashing task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("hasher closed")]
    Closed,
}

impl Hasher {
    pub fn new(concurrency: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| HashError::Closed)?;
        tokio::task::spawn_blocking(move || hash_blocking(&password)).await?
    }

    /// Checks `password` against `stored`; with no stored hash (unknown
    /// account) it checks a dummy hash instead, so the answer takes as long
    /// either way and timing does not reveal who has an account.
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| HashError::Closed)?;
        tokio::task::spawn_blocking(move || {
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
        .map_err(HashError::from)
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
    async fn two_hashes_of_one_password_differ_by_their_salt() {
        let hasher = Hasher::new(2);
        let a = hasher.hash("academy-demo".into()).await.unwrap();
        let b = hasher.hash("academy-demo".into()).await.unwrap();
        assert_ne!(a, b);
    }
}
