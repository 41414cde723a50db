//! Per-address request limits: the public certificate lookups (the JSON
//! API, the `/verify` page and the register), registration and the
//! set-password links. Each is a number of requests per window, set by the
//! deployment (`ACADEMY_*_PER_*`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// Public lookups one address may make per minute unless configured.
pub const LOOKUPS_PER_MINUTE: u32 = 60;
/// Registrations one address may make per hour unless configured.
pub const REGISTRATIONS_PER_HOUR: u32 = 20;
/// Set-password links one address may use per hour unless configured.
pub const PASSWORD_LINKS_PER_HOUR: u32 = 20;

/// A fixed window per address, kept in memory: enough to stop a script from
/// walking the number space or the e-mail addresses, and forgotten on restart.
#[derive(Clone)]
pub struct RateLimit {
    limit: u32,
    window_secs: i64,
    windows: Arc<Mutex<HashMap<IpAddr, (i64, u32)>>>,
}

impl RateLimit {
    pub fn new(limit: u32, window_secs: i64) -> Self {
        Self {
            limit,
            window_secs: window_secs.max(1),
            windows: Default::default(),
        }
    }

    pub fn per_minute(limit: u32) -> Self {
        Self::new(limit, 60)
    }

    pub fn per_hour(limit: u32) -> Self {
        Self::new(limit, 3600)
    }

    /// Counts one request from `address` at `now` (Unix seconds); the
    /// seconds to wait if the address has used up this window.
    pub fn check(&self, address: IpAddr, now: i64) -> Option<i64> {
        let window = now / self.window_secs;
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        // Forget past windows now and then so the map stays small.
        if windows.len() > 10_000 {
            windows.retain(|_, (w, _)| *w == window);
        }
        let entry = windows.entry(address).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        (entry.1 > self.limit).then(|| self.window_secs - now % self.window_secs)
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        Self::per_minute(LOOKUPS_PER_MINUTE)
    }
}

/// Counts a request by the current caller against `limit`; refuses it once
/// the address has used up the window. Requests without an address (tests
/// calling in-process) are not counted.
pub fn admit(state: &super::AppState, limit: &RateLimit) -> Result<(), crate::error::AppError> {
    let Some(address) = super::context::client_ip(&state.settings) else {
        return Ok(());
    };
    match limit.check(address, super::db::now()) {
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
        for _ in 0..LOOKUPS_PER_MINUTE {
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

    #[test]
    fn an_hourly_limit_waits_for_the_next_hour() {
        let limit = RateLimit::per_hour(2);
        let address: IpAddr = "2001:db8::1".parse().unwrap();
        assert_eq!(limit.check(address, 3600), None);
        assert_eq!(limit.check(address, 3601), None);
        assert_eq!(limit.check(address, 3700), Some(3500));
        assert_eq!(limit.check(address, 7200), None);
    }
}
