//! Safe file access for everything renn reads or writes in a project.
//!
//! Writes are crash-safe: a `renn` killed at any moment (even `kill -9`) must leave every
//! file it owns either as it was or as it was meant to be, never half-written: each write
//! goes to a temp file in the same directory (a rename is atomic only within one file
//! system), is flushed to disk, and then renamed over the target.
//!
//! Writes stay inside the project: a repository is someone else's input, and a symlink
//! committed in it (`.renn/pulse.md → ~/.bashrc`) must not make renn write elsewhere.
//! [`safe_path`] refuses a path when the file itself or any directory between the root
//! and it is a symlink; every writer goes through it.
//!
//! Reads are bounded: only regular files are read (a FIFO would block, a device never
//! ends), opened without blocking, and never more than the limit, whatever the file's
//! size claims. A symlink is read only when it resolves inside the project.
//!
//! On Windows a "symlink" is what std's `is_symlink` reports there: a name-surrogate
//! reparse point — a symbolic link or a junction (mount point), the reparse points that
//! point at another path. Other reparse points store data rather than redirect
//! (cloud-file placeholders, deduplicated files) and are files like any other.

use crate::{Error, Result};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinguishes temp files of concurrent writes from one process (threads writing the
/// same target must never share a temp file); the pid distinguishes processes.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// `root/rel`, once it is known that writing there stays inside `root`: `rel` is
/// relative with no `..`, and neither the file nor any directory between `root` and it
/// is a symlink (a dangling one included). Components that do not exist yet are fine:
/// renn creates them as real directories. `root` itself is trusted.
pub fn safe_path(root: &Path, rel: impl AsRef<Path>) -> Result<PathBuf> {
    let rel = rel.as_ref();
    let full = root.join(rel);
    let refuse = |msg: String| Error::Io {
        path: full.display().to_string(),
        source: io::Error::new(io::ErrorKind::PermissionDenied, msg),
    };
    let mut at = root.to_path_buf();
    let mut shown = PathBuf::new();
    let mut exists = true;
    for c in rel.components() {
        match c {
            Component::CurDir => continue,
            Component::Normal(name) => {
                at.push(name);
                shown.push(name);
            }
            _ => {
                return Err(refuse(format!(
                    "{} is not a path inside the project; renn writes only inside it",
                    rel.display()
                )))
            }
        }
        if !exists {
            continue;
        }
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&at)
                    .map(|t| format!(" (→ {})", t.display()))
                    .unwrap_or_default();
                return Err(refuse(format!(
                    "{}{to} is a symlink: renn will not write through a symlink; replace it with a regular {}",
                    shown.display(),
                    if shown == rel { "file" } else { "directory" }
                )));
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => exists = false,
            Err(e) => {
                return Err(Error::Io {
                    path: full.display().to_string(),
                    source: e,
                })
            }
        }
    }
    Ok(full)
}

/// Opens `path` with `options`, refusing a symlink at its place (a dangling one
/// included) rather than following it: `O_NOFOLLOW` on Unix; on Windows the reparse
/// point itself is opened (`FILE_FLAG_OPEN_REPARSE_POINT`) and refused, before anything
/// is read or written, when it is a symbolic link or a junction. Directories on the way are followed (callers that
/// need more go through [`safe_path`] first).
pub fn open_no_follow(options: &mut OpenOptions, path: &Path) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
        options.open(path)
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        use windows_sys::Win32::Storage::FileSystem::FILE_FLAG_OPEN_REPARSE_POINT;
        options.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT);
        let file = options.open(path)?;
        if file.metadata()?.file_type().is_symlink() {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "a symlink or junction: renn does not open files through one",
            ));
        }
        Ok(file)
    }
}

/// Replaces `root/rel` with `bytes` atomically: readers see the old content or the new,
/// never a mix. Missing parent directories are created. Refuses a path [`safe_path`]
/// refuses. On any failure the temp file is removed, the target is untouched, and the
/// error names the target.
pub fn write_atomic(root: &Path, rel: impl AsRef<Path>, bytes: &[u8]) -> Result<()> {
    write_in(root, rel.as_ref(), bytes, true)
}

/// [`write_atomic`] without flushing to disk: for a file that matters only while renn's
/// processes live (a power cut ends them too).
pub fn write_atomic_unsynced(root: &Path, rel: impl AsRef<Path>, bytes: &[u8]) -> Result<()> {
    write_in(root, rel.as_ref(), bytes, false)
}

fn write_in(root: &Path, rel: &Path, bytes: &[u8], sync: bool) -> Result<()> {
    let target = safe_path(root, rel)?;
    write(&target, bytes, sync).map_err(|source| Error::Io {
        path: target.display().to_string(),
        source,
    })
}

/// Creates `root/rel` and its missing parents as real directories, refusing a path
/// [`safe_path`] refuses.
pub fn create_dir_all(root: &Path, rel: impl AsRef<Path>) -> Result<PathBuf> {
    let dir = safe_path(root, rel)?;
    fs::create_dir_all(&dir).map_err(|source| Error::Io {
        path: dir.display().to_string(),
        source,
    })?;
    Ok(dir)
}

fn write(target: &Path, bytes: &[u8], sync: bool) -> io::Result<()> {
    let name = target.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file")
    })?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir)?;

    let tmp = create_temp(&dir, name)?;
    tmp.write(bytes, target, sync)?;
    tmp.persist(target)?;
    if sync {
        sync_dir(&dir);
    }
    Ok(())
}

/// What [`read_bounded`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    Bytes(Vec<u8>),
    /// More than the limit: at least this many bytes (nothing more was read).
    TooLarge {
        bytes: u64,
    },
}

/// Reads `root/rel` when it is a regular file, at most `limit` bytes of it. `None` when
/// it does not exist (a dangling symlink included). A FIFO, a device, a directory or a
/// symlink that resolves outside `root` is an error naming the file; the size is
/// enforced while reading, so a file that grows or lies about its size cannot make
/// renn read more.
pub fn read_bounded(root: &Path, rel: impl AsRef<Path>, limit: u64) -> Result<Option<Contents>> {
    let rel = rel.as_ref();
    let full = root.join(rel);
    // Named as the caller named it (project-relative for project files).
    let fail = |source: io::Error| Error::Io {
        path: rel.display().to_string(),
        source,
    };
    let refuse = |msg: String| fail(io::Error::new(io::ErrorKind::InvalidData, msg));
    let link = match fs::symlink_metadata(&full) {
        Ok(m) => m.file_type().is_symlink(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(fail(e)),
    };
    // A symlink (of the file or of a directory on the way) is followed only inside the
    // project: a committed link must not make renn read a user's private files into
    // an agent's prompt, or a device.
    let real = match fs::canonicalize(&full) {
        Ok(p) => p,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(fail(e)),
    };
    let inside = fs::canonicalize(root).is_ok_and(|r| real.starts_with(r));
    if !inside {
        return Err(refuse(format!(
            "{} resolves to {}, outside the project; renn reads only files inside the project",
            if link { "this symlink" } else { "this path" },
            real.display()
        )));
    }
    let meta = fs::metadata(&real).map_err(fail)?;
    if !meta.is_file() {
        return Err(refuse(not_regular(&meta)));
    }
    if meta.len() > limit {
        return Ok(Some(Contents::TooLarge { bytes: meta.len() }));
    }
    let file = open_nonblocking(&real).map_err(fail)?;
    // The file opened may not be the one looked at: check what was opened.
    let meta = file.metadata().map_err(fail)?;
    if !meta.is_file() {
        return Err(refuse(not_regular(&meta)));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(fail)?;
    if bytes.len() as u64 > limit {
        let bytes = meta.len().max(limit + 1);
        return Ok(Some(Contents::TooLarge { bytes }));
    }
    Ok(Some(Contents::Bytes(bytes)))
}

/// [`read_bounded`] for a text file renn reads itself: too large or not UTF-8 is an error.
pub fn read_text(root: &Path, rel: impl AsRef<Path>, limit: u64) -> Result<Option<String>> {
    let rel = rel.as_ref();
    let fail = |msg: String| Error::Io {
        path: rel.display().to_string(),
        source: io::Error::new(io::ErrorKind::InvalidData, msg),
    };
    match read_bounded(root, rel, limit)? {
        None => Ok(None),
        Some(Contents::TooLarge { bytes }) => Err(fail(format!(
            "file-too-large: {bytes} bytes or more; renn reads at most {limit} here"
        ))),
        Some(Contents::Bytes(b)) => String::from_utf8(b)
            .map(Some)
            .map_err(|e| fail(format!("not UTF-8: {e}"))),
    }
}

fn not_regular(meta: &fs::Metadata) -> String {
    let ft = meta.file_type();
    #[cfg(unix)]
    let kind = {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            "a FIFO"
        } else if ft.is_char_device() || ft.is_block_device() {
            "a device"
        } else if ft.is_socket() {
            "a socket"
        } else if ft.is_dir() {
            "a directory"
        } else {
            "not a file"
        }
    };
    #[cfg(not(unix))]
    let kind = if ft.is_dir() {
        "a directory"
    } else {
        "not a file"
    };
    format!("not a regular file ({kind}); renn reads only regular files")
}

/// `O_NONBLOCK`: opening a FIFO for reading would otherwise wait for a writer.
fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    o.open(path)
}

/// renn's temporary files under `dir` (`.<name>.renn-tmp-…`, left by a write cut
/// short), four levels deep at most, not inside renn's worktrees.
pub fn temp_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: u32, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            if kind.is_dir() && depth < 4 && name != "worktrees" {
                walk(&entry.path(), depth + 1, out);
            } else if kind.is_file() && name.starts_with('.') && name.contains(".renn-tmp-") {
                out.push(entry.path());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, 0, &mut out);
    out.sort();
    out
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

/// A temp file that deletes itself unless it was renamed over its target, so no error
/// path can leave `.x.renn-tmp-…` litter behind.
struct TempFile {
    path: PathBuf,
    file: Option<File>,
    persisted: bool,
}

impl TempFile {
    /// `create_new` (`O_EXCL`): never opens a file that already exists, nor follows a
    /// symlink planted under the temp file's name.
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
    fn write(&self, bytes: &[u8], target: &Path, sync: bool) -> io::Result<()> {
        let mut file = self.file.as_ref().expect("open until persisted");
        file.write_all(bytes)?;
        // Keep the target's mode (an executable script stays executable); best effort,
        // the content is what matters.
        if let Ok(meta) = fs::metadata(target) {
            let _ = file.set_permissions(meta.permissions());
        }
        if sync {
            file.sync_all()?;
        }
        Ok(())
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
        tmp.write(b"new", &target, true).unwrap();
        drop(tmp); // an error between write and rename
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["pulse.md"]);
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
    }

    #[cfg(unix)]
    #[test]
    fn open_no_follow_refuses_a_symlink_even_a_dangling_one() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        let link = dir.path().join("renn.lock");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let mut o = OpenOptions::new();
        o.read(true).write(true).create(true).truncate(false);
        assert!(open_no_follow(&mut o, &link).is_err());
        assert!(!target.exists(), "nothing created through the link");
        fs::write(&target, "x").unwrap();
        assert!(open_no_follow(&mut o, &link).is_err());
        assert!(open_no_follow(&mut o, &dir.path().join("plain")).is_ok());
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
