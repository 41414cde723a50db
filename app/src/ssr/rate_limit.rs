//! A per-address request limit for the public certificate lookups (the
//! JSON API, the `/verify` page's server function and the register).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// Lookups one address may make per minute.
pub const PER_MINUTE: u32 = 60;

/// A fixed one-minute window per address, kept in memory: enough to stop a
/// script from walking the number space, and forgotten on restart.
#[derive(Clone, Default)]
pub struct RateLimit {
    windows: Arc<Mutex<HashMap<IpAddr, (i64, u32)>>>,
}

impl RateLimit {
    /// Counts one request from `address` at `now` (Unix seconds); the
    /// seconds to wait if the address has used up this minute.
    pub fn check(&self, address: IpAddr, now: i64) -> Option<i64> {
        let minute = now / 60;
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        // Forget past minutes now and then so the map stays small.
        if windows.len() > 10_000 {
            windows.retain(|_, (m, _)| *m == minute);
        }
        let entry = windows.entry(address).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        entry.1 += 1;
        (entry.1 > PER_MINUTE).then(|| 60 - now % 60)
    }
}

/// Counts a public lookup by the current request's caller; refuses it once
/// the address has used up the minute. Requests without an address (tests
/// calling in-process) are not counted.
pub fn admit(state: &super::AppState) -> Result<(), crate::error::AppError> {
    let Some(address) = super::context::client_ip(&state.settings) else {
        return Ok(());
    };
    match state.lookups.check(address, super::db::now()) {
        Some(wait) => Err(crate::error::AppError::Throttled {
            retry_after_secs: wait.max(1) as u64,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixty_first_request_in_a_minute_waits_for_the_next() {
        let limit = RateLimit::default();
        let address: IpAddr = "192.0.2.7".parse().unwrap();
        let other: IpAddr = "192.0.2.8".parse().unwrap();
        for _ in 0..PER_MINUTE {
            assert_eq!(limit.check(address, 120), None);
        }
        assert_eq!(limit.check(address, 130), Some(50));
        assert_eq!(limit.check(other, 130), None, "addresses are counted apart");
        assert_eq!(
            limit.check(address, 180),
            None,
            "a new minute starts afresh"
        );
    }
}
