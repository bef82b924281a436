//! When repeated attempts lock a key (an account, a client address) for a while.
//!
//! An attempt takes its slot *before* the slow part (checking a password, sending an email):
//! [`ThrottleState::reserve`] counts it as a failure at once, and refuses it when the key has
//! no slot left. A password that turns out to be right gives its slot back with
//! [`ThrottleState::release`]. Counting first is what keeps the limit under concurrency: the
//! check and the count are one step, so forty attempts at the same moment still get only
//! [`ACCOUNT`]`.limit` tries between them.

use time::{Duration, OffsetDateTime};

/// How many attempts a key may make in a window, and how long it is locked after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Attempts allowed within [`Policy::window`]; the one that reaches it locks the key.
    pub limit: i32,
    /// The window attempts are counted in, and how long a lock lasts.
    pub window: Duration,
}

/// Failed sign-ins allowed for one account in 15 minutes.
pub const ACCOUNT: Policy = Policy {
    limit: 5,
    window: WINDOW,
};
/// Failed sign-ins allowed from one client address in 15 minutes.
pub const ADDRESS: Policy = Policy {
    limit: 20,
    window: WINDOW,
};
/// The window sign-in failures are counted in, and how long a sign-in lock lasts.
pub const WINDOW: Duration = Duration::minutes(15);

/// Attempts counted against one key (an account or a client address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottleState {
    /// Attempts counted in the current window (failures, and attempts still being checked).
    pub failures: i32,
    /// When the current window began.
    pub window_started_at: OffsetDateTime,
    /// Until when attempts are refused, if locked.
    pub locked_until: Option<OffsetDateTime>,
}

impl ThrottleState {
    /// A key with no failures.
    pub fn fresh(now: OffsetDateTime) -> Self {
        Self {
            failures: 0,
            window_started_at: now,
            locked_until: None,
        }
    }

    /// Whether attempts are refused at `now`.
    pub fn is_locked(&self, now: OffsetDateTime) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }

    /// Takes a slot for an attempt at `now`, counting it as a failure until it is released:
    /// the state to store, or `None` when the key is locked and the attempt must be refused.
    /// The attempt that takes the last slot is allowed and locks the key for the next ones.
    pub fn reserve(self, now: OffsetDateTime, policy: Policy) -> Option<Self> {
        if self.is_locked(now) {
            return None;
        }
        let expired_lock = self.locked_until.is_some_and(|until| until <= now);
        let window_over = now - self.window_started_at >= policy.window;
        let base = if expired_lock || window_over {
            Self::fresh(now)
        } else {
            self
        };
        if base.failures >= policy.limit {
            return None;
        }
        let failures = base.failures + 1;
        Some(Self {
            failures,
            window_started_at: base.window_started_at,
            locked_until: (failures >= policy.limit).then(|| now + policy.window),
        })
    }

    /// Gives back one reserved slot (the attempt succeeded). A lock that only that slot
    /// completed is lifted, since the key no longer has `policy.limit` failures.
    pub fn release(self, policy: Policy) -> Self {
        let failures = (self.failures - 1).max(0);
        Self {
            failures,
            window_started_at: self.window_started_at,
            locked_until: self.locked_until.filter(|_| failures >= policy.limit),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-11-23 09:00 UTC);

    /// `n` attempts `step` apart; panics if one is refused.
    fn attempts(n: i32, policy: Policy, step: Duration) -> ThrottleState {
        (0..n).fold(ThrottleState::fresh(T0), |s, i| {
            s.reserve(T0 + step * i, policy).expect("a slot")
        })
    }

    #[test]
    fn the_attempt_that_takes_the_last_slot_locks_the_next_ones_out() {
        let s = attempts(ACCOUNT.limit - 1, ACCOUNT, Duration::seconds(10));
        assert!(!s.is_locked(T0 + Duration::minutes(1)));
        let s = s
            .reserve(T0 + Duration::minutes(1), ACCOUNT)
            .expect("the last slot is still given");
        assert!(s.is_locked(T0 + Duration::minutes(1)));
        assert_eq!(s.locked_until, Some(T0 + Duration::minutes(1) + WINDOW));
        assert_eq!(s.reserve(T0 + Duration::minutes(2), ACCOUNT), None);
    }

    #[test]
    fn however_many_ask_at_once_only_the_limit_get_a_slot() {
        let mut state = ThrottleState::fresh(T0);
        let granted = (0..40)
            .filter(|_| match state.reserve(T0, ACCOUNT) {
                Some(next) => {
                    state = next;
                    true
                }
                None => false,
            })
            .count();
        assert_eq!(granted, 5);
    }

    #[test]
    fn lock_expires_after_the_window() {
        let s = attempts(ACCOUNT.limit, ACCOUNT, Duration::seconds(1));
        assert!(s.is_locked(T0 + Duration::minutes(10)));
        assert!(!s.is_locked(T0 + Duration::minutes(16)));
        let after = s.reserve(T0 + Duration::minutes(16), ACCOUNT).unwrap();
        assert_eq!(after.failures, 1);
        assert!(!after.is_locked(T0 + Duration::minutes(16)));
    }

    #[test]
    fn slow_failures_never_lock() {
        let s = attempts(50, ACCOUNT, Duration::minutes(16));
        assert!(!s.is_locked(T0 + Duration::minutes(16 * 50)));
        assert_eq!(s.failures, 1);
    }

    #[test]
    fn address_limit_is_higher_than_account_limit() {
        let s = attempts(ACCOUNT.limit, ADDRESS, Duration::seconds(1));
        assert!(!s.is_locked(T0 + Duration::seconds(5)));
        let s = attempts(ADDRESS.limit, ADDRESS, Duration::seconds(1));
        assert!(s.is_locked(T0 + Duration::seconds(30)));
    }

    #[test]
    fn a_released_slot_can_be_taken_again() {
        let s = attempts(ACCOUNT.limit, ACCOUNT, Duration::seconds(1));
        let released = s.release(ACCOUNT);
        assert_eq!(released.failures, ACCOUNT.limit - 1);
        assert!(!released.is_locked(T0 + Duration::seconds(10)));
        assert!(
            released
                .reserve(T0 + Duration::seconds(10), ACCOUNT)
                .is_some()
        );
    }

    #[test]
    fn releasing_never_goes_below_nothing() {
        assert_eq!(ThrottleState::fresh(T0).release(ACCOUNT).failures, 0);
    }

    #[test]
    fn a_longer_window_counts_for_longer() {
        let hourly = Policy {
            limit: 3,
            window: Duration::hours(1),
        };
        let s = attempts(3, hourly, Duration::minutes(20));
        assert_eq!(s.reserve(T0 + Duration::minutes(59), hourly), None);
        assert!(
            s.reserve(T0 + Duration::minutes(40) + Duration::hours(1), hourly)
                .is_some()
        );
    }
}
