//! Merging run branches back: in order, with every commit, conflicts left out.

use crate::{commit_file, git, repo, write};
use renn_host::git::{Git, Merge, MergeTree};
use std::fs;
use std::path::Path;

/// Branches `runs` off HEAD in worktrees under `wt`, each committing `file` with `text`
/// twice (the second time `text` plus "!").
fn branches(g: &Git, wt: &Path, runs: &[(&str, &str, &str)]) {
    for (run, file, text) in runs {
        let path = wt.join(run);
        g.worktree_add_new(&path, &format!("renn/run-{run}"), "HEAD")
            .unwrap();
        let w = Git::open(&path).unwrap();
        commit_file(&w, file, text, &format!("feat({run}): one"));
        commit_file(&w, file, &format!("{text}!"), &format!("feat({run}): two"));
    }
}

fn asked(runs: &[&str]) -> Vec<(String, String)> {
    runs.iter()
        .map(|r| (format!("renn/run-{r}"), format!("merge run {r}")))
        .collect()
}

/// Merges with [`Git::merge_branches`], or with the branches' fork point named
/// (`merge_branches_from`, merges side by side): the same outcomes.
fn merge(g: &Git, runs: &[&str], fork: Option<&str>) -> Vec<Merge> {
    g.merge_branches_from(&asked(runs), fork).unwrap()
}

#[test]
fn branches_merge_back_in_order_with_every_commit() {
    for side_by_side in [false, true] {
        merges_back_in_order(side_by_side);
    }
}

fn merges_back_in_order(side_by_side: bool) {
    let (dir, g) = repo();
    let fork = side_by_side.then(|| g.head().unwrap());
    let wt = tempfile::tempdir().unwrap();
    branches(
        &g,
        wt.path(),
        &[("02-01", "02-01.txt", "a"), ("02-02", "02-02.txt", "b")],
    );
    let merged = merge(&g, &["02-01", "02-02"], fork.as_deref());
    let head = g.head().unwrap();
    assert!(matches!(&merged[0], Merge::Merged { commit } if commit != &head));
    assert_eq!(merged[1], Merge::Merged { commit: head });
    // Every run's commits are reachable from main (commits made in the same second
    // have no fixed log order, hence sorted)…
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
    // …and main itself is the merges, in run order, each with the branch as second parent.
    let first_parent = git(
        dir.path(),
        &["log", "--first-parent", "--format=%s", "main"],
    );
    assert_eq!(first_parent, "merge run 02-02\nmerge run 02-01\ninitial");
    assert_eq!(
        git(dir.path(), &["log", "-1", "--format=%s", "HEAD^2"]),
        "feat(02-02): two"
    );
    // The working tree and index moved with main; the merged branches are gone.
    assert_eq!(
        fs::read_to_string(dir.path().join("02-02.txt")).unwrap(),
        "b!"
    );
    assert!(g.dirty().unwrap().is_empty());
    assert!(!g.branch_exists("renn/run-02-01").unwrap());
    assert!(!g.branch_exists("renn/run-02-02").unwrap());
}

#[test]
fn a_conflicting_branch_is_left_out_named_and_kept() {
    for side_by_side in [false, true] {
        conflict_left_out(side_by_side);
    }
}

fn conflict_left_out(side_by_side: bool) {
    let (dir, g) = repo();
    commit_file(&g, "same.txt", "line\n", "add same");
    let fork = side_by_side.then(|| g.head().unwrap());
    let wt = tempfile::tempdir().unwrap();
    branches(
        &g,
        wt.path(),
        &[
            ("a", "same.txt", "line from a\n"),
            ("b", "same.txt", "line from b\n"),
            ("c", "c.txt", "c"),
        ],
    );
    let merged = merge(&g, &["a", "b", "c"], fork.as_deref());
    assert!(matches!(merged[0], Merge::Merged { .. }));
    assert_eq!(
        merged[1],
        Merge::Conflict {
            files: vec!["same.txt".into()]
        }
    );
    assert!(matches!(merged[2], Merge::Merged { .. }), "{merged:?}");
    assert!(g.dirty().unwrap().is_empty());
    assert_eq!(
        fs::read_to_string(dir.path().join("same.txt")).unwrap(),
        "line from a\n!"
    );
    assert!(dir.path().join("c.txt").exists());
    // The conflicting run's branch and worktree stay, its work unmerged.
    assert!(g.branch_exists("renn/run-b").unwrap());
    assert!(wt.path().join("b").exists());
    let b = git(dir.path(), &["rev-parse", "renn/run-b"]);
    assert!(!g.is_ancestor(&b, "HEAD").unwrap());
    let subjects = g.log_subjects("main").unwrap();
    assert!(!subjects.iter().any(|s| s == "merge run b"), "{subjects:?}");
}

#[test]
fn uncommitted_changes_to_other_files_stay_and_are_never_overwritten() {
    let (dir, g) = repo();
    commit_file(&g, "pulse.md", "state\n", "pulse");
    let wt = tempfile::tempdir().unwrap();
    branches(&g, wt.path(), &[("a", "a.txt", "a")]);
    write(dir.path(), "pulse.md", "renn's progress\n");
    g.merge_branches(&asked(&["a"])).unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join("pulse.md")).unwrap(),
        "renn's progress\n"
    );
    assert_eq!(g.dirty().unwrap(), ["pulse.md"]);

    // A branch that changes a file with local changes: an error, nothing lost.
    let path = wt.path().join("p");
    g.worktree_add_new(&path, "renn/run-p", "HEAD").unwrap();
    commit_file(&Git::open(&path).unwrap(), "pulse.md", "agent's\n", "edit");
    let before = g.head().unwrap();
    let err = g.merge_branches(&asked(&["p"])).unwrap_err();
    assert_eq!(err.code(), "git");
    assert_eq!(g.head().unwrap(), before);
    assert_eq!(
        fs::read_to_string(dir.path().join("pulse.md")).unwrap(),
        "renn's progress\n"
    );
    assert!(g.branch_exists("renn/run-p").unwrap());
}

#[test]
fn a_branch_with_nothing_new_adds_no_merge_commit() {
    let (_dir, g) = repo();
    let head = g.head().unwrap();
    let wt = tempfile::tempdir().unwrap();
    for run in ["x", "y"] {
        g.worktree_add_new(&wt.path().join(run), &format!("renn/run-{run}"), "HEAD")
            .unwrap();
    }
    let merged = merge(&g, &["x", "y"], Some(&head));
    let same = Merge::Merged {
        commit: head.clone(),
    };
    assert_eq!(merged, [same.clone(), same]);
    assert_eq!(g.head().unwrap(), head);
    assert!(!g.branch_exists("renn/run-x").unwrap());
}

#[test]
fn a_fork_that_is_no_longer_head_merges_one_after_another() {
    let (dir, g) = repo();
    let old = g.head().unwrap();
    let wt = tempfile::tempdir().unwrap();
    branches(&g, wt.path(), &[("a", "a.txt", "a"), ("b", "b.txt", "b")]);
    commit_file(&g, "main.txt", "m", "on main meanwhile");
    let merged = merge(&g, &["a", "b"], Some(&old));
    assert!(merged.iter().all(|m| matches!(m, Merge::Merged { .. })));
    for f in ["a.txt", "b.txt", "main.txt"] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
    assert!(g.dirty().unwrap().is_empty());
}

#[test]
fn merging_an_unknown_branch_is_an_error_not_a_conflict() {
    let (_dir, g) = repo();
    let err = g
        .merge_branches(&[("no-such-branch".into(), "merge".into())])
        .unwrap_err();
    assert_eq!(err.code(), "git");
    assert!(g.dirty().unwrap().is_empty());
    assert!(g.merge_branches(&[]).unwrap().is_empty());
}

#[test]
fn merge_tree_and_commit_tree_touch_no_working_tree() {
    let (dir, g) = repo();
    let base = g.head().unwrap();
    let ours = commit_file(&g, "ours.txt", "o", "ours");
    git(dir.path(), &["switch", "-q", "-c", "theirs", &base]);
    let theirs = commit_file(&g, "theirs.txt", "t", "theirs");
    git(dir.path(), &["switch", "-q", "main"]);
    let MergeTree::Clean { tree } = g.merge_tree(&ours, &theirs).unwrap() else {
        panic!("a clean merge")
    };
    assert!(!dir.path().join("theirs.txt").exists());
    let commit = g.commit_tree(&tree, &[&ours, &theirs], "both").unwrap();
    assert_eq!(g.head().unwrap(), ours, "HEAD does not move");
    assert_eq!(
        git(dir.path(), &["log", "-1", "--format=%P %s", &commit]),
        format!("{ours} {theirs} both")
    );
    assert!(g.is_ancestor(&theirs, &commit).unwrap());
    assert!(!g.is_ancestor(&commit, &theirs).unwrap());
}
