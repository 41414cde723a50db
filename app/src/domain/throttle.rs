//! How long a login must wait after repeated failures.
//!
//! The first few mistakes cost nothing; after that each failure doubles the
//! wait, capped so that an attacker hammering someone's account can only keep
//! the real user out for a few minutes at a time — never lock them out.

/// Failures within this window count together; older ones are forgotten.
pub const WINDOW_SECS: i64 = 15 * 60;
/// The longest wait a run of failures can impose.
pub const MAX_DELAY_SECS: i64 = 5 * 60;
/// Failures allowed for one account before waits begin.
pub const FREE_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failures allowed from one address (across accounts) before waits begin.
pub const FREE_FAILURES_PER_ADDRESS: i64 = 20;

/// Seconds to wait after `failures` consecutive failures, given `free` are free.
pub fn delay_secs(failures: i64, free: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let doublings = (failures - free).min(16) as u32;
    (15_i64 << doublings).min(MAX_DELAY_SECS)
}

/// Seconds left before another attempt may be made, or 0 when it may be made now.
pub fn retry_after(failures: i64, free: i64, last_failed_at: i64, now: i64) -> i64 {
    let wait = delay_secs(failures, free);
    (last_failed_at + wait - now).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_failures_are_free_then_waits_double_up_to_the_cap() {
        for (failures, expected) in [
            (0, 0),
            (4, 0),
            (5, 15),
            (6, 30),
            (7, 60),
            (8, 120),
            (9, 240),
            (10, 300),
            (50, 300),
            (i64::MAX / 2, 300),
        ] {
            assert_eq!(
                delay_secs(failures, FREE_FAILURES_PER_ACCOUNT),
                expected,
                "after {failures} failures"
            );
        }
    }

    #[test]
    fn the_wait_runs_from_the_last_failure() {
        assert_eq!(retry_after(6, 5, 1_000, 1_010), 20);
        assert_eq!(retry_after(6, 5, 1_000, 1_030), 0);
        assert_eq!(retry_after(2, 5, 1_000, 1_000), 0);
    }
}
