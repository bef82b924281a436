//! Rules that keep the service cheap under load: when a session is renewed, and how many
//! password hashes may run or wait at once.

use std::time::Duration;

/// How long a session's last renewal stays good before activity renews it again: a minute,
/// or a thirtieth of the idle timeout when that is shorter (as in tests with short timeouts).
pub fn renewal_interval(idle: Duration) -> Duration {
    (idle / 30).min(Duration::from_secs(60))
}

/// Whether a request should renew its session (push its expiry back to a full idle timeout
/// from now, which rewrites its row): when it was last renewed at least `interval` ago, never
/// renewed, or renewed in the future (a clock that went back).
pub fn renewal_due(last_renewed: Option<i64>, now: i64, interval: Duration) -> bool {
    let interval = i64::try_from(interval.as_secs()).unwrap_or(i64::MAX);
    match last_renewed {
        None => true,
        Some(last) if last > now => true,
        Some(last) => now - last >= interval,
    }
}

/// How long a session has left without activity, in whole seconds: the idle period from when
/// it was last renewed (its row was last saved with a fresh expiry then). A session never
/// renewed, or renewed in the future (a clock that went back), is taken as renewed now. The
/// timeout warning counts down from this, not from a full idle period, because a page can be
/// shown up to a renewal interval after the last renewal.
pub fn seconds_left(last_renewed: Option<i64>, now: i64, idle: Duration) -> u64 {
    let idle = idle.as_secs();
    match last_renewed {
        Some(last) if last <= now => {
            idle.saturating_sub(u64::try_from(now - last).unwrap_or(u64::MAX))
        }
        _ => idle,
    }
}

/// How many password hashes may run at once by default: one fewer than the cores, so that
/// pages keep a core while people sign in, and at least one.
pub fn default_hash_concurrency(cores: usize) -> usize {
    cores.saturating_sub(1).max(1)
}

/// How many sign-ins may wait for a hash by default: eight for each that may run. A hash
/// takes about a twentieth of a second here, so the last in the queue waits under half a
/// second; anyone beyond it is asked to try again in a moment.
pub fn default_hash_queue(concurrency: usize) -> usize {
    concurrency.saturating_mul(8)
}

/// Whether one more hash may be admitted (to run or to wait) when `admitted` already are.
pub fn admits(admitted: usize, concurrency: usize, queue: usize) -> bool {
    admitted < concurrency.saturating_add(queue)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_session_has_the_idle_period_left_from_its_last_renewal() {
        let idle = Duration::from_secs(1800);
        assert_eq!(super::seconds_left(Some(1_000), 1_000, idle), 1800);
        assert_eq!(super::seconds_left(Some(1_000), 1_059, idle), 1741);
        assert_eq!(super::seconds_left(Some(1_000), 2_800, idle), 0);
        assert_eq!(super::seconds_left(Some(1_000), 9_999, idle), 0);
        assert_eq!(super::seconds_left(None, 1_000, idle), 1800);
        // A renewal stamped in the future (a clock that went back) counts as now.
        assert_eq!(super::seconds_left(Some(2_000), 1_000, idle), 1800);
    }

    use super::*;

    #[test]
    fn renewal_interval_is_a_minute_for_the_real_timeout() {
        assert_eq!(
            renewal_interval(Duration::from_secs(30 * 60)),
            Duration::from_secs(60)
        );
        assert_eq!(
            renewal_interval(Duration::from_secs(8 * 3600)),
            Duration::from_secs(60)
        );
        assert_eq!(
            renewal_interval(Duration::from_secs(60)),
            Duration::from_secs(2)
        );
        assert_eq!(renewal_interval(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn a_session_is_renewed_at_most_once_an_interval() {
        let minute = Duration::from_secs(60);
        assert!(renewal_due(None, 1_000, minute));
        assert!(!renewal_due(Some(1_000), 1_000, minute));
        assert!(!renewal_due(Some(1_000), 1_059, minute));
        assert!(renewal_due(Some(1_000), 1_060, minute));
        assert!(renewal_due(Some(1_000), 5_000, minute));
        assert!(renewal_due(Some(2_000), 1_000, minute), "clock went back");
        assert!(renewal_due(Some(1_000), 1_000, Duration::ZERO));
    }

    #[test]
    fn hashing_keeps_a_core_for_pages() {
        assert_eq!(default_hash_concurrency(0), 1);
        assert_eq!(default_hash_concurrency(1), 1);
        assert_eq!(default_hash_concurrency(2), 1);
        assert_eq!(default_hash_concurrency(8), 7);
        assert_eq!(default_hash_queue(1), 8);
        assert_eq!(default_hash_queue(7), 56);
    }

    #[test]
    fn the_gate_admits_up_to_running_plus_waiting() {
        assert!(admits(0, 1, 0));
        assert!(!admits(1, 1, 0));
        assert!(admits(8, 1, 8));
        assert!(!admits(9, 1, 8));
        assert!(!admits(usize::MAX, usize::MAX, 1));
    }
}
