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
    let mut renn = p.spawn_run_stage();
    wait_until("the auditor works", || {
        p.read(".fake-agent/times").contains("auditor start")
    });
    renn.kill().unwrap();
    renn.wait().unwrap();
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
    let mut renn = p.spawn_run_stage();
    wait_until("the auditor works", || {
        p.read(".fake-agent/times").matches("auditor start").count() == 2
    });
    renn.kill().unwrap();
    renn.wait().unwrap();

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
