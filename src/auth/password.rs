//! Password hashing with argon2id (OWASP parameters), off the async runtime, through a
//! [`HashGate`] that bounds how many run at once. Each hash works in 19 MiB for about a
//! twentieth of a second: unbounded, a burst of sign-ins would take hundreds of megabytes and
//! every core from the pages.
//!
//! The 19 MiB are not allocated for each hash: each turn at the gate lends one of at most
//! `HASH_CONCURRENCY` work areas, made once and reused. Allocating and freeing them per hash
//! on the blocking pool's many threads let the C allocator keep gigabytes it had freed (seen:
//! 5 GB after a storm of sign-ins); lent, the hashing memory is fixed at
//! `HASH_CONCURRENCY` × 19 MiB.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, PasswordVerifier, Version};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

use crate::domain::NewPassword;

/// A hash of a password nobody knows, verified when the email is unknown so that a sign-in
/// takes as long whether or not the account exists.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c3BlY3RyYWR1bW15c2FsdA$yOzYBCE0wZq4Nt3nEBTr4r+xwusTSR1mwbVbQIvPH9E";

/// OWASP: argon2id, 19 MiB (19,456 blocks of 1 KiB), 2 iterations, 1 lane.
const MEMORY_BLOCKS: u32 = 19_456;

fn params() -> anyhow::Result<Params> {
    Params::new(MEMORY_BLOCKS, 2, 1, None).map_err(|e| anyhow::anyhow!("argon2 params: {e}"))
}

/// One hash's 19 MiB, lent by the gate for a turn.
type WorkArea = Vec<Block>;

fn work_area() -> WorkArea {
    vec![Block::default(); MEMORY_BLOCKS as usize]
}

/// Hashes `password` with a new random salt in `area`, as a PHC string.
fn hash_in(area: &mut [Block], password: &[u8]) -> anyhow::Result<String> {
    let params = params()?;
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password, &salt, &mut out, area)
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| anyhow::anyhow!("params: {e}"))?,
        salt: Some(Salt::new(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("output: {e}"))?),
    };
    Ok(phc.to_string())
}

/// Whether `candidate` hashes to `stored` (a PHC string), in `area` when it is big enough
/// (every hash this service makes); a stored hash with larger parameters gets its own memory.
fn matches_in(area: &mut [Block], candidate: &[u8], stored: &str) -> anyhow::Result<bool> {
    let parsed = PasswordHash::new(stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str())
        .map_err(|e| anyhow::anyhow!("stored hash algorithm: {e}"))?;
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(|e| anyhow::anyhow!("stored hash version: {e}"))?
        .unwrap_or_default();
    let params = Params::try_from(&parsed).map_err(|e| anyhow::anyhow!("stored params: {e}"))?;
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let Some(area) = area.get_mut(..params.block_count()) else {
        return Ok(argon2.verify_password(candidate, &parsed).is_ok());
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        anyhow::bail!("stored hash has no salt or output");
    };
    let mut out = vec![0u8; expected.len()];
    argon2
        .hash_password_into_with_memory(candidate, salt.as_ref(), &mut out, area)
        .map_err(|e| anyhow::anyhow!("verifying: {e}"))?;
    Ok(bool::from(out.as_slice().ct_eq(expected.as_bytes())))
}

/// The hash was not run because too many were running or waiting: the person is asked to
/// try again in a moment (503 with `Retry-After`). Travels inside `anyhow::Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("too many password hashes are running or waiting")]
pub struct HashingBusy;

/// Lets at most `concurrency` hashes run at once on the blocking pool, with at most `queue`
/// more waiting for a turn; beyond that a hash is refused with [`HashingBusy`] at once,
/// rather than holding memory and a connection while it waits. Cheap to clone: clones share
/// the same limits.
#[derive(Clone, Debug)]
pub struct HashGate {
    permits: Arc<Semaphore>,
    areas: Arc<Mutex<Vec<WorkArea>>>,
    counts: Arc<Counts>,
    concurrency: usize,
    queue: usize,
}

#[derive(Debug, Default)]
struct Counts {
    /// Running or waiting now.
    admitted: AtomicUsize,
    /// Running now.
    running: AtomicUsize,
    /// The most that have ever run at once.
    peak: AtomicUsize,
}

/// A hash's place in the gate: taken on admission, given back when the hash ends or its
/// request goes away while waiting.
struct Admission(Arc<Counts>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A hash running now; counted in `running` until it ends.
struct Running(Arc<Counts>);

impl Running {
    fn start(counts: &Arc<Counts>) -> Self {
        let now = counts.running.fetch_add(1, Ordering::AcqRel) + 1;
        counts.peak.fetch_max(now, Ordering::AcqRel);
        Self(counts.clone())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::AcqRel);
    }
}

impl HashGate {
    /// A gate letting `concurrency` (at least 1) hashes run and `queue` wait.
    pub fn new(concurrency: usize, queue: usize) -> Self {
        let concurrency = concurrency.max(1);
        Self {
            permits: Arc::new(Semaphore::new(concurrency)),
            areas: Arc::default(),
            counts: Arc::default(),
            concurrency,
            queue,
        }
    }

    /// A gate for the command line and seeding: one hash at a time, any number waiting.
    pub fn for_tools() -> Self {
        Self::new(1, usize::MAX / 2)
    }

    /// How many may run at once.
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// The most hashes that have ever run at once through this gate.
    pub fn peak(&self) -> usize {
        self.counts.peak.load(Ordering::Acquire)
    }

    /// Takes a place in the gate (running or waiting), or refuses at once with
    /// [`HashingBusy`] when all are taken: checked before anything else is done for the
    /// request, so a refused sign-in costs nothing, not even a throttle slot.
    pub fn admit(&self) -> anyhow::Result<Ticket> {
        let admitted = self.counts.admitted.fetch_add(1, Ordering::AcqRel);
        let admission = Admission(self.counts.clone());
        if !crate::domain::load::admits(admitted, self.concurrency, self.queue) {
            return Err(HashingBusy.into());
        }
        Ok(Ticket {
            admission,
            permits: self.permits.clone(),
            areas: self.areas.clone(),
        })
    }

    #[cfg(test)]
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut [Block]) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        self.admit()?.run(work).await
    }

    /// How many work areas have been made (never more than may run at once).
    #[cfg(test)]
    fn areas_made(&self) -> usize {
        self.areas.lock().map_or(0, |a| a.len())
    }
}

/// A place in the [`HashGate`]: spend it on one hash or verification.
#[derive(Debug)]
pub struct Ticket {
    admission: Admission,
    permits: Arc<Semaphore>,
    areas: Arc<Mutex<Vec<WorkArea>>>,
}

impl std::fmt::Debug for Admission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Admission")
    }
}

impl Ticket {
    /// Runs `work` on the blocking pool when a turn comes. A request that goes away while
    /// waiting gives its place back; one that goes away while its hash runs keeps the turn
    /// until the hash ends, so the bound holds.
    async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce(&mut [Block]) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let Ticket {
            admission,
            permits,
            areas,
        } = self;
        let permit = permits
            .acquire_owned()
            .await
            .context("password hashing gate closed")?;
        let counts = admission.0.clone();
        tokio::task::spawn_blocking(move || {
            let running = Running::start(&counts);
            // A turn's area: one left by an earlier turn, or a new one while fewer than the
            // turns exist. An area is put back only after its hash, so with the permit held
            // there is never a need for more areas than turns.
            let mut area = areas
                .lock()
                .ok()
                .and_then(|mut free| free.pop())
                .unwrap_or_else(work_area);
            let result = work(&mut area);
            if let Ok(mut free) = areas.lock() {
                free.push(area);
            }
            drop(running);
            drop(permit);
            drop(admission);
            result
        })
        .await
        .context("password hashing task")?
    }

    /// Hashes a new password with this place; see [`hash`].
    pub async fn hash(self, password: &NewPassword) -> anyhow::Result<String> {
        let password = password.expose().to_owned();
        self.run(move |area| hash_in(area, password.as_bytes()))
            .await
    }

    /// Checks `candidate` against `stored` with this place; see [`verify`].
    pub async fn verify(self, candidate: String, stored: Option<String>) -> anyhow::Result<bool> {
        self.run(move |area| check(area, &candidate, stored)).await
    }
}

/// Hashes a new password into a PHC string, through the gate.
pub async fn hash(gate: &HashGate, password: &NewPassword) -> anyhow::Result<String> {
    gate.admit()?.hash(password).await
}

/// Checks `candidate` against `stored`, through the gate; with no stored hash it checks a
/// dummy one (through the same gate, so it takes as long) and fails.
pub async fn verify(
    gate: &HashGate,
    candidate: String,
    stored: Option<String>,
) -> anyhow::Result<bool> {
    gate.admit()?.verify(candidate, stored).await
}

fn check(area: &mut [Block], candidate: &str, stored: Option<String>) -> anyhow::Result<bool> {
    let known = stored.is_some();
    let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
    let matches = matches_in(area, candidate.as_bytes(), &stored)?;
    Ok(known && matches)
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
        let gate = HashGate::new(1, 0);
        let stored = hash(&gate, &pw).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify(&gate, "purple-kettle-river".into(), Some(stored.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify(&gate, "purple-kettle-rivet".into(), Some(stored))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn unknown_users_never_verify_but_still_do_the_work() {
        let gate = HashGate::new(1, 0);
        assert!(!verify(&gate, "anything".into(), None).await.unwrap());
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert_eq!(gate.peak(), 1, "the dummy hash went through the gate");
    }

    #[test]
    fn hashes_made_in_a_reused_area_agree_with_the_reference_implementation() {
        let mut area = work_area();
        let stored = hash_in(&mut area, b"purple-kettle-river").unwrap();
        // The argon2 crate's own verifier (which allocates its own memory) accepts it.
        let parsed = PasswordHash::new(&stored).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"purple-kettle-river", &parsed)
                .is_ok()
        );
        // A hash made by the crate's own hasher verifies in a used area.
        use argon2::PasswordHasher;
        let reference = Argon2::new(Algorithm::Argon2id, Version::V0x13, params().unwrap())
            .hash_password(b"orange-teapot-hill")
            .unwrap()
            .to_string();
        assert!(matches_in(&mut area, b"orange-teapot-hill", &reference).unwrap());
        assert!(!matches_in(&mut area, b"orange-teapot-hilt", &reference).unwrap());
        assert!(matches_in(&mut area, b"purple-kettle-river", &stored).unwrap());
        // Larger parameters than the area holds still verify, with memory of their own.
        let bigger = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(MEMORY_BLOCKS * 2, 1, 1, None).unwrap(),
        )
        .hash_password(b"big")
        .unwrap()
        .to_string();
        assert!(matches_in(&mut area, b"big", &bigger).unwrap());
        assert!(!matches_in(&mut area, b"small", &bigger).unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn the_gate_bounds_running_hashes_and_refuses_beyond_its_queue() {
        let gate = HashGate::new(2, 3);
        let release = Arc::new(std::sync::Barrier::new(3));
        // Two hashes hold their turns until released; three more wait.
        let mut held = Vec::new();
        for _ in 0..2 {
            let (gate, release) = (gate.clone(), release.clone());
            held.push(tokio::spawn(async move {
                gate.run(move |_| {
                    release.wait();
                    Ok(())
                })
                .await
            }));
        }
        while gate.counts.running.load(Ordering::Acquire) < 2 {
            tokio::task::yield_now().await;
        }
        let mut waiting = Vec::new();
        for _ in 0..3 {
            let gate = gate.clone();
            waiting.push(tokio::spawn(async move { gate.run(|_| Ok(())).await }));
        }
        while gate.counts.admitted.load(Ordering::Acquire) < 5 {
            tokio::task::yield_now().await;
        }
        let refused = gate.run(|_| Ok(())).await.unwrap_err();
        assert_eq!(refused.downcast_ref::<HashingBusy>(), Some(&HashingBusy));

        release.wait();
        for task in held.into_iter().chain(waiting) {
            task.await.unwrap().unwrap();
        }
        assert_eq!(gate.peak(), 2);
        assert_eq!(gate.counts.admitted.load(Ordering::Acquire), 0);
        assert_eq!(gate.counts.running.load(Ordering::Acquire), 0);
        // With the queue empty again, hashes are admitted.
        gate.run(|_| Ok(())).await.unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn many_at_once_never_run_more_than_allowed() {
        let gate = HashGate::new(3, 1_000);
        let tasks: Vec<_> = (0..60)
            .map(|_| {
                let gate = gate.clone();
                tokio::spawn(async move {
                    gate.run(|_| {
                        std::thread::sleep(std::time::Duration::from_millis(2));
                        Ok(())
                    })
                    .await
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert!(gate.peak() <= 3, "peak {}", gate.peak());
        assert!(gate.peak() >= 1);
        assert!(gate.areas_made() <= 3, "{} work areas", gate.areas_made());
    }

    #[test]
    fn fingerprint_changes_with_the_hash() {
        assert_ne!(fingerprint("a"), fingerprint("b"));
        assert_eq!(fingerprint("a").len(), 32);
    }
}
