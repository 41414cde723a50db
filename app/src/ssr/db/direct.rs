//! Short reads in place: read-only SQLite connections used on the calling
//! thread, for what signed-in users load most: `/me`, the gradebook, a
//! class, and whether an instructor teaches it (every teaching page asks).
//!
//! sqlx runs each SQLite connection on a thread of its own, and every
//! statement is a message to that thread and a wake-up back. For a page of
//! short indexed reads the hand-offs cost more than the reads: on `/me`
//! (six statements of 10–50 µs) the connection threads took 29% of the CPU
//! and the kernel's context switches most of another 10%, while SQLite
//! itself was 18% (perf, docs/PERFORMANCE.md "Server"). Here the statements
//! run where the request already is: no thread, no channel.
//!
//! Only for reads that are short and indexed: a read holds its tokio worker
//! for as long as it runs. Everything else stays on the sqlx pools.

use rusqlite::{Connection, OpenFlags, Transaction};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Connections kept open between reads beyond one per core: a read runs on
/// a worker thread (one per core) or, rarely, a blocking one; more are
/// closed after use.
const KEPT_BEYOND_CORES: usize = 4;

/// Prepared statements kept per connection (a page's worth several times).
const STATEMENTS: usize = 64;

/// How long a read waits for a lock. Under WAL a reader waits only while
/// the log's index is rebuilt after a crash, which is short; a worker
/// thread must not sit longer than this.
const BUSY: Duration = Duration::from_secs(1);

/// Read-only connections to one database file, opened as needed.
#[derive(Clone)]
pub struct DirectReaders {
    path: Arc<PathBuf>,
    idle: Arc<Mutex<Vec<Connection>>>,
    kept: usize,
}

impl std::fmt::Debug for DirectReaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectReaders")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl DirectReaders {
    pub fn new(path: PathBuf) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        DirectReaders {
            path: Arc::new(path),
            idle: Arc::default(),
            kept: cores + KEPT_BEYOND_CORES,
        }
    }

    /// Runs `read` in one read transaction, so its statements see one
    /// snapshot of the database, on a connection of its own.
    pub fn read<T, E>(&self, read: impl FnOnce(&Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let mut conn = match self.take() {
            Some(conn) => conn,
            None => self.open()?,
        };
        let result = {
            let tx = conn.transaction()?;
            // A read-only transaction has nothing to commit; dropping it
            // rolls back, which only ends the snapshot.
            read(&tx)
        };
        // A connection whose read failed may be in any state, and one still
        // in a transaction (its rollback failed) would keep an old snapshot
        // and hold back checkpoints: neither is kept.
        if result.is_ok() && conn.is_autocommit() {
            self.put_back(conn);
        }
        result
    }

    fn take(&self) -> Option<Connection> {
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop()
    }

    fn put_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < self.kept {
            idle.push(conn);
        }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            self.path.as_path(),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY)?;
        conn.pragma_update(None, "temp_store", "memory")?;
        conn.pragma_update(None, "mmap_size", super::READER_MMAP)?;
        conn.set_prepared_statement_cache_capacity(STATEMENTS);
        Ok(conn)
    }
}

/// Reads a row into a struct by column name, one field per column of the
/// same name, the way sqlx's `FromRow` does for the pools' queries.
macro_rules! direct_row {
    ($row:ty { $($field:ident),* $(,)? }) => {
        impl $row {
            fn from_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                Ok(Self { $($field: row.get(stringify!($field))?),* })
            }
        }
    };
}
pub(crate) use direct_row;

#[cfg(test)]
mod tests {
    use super::*;

    fn database() -> (tempfile::TempDir, DirectReaders) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
             INSERT INTO t (name) VALUES ('a'), ('b');",
        )
        .unwrap();
        (dir, DirectReaders::new(path))
    }

    #[test]
    fn a_read_sees_one_snapshot_while_another_connection_writes() {
        let (dir, readers) = database();
        let writer = Connection::open(dir.path().join("a.db")).unwrap();
        let (before, after) = readers
            .read(|tx| -> rusqlite::Result<_> {
                let count = |tx: &Transaction<'_>| {
                    tx.query_row("SELECT COUNT(*) FROM t", [], |r| r.get::<_, i64>(0))
                };
                let before = count(tx)?;
                writer
                    .execute("INSERT INTO t (name) VALUES ('c')", [])
                    .unwrap();
                Ok((before, count(tx)?))
            })
            .unwrap();
        assert_eq!((before, after), (2, 2));
        // The next read sees the write.
        let now: i64 = readers
            .read(|tx| tx.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0)))
            .unwrap();
        assert_eq!(now, 3);
    }

    #[test]
    fn reads_on_many_threads_each_see_a_whole_commit_while_a_writer_commits() {
        let (dir, readers) = database();
        let path = dir.path().join("a.db");
        let writer = Connection::open(&path).unwrap();
        writer
            .execute_batch("CREATE TABLE n (count INTEGER NOT NULL); INSERT INTO n VALUES (2);")
            .unwrap();
        let writing = std::thread::spawn(move || {
            for _ in 0..300 {
                writer
                    .execute_batch(
                        "BEGIN IMMEDIATE;
                         INSERT INTO t (name) VALUES ('x');
                         UPDATE n SET count = count + 1;
                         COMMIT;",
                    )
                    .unwrap();
            }
        });
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let readers = readers.clone();
                std::thread::spawn(move || {
                    for _ in 0..300 {
                        let (rows, counted) = readers
                            .read(|tx| -> rusqlite::Result<(i64, i64)> {
                                let rows =
                                    tx.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))?;
                                let counted =
                                    tx.query_row("SELECT count FROM n", [], |r| r.get(0))?;
                                Ok((rows, counted))
                            })
                            .unwrap();
                        assert_eq!(rows, counted, "a read saw half a commit");
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        writing.join().unwrap();
        assert!(readers.idle.lock().unwrap().len() <= readers.kept);
    }

    #[test]
    fn connections_are_read_only_and_reused() {
        let (_dir, readers) = database();
        let refused = readers.read(|tx| tx.execute("DELETE FROM t", []));
        assert!(refused.is_err(), "a direct reader wrote");
        // The failed read's connection was not kept; a good one is.
        assert_eq!(readers.idle.lock().unwrap().len(), 0);
        let names: Vec<String> = readers
            .read(|tx| {
                tx.prepare_cached("SELECT name FROM t ORDER BY id")?
                    .query_map([], |r| r.get(0))?
                    .collect()
            })
            .unwrap();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(readers.idle.lock().unwrap().len(), 1);
    }

    #[test]
    fn rows_read_by_column_name() {
        struct Row {
            id: i64,
            name: String,
        }
        direct_row!(Row { id, name });
        let (_dir, readers) = database();
        let row = readers
            .read(|tx| tx.query_row("SELECT name, id FROM t WHERE id = 2", [], Row::from_direct))
            .unwrap();
        assert_eq!((row.id, row.name.as_str()), (2, "b"));
    }
}
