//! Repository queries, branches, evidence and commits.

use crate::{commit_file, git, repo, write};
use renn_host::git::{BranchSwitch, Git};
use renn_host::Error;
use std::fs;

#[test]
fn open_outside_a_repository_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = Git::open(dir.path()).unwrap_err();
    assert_eq!(err.code(), "git");
    let msg = err.to_string();
    assert!(msg.contains("is not inside a git repository"), "{msg}");
    assert!(msg.contains(&dir.path().display().to_string()), "{msg}");
}

#[test]
fn open_in_a_subdirectory_knows_the_top_level() {
    let (dir, _) = repo();
    fs::create_dir(dir.path().join("sub")).unwrap();
    let g = Git::open(&dir.path().join("sub")).unwrap();
    assert_eq!(g.top_level(), dir.path().canonicalize().unwrap());
    assert_eq!(g.root(), dir.path().join("sub"));
}

#[test]
fn is_ignored_follows_gitignore() {
    let (dir, g) = repo();
    fs::create_dir_all(dir.path().join(".renn")).unwrap();
    assert!(!g.is_ignored(".renn").unwrap());
    write(dir.path(), ".gitignore", ".renn/\n");
    assert!(g.is_ignored(".renn").unwrap());
    assert!(g.is_ignored(".renn/pulse.md").unwrap());
    assert!(!g.is_ignored("README.md").unwrap());
}

#[test]
fn dirty_lists_changed_staged_and_untracked_files_but_not_ignored_ones() {
    let (dir, g) = repo();
    assert!(g.dirty().unwrap().is_empty());
    let d = dir.path();
    write(d, ".gitignore", "*.log\n");
    write(d, "README.md", "changed\n");
    write(d, "staged.txt", "x");
    git(d, &["add", "staged.txt"]);
    write(d, "new/deep/file.txt", "x");
    write(d, "debug.log", "ignored");
    let mut dirty = g.dirty().unwrap();
    dirty.sort();
    assert_eq!(
        dirty,
        [".gitignore", "README.md", "new/deep/file.txt", "staged.txt"]
    );
}

#[test]
fn dirty_reports_both_sides_of_a_rename() {
    let (dir, g) = repo();
    git(dir.path(), &["mv", "README.md", "READ ME.md"]);
    assert_eq!(g.dirty().unwrap(), ["READ ME.md", "README.md"]);
}

#[test]
fn dirty_outside_skips_the_allowed_directory_only() {
    let (dir, g) = repo();
    write(dir.path(), ".renn/pulse.md", "state");
    write(dir.path(), ".renn-notes.md", "not renn's");
    assert_eq!(g.dirty_outside(".renn/").unwrap(), [".renn-notes.md"]);
    assert_eq!(g.dirty_outside(".renn").unwrap(), [".renn-notes.md"]);
    fs::remove_file(dir.path().join(".renn-notes.md")).unwrap();
    assert!(g.dirty_outside(".renn/").unwrap().is_empty());
    assert_eq!(g.dirty().unwrap(), [".renn/pulse.md"]);
}

#[test]
fn dirty_outside_is_relative_to_a_project_in_a_subdirectory() {
    let (dir, _) = repo();
    write(dir.path(), "app/.renn/pulse.md", "state");
    write(dir.path(), ".renn/other.md", "a .renn outside the project");
    let g = Git::open(&dir.path().join("app")).unwrap();
    assert_eq!(g.dirty_outside(".renn/").unwrap(), [".renn/other.md"]);
}

#[test]
fn current_branch_and_head() {
    let (dir, g) = repo();
    assert_eq!(g.current_branch().unwrap().as_deref(), Some("main"));
    let head = g.head().unwrap();
    assert_eq!(head, git(dir.path(), &["rev-parse", "HEAD"]));
    assert_eq!(head.len(), 40);
    git(dir.path(), &["checkout", "-q", "--detach"]);
    assert_eq!(g.current_branch().unwrap(), None);
    assert_eq!(g.head().unwrap(), head);
}

#[test]
fn switch_or_create_creates_then_switches() {
    let (dir, g) = repo();
    let name = "renn/stage-02-auth";
    assert_eq!(
        g.switch_or_create(name).unwrap(),
        BranchSwitch { created: true }
    );
    assert_eq!(g.current_branch().unwrap().as_deref(), Some(name));
    git(dir.path(), &["switch", "-q", "main"]);
    assert_eq!(
        g.switch_or_create(name).unwrap(),
        BranchSwitch { created: false }
    );
    assert_eq!(g.current_branch().unwrap().as_deref(), Some(name));
    // Already on it: still fine.
    assert_eq!(
        g.switch_or_create(name).unwrap(),
        BranchSwitch { created: false }
    );
}

#[test]
fn switch_or_create_does_not_fall_back_on_other_failures() {
    let (_dir, g) = repo();
    for bad in ["bad..name", "-f", "has space"] {
        let err = g.switch_or_create(bad).unwrap_err();
        assert_eq!(err.code(), "git", "{bad}");
        assert!(err.to_string().contains("not a valid branch name"), "{err}");
        assert_eq!(g.current_branch().unwrap().as_deref(), Some("main"));
    }
}

#[test]
fn commit_exists_believes_only_real_commits() {
    let (dir, g) = repo();
    let head = g.head().unwrap();
    assert!(g.commit_exists(&head).unwrap());
    assert!(g.commit_exists(&head[..7]).unwrap());
    assert!(g.commit_exists(&head.to_uppercase()).unwrap());
    let blob = git(dir.path(), &["rev-parse", "HEAD:README.md"]);
    for no in [
        &blob[..],
        "deadbeefdeadbeef",
        "HEAD",
        "main",
        "--all",
        "abc",
        "",
        &"a".repeat(65),
    ] {
        assert!(!g.commit_exists(no).unwrap(), "{no}");
    }
}

#[test]
fn missing_commits_keeps_the_given_order() {
    let (_dir, g) = repo();
    let first = g.head().unwrap();
    let second = commit_file(&g, "a.txt", "a", "second");
    let asked: Vec<String> = ["0000000", &first, "HEAD~1", &second[..8], "ffffffffff"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        g.missing_commits(&asked).unwrap(),
        ["0000000", "HEAD~1", "ffffffffff"]
    );
    assert!(g.missing_commits(&[]).unwrap().is_empty());
}

#[test]
fn is_changed_add_and_commit() {
    let (dir, g) = repo();
    let d = dir.path();
    write(d, ".gitignore", "*.log\n");
    git(d, &["add", ".gitignore"]);
    git(d, &["commit", "-q", "-m", "ignore logs"]);
    assert!(!g.is_changed("README.md").unwrap());
    assert!(!g.is_changed("never-existed.md").unwrap());
    write(d, "README.md", "changed\n");
    write(d, "new.md", "new");
    write(d, "x.log", "ignored");
    assert!(g.is_changed("README.md").unwrap());
    assert!(g.is_changed("new.md").unwrap());
    assert!(!g.is_changed("x.log").unwrap());

    g.add(&["README.md", "new.md"]).unwrap();
    let hash = g
        .commit("docs(stage-02): complete stage execution")
        .unwrap();
    assert_eq!(hash, g.head().unwrap());
    assert_eq!(
        g.log_subjects("HEAD~1..HEAD").unwrap(),
        ["docs(stage-02): complete stage execution"]
    );
    assert_eq!(
        git(d, &["show", "--name-only", "--format=", "HEAD"]),
        "README.md\nnew.md"
    );
    assert!(g.dirty().unwrap().is_empty());
}

#[test]
fn add_takes_paths_literally() {
    let (dir, g) = repo();
    write(dir.path(), "a*.md", "star");
    write(dir.path(), "ab.md", "not asked for");
    g.add(&["a*.md"]).unwrap();
    assert_eq!(
        git(dir.path(), &["diff", "--cached", "--name-only"]),
        "a*.md"
    );
    g.add(&[]).unwrap();
}

#[test]
fn committing_nothing_is_an_error() {
    let (_dir, g) = repo();
    let err = g.commit("nothing here").unwrap_err();
    assert!(matches!(&err, Error::Git { code: Some(1), .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.starts_with("git commit --quiet -m 'nothing here' failed (exit 1): "),
        "{msg}"
    );
    assert!(msg.contains("nothing to commit"), "{msg}");
}

#[test]
fn adding_a_missing_file_is_an_error() {
    let (_dir, g) = repo();
    let err = g.add(&["nope.md"]).unwrap_err();
    assert!(err.to_string().contains("did not match any files"), "{err}");
}

#[test]
fn log_subjects_of_a_range() {
    let (_dir, g) = repo();
    commit_file(&g, "a", "a", "first\n\nbody text");
    commit_file(&g, "b", "b", "second");
    assert_eq!(g.log_subjects("HEAD~2..HEAD").unwrap(), ["second", "first"]);
    assert!(g.log_subjects("--all").is_err());
}
