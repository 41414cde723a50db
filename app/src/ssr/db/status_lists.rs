//! SQL for the status lists: each certificate's index, allocated at random
//! and never reused, and the two bitstrings of each list, changed in the
//! same write transaction as the certificate's status.

use crate::domain::certificate;
use crate::ssr::status_list::{self, Purpose, LIST_BITS, LIST_CAPACITY};
use rand::RngCore;
use sqlx::SqliteConnection;

/// A list as stored: its bitstrings and how often they changed.
pub struct StoredList {
    pub revocation: Vec<u8>,
    pub suspension: Vec<u8>,
    /// Counts every change: a served copy of an older version is stale.
    pub version: i64,
    /// When it last changed (Unix seconds).
    pub updated_at: i64,
}

impl StoredList {
    pub fn bits(&self, purpose: Purpose) -> &[u8] {
        match purpose {
            Purpose::Revocation => &self.revocation,
            Purpose::Suspension => &self.suspension,
        }
    }
}

/// A free index in the list that has room, opening a new list when none
/// has. Must run in the write transaction that stores the index on its
/// certificate, so two certificates never get the same one.
pub async fn allocate(conn: &mut SqliteConnection, now: i64) -> Result<(i64, i64), sqlx::Error> {
    let open: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM status_lists WHERE allocated < ? ORDER BY id DESC LIMIT 1",
    )
    .bind(LIST_CAPACITY)
    .fetch_optional(&mut *conn)
    .await?;
    let list = match open {
        Some(list) => list,
        None => {
            let empty = status_list::empty();
            sqlx::query_scalar(
                "INSERT INTO status_lists (size, allocated, revocation, suspension, version, updated_at)
                 VALUES (?, 0, ?, ?, 0, ?) RETURNING id",
            )
            .bind(LIST_BITS as i64)
            .bind(&empty)
            .bind(&empty)
            .bind(now)
            .fetch_one(&mut *conn)
            .await?
        }
    };
    // At most a quarter of a list is ever taken, so a random index is free
    // at the first try three times in four.
    let index = loop {
        let index = i64::from(rand::rngs::OsRng.next_u32()) % LIST_BITS as i64;
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM certificates WHERE status_list = ? AND status_index = ?",
        )
        .bind(list)
        .bind(index)
        .fetch_optional(&mut *conn)
        .await?;
        if taken.is_none() {
            break index;
        }
    };
    sqlx::query("UPDATE status_lists SET allocated = allocated + 1 WHERE id = ?")
        .bind(list)
        .execute(&mut *conn)
        .await?;
    Ok((list, index))
}

/// A certificate's stored status and its place in the lists.
#[derive(sqlx::FromRow)]
struct Placed {
    status: String,
    suspended_until: Option<String>,
    status_list: Option<i64>,
    status_index: Option<i64>,
}

/// Sets a certificate's two bits from its stored status, in the caller's
/// transaction: revoked and superseded (a corrected record) are revoked in
/// the list; a suspension in force on `today` is a suspension.
pub async fn sync(
    conn: &mut SqliteConnection,
    certificate_id: i64,
    today: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let row: Option<Placed> = sqlx::query_as(
        "SELECT status, suspended_until, status_list, status_index FROM certificates WHERE id = ?",
    )
    .bind(certificate_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(Placed {
        status,
        suspended_until: until,
        status_list: Some(list),
        status_index: Some(index),
    }) = row
    else {
        return Ok(());
    };
    let revoked = matches!(status.as_str(), "revoked" | "superseded");
    let suspended = certificate::suspension_in_force(&status, until.as_deref(), today);
    let Some(mut stored) = load(conn, list).await? else {
        return Ok(());
    };
    let index = index as usize;
    let unchanged = status_list::bit(&stored.revocation, index) == Some(revoked)
        && status_list::bit(&stored.suspension, index) == Some(suspended);
    if unchanged {
        return Ok(());
    }
    status_list::set_bit(&mut stored.revocation, index, revoked);
    status_list::set_bit(&mut stored.suspension, index, suspended);
    sqlx::query(
        "UPDATE status_lists SET revocation = ?, suspension = ?, version = version + 1,
                                 updated_at = ? WHERE id = ?",
    )
    .bind(&stored.revocation)
    .bind(&stored.suspension)
    .bind(now)
    .bind(list)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Clears the suspension bit of suspensions whose end date has passed
/// (their certificates show valid again from that day on). Returns how many
/// certificates it looked at.
pub async fn sweep_lapsed(
    conn: &mut SqliteConnection,
    today: &str,
    now: i64,
) -> Result<usize, sqlx::Error> {
    let lapsed: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM certificates
         WHERE status = 'suspended' AND suspended_until IS NOT NULL AND suspended_until < ?
           AND status_list IS NOT NULL",
    )
    .bind(today)
    .fetch_all(&mut *conn)
    .await?;
    for &id in &lapsed {
        sync(conn, id, today, now).await?;
    }
    Ok(lapsed.len())
}

/// Gives every certificate issued before status lists existed its index and
/// bits. Returns how many it gave.
pub async fn backfill(
    conn: &mut SqliteConnection,
    today: &str,
    now: i64,
) -> Result<usize, sqlx::Error> {
    let missing: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM certificates WHERE status_list IS NULL ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    for &id in &missing {
        let (list, index) = allocate(conn, now).await?;
        sqlx::query("UPDATE certificates SET status_list = ?, status_index = ? WHERE id = ?")
            .bind(list)
            .bind(index)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sync(conn, id, today, now).await?;
    }
    Ok(missing.len())
}

/// How often a list has changed; `None` when there is no such list.
pub async fn version(conn: &mut SqliteConnection, list: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT version FROM status_lists WHERE id = ?")
        .bind(list)
        .fetch_optional(conn)
        .await
}

pub async fn load(
    conn: &mut SqliteConnection,
    list: i64,
) -> Result<Option<StoredList>, sqlx::Error> {
    let row: Option<(Vec<u8>, Vec<u8>, i64, i64)> = sqlx::query_as(
        "SELECT revocation, suspension, version, updated_at FROM status_lists WHERE id = ?",
    )
    .bind(list)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(
        row.map(|(revocation, suspension, version, updated_at)| StoredList {
            revocation,
            suspension,
            version,
            updated_at,
        }),
    )
}
