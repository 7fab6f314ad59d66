//! argon2id hashing. Always off the async runtime: one hash takes tens of milliseconds of CPU.
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;

/// Library defaults: argon2id, m = 19 MiB, t = 2, p = 1 (OWASP's recommended minimum).
pub fn hash_blocking(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn is_valid_hash(hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| h.algorithm.as_str().starts_with("argon2"))
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Password checks running at once, at most. Each takes 19 MiB and a core for tens of
/// milliseconds; past this many, a burst waits its turn instead of exhausting memory.
pub const MAX_CONCURRENT_VERIFICATIONS: usize = 4;
static VERIFYING: tokio::sync::Semaphore =
    tokio::sync::Semaphore::const_new(MAX_CONCURRENT_VERIFICATIONS);

/// Checks a password; with no stored hash it still does the same work, so response time does
/// not tell whether the username exists.
pub async fn verify(password: String, hash: Option<String>) -> bool {
    let Ok(_turn) = VERIFYING.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || match hash {
        Some(h) => verify_blocking(&password, &h),
        None => {
            static DUMMY: OnceLock<String> = OnceLock::new();
            let dummy =
                DUMMY.get_or_init(|| hash_blocking("not-a-real-password").unwrap_or_default());
            let _ = verify_blocking(&password, dummy);
            false
        }
    })
    .await
    .unwrap_or(false)
}

pub async fn hash(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| e.to_string())?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_burst_of_checks_runs_a_few_at_a_time() {
        let hash = hash("correct horse".into()).await.unwrap();
        let checks = (0..24).map(|i| {
            let hash = hash.clone();
            tokio::spawn(async move { verify(format!("guess {i}"), Some(hash)).await })
        });
        let mut peak = 0;
        let watcher = tokio::spawn(async move {
            for _ in 0..400 {
                let busy = MAX_CONCURRENT_VERIFICATIONS - VERIFYING.available_permits();
                peak = peak.max(busy);
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
            peak
        });
        for c in checks {
            assert!(!c.await.unwrap());
        }
        let peak = watcher.await.unwrap();
        assert!(peak >= 1, "the watcher saw checks running");
        assert!(peak <= MAX_CONCURRENT_VERIFICATIONS, "{peak} at once");
        assert_eq!(VERIFYING.available_permits(), MAX_CONCURRENT_VERIFICATIONS);
    }

    #[test]
    fn round_trip() {
        let h = hash_blocking("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(is_valid_hash(&h));
        assert!(verify_blocking("correct horse", &h));
        assert!(!verify_blocking("wrong horse", &h));
        assert!(!is_valid_hash("plain-text"));
    }
}
