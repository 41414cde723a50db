//! What has changed in the database, known without asking it.
//!
//! The hottest reads (a certificate's public record, the register's totals,
//! whole public pages) are kept in memory by a version of what they were read
//! from. Asking SQLite for that version on every request costs a round trip
//! to sqlx's connection thread and back, about as much as the read itself
//! (docs/PERFORMANCE.md). Instead the writer connection reports every row it
//! changes (SQLite's update hook) and every commit (the commit hook), and
//! the versions here move the moment a change commits.
//!
//! Two rules keep a kept value from ever being older than what it claims:
//! - A version moves twice: when the writer starts to commit (before the
//!   change is visible) and when it hands the connection back (after). A
//!   value read in between carries the first, already stale, version.
//! - A value is kept only if the version did not move while it was read
//!   and no commit was under way ([`Changes::unchanged_since`]).
//!
//! Another process writing the same file (an operator's `academy demo`, a
//! test, the sqlite3 shell) is not seen by the hooks: it changes the
//! write-ahead log, whose length and time are compared with what this
//! process last left there ([`Changes::version`] stats it; a stat is a
//! system call, not a round trip through the database).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// What a kept value depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Anything a visitor can see without signing in: the catalogue, the
    /// register, certificates' public records.
    Public,
    /// Certificates, their history, types, centres and courses: what a
    /// certificate's public record and the register are read from.
    Certificates,
    /// Exam attempts: started, handed in, closed.
    Attempts,
}

const TOPICS: [Topic; 3] = [Topic::Public, Topic::Certificates, Topic::Attempts];

impl Topic {
    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// Tables no page shows to a visitor: their changes move no public
/// version. A table missing here counts as public, so a new table can only
/// make keeping less effective, never wrong.
const PRIVATE_TABLES: &[&str] = &[
    "sessions",
    "login_failures",
    "audit_events",
    "attempts",
    "answers",
    "password_tokens",
    "status_lists",
    "regrades",
    "grade_overrides",
    "accommodations",
];

/// What a certificate's public record and the register read.
const CERTIFICATE_TABLES: &[&str] = &[
    "certificates",
    "certificate_events",
    "certificate_types",
    "centres",
    "courses",
];

/// Tables whose changed rows are told one by one to [`Changes::watch_rows`].
const WATCHED_TABLES: &[&str] = &["sessions", "users"];

/// A change a row watcher hears of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowChange<'a> {
    /// This row of this table (one of [`WATCHED_TABLES`]) changed.
    Row(&'a str, i64),
    /// Another process wrote the database: any row may have.
    Everything,
}

type RowWatcher = Arc<dyn Fn(RowChange<'_>) + Send + Sync>;

/// The topics a changed row of `table` moves.
fn topics_of(table: &str) -> u8 {
    let mut topics = 0;
    if !PRIVATE_TABLES.contains(&table) {
        topics |= Topic::Public.bit();
    }
    if CERTIFICATE_TABLES.contains(&table) {
        topics |= Topic::Certificates.bit();
    }
    if table == "attempts" {
        topics |= Topic::Attempts.bit();
    }
    topics
}

/// Topics touched, and whether any row was seen at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Touched {
    rows: bool,
    topics: u8,
}

/// The write-ahead log's length and modification time.
type WalState = Option<(u64, SystemTime)>;

#[derive(Default)]
struct Inner {
    versions: [AtomicU64; 3],
    /// Moves whenever a watched row changes (as the versions do: at the
    /// commit and again at the release).
    rows: AtomicU64,
    watchers: Mutex<Vec<RowWatcher>>,
    /// Watched rows changed by the open transaction, then by the one being
    /// committed.
    pending_rows: Mutex<Vec<(&'static str, i64)>>,
    committed_rows: Mutex<Vec<(&'static str, i64)>>,
    /// From the writer's commit hook until it hands the connection back:
    /// what a reader sees now may be from before the commit.
    committing: AtomicBool,
    /// Touched by the writer's open transaction.
    pending: Mutex<Touched>,
    /// Touched by the transaction being committed.
    committed: Mutex<Touched>,
    /// The database's write-ahead log, when it is a file.
    wal: Option<PathBuf>,
    /// The log as this process last left it.
    wal_seen: Mutex<WalState>,
    /// `PRAGMA data_version` on the writer at its last release.
    data_version: Mutex<Option<i64>>,
}

/// Versions of what the database holds, moved by the writer's hooks.
#[derive(Clone, Default)]
pub struct Changes(Arc<Inner>);

impl std::fmt::Debug for Changes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Changes")
            .field("versions", &self.0.versions)
            .field("rows", &self.0.rows)
            .finish()
    }
}

impl Changes {
    /// For the database file at `path` (its log is `path-wal`).
    pub fn for_file(path: &std::path::Path) -> Self {
        let wal = (!path.as_os_str().is_empty() && path != std::path::Path::new(":memory:"))
            .then(|| PathBuf::from(format!("{}-wal", path.display())));
        let changes = Changes(Arc::new(Inner {
            wal,
            ..Default::default()
        }));
        changes.remember_wal();
        changes
    }

    /// The version of `topic` now. Equal versions mean nothing it depends
    /// on has changed in between.
    pub fn version(&self, topic: Topic) -> u64 {
        self.notice_other_writers();
        self.counter(topic).load(Ordering::Acquire)
    }

    /// Whether a value read at `version` may be kept: nothing moved since
    /// and no commit is under way.
    pub fn unchanged_since(&self, topic: Topic, version: u64) -> bool {
        !self.0.committing.load(Ordering::Acquire) && self.version(topic) == version
    }

    fn counter(&self, topic: Topic) -> &AtomicU64 {
        &self.0.versions[topic as usize]
    }

    fn bump(&self, topics: u8) {
        for topic in TOPICS {
            if topics & topic.bit() != 0 {
                self.counter(topic).fetch_add(1, Ordering::AcqRel);
            }
        }
    }

    /// Tells `watcher` of every change to a row of a watched table (a
    /// session, an account), at the commit and again once it is visible,
    /// and of any write by another process.
    pub fn watch_rows(&self, watcher: impl Fn(RowChange<'_>) + Send + Sync + 'static) {
        lock(&self.0.watchers).push(Arc::new(watcher));
    }

    /// The version of the watched rows now.
    pub fn rows_version(&self) -> u64 {
        self.notice_other_writers();
        self.0.rows.load(Ordering::Acquire)
    }

    /// Whether a watched row read at `version` may be kept.
    pub fn rows_unchanged_since(&self, version: u64) -> bool {
        !self.0.committing.load(Ordering::Acquire) && self.rows_version() == version
    }

    fn tell(&self, change: RowChange<'_>) {
        let watchers = lock(&self.0.watchers).clone();
        for watcher in watchers {
            watcher(change);
        }
    }

    fn tell_rows(&self, rows: &[(&'static str, i64)]) {
        if rows.is_empty() {
            return;
        }
        self.0.rows.fetch_add(1, Ordering::AcqRel);
        for &(table, rowid) in rows {
            self.tell(RowChange::Row(table, rowid));
        }
    }

    /// The writer changed row `rowid` of `table`.
    fn row_changed(&self, table: &str, rowid: i64, inserted: bool) {
        let mut pending = lock(&self.0.pending);
        pending.rows = true;
        pending.topics |= topics_of(table);
        drop(pending);
        // A new account has no session yet: an import of thousands tells
        // the watchers nothing.
        if inserted && table == "users" {
            return;
        }
        if let Some(watched) = WATCHED_TABLES.iter().find(|t| **t == table) {
            let mut rows = lock(&self.0.pending_rows);
            if !rows.contains(&(watched, rowid)) {
                rows.push((watched, rowid));
            }
        }
    }

    /// The writer is committing (SQLite's commit hook: the change is not
    /// visible yet).
    fn committing(&self) {
        let mut touched = std::mem::take(&mut *lock(&self.0.pending));
        // The update hook does not see WITHOUT ROWID tables (answers,
        // exam draws, class instructors…): a commit with no row seen may
        // have changed one of them, so it counts as public.
        if !touched.rows {
            touched.topics |= Topic::Public.bit();
        }
        self.0.committing.store(true, Ordering::Release);
        self.bump(touched.topics);
        lock(&self.0.committed).topics |= touched.topics;
        let rows = std::mem::take(&mut *lock(&self.0.pending_rows));
        self.tell_rows(&rows);
        lock(&self.0.committed_rows).extend(rows);
    }

    fn rolled_back(&self) {
        *lock(&self.0.pending) = Touched::default();
        lock(&self.0.pending_rows).clear();
    }

    /// The writer handed its connection back: whatever it committed is
    /// visible now. `data_version` is SQLite's count of commits by other
    /// connections as the writer sees it: when it moved, another process
    /// wrote, and what the log's length and time would have said is lost
    /// once the log is remembered as ours below.
    fn released(&self, data_version: Option<i64>) {
        if let Some(version) = data_version {
            let before = lock(&self.0.data_version).replace(version);
            if before.is_some_and(|before| before != version) {
                self.everything_changed();
            }
        }
        if !self.0.committing.load(Ordering::Acquire) {
            return;
        }
        let touched = std::mem::take(&mut *lock(&self.0.committed));
        let rows = std::mem::take(&mut *lock(&self.0.committed_rows));
        self.remember_wal();
        self.bump(touched.topics);
        self.tell_rows(&rows);
        self.0.committing.store(false, Ordering::Release);
    }

    fn wal_state(&self) -> WalState {
        let meta = std::fs::metadata(self.0.wal.as_ref()?).ok()?;
        Some((meta.len(), meta.modified().ok()?))
    }

    fn remember_wal(&self) {
        if self.0.wal.is_some() {
            *lock(&self.0.wal_seen) = self.wal_state();
        }
    }

    /// A log that differs from how this process left it, with no commit of
    /// ours under way, was written by someone else: everything may have
    /// changed.
    fn notice_other_writers(&self) {
        if self.0.wal.is_none() || self.0.committing.load(Ordering::Acquire) {
            return;
        }
        let now = self.wal_state();
        let mut seen = lock(&self.0.wal_seen);
        if *seen != now {
            *seen = now;
            drop(seen);
            self.everything_changed();
        }
    }

    fn everything_changed(&self) {
        self.bump(u8::MAX);
        self.0.rows.fetch_add(1, Ordering::AcqRel);
        self.tell(RowChange::Everything);
    }

    /// Installs the hooks on the writer's connection.
    pub async fn watch(&self, conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
        let mut handle = conn.lock_handle().await?;
        let changes = self.clone();
        handle.set_update_hook(move |change| {
            let inserted = matches!(change.operation, sqlx::sqlite::SqliteOperation::Insert);
            changes.row_changed(change.table, change.rowid, inserted)
        });
        let changes = self.clone();
        handle.set_commit_hook(move || {
            changes.committing();
            true
        });
        let changes = self.clone();
        handle.set_rollback_hook(move || changes.rolled_back());
        drop(handle);
        // A new writer means the old one is gone, with whatever it had
        // under way (SQLite calls no rollback hook for a connection closed
        // mid-transaction, and a pool may close one without releasing it).
        self.rolled_back();
        self.released(None);
        *lock(&self.0.data_version) = None;
        self.writer_released(conn).await
    }

    /// To call when the writer's connection goes back to its pool.
    pub async fn writer_released(
        &self,
        conn: &mut sqlx::SqliteConnection,
    ) -> Result<(), sqlx::Error> {
        let data_version: i64 = sqlx::query_scalar("PRAGMA data_version")
            .fetch_one(conn)
            .await?;
        self.released(Some(data_version));
        Ok(())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watchers_hear_of_each_watched_row_at_commit_and_release() {
        let changes = Changes::default();
        let heard = Arc::new(Mutex::new(Vec::new()));
        changes.watch_rows({
            let heard = heard.clone();
            move |change| {
                if let RowChange::Row(table, rowid) = change {
                    lock(&heard).push((table.to_owned(), rowid));
                }
            }
        });
        let before = changes.rows_version();
        changes.row_changed("sessions", 7, false);
        changes.row_changed("classes", 3, false);
        changes.committing();
        assert!(!changes.rows_unchanged_since(changes.rows_version()));
        changes.released(None);
        assert_eq!(
            *lock(&heard),
            [("sessions".to_owned(), 7), ("sessions".to_owned(), 7)]
        );
        assert!(changes.rows_version() > before);
        assert_eq!(
            topics_of("attempts"),
            Topic::Attempts.bit(),
            "attempts are private"
        );
        changes.row_changed("users", 1, false);
        changes.rolled_back();
        changes.released(None);
        assert_eq!(lock(&heard).len(), 2, "a rollback tells nothing");
    }

    #[test]
    fn a_private_change_moves_nothing_a_certificate_moves_both() {
        let changes = Changes::default();
        let (public, certificates) = (
            changes.version(Topic::Public),
            changes.version(Topic::Certificates),
        );
        changes.row_changed("sessions", 1, false);
        changes.committing();
        changes.released(None);
        assert_eq!(changes.version(Topic::Public), public);
        assert_eq!(changes.version(Topic::Certificates), certificates);

        changes.row_changed("certificates", 1, true);
        changes.committing();
        assert!(!changes.unchanged_since(Topic::Certificates, certificates));
        changes.released(None);
        assert!(changes.version(Topic::Certificates) > certificates);
        assert!(changes.version(Topic::Public) > public);
    }

    #[test]
    fn nothing_read_during_a_commit_is_kept() {
        let changes = Changes::default();
        changes.row_changed("classes", 1, false);
        changes.committing();
        // A reader starting now sees the first move, but the commit is not
        // visible yet: what it reads must not be kept under this version.
        let during = changes.version(Topic::Public);
        assert!(!changes.unchanged_since(Topic::Public, during));
        changes.released(None);
        assert!(!changes.unchanged_since(Topic::Public, during));
        let after = changes.version(Topic::Public);
        assert!(changes.unchanged_since(Topic::Public, after));
    }

    #[test]
    fn a_commit_with_no_row_seen_counts_as_public_a_rollback_as_nothing() {
        let changes = Changes::default();
        let public = changes.version(Topic::Public);
        changes.row_changed("classes", 1, false);
        changes.rolled_back();
        changes.released(None);
        assert_eq!(changes.version(Topic::Public), public);
        changes.committing();
        changes.released(None);
        assert!(changes.version(Topic::Public) > public);
    }
}
