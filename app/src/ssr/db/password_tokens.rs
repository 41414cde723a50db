//! SQL for one-time "set your password" links.

use sqlx::SqliteConnection;

pub async fn insert(
    conn: &mut SqliteConnection,
    token_hash: &str,
    user_id: i64,
    created_by: Option<i64>,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO password_tokens (token_hash, user_id, created_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(created_by)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Marks a live token used and returns its user; `None` for an unknown,
/// expired or already used token. One statement, so two tabs cannot both use it.
pub async fn consume(
    conn: &mut SqliteConnection,
    token_hash: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE password_tokens SET used_at = ?1
         WHERE token_hash = ?2 AND used_at IS NULL AND expires_at > ?1
         RETURNING user_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(conn)
    .await
}

/// The user of a live (unused, unexpired) token, without using it up.
pub async fn live_user(
    pool: &sqlx::SqlitePool,
    token_hash: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT user_id FROM password_tokens WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?")
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await
}
