//! Backup and restore of the SQLite database, and the lock that tells a
//! restore the server is running.
//!
//! `academy backup --to FILE` copies the database with `VACUUM INTO` while
//! the server keeps serving: one read transaction, so the copy is the
//! database as it stood at one moment, complete and consistent. `academy
//! restore FILE` puts a copy back into a stopped deployment, after
//! checking that the file is whole (`PRAGMA integrity_check`) and is an
//! Academy database; the database it replaces is kept beside it.

use anyhow::{bail, Context};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The lock file beside a database: held by a running server.
pub fn lock_file(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Takes the database's lock for as long as the returned file lives; an
/// error says another process (a server) holds it.
pub fn lock_database(database: &Path) -> anyhow::Result<File> {
    if let Some(parent) = database.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let path = lock_file(database);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "{} is in use: a server is serving this database (it holds {})",
            database.display(),
            path.display()
        ),
        Err(std::fs::TryLockError::Error(error)) => {
            Err(error).with_context(|| format!("locking {}", path.display()))
        }
    }
}

async fn open(path: &Path, read_only: bool) -> anyhow::Result<sqlx::SqliteConnection> {
    let url = format!("sqlite://{}", path.display());
    SqliteConnectOptions::from_str(&url)?
        .read_only(read_only)
        .create_if_missing(false)
        .connect()
        .await
        .with_context(|| format!("opening {}", path.display()))
}

/// What a backup or restore found in the database it wrote.
#[derive(Debug)]
pub struct Summary {
    pub bytes: u64,
    pub users: i64,
    pub certificates: i64,
    pub migrations: i64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} bytes: {} users, {} certificates, schema at migration {}",
            self.bytes, self.users, self.certificates, self.migrations
        )
    }
}

/// Checks that `path` is a whole Academy database and says what it holds.
pub async fn check(path: &Path) -> anyhow::Result<Summary> {
    let mut conn = open(path, true).await?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .with_context(|| format!("{} is not a readable SQLite database", path.display()))?;
    if verdict != "ok" {
        bail!("{} fails its integrity check: {verdict}", path.display());
    }
    let migrations: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
            .fetch_one(&mut conn)
            .await
            .with_context(|| format!("{} is not an Academy database", path.display()))?;
    let users = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut conn)
        .await
        .with_context(|| format!("{} is not an Academy database", path.display()))?;
    let certificates = sqlx::query_scalar("SELECT COUNT(*) FROM certificates")
        .fetch_one(&mut conn)
        .await
        .unwrap_or(0);
    conn.close().await.ok();
    Ok(Summary {
        bytes: std::fs::metadata(path)?.len(),
        users,
        certificates,
        migrations,
    })
}

/// Copies the database at `database` to `to` (which must not exist) while
/// it may be in use, and checks the copy.
pub async fn backup(database: &Path, to: &Path) -> anyhow::Result<Summary> {
    if to.exists() {
        bail!("{} exists already; choose a new file", to.display());
    }
    if !database.exists() {
        bail!("there is no database at {}", database.display());
    }
    let mut conn = open(database, true).await?;
    sqlx::query("VACUUM INTO ?")
        .bind(to.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await
        .with_context(|| format!("copying {} to {}", database.display(), to.display()))?;
    conn.close().await.ok();
    check(to).await
}

/// Puts the backup `from` in place of the database at `database`, which
/// no server may be serving; the database it replaces is kept beside it
/// (`….before-restore-<time>`). Returns what the restored database holds.
pub async fn restore(database: &Path, from: &Path) -> anyhow::Result<Summary> {
    let _lock = lock_database(database).context("the server must be stopped to restore")?;
    let summary = check(from)
        .await
        .with_context(|| format!("{} cannot be restored", from.display()))?;
    // Copy beside the target first, so the switch is one rename.
    let staging = database.with_extension("restoring");
    std::fs::copy(from, &staging)
        .with_context(|| format!("copying {} to {}", from.display(), staging.display()))?;
    File::open(&staging)?.sync_all()?;
    if database.exists() {
        let kept = PathBuf::from(format!(
            "{}.before-restore-{}",
            database.display(),
            app::ssr::db::now()
        ));
        std::fs::rename(database, &kept)
            .with_context(|| format!("keeping the old database as {}", kept.display()))?;
    }
    // The old database's write-ahead log belongs to it, not to the backup.
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", database.display()));
        if side.exists() {
            std::fs::remove_file(&side).with_context(|| format!("removing {}", side.display()))?;
        }
    }
    std::fs::rename(&staging, database)
        .with_context(|| format!("moving {} into place", staging.display()))?;
    check(database).await.map(|restored| Summary {
        bytes: restored.bytes,
        ..summary
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_of_the_lock_is_told_who_has_it() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("academy.db");
        let held = lock_database(&database).unwrap();
        let refused = lock_database(&database).unwrap_err().to_string();
        assert!(
            refused.contains("a server is serving this database"),
            "{refused}"
        );
        drop(held);
        assert!(lock_database(&database).is_ok(), "free once released");
    }
}
