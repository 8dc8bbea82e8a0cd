//! Crash-safe file writes. A `renn` killed at any moment (even `kill -9`) must leave every
//! file it owns either as it was or as it was meant to be, never half-written: each write
//! goes to a temp file in the same directory (a rename is atomic only within one file
//! system), is flushed to disk, and then renamed over the target.

use crate::{Error, Result};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinguishes temp files of concurrent writes from one process (threads writing the
/// same target must never share a temp file); the pid distinguishes processes.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Replaces `path` with `bytes` atomically: readers see the old content or the new, never
/// a mix. Missing parent directories are created. On any failure the temp file is removed,
/// the target is untouched, and the error names the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write(path, bytes).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = resolve_symlink(path);
    let name = target.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file")
    })?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir)?;

    let tmp = create_temp(&dir, name)?;
    tmp.write(bytes, &target)?;
    tmp.persist(&target)?;
    sync_dir(&dir);
    Ok(())
}

/// `.{name}.renn-tmp-{pid}-{counter}`: hidden, and recognisable as renn's. A name left by a
/// killed process whose pid was reused is skipped, never written into.
fn create_temp(dir: &Path, name: &std::ffi::OsStr) -> io::Result<TempFile> {
    let mut attempts = 0;
    loop {
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        tmp_name.push(format!(".renn-tmp-{}-{n}", std::process::id()));
        attempts += 1;
        match TempFile::create(dir.join(tmp_name)) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempts < 100 => continue,
            other => return other,
        }
    }
}

/// Writing through a symlink (a user who links `.renn/track.md` elsewhere) must update the
/// file it points to, not replace the link with a regular file.
fn resolve_symlink(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path).unwrap_or(path.into()),
        _ => path.to_path_buf(),
    }
}

/// A temp file that deletes itself unless it was renamed over its target, so no error
/// path can leave `.x.renn-tmp-…` litter behind.
struct TempFile {
    path: PathBuf,
    file: Option<File>,
    persisted: bool,
}

impl TempFile {
    /// `create_new`: never opens a file that already exists.
    fn create(path: PathBuf) -> io::Result<TempFile> {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        Ok(TempFile {
            path,
            file: Some(file),
            persisted: false,
        })
    }

    /// Writes and fsyncs: without the fsync, a power cut after the rename can leave an
    /// empty file under the target's name on some file systems.
    fn write(&self, bytes: &[u8], target: &Path) -> io::Result<()> {
        let mut file = self.file.as_ref().expect("open until persisted");
        file.write_all(bytes)?;
        // Keep the target's mode (an executable script stays executable); best effort,
        // the content is what matters.
        if let Ok(meta) = fs::metadata(target) {
            let _ = file.set_permissions(meta.permissions());
        }
        file.sync_all()
    }

    fn persist(mut self, target: &Path) -> io::Result<()> {
        // Closed before the rename: Windows cannot rename an open file.
        drop(self.file.take());
        fs::rename(&self.path, target)?;
        self.persisted = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.persisted {
            drop(self.file.take());
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// The rename is durable only once the directory entry is on disk. Best effort: some file
/// systems refuse to fsync a directory, and the write itself has already succeeded.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temp_file_dropped_before_persist_is_removed_and_the_target_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("pulse.md");
        fs::write(&target, "old").unwrap();
        let tmp = TempFile::create(dir.path().join(".pulse.md.renn-tmp-test")).unwrap();
        tmp.write(b"new", &target).unwrap();
        drop(tmp); // an error between write and rename
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["pulse.md"]);
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
    }

    #[test]
    fn an_existing_temp_name_is_never_reused() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().join(".x.renn-tmp-1-1");
        fs::write(&tmp, "someone else's").unwrap();
        assert!(TempFile::create(tmp.clone()).is_err());
        assert_eq!(fs::read_to_string(&tmp).unwrap(), "someone else's");
    }
}
