//! Merges cannot lose work: a run's branch is merged back only when it still builds on
//! the commit it was made from and its evidence holds; a failed run is set aside, so
//! nothing of it counts as complete later and the next execution runs it afresh.

use super::*;
use serde_json::json;

fn branches(p: &Project) -> Vec<String> {
    git(
        p.path(),
        &["branch", "--list", "--format=%(refname:short)", "renn/*"],
    )
    .lines()
    .map(str::to_string)
    .collect()
}

fn reason_of(r: &Run, run: &str) -> String {
    r.failures()
        .into_iter()
        .find(|(id, _)| id == run)
        .map(|(_, why)| why)
        .unwrap_or_else(|| panic!("{run} did not fail: {:?}", r.names()))
}

#[test]
fn an_agent_that_resets_its_branch_past_its_fork_fails_and_main_keeps_earlier_work() {
    let p = Project::new(
        &[spec(1, 1), spec(2, 1), spec(3, 2), spec(4, 2)],
        json!({ "isolation": "worktree", "auditor": false }),
    );
    p.scenario("03-03", "reset-branch");
    let r = p.run_stage(&["--on-failure", "continue"]);
    r.expect(3);
    let worktrees = r.named("worktree_created").len();
    assert_eq!(worktrees, 4, "both batches isolated: {:?}", r.names());
    // Batch 1's work and 03-04's stand; nothing of 03-03 was merged.
    for n in [1, 2, 4] {
        assert_eq!(
            p.read(&format!("work-03-{n:02}.txt")),
            format!("03-{n:02} task 1\n03-{n:02} task 2\n"),
            "run {n}'s work is on main"
        );
        assert!(p
            .path()
            .join(format!(".renn/stages/03-auth/03-{n:02}-recap.md"))
            .exists());
    }
    let why = reason_of(&r, "03-03");
    assert!(
        why.starts_with("its branch no longer contains ")
            && why.contains("the agent reset or rebased it"),
        "{why}"
    );
    // The fork named is batch 2's start: the last merge of batch 1.
    let merge_02 = git(p.path(), &["log", "--format=%h %s", "--grep=^merge(03-02)"]);
    let merge_02 = merge_02.split(' ').next().unwrap();
    assert!(why.contains(merge_02), "{why} / {merge_02}");
    assert!(!p.path().join("work-03-03.txt").exists());
    assert!(!p.subjects().iter().any(|s| s.starts_with("merge(03-03)")));
    assert_eq!(branches(&p), ["renn/failed/run-03-03-1"]);
}

#[test]
fn a_worktree_run_whose_evidence_fails_is_not_merged_and_runs_afresh_next_time() {
    let p = Project::new(
        &[spec(1, 1), spec(2, 1)],
        json!({ "isolation": "worktree", "auditor": false }),
    );
    p.scenario("03-01", "bad-commit");
    let r = p.run_stage(&["--on-failure", "continue"]);
    r.expect(3);
    assert!(reason_of(&r, "03-01").contains("commit deadbee does not exist"));
    let subjects = p.subjects();
    assert!(
        !subjects.iter().any(|s| s.contains("03-01")),
        "nothing of 03-01 is merged: {subjects:?}"
    );
    assert!(!p.path().join("work-03-01.txt").exists());
    assert!(!p
        .path()
        .join(".renn/stages/03-auth/03-01-recap.md")
        .exists());
    // Its work is kept for the user, under names no execution resumes.
    assert_eq!(branches(&p), ["renn/failed/run-03-01-1"]);
    let kept = git(p.path(), &["log", "--format=%s", "renn/failed/run-03-01-1"]);
    assert!(kept.contains("docs(03-01): recap"), "{kept}");
    let aside = r.named("run_set_aside");
    assert_eq!(aside.len(), 1, "{:?}", r.names());
    assert_eq!(aside[0]["branch"], "renn/failed/run-03-01-1");
    assert_eq!(aside[0]["worktree"], ".renn/worktrees/failed-03-01-1");
    assert!(p
        .path()
        .join(".renn/worktrees/failed-03-01-1/work-03-01.txt")
        .exists());

    p.scenario("03-01", "complete");
    let r = p.run_stage(&[]);
    r.expect(0);
    assert_eq!(r.spawned(), ["03-01"], "run again, not recovered");
    assert!(r.named("run_recovered").is_empty());
    let log = p.read(".renn/stages/03-auth/logs/03-01-2.log");
    assert!(!log.contains("taking over"), "a fresh runner: {log}");
    assert_eq!(
        p.read("work-03-01.txt"),
        "03-01 task 1\n03-01 task 2\n",
        "the fresh runner started from the stage, not from the failed branch"
    );
    assert_eq!(
        branches(&p),
        ["renn/failed/run-03-01-1"],
        "kept until the user deletes it"
    );
}

#[test]
fn a_shared_run_failing_evidence_with_its_recap_committed_runs_again_next_time() {
    let p = Project::new(&[spec(1, 1), spec(2, 1)], json!({ "auditor": false }));
    p.scenario("03-01", "bad-commit");
    let r = p.run_stage(&["--on-failure", "continue"]);
    r.expect(3);
    assert!(reason_of(&r, "03-01").contains("deadbee"));
    let recap = ".renn/stages/03-auth/03-01-recap.md";
    let rejected = ".renn/stages/03-auth/03-01-recap.rejected.md";
    assert!(!p.path().join(recap).exists());
    assert!(p.read(rejected).contains("Run 03-01 did its tasks"));
    let said = r.named("recap_set_aside");
    assert_eq!(said.len(), 1, "{:?}", r.names());
    let commit = said[0]["commit"].as_str().expect("the rename is committed");
    let shown = git(p.path(), &["show", "--name-status", "--format=%s", commit]);
    assert!(
        shown.starts_with("docs(03-01): set aside the recap"),
        "{shown}"
    );
    assert!(shown.contains(rejected), "{shown}");
    assert_eq!(
        git(p.path(), &["status", "--porcelain", "--", ".renn/stages/"]),
        ""
    );

    p.scenario("03-01", "complete");
    let r = p.run_stage(&[]);
    r.expect(0);
    assert_eq!(r.spawned(), ["03-01"]);
    assert!(p.path().join(recap).exists());
}
