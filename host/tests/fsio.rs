//! `renn_host::fsio` on a real file system: atomic writes that never leave the root,
//! bounded reads of regular files only.

use renn_host::fsio::{read_bounded, safe_path, write_atomic, Contents};
use std::fs;
use std::path::Path;

/// Every name in `dir`, sorted: a leftover temp file would show up here.
fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    n.sort();
    n
}

#[test]
fn replaces_the_target_and_leaves_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("pulse.md");
    fs::write(&target, "old content, longer than the new one").unwrap();
    write_atomic(dir.path(), "pulse.md", b"new").unwrap();
    assert_eq!(fs::read_to_string(&target).unwrap(), "new");
    assert_eq!(names(dir.path()), ["pulse.md"]);
}

#[test]
fn creates_missing_parent_directories() {
    let dir = tempfile::tempdir().unwrap();
    let rel = ".renn/stages/02-auth/02-01-agent.log";
    let target = dir.path().join(rel);
    write_atomic(dir.path(), rel, b"log").unwrap();
    assert_eq!(fs::read(&target).unwrap(), b"log");
}

#[test]
fn a_parent_that_is_a_file_fails_naming_the_target_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("track.md"), "old").unwrap();
    let target = dir.path().join("track.md/inner.md");
    let err = write_atomic(dir.path(), "track.md/inner.md", b"new").unwrap_err();
    assert_eq!(err.code(), "io");
    assert!(
        err.to_string().contains(&target.display().to_string()),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("track.md")).unwrap(),
        "old"
    );
    assert_eq!(names(dir.path()), ["track.md"]);
}

#[test]
fn a_failed_rename_removes_the_temp_file_and_keeps_the_old_content() {
    // The temp file is fully written before the rename fails (a directory cannot be
    // replaced by a file), so this is the cleanup path after real work.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("pulse.md");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("old.md"), "old").unwrap();
    let err = write_atomic(dir.path(), "pulse.md", b"new").unwrap_err();
    assert!(err.to_string().contains("pulse.md"), "{err}");
    assert_eq!(names(dir.path()), ["pulse.md"]);
    assert_eq!(fs::read_to_string(target.join("old.md")).unwrap(), "old");
}

#[cfg(unix)]
#[test]
fn keeps_the_mode_of_the_file_it_replaces() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.sh");
    fs::write(&real, "old").unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o755)).unwrap();
    write_atomic(dir.path(), "real.sh", b"new").unwrap();
    assert_eq!(fs::read_to_string(&real).unwrap(), "new");
    assert_eq!(
        fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o755
    );
}

/// A symlink committed in a repository (`.renn/pulse.md → ~/.bashrc`) must not make
/// renn write outside it: the file, a directory on the way, or a dangling link.
#[cfg(unix)]
#[test]
fn never_writes_through_a_symlink() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("bashrc");
    fs::write(&victim, "user's own").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join(".renn/stages/01-a")).unwrap();
    symlink(&victim, root.join(".renn/pulse.md")).unwrap();
    symlink(outside.path(), root.join(".renn/stages/01-a/logs")).unwrap();
    symlink(outside.path().join("new.md"), root.join(".renn/track.md")).unwrap();
    for rel in [
        ".renn/pulse.md",
        ".renn/stages/01-a/logs/agents.json",
        ".renn/track.md",
    ] {
        let err = write_atomic(root, rel, b"renn's").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(rel), "{msg}");
        assert!(
            msg.contains("renn will not write through a symlink"),
            "{msg}"
        );
        assert!(safe_path(root, rel).is_err());
    }
    assert_eq!(fs::read_to_string(&victim).unwrap(), "user's own");
    assert_eq!(names(outside.path()), ["bashrc"]);
    assert!(fs::symlink_metadata(root.join(".renn/pulse.md"))
        .unwrap()
        .is_symlink());
    assert!(safe_path(root, "../x").is_err());
    assert!(safe_path(root, "/etc/passwd").is_err());
    assert_eq!(
        safe_path(root, ".renn/stages/01-a/new/x.md").unwrap(),
        root.join(".renn/stages/01-a/new/x.md")
    );
}

/// Only regular files are read, and never more than the limit, whatever the file's
/// size claims: `/dev/zero` says 0 bytes and never ends; a FIFO blocks its reader.
#[cfg(unix)]
#[test]
fn reads_only_regular_files_and_stops_at_the_limit() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("big.md"), "x".repeat(100)).unwrap();
    fs::write(root.join("ok.md"), "fine").unwrap();
    fs::create_dir(root.join("sub")).unwrap();
    symlink("ok.md", root.join("in.md")).unwrap();
    symlink("/dev/zero", root.join("zero.md")).unwrap();
    symlink("nowhere.md", root.join("dangling.md")).unwrap();
    let fifo = root.join("fifo.md");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let read = |rel: &str| read_bounded(root, rel, 10);
    assert_eq!(
        read("ok.md").unwrap(),
        Some(Contents::Bytes(b"fine".to_vec()))
    );
    assert_eq!(
        read("in.md").unwrap(),
        Some(Contents::Bytes(b"fine".to_vec()))
    );
    assert_eq!(
        read("big.md").unwrap(),
        Some(Contents::TooLarge { bytes: 100 })
    );
    assert_eq!(read("missing.md").unwrap(), None);
    assert_eq!(read("dangling.md").unwrap(), None);
    for (rel, says) in [
        ("fifo.md", "not a regular file (a FIFO)"),
        ("sub", "not a regular file (a directory)"),
        ("zero.md", "outside the project"),
    ] {
        let err = read(rel).unwrap_err().to_string();
        assert!(err.contains(rel) && err.contains(says), "{rel}: {err}");
    }
    // A device inside the root (as `/` would be) is refused as a device.
    let err = read_bounded(Path::new("/"), "dev/zero", 10)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a regular file (a device)"), "{err}");
}

#[test]
fn concurrent_writers_never_mix_their_contents() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("state.md");
    let contents: Vec<String> = (0..8).map(|i| i.to_string().repeat(10_000)).collect();
    fs::write(&target, &contents[0]).unwrap();
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        // A reader sees one writer's whole content at every moment, never a mix or a gap.
        s.spawn(|| {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let now = fs::read_to_string(&target).unwrap();
                assert!(
                    contents.contains(&now),
                    "read a torn file of {} bytes",
                    now.len()
                );
            }
        });
        let writers: Vec<_> = contents
            .iter()
            .map(|c| {
                let target = &target;
                s.spawn(move || {
                    for _ in 0..20 {
                        write_atomic(target.parent().unwrap(), "state.md", c.as_bytes()).unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    let last = fs::read_to_string(&target).unwrap();
    assert!(contents.contains(&last));
    assert_eq!(names(dir.path()), ["state.md"]);
}
