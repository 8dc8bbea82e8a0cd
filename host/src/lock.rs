//! One renn per project. A second `renn run-stage` on the same project would take the
//! first one's live agents for leftovers of a crash and stop them, run runs twice, or
//! merge out of order. The lock is an advisory lock on `.renn/renn.lock` (`flock` on
//! Unix, `LockFileEx` on Windows, through fs4): the system releases it when its holder
//! dies, however it dies, so a stale lock is simply taken over. The file names the
//! holder so the second renn can say who it is — on Unix: Windows locks are mandatory,
//! so there the second renn cannot read the file and says only that the project is
//! busy.

use crate::fsio::open_no_follow;
use crate::{Error, Result};
use fs4::TryLockError;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// The lock file, relative to the project root.
/// Where the lock is in a project of this layout (`.renn/renn.lock`).
pub fn lock_path(root: &Path) -> &'static str {
    crate::disk::ProjectDir::at(root)
        .map_or(renn_core::Layout::Renn, |d| d.layout)
        .vocab()
        .lock
}

/// Held for as long as this value lives.
#[derive(Debug)]
pub struct ProjectLock {
    _file: File,
}

/// Who holds the lock, as the holder wrote it.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    /// Seconds since the epoch.
    pub since: u64,
    pub stage: String,
}

impl ProjectLock {
    /// Takes the project's lock for `stage`, or says who holds it ([`Error::Busy`]).
    pub fn acquire(root: &Path, stage: &str) -> Result<ProjectLock> {
        let rel = lock_path(root);
        let path = root.join(rel);
        let io = |source| Error::Io {
            path: path.display().to_string(),
            source,
        };
        let mut file = open(&path).map_err(io)?;
        // fs4's, not std's: the same call, within the workspace's MSRV.
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                return Err(Error::Busy {
                    holder: serde_json::from_str(&text).ok(),
                    path: rel.to_string(),
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        let holder = Holder {
            pid: std::process::id(),
            since: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            stage: stage.to_string(),
        };
        let text = serde_json::to_string(&holder).unwrap_or_default();
        file.set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(text.as_bytes()))
            .map_err(io)?;
        Ok(ProjectLock { _file: file })
    }
}

/// Whether another renn holds the project's lock, and who (as it wrote itself down):
/// `None` when no one does. Probed with a shared lock taken and released at once (a
/// renn starting in that instant is told to wait, as for any holder).
pub fn held_by(root: &Path) -> Option<Option<Holder>> {
    let mut options = OpenOptions::new();
    options.read(true);
    let mut file = open_no_follow(&mut options, &root.join(lock_path(root))).ok()?;
    match fs4::FileExt::try_lock_shared(&file) {
        Ok(()) => {
            let _ = fs4::FileExt::unlock(&file);
            None
        }
        Err(_) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            Some(serde_json::from_str(&text).ok())
        }
    }
}

/// Opens (creating) the lock file without following a symlink: a link planted at its
/// place must not make renn truncate a file elsewhere.
fn open(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    open_no_follow(&mut options, path)
}

impl Holder {
    /// "pid 4242, stage 3, for 75 s".
    pub fn describe(&self) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        format!(
            "pid {}, stage {}, running for {} s",
            self.pid,
            self.stage,
            now.saturating_sub(self.since)
        )
    }
}
