//! Opening the SQLite database: WAL journal, foreign keys on, `synchronous = NORMAL` (durable across
//! application crashes; a power cut may lose the last moments, never corrupt), embedded migrations.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::error::{Error, Result};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");

pub async fn open(path: &Path) -> Result<SqlitePool> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::io(format!("creating {}", parent.display()), e))?;
    }
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        // Writers queue for the write lock (see `begin_immediate`); the longest holder is a large
        // CSV import, so a kiosk sign-in waits for it rather than failing after a few seconds.
        .busy_timeout(Duration::from_secs(30))
        .pragma("temp_store", "memory")
        .pragma("cache_size", "-65536")
        // Reads of a large database go through the page cache without a syscall per page.
        .pragma("mmap_size", "1073741824");
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .min_connections(1)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// Starts a write transaction that takes SQLite's write lock at once (`BEGIN IMMEDIATE`).
///
/// Every transaction that reads and then writes must start this way. A deferred `BEGIN` takes a
/// read snapshot first; if another connection (this process's pool or another process, like the
/// CLI beside the window) commits before our first write, SQLite cannot upgrade the stale snapshot
/// and fails with `SQLITE_BUSY` at once, without waiting for the busy timeout. Taking the lock up
/// front makes concurrent writers queue on the busy timeout instead.
pub(crate) async fn begin_immediate(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}
