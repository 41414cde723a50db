//! SQL for counting failed logins (the rule is in `domain::throttle`).

use crate::domain::throttle::WINDOW_SECS;
use sqlx::{FromRow, SqliteConnection};

#[derive(Debug, FromRow)]
pub struct Failures {
    pub failures: i64,
    pub last_failed_at: i64,
}

/// Failures counted for `key` within the window ending `now` (read inside
/// the write transaction that may count one more).
pub async fn failures(
    conn: &mut SqliteConnection,
    key: &str,
    now: i64,
) -> Result<Failures, sqlx::Error> {
    let row: Option<Failures> = sqlx::query_as(
        "SELECT failures, last_failed_at FROM login_failures
         WHERE key = ? AND last_failed_at > ?",
    )
    .bind(key)
    .bind(now - WINDOW_SECS)
    .fetch_optional(conn)
    .await?;
    Ok(row.unwrap_or(Failures {
        failures: 0,
        last_failed_at: 0,
    }))
}

/// Counts one more failure; a count whose last failure left the window starts again.
pub async fn record_failure(
    conn: &mut SqliteConnection,
    key: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO login_failures (key, failures, first_failed_at, last_failed_at)
         VALUES (?1, 1, ?2, ?2)
         ON CONFLICT (key) DO UPDATE SET
             failures = CASE WHEN last_failed_at > ?2 - ?3 THEN failures + 1 ELSE 1 END,
             first_failed_at = CASE WHEN last_failed_at > ?2 - ?3 THEN first_failed_at ELSE ?2 END,
             last_failed_at = ?2",
    )
    .bind(key)
    .bind(now)
    .bind(WINDOW_SECS)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Takes back one failure counted for `key` (an attempt that turned out
/// right), without starting its window again.
pub async fn forgive_one(conn: &mut SqliteConnection, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE login_failures SET failures = MAX(failures - 1, 0) WHERE key = ?")
        .bind(key)
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn clear(conn: &mut SqliteConnection, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE key = ?")
        .bind(key)
        .execute(conn)
        .await
        .map(|_| ())
}
