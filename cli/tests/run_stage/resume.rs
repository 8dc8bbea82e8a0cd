//! A stage whose runs are all complete resumes at the step an interrupted renn did not
//! finish — the auditor, the proof's route, the docs commit — instead of saying "No
//! matching incomplete runs" for ever; a finished stage is left alone.

use super::*;
use serde_json::json;

fn completed_stage() -> Project {
    let p = Project::new(&[spec(1, 1), spec(2, 1)], json!({}));
    p.run_stage(&[]).expect(0);
    p
}

fn docs_commit(p: &Project) -> usize {
    p.subjects()
        .iter()
        .filter(|s| s.as_str() == "docs(stage-03): complete stage execution")
        .count()
}

#[test]
fn kill_9_during_the_auditor_then_the_auditor_runs_again_and_the_stage_completes() {
    let p = Project::new(&[spec(1, 1), spec(2, 1)], json!({}));
    p.scenario("auditor", "hang");
    p.kill_9_when("the auditor works", || {
        p.read(".fake-agent/times").contains("auditor start")
    });
    assert_eq!(docs_commit(&p), 0);

    p.scenario("auditor", "passed");
    let r = p.run_stage(&[]);
    r.expect(0);
    assert_eq!(r.named("resumed")[0]["at"], "audit");
    assert_eq!(r.named("stale_agent_stopped")[0]["run"], "auditor");
    assert_eq!(r.spawned(), ["auditor"], "no run is executed again");
    assert!(p.read(".renn/track.md").contains("- [x] **Stage 3: Auth**"));
    assert_eq!(docs_commit(&p), 1);
}

#[test]
fn a_proof_written_before_the_kill_is_routed_without_a_new_audit() {
    let p = completed_stage();
    // The state a kill between the proof and the track update leaves.
    git(p.path(), &["reset", "-q", "--soft", "HEAD~1"]);
    git(
        p.path(),
        &[
            "checkout",
            "-q",
            "HEAD",
            "--",
            ".renn/track.md",
            ".renn/pulse.md",
        ],
    );
    assert!(!p.read(".renn/track.md").contains("- [x] **Stage 3"));
    let r = p.run_stage(&[]);
    r.expect(0);
    assert_eq!(r.named("resumed")[0]["at"], "route");
    assert!(r.spawned().is_empty(), "{:?}", r.spawned());
    assert!(p.read(".renn/track.md").contains("- [x] **Stage 3: Auth**"));
    assert_eq!(docs_commit(&p), 1);
}

#[test]
fn a_proof_named_otherwise_with_malformed_yaml_is_routed_and_committed() {
    let p = completed_stage();
    git(p.path(), &["reset", "-q", "HEAD~1"]);
    git(
        p.path(),
        &["checkout", "-q", "--", ".renn/track.md", ".renn/pulse.md"],
    );
    let old = ".renn/stages/03-auth/03-proof.md";
    let text = p
        .read(old)
        .replacen("\nscore:", "\nscore: 2/2: all\nold_score:", 1);
    std::fs::remove_file(p.path().join(old)).unwrap();
    p.write(".renn/stages/03-auth/03-verification-proof.md", &text);
    let r = p.run_stage(&[]);
    r.expect(0);
    assert_eq!(r.named("resumed")[0]["at"], "route");
    let routed = &r.named("proof_routed")[0]["proof"];
    assert_eq!(
        routed["path"],
        ".renn/stages/03-auth/03-verification-proof.md"
    );
    assert_eq!(routed["warnings"][0]["code"], "proof-yaml");
    let committed = git(p.path(), &["show", "--name-only", "--format=", "HEAD"]);
    assert!(
        committed.contains(".renn/stages/03-auth/03-verification-proof.md"),
        "{committed}"
    );
}

#[test]
fn a_marked_but_uncommitted_stage_is_committed() {
    let p = completed_stage();
    git(p.path(), &["reset", "-q", "--soft", "HEAD~1"]);
    let r = p.run_stage(&[]);
    r.expect(0);
    assert_eq!(r.named("resumed")[0]["at"], "commit");
    assert!(r.spawned().is_empty());
    assert_eq!(docs_commit(&p), 1);
    assert_eq!(git(p.path(), &["status", "--porcelain"]), "");
}

#[test]
fn a_finished_stage_is_left_alone() {
    let p = completed_stage();
    let head = git(p.path(), &["rev-parse", "HEAD"]);
    let pulse = p.read(".renn/pulse.md");
    let r = p.run_stage(&[]);
    r.expect(0);
    assert_eq!(r.named("resumed")[0]["at"], "finished");
    assert!(r.spawned().is_empty());
    assert_eq!(git(p.path(), &["rev-parse", "HEAD"]), head);
    assert_eq!(p.read(".renn/pulse.md"), pulse);
}

#[test]
fn a_gaps_found_proof_older_than_the_gap_closure_recaps_is_audited_again() {
    let p = Project::new(&[spec(1, 1)], json!({}));
    p.scenario("auditor", "gaps_found");
    p.run_stage(&[]).expect(5);
    // A gap-closure run is planned and executed, and renn is killed before its auditor.
    std::thread::sleep(std::time::Duration::from_millis(20));
    p.write(
        ".renn/stages/03-auth/03-02-run.md",
        "---\nstage: 03-auth\nrun: 02\nbatch: 1\ngap_closure: true\n---\n<objective>Close the gap</objective>\n<tasks>\n<task type=\"auto\"><name>First</name></task>\n<task type=\"auto\"><name>Second</name></task>\n</tasks>\n",
    );
    git(p.path(), &["add", "."]);
    git(p.path(), &["commit", "-qm", "gap closure planned"]);
    p.scenario("auditor", "hang");
    p.kill_9_when("the auditor works", || {
        p.read(".fake-agent/times").matches("auditor start").count() == 2
    });

    p.scenario("auditor", "passed");
    let r = p.run_stage(&[]);
    r.expect(0);
    assert_eq!(
        r.named("resumed")[0]["at"],
        "audit",
        "not the stale gaps_found proof"
    );
    assert!(p.read(".renn/track.md").contains("- [x] **Stage 3: Auth**"));
}

#[test]
fn kill_9_during_a_continuation_keeps_the_answer_and_runs_the_continuation_again() {
    let gate_run = gated(1, 1);
    let p = Project::new(&[gate_run], json!({ "auditor": false }));
    p.scenario("03-01", "gate-then-hang:human-verify");
    p.run_stage(&[]).expect(4);
    let mut renn = std::process::Command::new(env!("CARGO_BIN_EXE_renn"))
        .current_dir(p.path())
        .env("RENN_TRUST", "1")
        .args(["--json", "run-stage", "3", "--respond", "03-01", "approved"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_until("the continuation works", || {
        p.path().join(".fake-agent/03-01.hung").exists()
    });
    renn.kill().unwrap();
    renn.wait().unwrap();
    let record = p.read(".renn/stages/03-auth/03-01-gate.md");
    assert!(
        record.contains("## GATE REACHED") && record.ends_with("approved\n"),
        "{record}"
    );

    // No --respond: the recorded answer is used, and the continuation (not a fresh
    // runner) runs again.
    let r = p.run_stage(&[]);
    r.expect(0);
    assert_eq!(r.spawned(), ["03-01"]);
    let resumed = r.named("continuation_resumed");
    assert_eq!(resumed.len(), 1, "{:?}", r.names());
    assert_eq!(resumed[0]["response"]["kind"], "approved");
    assert!(r.named("gate_resolved").is_empty(), "not asked again");
    assert!(
        !p.path().join(".renn/stages/03-auth/03-01-gate.md").exists(),
        "gone once complete"
    );
    let logs = std::fs::read_dir(p.path().join(".renn/stages/03-auth/logs")).unwrap();
    let last = logs
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("03-01-"))
        .max()
        .unwrap();
    let log = p.read(&format!(".renn/stages/03-auth/logs/{last}"));
    assert!(log.contains("RUN COMPLETE"), "{log}");
}

fn task_commits(p: &Project, run: &str, task: u32) -> usize {
    let subject = format!("feat({run}): task {task}");
    p.subjects().iter().filter(|s| **s == subject).count()
}

#[test]
fn an_interrupted_run_goes_on_from_its_committed_tasks_in_the_shared_tree() {
    let p = Project::new(&[spec(1, 1)], json!({ "auditor": false }));
    p.scenario("03-01", "first-then-hang");
    p.kill_9_when("task 1 is committed", || task_commits(&p, "03-01", 1) == 1);

    p.scenario("03-01", "complete");
    p.run_stage(&[]).expect(0);
    assert_eq!(task_commits(&p, "03-01", 1), 1, "task 1 is not done twice");
    assert_eq!(task_commits(&p, "03-01", 2), 1);
}

#[test]
fn an_interrupted_worktree_run_goes_on_from_its_branch() {
    let p = Project::new(
        &[spec(1, 1), spec(2, 1)],
        json!({ "auditor": false, "isolation": "worktree" }),
    );
    p.scenario("03-01", "first-then-hang");
    let wt = p.path().join(".renn/worktrees/03-01");
    p.kill_9_when("task 1 is committed on the run's branch", || {
        try_git(&wt, &["log", "--format=%s"])
            .is_some_and(|log| log.lines().any(|s| s == "feat(03-01): task 1"))
    });

    p.scenario("03-01", "complete");
    p.run_stage(&[]).expect(0);
    assert_eq!(task_commits(&p, "03-01", 1), 1, "task 1 is not done twice");
    assert_eq!(task_commits(&p, "03-01", 2), 1);
}

/// Found by the chaos test: a `kill -9` between the fast-forward of a batch's merges and
/// the deletion of the merged branches left `renn/run-*` branches and their worktrees
/// for good. The next renn deletes such a branch (its tip is in the stage) and removes
/// its worktree; the run is not executed again.
#[test]
fn a_merged_branch_left_by_a_kill_is_removed_with_its_worktree() {
    let p = Project::new(
        &[spec(1, 1), spec(2, 1), spec(3, 2)],
        json!({ "isolation": "worktree" }),
    );
    p.run_stage(&["--batch", "1"]).expect(0);
    // The state such a kill leaves: the merged branch and its worktree still there.
    let tip = git(
        p.path(),
        &["log", "--format=%H", "--grep=docs(03-01): recap"],
    );
    let tip = tip.trim();
    git(
        p.path(),
        &[
            "worktree",
            "add",
            "-q",
            ".renn/worktrees/03-01",
            "-b",
            "renn/run-03-01",
            tip,
        ],
    );

    let r = p.run_stage(&[]);
    r.expect(0);
    assert_eq!(r.spawned(), ["03-03", "auditor"], "03-01 is not run again");
    assert_eq!(r.named("leftover_removed")[0]["branch"], "renn/run-03-01");
    assert_eq!(git(p.path(), &["branch", "--list", "renn/*"]), "");
    assert_eq!(
        git(p.path(), &["worktree", "list"]).lines().count(),
        1,
        "only the main tree"
    );
    assert!(!p.path().join(".renn/worktrees/03-01").exists());
    assert!(git(p.path(), &["merge-base", "--is-ancestor", tip, "HEAD"]).is_empty());
}
