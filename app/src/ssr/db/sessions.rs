//! SQL for login sessions.

use crate::api::auth::SessionUser;
use crate::domain::Role;
use sqlx::{FromRow, SqliteConnection, SqlitePool};

pub async fn insert(
    conn: &mut SqliteConnection,
    token_hash: &str,
    user_id: i64,
    now: i64,
    expires_at: i64,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip, user_agent, last_seen_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?3)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .bind(ip)
    .bind(user_agent)
    .execute(conn)
    .await
    .map(|_| ())
}

#[derive(FromRow)]
struct SessionUserRow {
    id: i64,
    name: String,
    email: String,
    role: String,
    last_seen_at: i64,
    expires_at: i64,
    rowid: i64,
}

/// A live session as read: its user, when it was last used and when it
/// ends.
#[derive(Debug, Clone)]
pub struct LiveSession {
    /// The session's row (what the writer's hooks name when it changes).
    pub rowid: i64,
    pub user: SessionUser,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

/// The active user a live session belongs to, when the session was last
/// used and when it ends; `None` for an unknown, expired or idle session
/// (unused for `idle_secs`), or a deactivated account.
pub async fn user(
    pool: &SqlitePool,
    token_hash: &str,
    now: i64,
    idle_secs: i64,
) -> Result<Option<LiveSession>, sqlx::Error> {
    let row: Option<SessionUserRow> = sqlx::query_as(
        "SELECT u.id, u.name, u.email, u.role, s.last_seen_at, s.expires_at, s.rowid AS rowid
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ? AND s.expires_at > ? AND s.last_seen_at > ? AND u.active = 1",
    )
    .bind(token_hash)
    .bind(now)
    .bind(now - idle_secs)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| LiveSession {
        rowid: row.rowid,
        user: SessionUser {
            id: row.id,
            name: row.name,
            email: row.email,
            role: Role::parse(&row.role).unwrap_or(Role::Trainee),
        },
        last_seen_at: row.last_seen_at,
        expires_at: row.expires_at,
    }))
}

/// Marks a session used now.
/// Whether the session was still there to mark.
pub async fn touch(
    conn: &mut SqliteConnection,
    token_hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?")
        .bind(now)
        .bind(token_hash)
        .execute(conn)
        .await
        .map(|done| done.rows_affected() > 0)
}

pub async fn delete(conn: &mut SqliteConnection, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
        .bind(token_hash)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Ends every session of one user (deactivation, password change).
pub async fn delete_for_user(
    conn: &mut SqliteConnection,
    user_id: i64,
) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = ?")
        .bind(user_id)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
}

/// Deletes sessions past their expiry or unused for `idle_secs`.
pub async fn delete_expired(
    conn: &mut SqliteConnection,
    now: i64,
    idle_secs: i64,
) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?")
        .bind(now)
        .bind(now - idle_secs)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
}
