//! What a server function or a page learns about the request it serves:
//! the shared [`AppState`], the request id, the caller's address, and how an
//! error leaves it (status code, log line).

use super::db::Db;
use super::passwords::Hasher;
use crate::error::AppError;
use axum::extract::{ConnectInfo, FromRef};
use http::request::Parts;
use http::{header, HeaderMap, StatusCode};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// Deployment settings the request handlers need.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Send cookies with `Secure` (set when served over HTTPS); the session
    /// cookie is then `__Host-` prefixed.
    pub secure_cookies: bool,
    /// The public address's origin (`https://academy.example.org`): the only
    /// `Origin` a state-changing request may come from.
    pub public_origin: String,
    /// The public address is HTTPS: browsers are told to stay on it (HSTS).
    pub https: bool,
    /// How long a request may take before it is answered 503.
    pub request_timeout_secs: u64,
    /// A session unused this long has ended.
    pub session_idle_minutes: i64,
    /// How long a session lasts without being used.
    pub session_days: i64,
    /// Take the caller's address from `X-Forwarded-For` (only behind a proxy you run).
    pub trust_proxy: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            public_origin: "http://127.0.0.1:3000".into(),
            https: false,
            request_timeout_secs: 60,
            session_idle_minutes: 480,
            session_days: 14,
            trust_proxy: false,
        }
    }
}

/// Everything a handler shares, handed to server functions through context
/// (never a global, so every test gets its own database).
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub hasher: Hasher,
    pub settings: Arc<Settings>,
    /// The key and identity certificates are signed with.
    pub issuer: Arc<crate::ssr::credentials::Issuer>,
    /// Public certificate lookups per address.
    pub lookups: crate::ssr::rate_limit::RateLimit,
    /// Registrations per address.
    #[from_ref(skip)]
    pub registrations: crate::ssr::rate_limit::RateLimit,
    /// Set-password links used per address.
    #[from_ref(skip)]
    pub password_links: crate::ssr::rate_limit::RateLimit,
    /// How far long-running bulk operations have got, for progress bars.
    pub progress: Progress,
    /// The signed status lists as last served.
    #[from_ref(skip)]
    pub status_lists: crate::ssr::status_list::Cache,
    /// The register's totals by (search, day, version of the certificates).
    #[from_ref(skip)]
    pub register_totals: Totals,
    /// Live sessions, while none has ended and no account changed.
    #[from_ref(skip)]
    pub live_sessions: crate::ssr::auth::LiveSessions,
    /// Public certificate records by (number, day, version of the certificates).
    #[from_ref(skip)]
    pub public_records: Kept<crate::api::certificates::PublicCertificate>,
}

/// Values kept while what they were read from stands still, by a key that
/// says so (the search or number, the day, the version of what they were
/// read from: [`crate::ssr::db::changes`]); at most `KEPT`, then they start
/// afresh.
#[derive(Clone)]
pub struct Kept<T> {
    kept: Arc<std::sync::Mutex<std::collections::HashMap<KeptKey, (std::time::Instant, T)>>>,
}

/// No value is kept longer than this, whatever the versions say (a change
/// by another process that slipped past them is seen within it).
const KEPT_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// A search or number, the day, and the version of what was read.
pub type KeptKey = (String, String, i64);

/// The register's totals by search.
pub type Totals = Kept<i64>;

/// A public record is about 600 bytes: 20,000 of them about 12 MB.
const KEPT: usize = 20_000;

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept {
            kept: Default::default(),
        }
    }
}

impl<T: Clone> Kept<T> {
    pub fn get(&self, key: &KeptKey) -> Option<T> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.get(key)
            .filter(|(made, _)| made.elapsed() < KEPT_MAX_AGE)
            .map(|(_, value)| value.clone())
    }

    pub fn put(&self, key: KeptKey, value: T) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= KEPT {
            kept.clear();
        }
        kept.insert(key, (std::time::Instant::now(), value));
    }
}

#[derive(Clone, Default)]
pub struct Progress {
    running: Arc<std::sync::Mutex<std::collections::HashMap<String, (u64, u64)>>>,
}

impl Progress {
    pub fn set(&self, key: &str, done: u64, total: u64) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        running.insert(key.to_owned(), (done, total));
    }

    pub fn get(&self, key: &str) -> Option<(u64, u64)> {
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        running.get(key).copied()
    }

    pub fn clear(&self, key: &str) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        running.remove(key);
    }
}

/// Where server functions are mounted (the `#[server]` default).
pub const SERVER_FN_PREFIX: &str = "/api/";

/// The header the request-id middleware sets on every request.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("AppState missing from context"))
}

pub fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

pub fn request_id() -> String {
    parts()
        .and_then(|p| {
            p.headers
                .get(REQUEST_ID_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "-".into())
}

/// The caller's address, for throttling and the audit log.
pub fn client_ip(settings: &Settings) -> Option<IpAddr> {
    let parts = parts()?;
    if settings.trust_proxy {
        if let Some(ip) = forwarded_for(&parts.headers) {
            return Some(ip);
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
}

/// [`client_ip`] as text, the way the audit log and sessions keep it.
pub fn client_address(settings: &Settings) -> Option<String> {
    client_ip(settings).map(|ip| ip.to_string())
}

/// The address the trusted proxy saw: the last `X-Forwarded-For` entry,
/// the one it appended. Earlier entries come from the client and could be
/// anything (a fresh one per request would dodge every per-address limit).
pub fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()?
        .to_str()
        .ok()?
        .rsplit(',')
        .next()?
        .trim()
        .parse()
        .ok()
}

/// A plain HTML form posted straight to a server function's address (the
/// app's own forms post to their page instead: server/src/forms.rs), which
/// leptos_axum answers with a redirect back, never a bare error status.
fn is_form_post(parts: &Parts) -> bool {
    parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// The last step of every server function: an error gets its HTTP status
/// (so a refused call is a real 401/403/422 to any client) unless the
/// request is a plain form posted straight to the function, which
/// leptos_axum answers with a redirect, or the function was called while
/// rendering a page, whose own status the page decides.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        let direct_call = parts()
            .is_some_and(|p| p.uri.path().starts_with(SERVER_FN_PREFIX) && !is_form_post(&p));
        if direct_call {
            if let Some(response) = use_context::<ResponseOptions>() {
                response.set_status(
                    StatusCode::from_u16(error.status_code())
                        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                );
                if let AppError::Throttled { retry_after_secs }
                | AppError::Unavailable { retry_after_secs } = error
                {
                    if let Ok(value) = retry_after_secs.to_string().parse() {
                        response.insert_header(header::RETRY_AFTER, value);
                    }
                }
            }
        }
    }
    result
}

impl AppError {
    /// Logs an unexpected failure with the request id and returns the error
    /// the client may see: the id, nothing else.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        let request_id = request_id();
        tracing::error!(request_id = %request_id, error = %detail, "internal error");
        AppError::Internal { request_id }
    }
}

/// SQLite's primary result codes that mean the storage, not the request,
/// is at fault: the disk is full, read-only, failing or gone.
const STORAGE_CODES: [i32; 4] = [
    13, // SQLITE_FULL
    8,  // SQLITE_READONLY
    10, // SQLITE_IOERR
    14, // SQLITE_CANTOPEN
];

/// Whether `error` says the database's storage cannot take writes now.
pub fn storage_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(e) => e
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| STORAGE_CODES.contains(&(code & 0xff))),
        sqlx::Error::Io(_) => true,
        _ => false,
    }
}

/// The same for a read in place ([`crate::ssr::db::direct`]).
fn storage_unavailable_direct(error: &rusqlite::Error) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(e, _)
        if STORAGE_CODES.contains(&(e.extended_code & 0xff)))
}

/// How long a caller is asked to wait when the storage is unavailable.
const STORAGE_RETRY_SECS: u64 = 30;

/// A database error as the caller sees it. A full or read-only disk is the
/// operator's to fix, and nothing was written: a clear 503, not an internal
/// error.
fn database_error(storage_unavailable: bool, error: &dyn std::fmt::Display) -> AppError {
    if storage_unavailable {
        tracing::warn!(request_id = %request_id(), %error, "database storage unavailable");
        return AppError::Unavailable {
            retry_after_secs: STORAGE_RETRY_SECS,
        };
    }
    AppError::internal(format!("database: {error}"))
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        database_error(storage_unavailable(&error), &error)
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(error: rusqlite::Error) -> Self {
        database_error(storage_unavailable_direct(&error), &error)
    }
}

/// The language of the page being rendered: the switch's cookie wins, then
/// the browser's `Accept-Language`.
pub fn request_lang() -> crate::i18n::Lang {
    match parts() {
        Some(parts) => lang_of(&parts.headers),
        None => crate::i18n::Lang::En,
    }
}

/// [`request_lang`] for a request handled outside Leptos.
pub fn lang_of(headers: &HeaderMap) -> crate::i18n::Lang {
    use crate::i18n::{Lang, LANG_COOKIE};
    let from_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == LANG_COOKIE)
        .and_then(|c| Lang::from_tag(c.value()));
    from_cookie.unwrap_or_else(|| {
        Lang::negotiate(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_behind_a_proxy_is_the_one_the_proxy_appended() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.4".parse().unwrap(),
        );
        // The client wrote the first entry; the proxy appended the last.
        assert_eq!(
            forwarded_for(&headers),
            Some("198.51.100.4".parse().unwrap())
        );
        headers.append("x-forwarded-for", "192.0.2.1".parse().unwrap());
        assert_eq!(forwarded_for(&headers), Some("192.0.2.1".parse().unwrap()));
        assert_eq!(forwarded_for(&HeaderMap::new()), None);
    }

    #[test]
    fn a_read_in_place_on_failing_storage_is_a_503_and_other_failures_internal() {
        let failure = |code| rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None);
        // SQLITE_CANTOPEN, SQLITE_IOERR_READ (an extended code), SQLITE_READONLY.
        for code in [14, 266, 8] {
            assert!(
                matches!(AppError::from(failure(code)), AppError::Unavailable { .. }),
                "{code}"
            );
        }
        // SQLITE_CORRUPT and a row that does not fit its type: not the disk.
        assert!(!matches!(
            AppError::from(failure(11)),
            AppError::Unavailable { .. }
        ));
        assert!(!matches!(
            AppError::from(rusqlite::Error::InvalidColumnType(
                0,
                "x".into(),
                rusqlite::types::Type::Null
            )),
            AppError::Unavailable { .. }
        ));
    }
}
