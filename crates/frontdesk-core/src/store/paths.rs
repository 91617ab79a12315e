//! Where Frontdesk keeps its files. Every path the product writes comes from here, so tests and the
//! CLI's `--data-dir` can point the whole app at a temporary folder.

use std::path::{Path, PathBuf};

/// Environment variable that overrides the data directory for every client.
pub const DATA_DIR_ENV: &str = "FRONTDESK_DATA_DIR";

/// The OS application-data directory (e.g. `~/.local/share/frontdesk` on Linux,
/// `%APPDATA%\Frontdesk\data` on Windows), unless [`DATA_DIR_ENV`] is set.
pub fn default_data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("app", "Frontdesk", "frontdesk").map(|p| p.data_dir().to_owned())
}

/// The files inside one data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// The data directory at `root` (nothing is created).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The data directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The SQLite database, `frontdesk.db`.
    pub fn database(&self) -> PathBuf {
        self.root.join("frontdesk.db")
    }

    /// The file holding this PC's device id, `device-id`.
    pub fn device_id_file(&self) -> PathBuf {
        self.root.join("device-id")
    }

    /// Caches built from the database (e.g. the face index), `cache/`.
    pub fn cache_dir(&self) -> PathBuf {
        self.root.join("cache")
    }

    /// Where exports are written by default, `exports/` (scheduled ones in `exports/scheduled`).
    pub fn exports_dir(&self) -> PathBuf {
        self.root.join("exports")
    }
}

/// Makes the data directory private to the OS user running Frontdesk: the folder `0700` and the
/// database files in it `0600` on Unix, tightening a folder another tool (or an older version)
/// created readable by others. Everything else Frontdesk writes lives under this folder, so
/// nothing in it can be read by another account on a shared PC. On Windows the per-user
/// application-data folder is private to its user already.
pub fn make_private(dir: &DataDir) -> crate::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let set = |path: &Path, mode: u32| -> crate::Result<()> {
            match std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(crate::Error::io(
                    format!("making {} private", path.display()),
                    e,
                )),
            }
        };
        std::fs::create_dir_all(dir.root())
            .map_err(|e| crate::Error::io(format!("creating {}", dir.root().display()), e))?;
        set(dir.root(), 0o700)?;
        let db = dir.database();
        for suffix in ["", "-wal", "-shm"] {
            let mut name = db.clone().into_os_string();
            name.push(suffix);
            set(Path::new(&name), 0o600)?;
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
