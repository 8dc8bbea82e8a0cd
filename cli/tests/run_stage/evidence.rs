//! A RUN COMPLETE is believed only with evidence for every task: each claim a real agent
//! has made without the work to show for it fails, naming what is missing; a
//! verification-only task passes with its reason; a recap left uncommitted is
//! committed by renn, never lost.

use super::*;
use serde_json::json;

/// `renn run-stage 3` on one run (tasks "First" and "Second") in `mode`; the failure
/// reason of 03-01, if it failed.
fn claim(mode: &str, isolation: &str) -> (Project, Run, Option<String>) {
    // Two runs in one batch, so `worktree` isolation gives 03-01 its own worktree.
    let p = Project::new(
        &[spec(1, 1), spec(2, 1)],
        json!({ "auditor": false, "isolation": isolation }),
    );
    p.scenario("03-01", mode);
    let r = p.run_stage(&["--on-failure", "continue"]);
    let why = r
        .failures()
        .into_iter()
        .find(|(run, _)| run == "03-01")
        .map(|(_, why)| why);
    (p, r, why)
}

#[test]
fn claims_without_a_commit_for_every_task_fail_naming_what_is_missing() {
    let cases = [
        (
            "empty-table",
            "no row for task 1 \"First\"; no row for task 2 \"Second\"",
        ),
        ("dash-commits", "task 1 \"First\" has no commit"),
        ("missing-row", "no row for task 2 \"Second\""),
        ("tasks-zero", "it reports only 0/2 tasks done"),
        (
            "no-changes-bare",
            "task 2 \"Second\" says no changes but gives no reason",
        ),
        (
            "no-changes-unsaid",
            "task 2 \"Second\" says no changes (\"only ran the test suite\") but the recap does not give that reason",
        ),
    ];
    for (mode, expected) in cases {
        let (p, r, why) = claim(mode, "shared");
        r.expect(3);
        let why = why.unwrap_or_else(|| panic!("{mode} passed"));
        assert!(why.contains(expected), "{mode}: {why}");
        assert!(
            p.path()
                .join(".renn/stages/03-auth/03-02-recap.md")
                .exists(),
            "{mode}: the other run is not affected"
        );
    }
}

#[test]
fn a_commit_from_before_the_run_started_is_not_its_evidence() {
    for isolation in ["shared", "worktree"] {
        let (p, r, why) = claim("old-commit", isolation);
        r.expect(3);
        let first = git(p.path(), &["rev-list", "--max-parents=0", "HEAD"]);
        let why = why.unwrap_or_else(|| panic!("{isolation}: the old commit passed"));
        assert!(
            why.contains(&format!(
                "task 1 \"First\": commit {} was not made by this run",
                &first[..7]
            )),
            "{isolation}: {why}"
        );
    }
}

#[test]
fn a_verification_only_task_passes_with_its_reason_in_the_recap_and_the_report() {
    for isolation in ["shared", "worktree"] {
        let (p, r, why) = claim("no-changes", isolation);
        assert_eq!(why, None, "{isolation}");
        r.expect(0);
        let reports: Vec<&str> = r
            .named("report")
            .iter()
            .filter_map(|e| e["markdown"].as_str())
            .collect();
        assert!(
            reports
                .iter()
                .any(|m| m.contains("Task 2 \"Second\" changed nothing: only ran the test suite")),
            "{isolation}: {reports:#?}"
        );
        assert!(p
            .read(".renn/stages/03-auth/03-01-recap.md")
            .contains("no changes: only ran the test suite"));
    }
}

#[test]
fn a_recap_left_uncommitted_is_committed_by_renn_and_said_so() {
    for isolation in ["worktree", "shared"] {
        let (p, r, why) = claim("recap-uncommitted", isolation);
        assert_eq!(why, None, "{isolation}");
        r.expect(0);
        let recap = ".renn/stages/03-auth/03-01-recap.md";
        let said = r.named("recap_committed");
        assert_eq!(said.len(), 1, "{isolation}: {:?}", r.names());
        assert_eq!(
            (said[0]["run"].as_str(), said[0]["path"].as_str()),
            (Some("03-01"), Some(recap))
        );
        let commit = said[0]["commit"].as_str().unwrap();
        let files = git(
            p.path(),
            &["show", "--name-only", "--format=%s%n%b", commit],
        );
        assert!(
            files.starts_with("docs(03-01): recap") && files.contains("renn committed it"),
            "{isolation}: {files}"
        );
        assert_eq!(
            files
                .lines()
                .filter(|l| l.contains('/') || l.ends_with(".txt"))
                .collect::<Vec<_>>(),
            [recap],
            "{isolation}: only the recap"
        );
        assert!(p.path().join(recap).exists(), "{isolation}");
        assert_eq!(
            git(p.path(), &["status", "--porcelain", "--", recap]),
            "",
            "{isolation}: committed, not left in the tree"
        );
    }
}

#[test]
fn rows_reported_at_a_gate_count_after_a_restart() {
    // Shared tree: the continuation starts from a later HEAD, so the first runner's
    // commits count only because renn kept where the run started in its gate record.
    let p = Project::new(&[gated(1, 1)], json!({ "auditor": false }));
    p.scenario("03-01", "gate-rows:human-verify");
    p.run_stage(&[]).expect(4);
    let record = p.read(".renn/stages/03-auth/03-01-gate.md");
    assert!(record.starts_with("<!-- renn: run started at "), "{record}");
    let r = p.run_stage(&["--respond", "03-01", "approved"]);
    r.expect(0);
    let log = p.read(".renn/stages/03-auth/logs/03-01-2.log");
    assert!(
        !log.contains("| 1 |"),
        "the continuation did not repeat task 1: {log}"
    );
}
