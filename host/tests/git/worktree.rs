//! Worktrees for parallel runs: created, committed in, reused, resumed, removed.

use crate::{commit_file, git, repo, write};
use renn_host::git::{Git, WorktreeEntry};
use std::fs;

#[test]
fn worktree_add_reuses_the_branch_of_an_interrupted_attempt() {
    let (_dir, g) = repo();
    let base = g.head().unwrap();
    let wt = tempfile::tempdir().unwrap();
    let path = wt.path().join("run");
    assert_eq!(g.worktree_add(&path, "renn/run-01", &base).unwrap(), path);
    let w = Git::open(&path).unwrap();
    assert_eq!(w.current_branch().unwrap().as_deref(), Some("renn/run-01"));
    let work = commit_file(&w, "work.txt", "kept", "work so far");

    // Interrupted with the worktree still there: it is kept as it is.
    write(&path, "uncommitted.txt", "still here");
    g.worktree_add(&path, "renn/run-01", &base).unwrap();
    assert!(path.join("uncommitted.txt").exists());

    // The worktree directory was deleted by hand: the branch and its commits come back.
    fs::remove_dir_all(&path).unwrap();
    g.worktree_add(&path, "renn/run-01", &base).unwrap();
    assert_eq!(Git::open(&path).unwrap().head().unwrap(), work);

    // Removed properly, branch kept: the same.
    g.worktrees_remove(std::slice::from_ref(&path)).unwrap();
    assert!(!path.exists());
    g.worktree_add(&path, "renn/run-01", &base).unwrap();
    assert_eq!(fs::read_to_string(path.join("work.txt")).unwrap(), "kept");
}

#[test]
fn worktree_resume_finds_the_branch_wherever_its_worktree_is() {
    let (_dir, g) = repo();
    let wt = tempfile::tempdir().unwrap();
    let (first, asked) = (wt.path().join("first"), wt.path().join("asked"));
    g.worktree_add_new(&first, "renn/run-01", "HEAD").unwrap();
    let found = g.worktree_resume(&asked, "renn/run-01").unwrap();
    assert_eq!(found, first.canonicalize().unwrap());
    assert!(!asked.exists());
}

#[test]
fn a_new_branch_in_a_used_worktree_looks_like_a_new_worktree() {
    let (dir, g) = repo();
    write(dir.path(), ".gitignore", "build/\n");
    commit_file(&g, "old.txt", "old", "old file");
    let wt = tempfile::tempdir().unwrap();
    let path = wt.path().join("run");
    g.worktree_add_new(&path, "renn/run-01", "HEAD").unwrap();
    let w = Git::open(&path).unwrap();
    commit_file(&w, "run-01.txt", "work", "work of 01");
    // What an agent leaves behind: untracked, ignored and uncommitted files.
    write(&path, "scratch.txt", "x");
    write(&path, "build/out.bin", "x");
    write(&path, "README.md", "edited\n");
    git(dir.path(), &["rm", "-q", "old.txt"]);
    let base = g.commit("drop old").unwrap();

    g.worktree_clean(&path).unwrap();
    g.worktree_branch_off(&path, "renn/run-02", &base).unwrap();
    assert_eq!(w.current_branch().unwrap().as_deref(), Some("renn/run-02"));
    assert_eq!(w.head().unwrap(), base);
    assert!(w.dirty().unwrap().is_empty());
    for gone in ["scratch.txt", "build", "old.txt", "run-01.txt"] {
        assert!(!path.join(gone).exists(), "{gone}");
    }
    assert_eq!(
        fs::read_to_string(path.join("README.md")).unwrap(),
        "hello\n"
    );
    // A branch that exists is never reset: its work would be lost.
    let err = g
        .worktree_branch_off(&path, "renn/run-01", &base)
        .unwrap_err();
    assert_eq!(err.code(), "git");
    assert_eq!(w.current_branch().unwrap().as_deref(), Some("renn/run-02"));
}

#[test]
fn an_empty_worktree_is_detached_until_a_branch_fills_it() {
    let (_dir, g) = repo();
    let wt = tempfile::tempdir().unwrap();
    let path = wt.path().join("run");
    g.worktree_add_empty(&path, "HEAD").unwrap();
    assert!(!path.join("README.md").exists());
    let listed = g.worktrees().unwrap();
    assert_eq!(listed[1].branch, None, "{listed:?}");
    g.worktree_branch_off(&path, "renn/run-01", "HEAD").unwrap();
    assert_eq!(
        fs::read_to_string(path.join("README.md")).unwrap(),
        "hello\n"
    );
    assert!(Git::open(&path).unwrap().dirty().unwrap().is_empty());
}

#[test]
fn worktrees_lists_each_with_its_branch_even_a_deleted_one() {
    let (dir, g) = repo();
    let wt = tempfile::tempdir().unwrap();
    let path = wt.path().join("run");
    g.worktree_add_new(&path, "renn/run-01", "HEAD").unwrap();
    git(dir.path(), &["update-ref", "-d", "refs/heads/renn/run-01"]);
    let listed = g.worktrees().unwrap();
    assert_eq!(
        listed,
        [
            WorktreeEntry {
                path: dir.path().canonicalize().unwrap(),
                branch: Some("main".into())
            },
            WorktreeEntry {
                path: path.canonicalize().unwrap(),
                branch: Some("renn/run-01".into())
            },
        ]
    );
    assert!(!g.branch_exists("renn/run-01").unwrap());
}

#[test]
fn worktree_move_and_remove() {
    let (_dir, g) = repo();
    let wt = tempfile::tempdir().unwrap();
    let (a, b) = (wt.path().join("a"), wt.path().join("b"));
    g.worktree_add_new(&a, "r", "HEAD").unwrap();
    write(&a, "scratch.txt", "x");
    g.worktree_move(&a, &b).unwrap();
    assert!(!a.exists() && b.join("scratch.txt").exists());
    assert_eq!(
        Git::open(&b).unwrap().current_branch().unwrap().as_deref(),
        Some("r")
    );
    // Removed with what it holds; the branch stays.
    g.worktrees_remove(&[b.clone(), wt.path().join("never-there")])
        .unwrap();
    assert!(!b.exists());
    assert_eq!(g.worktrees().unwrap().len(), 1);
    assert!(g.branch_exists("r").unwrap());
}
