//! Documents saved as files, atomically: written under a temporary `.partial` name, flushed to disk
//! with their folder, then hard-linked into place under a name nobody has taken (`name.pdf`,
//! `name (2).pdf`, …). A folder watched by payroll never sees a half-written file, a crash leaves
//! at most a `.partial` behind, and an existing file is never overwritten.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::new_id;

/// Names tried before giving up (`name (999).ext`).
const MAX_NAMES: u32 = 999;

/// A document written to a folder on this PC.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SavedDocument {
    /// Full path of the file on this PC.
    pub path: String,
    /// Size of the file in bytes (saturating at `u32::MAX`).
    pub bytes: u32,
    /// What the document could not show as asked (e.g. characters no font covers), and what staff
    /// should know about it (e.g. that it holds more people than the directory lists).
    pub warnings: Vec<String>,
}

/// The temporary name a file called `name` is written under: hidden, `.partial`, with a `token`
/// that makes it unique (and says whose it is).
pub(crate) fn partial_name(name: &str, token: &str) -> String {
    format!(".{name}.{token}.partial")
}

pub(crate) fn is_partial(file_name: &str) -> bool {
    file_name.starts_with('.') && file_name.ends_with(".partial")
}

/// The `n`th name for `name` in `dir`: `name` itself, then `stem (2).ext`, ….
pub(crate) fn candidate(dir: &Path, name: &str, n: u32) -> PathBuf {
    if n <= 1 {
        return dir.join(name);
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) => dir.join(format!("{stem} ({n}).{ext}")),
        None => dir.join(format!("{name} ({n})")),
    }
}

/// Flushes a folder's entries (new names) to disk; a no-op where folders cannot be opened.
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Writes `bytes` to a new file `dir/partial` and flushes it and the folder to disk.
pub(crate) fn write_partial(dir: &Path, partial: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(partial);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    sync_dir(dir)?;
    Ok(path)
}

/// Gives the written `partial` the name `target` if nobody has it: true when placed, false when
/// the name is taken. The partial stays (remove it once the placement is recorded), except on file
/// systems without hard links (FAT, some shares), where it is renamed.
pub(crate) fn place(partial: &Path, target: &Path) -> std::io::Result<bool> {
    // hard_link fails if the target exists, so two writers never take the same name.
    match std::fs::hard_link(partial, target) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => {
            if target.exists() {
                return Ok(false);
            }
            if std::fs::rename(partial, target).is_err() {
                return Err(e);
            }
        }
    }
    if let Some(dir) = target.parent() {
        sync_dir(dir)?;
    }
    Ok(true)
}

/// Whether `a` and `b` are the same file (one linked from the other).
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        #[cfg(unix)]
        (Ok(x), Ok(y)) => {
            use std::os::unix::fs::MetadataExt;
            x.dev() == y.dev() && x.ino() == y.ino()
        }
        #[cfg(not(unix))]
        (Ok(x), Ok(y)) => {
            x.len() == y.len()
                && std::fs::read(a)
                    .ok()
                    .is_some_and(|d| std::fs::read(b).ok() == Some(d))
        }
        _ => false,
    }
}

/// Places `partial` under the first free name for `name` in `dir`.
pub(crate) fn place_first_free(partial: &Path, dir: &Path, name: &str) -> std::io::Result<PathBuf> {
    for n in 1..=MAX_NAMES {
        let target = candidate(dir, name, n);
        if place(partial, &target)? {
            return Ok(target);
        }
    }
    Err(std::io::Error::other(format!(
        "{MAX_NAMES} files named {name} already exist"
    )))
}

/// Writes `bytes` as a new file named `name` (or `name (2)`, …) in `dir`, atomically.
pub(crate) fn write_new_file(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let partial = write_partial(
        dir,
        &partial_name(name, &new_id().simple().to_string()),
        bytes,
    )?;
    let placed = place_first_free(&partial, dir, name);
    let _ = std::fs::remove_file(&partial);
    placed
}

/// Runs blocking file work off the async runtime; IO errors say what was being written where.
pub(crate) async fn blocking<T: Send + 'static>(
    what: String,
    work: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Internal(format!("file task: {e}")))?
        .map_err(|e| Error::io(what, e))
}

/// [`write_new_file`] off the async runtime.
pub(crate) async fn save_new_file(dir: PathBuf, name: String, bytes: Vec<u8>) -> Result<PathBuf> {
    let what = format!("writing to {}", dir.display());
    blocking(what, move || write_new_file(&dir, &name, &bytes)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_files_never_overwrite() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let a = write_new_file(dir.path(), "t.pdf", b"one").unwrap_or_else(|e| panic!("{e}"));
        let b = write_new_file(dir.path(), "t.pdf", b"two").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.file_name().and_then(|n| n.to_str()), Some("t.pdf"));
        assert_eq!(b.file_name().and_then(|n| n.to_str()), Some("t (2).pdf"));
        assert_eq!(std::fs::read(&a).unwrap_or_default(), b"one");
        assert_eq!(std::fs::read(&b).unwrap_or_default(), b"two");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left.len(), 2, "no temporary files left behind: {left:?}");
    }

    #[test]
    fn a_placed_partial_is_known_as_the_same_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = write_partial(dir.path(), &partial_name("a.csv", "t"), b"x")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(is_partial)
        );
        let target = candidate(dir.path(), "a.csv", 1);
        assert!(place(&p, &target).unwrap_or_else(|e| panic!("{e}")));
        assert!(
            same_file(&p, &target),
            "linked, so one file under two names"
        );
        assert!(
            !place(&p, &target).unwrap_or_else(|e| panic!("{e}")),
            "a taken name is refused"
        );
        assert_eq!(
            candidate(dir.path(), "a.csv", 3)
                .file_name()
                .and_then(|n| n.to_str()),
            Some("a (3).csv")
        );
    }
}
