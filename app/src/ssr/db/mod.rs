//! The SQLite database: one writer, many readers, WAL.
//!
//! Queries are runtime-checked (`sqlx::query_as` with `FromRow`) rather than
//! compile-time macros: the macros would need a live database or the `.sqlx`
//! offline data at every build, including the wasm one; instead every query is
//! exercised by the integration tests against a fresh database.

pub mod audit;
pub mod catalogue;
pub mod certificates;
pub mod changes;
pub mod direct;
pub mod enrolments;
pub mod exams;
pub mod meta;
pub mod password_tokens;
pub mod questions;
pub mod sessions;
pub mod status_lists;
pub mod teaching;
pub mod throttle;
pub mod users;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

/// Migrations embedded in the binary and applied at start.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// How much of the file readers map into memory (`PRAGMA mmap_size`): a
/// page read is then a memory access, not a `pread` and a copy into the
/// connection's own small cache. Scans felt it most: the account search's
/// page query took 36 ms through `pread` on a connection whose cache the
/// count before it had just flushed, 5 ms mapped.
pub(crate) const READER_MMAP: i64 = 1 << 30;

#[derive(Debug, Clone)]
pub struct Db {
    /// Exactly one connection: SQLite allows one writer at a time, and
    /// queueing writers here is cheaper than SQLITE_BUSY retries.
    pub writer: SqlitePool,
    /// Readers never block the writer under WAL.
    pub reader: SqlitePool,
    /// Readers used in place, for short reads: through [`Db::read`].
    direct: direct::DirectReaders,
    /// Versions the writer moves as it commits (see [`changes`]).
    pub changes: changes::Changes,
    /// The earliest deadline of an open exam attempt, by the version of the
    /// attempts it was read at (see `exams::close_overdue`).
    pub open_deadline: std::sync::Arc<std::sync::Mutex<Option<KeptDeadline>>>,
}

/// The version of the attempts, and the earliest deadline of an open one
/// then (`None`: none open).
pub type KeptDeadline = (u64, Option<i64>);

impl Db {
    /// Runs short indexed reads in place, in one snapshot (see [`direct`]).
    pub fn read<T, E>(
        &self,
        read: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        self.direct.read(read)
    }

    /// Opens (creating if needed) the database at `url`, a path or `sqlite:` URL.
    pub async fn connect(url: &str, readers: u32) -> Result<Self, sqlx::Error> {
        let url = if url.starts_with("sqlite:") {
            url.to_owned()
        } else {
            format!("sqlite://{url}")
        };
        let options = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory");
        if let Some(parent) = std::path::Path::new(options.get_filename()).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
            }
        }
        let changes = changes::Changes::for_file(options.get_filename());
        let direct = direct::DirectReaders::new(options.get_filename().to_path_buf());
        // No ping before each acquire: a local file does not drop a
        // connection the way a network does, and the ping is a round trip
        // to the connection's thread on every request.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .test_before_acquire(false)
            // The writer's hooks see every change: it is not closed and
            // replaced behind their back (a pool closes an old connection
            // without releasing it).
            .max_lifetime(None)
            .idle_timeout(None)
            .after_connect({
                let changes = changes.clone();
                move |conn, _| {
                    let changes = changes.clone();
                    Box::pin(async move { changes.watch(conn).await })
                }
            })
            .after_release({
                let changes = changes.clone();
                move |conn, _| {
                    let changes = changes.clone();
                    Box::pin(async move {
                        changes.writer_released(conn).await?;
                        Ok(true)
                    })
                }
            })
            .connect_with(options.clone())
            .await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(readers.max(1))
            .acquire_timeout(Duration::from_secs(30))
            .test_before_acquire(false)
            .connect_with(
                options
                    .read_only(true)
                    .pragma("mmap_size", READER_MMAP.to_string()),
            )
            .await?;
        Ok(Db {
            writer,
            reader,
            direct,
            changes,
            open_deadline: Default::default(),
        })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        MIGRATOR.run(&self.writer).await
    }

    /// A write transaction that takes the write lock at once, so it can never
    /// fail half-way with SQLITE_BUSY when another process also writes.
    pub async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        match self.writer.begin_with("BEGIN IMMEDIATE").await {
            // A COMMIT that failed on a full disk leaves sqlx counting a
            // transaction SQLite has already rolled back, and that
            // connection can never begin again (sqlx-sqlite 0.8.6): put a
            // fresh connection in its place, so writes resume without a
            // restart once there is room.
            Err(sqlx::Error::InvalidSavePointStatement) => {
                let stuck = self.writer.acquire().await?;
                let _ = sqlx::Connection::close(stuck.detach()).await;
                self.writer.begin_with("BEGIN IMMEDIATE").await
            }
            other => other,
        }
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.reader)
            .await
            .map(|_| ())
    }
}

/// Seconds since the Unix epoch: every timestamp is stored this way.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// Today's date in China (YYYY-MM-DD): the day certificates' validity and
/// expiry are judged by.
pub fn china_today() -> String {
    let now = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8));
    format!(
        "{:04}-{:02}-{:02}",
        now.year(),
        u8::from(now.month()),
        now.day()
    )
}

/// The name of the unique constraint a failed insert hit, e.g. `users.email`.
pub fn unique_violation(error: &sqlx::Error) -> Option<String> {
    let db_error = error.as_database_error()?;
    if !db_error.is_unique_violation() {
        return None;
    }
    db_error
        .message()
        .strip_prefix("UNIQUE constraint failed: ")
        .map(str::to_owned)
}

/// A `LIKE … ESCAPE '\\'` pattern matching `text` anywhere, with the user's
/// own `%`, `_` and `\\` taken literally.
pub fn like_pattern(text: &str) -> String {
    let escaped = text
        .trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_in_a_search_are_taken_literally() {
        assert_eq!(super::like_pattern(" 50%_a\\b "), "%50\\%\\_a\\\\b%");
    }
}
