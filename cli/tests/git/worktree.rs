//! Worktrees for parallel runs: created, committed in, merged back, conflicts, resumption.

use crate::{commit_file, git, repo, write};
use renn_cli::git::{Git, Merge};
use std::fs;

#[test]
fn parallel_runs_in_worktrees_merge_back_with_every_commit() {
    let (dir, g) = repo();
    let base = g.head().unwrap();
    let wt = tempfile::tempdir().unwrap();
    let runs = ["02-01", "02-02"];
    // Created one after the other, as renn does before any agent starts.
    for run in runs {
        g.worktree_add(&wt.path().join(run), &format!("renn/run-{run}"), &base)
            .unwrap();
    }
    for run in runs {
        let w = Git::open(&wt.path().join(run)).unwrap();
        assert_eq!(w.current_branch().unwrap(), Some(format!("renn/run-{run}")));
        commit_file(
            &w,
            &format!("{run}.txt"),
            "one",
            &format!("feat({run}): one"),
        );
        commit_file(
            &w,
            &format!("{run}.txt"),
            "two",
            &format!("feat({run}): two"),
        );
    }
    for run in runs {
        let merged = g
            .merge(&format!("renn/run-{run}"), &format!("merge run {run}"))
            .unwrap();
        let Merge::Merged { commit } = merged else {
            panic!("{merged:?}")
        };
        assert_eq!(commit, g.head().unwrap());
        g.worktree_remove(&wt.path().join(run)).unwrap();
        g.delete_branch(&format!("renn/run-{run}")).unwrap();
    }
    // Every run's commits are reachable from main (commits made in the same second have
    // no fixed log order, hence sorted)…
    let mut log = g.log_subjects("main").unwrap();
    log.sort();
    let want = [
        "feat(02-01): one",
        "feat(02-01): two",
        "feat(02-02): one",
        "feat(02-02): two",
        "initial",
        "merge run 02-01",
        "merge run 02-02",
    ];
    assert_eq!(log, want);
    // …and main itself is the merges, in run order.
    let first_parent = git(
        dir.path(),
        &["log", "--first-parent", "--format=%s", "main"],
    );
    assert_eq!(first_parent, "merge run 02-02\nmerge run 02-01\ninitial");
    assert_eq!(
        fs::read_to_string(dir.path().join("02-02.txt")).unwrap(),
        "two"
    );
    assert!(!wt.path().join("02-01").exists());
    assert!(!g.branch_exists("renn/run-02-01").unwrap());
    assert!(g.dirty().unwrap().is_empty());
}

#[test]
fn a_merge_conflict_names_the_files_and_leaves_main_clean() {
    let (dir, g) = repo();
    commit_file(&g, "same.txt", "line\n", "add same");
    let base = g.head().unwrap();
    let wt = tempfile::tempdir().unwrap();
    for run in ["a", "b"] {
        g.worktree_add(&wt.path().join(run), run, &base).unwrap();
        let w = Git::open(&wt.path().join(run)).unwrap();
        commit_file(&w, "same.txt", &format!("line from {run}\n"), run);
    }
    assert!(matches!(
        g.merge("a", "merge a").unwrap(),
        Merge::Merged { .. }
    ));
    let before = g.head().unwrap();
    let conflict = g.merge("b", "merge b").unwrap();
    assert_eq!(
        conflict,
        Merge::Conflict {
            files: vec!["same.txt".into()]
        }
    );
    assert!(g.dirty().unwrap().is_empty());
    assert_eq!(g.head().unwrap(), before);
    assert_eq!(
        fs::read_to_string(dir.path().join("same.txt")).unwrap(),
        "line from a\n"
    );
    assert!(g.branch_exists("b").unwrap());
    assert!(wt.path().join("b").exists());
    // Its work is unmerged, so it cannot be deleted by accident.
    assert!(g.delete_branch("b").is_err());
}

#[test]
fn merging_an_unknown_branch_is_an_error_not_a_conflict() {
    let (_dir, g) = repo();
    let err = g.merge("no-such-branch", "merge").unwrap_err();
    assert_eq!(err.code(), "git");
    assert!(g.dirty().unwrap().is_empty());
}

#[test]
fn worktree_add_reuses_the_branch_of_an_interrupted_attempt() {
    let (_dir, g) = repo();
    let base = g.head().unwrap();
    let wt = tempfile::tempdir().unwrap();
    let path = wt.path().join("run");
    g.worktree_add(&path, "renn/run-01", &base).unwrap();
    let w = Git::open(&path).unwrap();
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
    g.worktree_remove(&path).unwrap();
    g.worktree_add(&path, "renn/run-01", &base).unwrap();
    assert_eq!(fs::read_to_string(path.join("work.txt")).unwrap(), "kept");
}

#[test]
fn worktree_remove_discards_uncommitted_files() {
    let (_dir, g) = repo();
    let wt = tempfile::tempdir().unwrap();
    let path = wt.path().join("run");
    g.worktree_add(&path, "r", "HEAD").unwrap();
    write(&path, "scratch.txt", "x");
    write(&path, "README.md", "edited");
    g.worktree_remove(&path).unwrap();
    assert!(!path.exists());
    assert!(g.branch_exists("r").unwrap());
    g.delete_branch("r").unwrap();
    assert!(!g.branch_exists("r").unwrap());
}
