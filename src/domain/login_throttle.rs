//! When repeated failed sign-ins lock an account or a client address for a while.

use time::{Duration, OffsetDateTime};

/// Failures allowed for one account within [`WINDOW`] before it is locked.
pub const ACCOUNT_LIMIT: i32 = 5;
/// Failures allowed from one client address within [`WINDOW`] before it is locked.
pub const ADDRESS_LIMIT: i32 = 20;
/// The window failures are counted in, and how long a lock lasts.
pub const WINDOW: Duration = Duration::minutes(15);

/// Failed attempts counted against one key (an account or a client address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottleState {
    /// Failures in the current window.
    pub failures: i32,
    /// When the current window began.
    pub window_started_at: OffsetDateTime,
    /// Until when sign-in is refused, if locked.
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

    /// Whether sign-in is refused at `now`.
    pub fn is_locked(&self, now: OffsetDateTime) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }

    /// The state after one more failure at `now`, given `limit` failures per window.
    pub fn after_failure(self, now: OffsetDateTime, limit: i32) -> Self {
        let expired_lock = self.locked_until.is_some_and(|until| until <= now);
        let window_over = now - self.window_started_at >= WINDOW;
        let base = if expired_lock || window_over {
            Self::fresh(now)
        } else {
            self
        };
        let failures = base.failures + 1;
        let locked_until = if failures >= limit {
            Some(now + WINDOW)
        } else {
            base.locked_until
        };
        Self {
            failures,
            window_started_at: base.window_started_at,
            locked_until,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-11-23 09:00 UTC);

    fn fail(n: i32, limit: i32, step: Duration) -> ThrottleState {
        (0..n).fold(ThrottleState::fresh(T0), |s, i| {
            s.after_failure(T0 + step * i, limit)
        })
    }

    #[test]
    fn locks_at_the_limit_within_the_window() {
        let s = fail(ACCOUNT_LIMIT - 1, ACCOUNT_LIMIT, Duration::seconds(10));
        assert!(!s.is_locked(T0 + Duration::minutes(1)));
        let s = s.after_failure(T0 + Duration::minutes(1), ACCOUNT_LIMIT);
        assert!(s.is_locked(T0 + Duration::minutes(1)));
        assert_eq!(s.locked_until, Some(T0 + Duration::minutes(1) + WINDOW));
    }

    #[test]
    fn lock_expires_after_the_window() {
        let s = fail(ACCOUNT_LIMIT, ACCOUNT_LIMIT, Duration::seconds(1));
        assert!(s.is_locked(T0 + Duration::minutes(10)));
        assert!(!s.is_locked(T0 + Duration::minutes(16)));
        let after = s.after_failure(T0 + Duration::minutes(16), ACCOUNT_LIMIT);
        assert_eq!(after.failures, 1);
        assert!(!after.is_locked(T0 + Duration::minutes(16)));
    }

    #[test]
    fn slow_failures_never_lock() {
        let s = fail(50, ACCOUNT_LIMIT, Duration::minutes(16));
        assert!(!s.is_locked(T0 + Duration::minutes(16 * 50)));
        assert_eq!(s.failures, 1);
    }

    #[test]
    fn address_limit_is_higher_than_account_limit() {
        let s = fail(ACCOUNT_LIMIT, ADDRESS_LIMIT, Duration::seconds(1));
        assert!(!s.is_locked(T0 + Duration::seconds(5)));
        let s = fail(ADDRESS_LIMIT, ADDRESS_LIMIT, Duration::seconds(1));
        assert!(s.is_locked(T0 + Duration::seconds(30)));
    }
}
