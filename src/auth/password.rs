//! Password hashing with argon2id (OWASP parameters), off the async runtime.

use anyhow::Context;
use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use sha2::{Digest, Sha256};

use crate::domain::NewPassword;

/// A hash of a password nobody knows, verified when the email is unknown so that a sign-in
/// takes as long whether or not the account exists.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c3BlY3RyYWR1bW15c2FsdA$yOzYBCE0wZq4Nt3nEBTr4r+xwusTSR1mwbVbQIvPH9E";

fn hasher() -> anyhow::Result<Argon2<'static>> {
    // OWASP: argon2id, 19 MiB, 2 iterations, 1 lane.
    let params =
        Params::new(19_456, 2, 1, None).map_err(|e| anyhow::anyhow!("argon2 params: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a new password into a PHC string.
pub async fn hash(password: &NewPassword) -> anyhow::Result<String> {
    let password = password.expose().to_owned();
    tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        let hash = hasher()?
            .hash_password(password.as_bytes())
            .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
        Ok(hash.to_string())
    })
    .await
    .context("password hashing task")?
}

/// Checks `candidate` against `stored`; with no stored hash it checks a dummy one and fails.
pub async fn verify(candidate: String, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let parsed = PasswordHash::new(&stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
        let matches = hasher()?
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await
    .context("password verification task")?
}

/// A short fingerprint of a stored hash. A session remembers it, so changing the password
/// ends every session signed in with the old one.
pub fn fingerprint(stored_hash: &str) -> String {
    hex::encode(&Sha256::digest(stored_hash.as_bytes())[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_with_owasp_parameters_and_verifies() {
        let pw = NewPassword::parse("purple-kettle-river", "purple-kettle-river", "x@y.z").unwrap();
        let stored = hash(&pw).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify("purple-kettle-river".into(), Some(stored.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify("purple-kettle-rivet".into(), Some(stored))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn unknown_users_never_verify_but_still_do_the_work() {
        assert!(!verify("anything".into(), None).await.unwrap());
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn fingerprint_changes_with_the_hash() {
        assert_ne!(fingerprint("a"), fingerprint("b"));
        assert_eq!(fingerprint("a").len(), 32);
    }
}
