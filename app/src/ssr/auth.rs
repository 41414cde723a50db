//! Who is asking: sessions in the database, the session cookie, and the
//! authorisation calls every server function starts with.

use super::context::{self, AppState};
use super::db::{self, sessions};
use crate::api::auth::SessionUser;
use crate::domain::Role;
use crate::error::AppError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cookie::{Cookie, SameSite};
use http::header;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The session cookie over plain HTTP (development, tests).
pub const SESSION_COOKIE: &str = "academy_session";
/// The session cookie over HTTPS: the `__Host-` prefix makes browsers refuse
/// it unless it is Secure, for this host only and the whole site, so a
/// sibling subdomain cannot set or shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-academy_session";

/// The session cookie's name under these settings.
pub fn session_cookie(settings: &super::Settings) -> &'static str {
    if settings.secure_cookies {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The session token's digest, which is all the database keeps.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh random token (256 bits, URL-safe).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The session cookie's value in the current request, if any.
fn session_token(state: &AppState) -> Option<String> {
    session_token_in(state, &context::parts()?.headers)
}

fn session_token_in(state: &AppState, headers: &http::HeaderMap) -> Option<String> {
    let name = session_cookie(&state.settings);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// The signed-in user, or `None` for a visitor. A deactivated account's or an
/// expired session's cookie counts as no session.
pub async fn current_user(state: &AppState) -> Result<Option<SessionUser>, AppError> {
    let Some(token) = session_token(state) else {
        return Ok(None);
    };
    session_user(state, &token).await
}

/// How often a session's last use is written down: reading pages must not
/// turn into a write each.
const TOUCH_EVERY_SECS: i64 = 60;

/// The user of a live, recently used session, which is now used again.
async fn session_user(state: &AppState, token: &str) -> Result<Option<SessionUser>, AppError> {
    let now = db::now();
    let hash = token_hash(token);
    let idle = state.settings.session_idle_minutes * 60;
    let version = state.db.changes.rows_version();
    let live = match state.live_sessions.get(&hash) {
        Some(kept) => Some(kept),
        None => {
            let generation = state.live_sessions.generation();
            let read = sessions::user(&state.db.reader, &hash, now, idle).await?;
            if let Some(live) = &read {
                if state.db.changes.rows_unchanged_since(version) {
                    state.live_sessions.put(&hash, live.clone(), generation);
                }
            }
            read
        }
    };
    // A kept session is judged by the clock as the query would have.
    let Some(live) = live.filter(|s| s.expires_at > now && s.last_seen_at > now - idle) else {
        return Ok(None);
    };
    if now - live.last_seen_at >= TOUCH_EVERY_SECS {
        let mut conn = state.db.writer.acquire().await?;
        if !sessions::touch(&mut conn, &hash, now).await? {
            // Gone meanwhile (signed out, or by another process unseen).
            state.live_sessions.forget(&hash);
            return Ok(None);
        }
    }
    Ok(Some(live.user))
}

/// Live sessions as last read, by token hash: every signed-in request asks
/// for its session, and nearly always nothing about it has changed. An
/// entry goes the moment the writer changes its session's row (used,
/// ended) or its account's (deactivated, renamed, another role), or
/// another process writes the database ([`db::changes::Changes::watch_rows`]).
#[derive(Clone, Default)]
pub struct LiveSessions {
    kept: std::sync::Arc<std::sync::Mutex<KeptSessions>>,
}

#[derive(Default)]
struct KeptSessions {
    by_hash: std::collections::HashMap<String, sessions::LiveSession>,
    by_rowid: std::collections::HashMap<i64, String>,
    /// Moves whenever the watcher drops anything: a session read before
    /// that is not kept (its drop may have come before it was put).
    generation: u64,
}

/// Sessions kept at most; past it they start afresh.
const LIVE_SESSIONS_KEPT: usize = 100_000;

impl LiveSessions {
    /// Kept sessions that follow the changes `changes` reports.
    pub fn watching(changes: &db::changes::Changes) -> Self {
        use db::changes::RowChange;
        let live = LiveSessions::default();
        let kept = live.kept.clone();
        changes.watch_rows(move |change| {
            let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
            kept.generation += 1;
            match change {
                RowChange::Row("sessions", rowid) => {
                    if let Some(hash) = kept.by_rowid.remove(&rowid) {
                        kept.by_hash.remove(&hash);
                    }
                }
                RowChange::Row("users", user_id) => {
                    let KeptSessions {
                        by_hash, by_rowid, ..
                    } = &mut *kept;
                    by_hash.retain(|_, s| {
                        let stays = s.user.id != user_id;
                        if !stays {
                            by_rowid.remove(&s.rowid);
                        }
                        stays
                    });
                }
                RowChange::Row(..) => {}
                RowChange::Everything => {
                    kept.by_hash.clear();
                    kept.by_rowid.clear();
                }
            }
        });
        live
    }

    fn get(&self, hash: &str) -> Option<sessions::LiveSession> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.by_hash.get(hash).cloned()
    }

    fn generation(&self) -> u64 {
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .generation
    }

    /// Keeps `live`, read when the generation was `generation`, unless the
    /// watcher has dropped anything since.
    fn put(&self, hash: &str, live: sessions::LiveSession, generation: u64) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.generation != generation {
            return;
        }
        if kept.by_hash.len() >= LIVE_SESSIONS_KEPT {
            kept.by_hash.clear();
            kept.by_rowid.clear();
        }
        kept.by_rowid.insert(live.rowid, hash.to_owned());
        kept.by_hash.insert(hash.to_owned(), live);
    }

    fn forget(&self, hash: &str) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(live) = kept.by_hash.remove(hash) {
            kept.by_rowid.remove(&live.rowid);
        }
    }
}

/// The signed-in user of a request handled outside Leptos (plain axum routes
/// such as file downloads).
pub async fn user_for_headers(
    state: &AppState,
    headers: &http::HeaderMap,
) -> Result<Option<SessionUser>, AppError> {
    let Some(token) = session_token_in(state, headers) else {
        return Ok(None);
    };
    session_user(state, &token).await
}

/// `user` may run `class_id`: an administrator, or one of its instructors.
pub async fn require_teacher_of(
    state: &AppState,
    user: &SessionUser,
    class_id: i64,
) -> Result<(), AppError> {
    match user.role {
        Role::Administrator => Ok(()),
        Role::Instructor
            if state
                .db
                .read(|db| db::teaching::teaches(db, user.id, class_id))? =>
        {
            Ok(())
        }
        _ => Err(AppError::Forbidden),
    }
}

/// `user` may edit `course_id`'s question bank: an administrator, or an
/// instructor of any of its classes.
pub async fn require_teacher_of_course(
    state: &AppState,
    user: &SessionUser,
    course_id: i64,
) -> Result<(), AppError> {
    match user.role {
        Role::Administrator => Ok(()),
        Role::Instructor
            if state
                .db
                .read(|db| db::teaching::teaches_course(db, user.id, course_id))? =>
        {
            Ok(())
        }
        _ => Err(AppError::Forbidden),
    }
}

/// Any signed-in user.
pub async fn require_user(state: &AppState) -> Result<SessionUser, AppError> {
    current_user(state).await?.ok_or(AppError::Unauthorized)
}

/// A signed-in user whose role is one of `allowed` (administrators always are).
pub async fn require_role(state: &AppState, allowed: &[Role]) -> Result<SessionUser, AppError> {
    let user = require_user(state).await?;
    if user.role.is_allowed(allowed) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

fn set_cookie(state: &AppState, cookie: Cookie<'static>) {
    let mut cookie = cookie;
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_path("/");
    cookie.set_secure(state.settings.secure_cookies);
    if let (Some(response), Ok(value)) =
        (use_context::<ResponseOptions>(), cookie.to_string().parse())
    {
        response.append_header(header::SET_COOKIE, value);
    }
}

/// Starts a new session for `user_id` inside `conn`'s transaction and sets its
/// cookie. Always a fresh token, so a session id planted before login is
/// useless, and the session the request came with (if any) is ended: a
/// sign-in never leaves an old session behind.
pub async fn start_session(
    state: &AppState,
    conn: &mut sqlx::SqliteConnection,
    user_id: i64,
) -> Result<(), AppError> {
    if let Some(old) = session_token(state) {
        sessions::delete(conn, &token_hash(&old)).await?;
    }
    let token = new_token();
    let now = db::now();
    let ttl = state.settings.session_days * 24 * 3600;
    let ip = context::client_address(&state.settings);
    let user_agent = context::parts().and_then(|p| {
        p.headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(300).collect::<String>())
    });
    sessions::insert(
        conn,
        &token_hash(&token),
        user_id,
        now,
        now + ttl,
        ip.as_deref(),
        user_agent.as_deref(),
    )
    .await?;
    let mut cookie = Cookie::new(session_cookie(&state.settings), token);
    cookie.set_max_age(cookie::time::Duration::seconds(ttl));
    set_cookie(state, cookie);
    Ok(())
}

/// Ends every session of `user_id`, on every device, this one included, in
/// `conn`'s transaction, and clears the cookie; returns how many there were.
pub async fn end_all_sessions(
    state: &AppState,
    conn: &mut sqlx::SqliteConnection,
    user_id: i64,
) -> Result<u64, AppError> {
    let ended = sessions::delete_for_user(conn, user_id).await?;
    let mut cookie = Cookie::new(session_cookie(&state.settings), "");
    cookie.set_max_age(cookie::time::Duration::ZERO);
    set_cookie(state, cookie);
    Ok(ended)
}

/// Deletes the current session (if any) and clears the cookie.
pub async fn end_session(state: &AppState) -> Result<(), AppError> {
    if let Some(token) = session_token(state) {
        let mut conn = state.db.writer.acquire().await?;
        sessions::delete(&mut conn, &token_hash(&token)).await?;
    }
    let mut cookie = Cookie::new(session_cookie(&state.settings), "");
    cookie.set_max_age(cookie::time::Duration::ZERO);
    set_cookie(state, cookie);
    Ok(())
}

/// The authorisation call of a server function open to everyone, visitors
/// included: it checks nothing, but says so where a reader looks first.
pub fn allow_visitors() {}
