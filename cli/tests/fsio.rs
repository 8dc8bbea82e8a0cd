//! `renn_cli::fsio::write_atomic` on a real file system.

use renn_cli::fsio::write_atomic;
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
    write_atomic(&target, b"new").unwrap();
    assert_eq!(fs::read_to_string(&target).unwrap(), "new");
    assert_eq!(names(dir.path()), ["pulse.md"]);
}

#[test]
fn creates_missing_parent_directories() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join(".renn/stages/02-auth/02-01-agent.log");
    write_atomic(&target, b"log").unwrap();
    assert_eq!(fs::read(&target).unwrap(), b"log");
}

#[test]
fn a_parent_that_is_a_file_fails_naming_the_target_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("track.md"), "old").unwrap();
    let target = dir.path().join("track.md/inner.md");
    let err = write_atomic(&target, b"new").unwrap_err();
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
    let err = write_atomic(&target, b"new").unwrap_err();
    assert!(err.to_string().contains("pulse.md"), "{err}");
    assert_eq!(names(dir.path()), ["pulse.md"]);
    assert_eq!(fs::read_to_string(target.join("old.md")).unwrap(), "old");
}

#[cfg(unix)]
#[test]
fn writes_through_a_symlink_and_keeps_the_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.sh");
    fs::write(&real, "old").unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o755)).unwrap();
    let link = dir.path().join("link.sh");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    write_atomic(&link, b"new").unwrap();
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read_to_string(&real).unwrap(), "new");
    assert_eq!(
        fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o755
    );
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
                        write_atomic(target, c.as_bytes()).unwrap();
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
