//! This PC's device id. It lives in the data directory's `device-id` file and, as a backup, in the
//! database (`this_device`), so an unreadable file never gives a PC that already has an id a new one.

use std::io::Write;
use std::path::Path;

use sqlx::SqlitePool;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::paths::DataDir;
use crate::{new_id, now_ms};

enum File {
    Valid(Uuid),
    Missing,
    /// Present but not an id (truncated by a crash, overwritten, not UTF-8).
    Corrupt,
}

/// This PC's id: the file's; else the one the database recorded (and the file is rewritten);
/// else, for a missing file, a new id. A corrupt file with no recorded id is an error on a
/// database that is already set up (a new id would silently become a different PC), a new id on
/// one that is not (nothing refers to any id yet).
pub(crate) async fn load_or_create(dir: &DataDir, pool: &SqlitePool) -> Result<Uuid> {
    let path = dir.device_id_file();
    let file = match std::fs::read(&path) {
        Ok(bytes) => std::str::from_utf8(&bytes)
            .ok()
            .and_then(|s| Uuid::parse_str(s.trim()).ok())
            .map_or(File::Corrupt, File::Valid),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => File::Missing,
        Err(e) => return Err(Error::io(format!("reading {}", path.display()), e)),
    };
    let recorded: Option<Uuid> =
        sqlx::query_scalar("SELECT device_id FROM this_device WHERE singleton = 1")
            .fetch_optional(pool)
            .await?;
    match (file, recorded) {
        (File::Valid(id), Some(r)) if id == r => Ok(id),
        (File::Valid(id), recorded) => {
            if let Some(r) = recorded {
                tracing::warn!(file = %id, database = %r, "device id file and database disagree; keeping the file's");
            }
            record(pool, id).await?;
            Ok(id)
        }
        (File::Missing | File::Corrupt, Some(id)) => {
            tracing::warn!(path = %path.display(), %id, "device id file missing or unreadable; restored from the database");
            write_atomically(&path, id)?;
            Ok(id)
        }
        (File::Corrupt, None) if is_set_up(pool).await? => Err(Error::Conflict(format!(
            "the device id file {} is unreadable and the database has no record of this PC's id; \
             restore the file from a backup, or delete it to give this PC a new id",
            path.display()
        ))),
        (File::Missing | File::Corrupt, None) => {
            let id = new_id();
            record(pool, id).await?;
            write_atomically(&path, id)?;
            Ok(id)
        }
    }
}

async fn is_set_up(pool: &SqlitePool) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
        .fetch_one(pool)
        .await?;
    Ok(n > 0)
}

async fn record(pool: &SqlitePool, id: Uuid) -> Result<()> {
    sqlx::query(
        "INSERT INTO this_device (singleton, device_id, recorded_at) VALUES (1, ?, ?)
         ON CONFLICT (singleton) DO UPDATE SET device_id = excluded.device_id,
            recorded_at = excluded.recorded_at",
    )
    .bind(id)
    .bind(now_ms())
    .execute(pool)
    .await?;
    Ok(())
}

/// Replaces the file in one step: a crash leaves either the old file or the new one, never a
/// half-written id.
fn write_atomically(path: &Path, id: Uuid) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let io = |what: &str, p: &Path, e| Error::io(format!("{what} {}", p.display()), e);
    let written = std::fs::File::create(&tmp)
        .and_then(|mut f| {
            f.write_all(id.to_string().as_bytes())?;
            f.sync_all()
        })
        .map_err(|e| io("writing", &tmp, e))
        .and_then(|()| std::fs::rename(&tmp, path).map_err(|e| io("replacing", path, e)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    // Make the rename itself durable (directories cannot be opened for syncing on Windows).
    if let Some(dir) = path.parent()
        && let Ok(d) = std::fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
    Ok(())
}
