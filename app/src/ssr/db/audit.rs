//! The append-only audit log.

use sqlx::SqliteConnection;

pub struct Event<'a> {
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub subject: String,
    pub detail: serde_json::Value,
    pub ip: Option<String>,
}

/// Writes one event inside the caller's transaction, so the event exists
/// exactly when the change it describes does.
pub async fn record(
    conn: &mut SqliteConnection,
    event: Event<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_events (at, actor_id, action, subject, detail, ip)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(now)
    .bind(event.actor_id)
    .bind(event.action)
    .bind(event.subject)
    .bind(event.detail.to_string())
    .bind(event.ip)
    .execute(conn)
    .await
    .map(|_| ())
}
