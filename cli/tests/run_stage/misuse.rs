//! Misuse is refused before anything runs: an answer for nothing, a batch the stage
//! does not have. Each would otherwise cost agent time (the whole stage started) or
//! leave a misleading pulse.md.

use super::*;
use serde_json::json;

fn gate_project() -> Project {
    let p = Project::new(&[spec(1, 1), gated(2, 1), spec(3, 2)], json!({}));
    p.scenario("03-02", "gate:human-verify");
    p
}

#[test]
fn an_answer_for_a_run_without_a_waiting_gate_is_refused_before_any_agent_starts() {
    let p = Project::new(&[spec(1, 1), spec(2, 2)], json!({}));
    let pulse = p.read(".renn/pulse.md");
    let r = p.run_stage(&["--respond", "03-09", "ok"]);
    r.expect(1);
    assert!(
        r.stderr.contains("run 03-09 has no gate waiting"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("nothing waits for an answer"),
        "{}",
        r.stderr
    );
    assert!(r.spawned().is_empty());
    assert_eq!(p.read(".renn/pulse.md"), pulse, "nothing recorded");
}

#[test]
fn an_answer_for_the_wrong_run_names_the_gate_that_waits() {
    let p = gate_project();
    p.run_stage(&[]).expect(4);
    let r = p.run_stage(&["--respond", "03-03", "approved"]);
    r.expect(1);
    assert!(
        r.stderr.contains("run 03-03 has no gate waiting"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("waiting for an answer: 03-02"),
        "{}",
        r.stderr
    );
    assert!(r.spawned().is_empty());
    let bad = p.run_stage(&["--respond", "later", "approved"]);
    bad.expect(1);
    assert!(bad.stderr.contains("neither a run id"), "{}", bad.stderr);
    // The right answer still works.
    p.run_stage(&["--respond", "03-02", "approved"]).expect(0);
}

#[test]
fn a_batch_the_stage_does_not_have_is_refused_and_pulse_is_left_alone() {
    let p = Project::new(&[spec(1, 1), spec(2, 2), spec(3, 3)], json!({}));
    let pulse = p.read(".renn/pulse.md");
    let r = p.run_stage(&["--batch", "7"]);
    r.expect(1);
    assert!(r.stderr.contains("stage 3 has no batch 7"), "{}", r.stderr);
    assert!(r.stderr.contains("its batches: 1, 2, 3"), "{}", r.stderr);
    assert!(r.spawned().is_empty());
    assert_eq!(p.read(".renn/pulse.md"), pulse);
}

#[test]
fn a_complete_stage_says_so_instead_of_an_empty_plan() {
    let p = Project::new(&[spec(1, 1)], json!({}));
    p.run_stage(&[]).expect(0);
    let (_, out, _) = p.renn(&["run-stage", "3"]);
    assert!(
        out.contains("complete: every run has its recap (1 run)"),
        "{out}"
    );
    assert!(out.contains("Stage 3 is already complete"), "{out}");
    assert!(!out.contains("0 runs across 0 batches"), "{out}");
}

#[test]
fn a_typo_in_agent_config_stops_before_the_default_agent_could_run() {
    let p = Project::new(&[spec(1, 1)], json!({}));
    let config = p
        .read(".renn/config.json")
        .replace("\"command\"", "\"comand\"");
    p.write(".renn/config.json", &config);
    let r = p.run_stage(&[]);
    r.expect(1);
    assert!(r.stderr.contains("comand"), "{}", r.stderr);
    assert!(
        r.stderr.contains("did you mean") && r.stderr.contains("command"),
        "{}",
        r.stderr
    );
    assert!(r.spawned().is_empty());
}

#[test]
fn a_failed_runs_dependents_are_skipped_and_the_report_says_why() {
    let p = Project::new(&[spec(1, 1), spec(2, 1), spec(3, 2), spec(4, 2)], json!({}));
    // 03-03 needs 03-01's work; 03-04 needs only 03-02's.
    let run3 = ".renn/stages/03-auth/03-03-run.md";
    let text = p
        .read(run3)
        .replacen("batch: 2\n", "batch: 2\ndepends_on: [\"03-01\"]\n", 1);
    p.write(run3, &text);
    git(p.path(), &["commit", "-qam", "03-03 depends on 03-01"]);
    p.scenario("03-01", "fail");
    let r = p.run_stage(&["--on-failure", "continue"]);
    r.expect(3);
    let blocked = r.named("run_blocked");
    assert_eq!(blocked.len(), 1, "{:?}", r.names());
    assert_eq!(
        (blocked[0]["run"].as_str(), blocked[0]["by"].as_str()),
        (Some("03-03"), Some("03-01"))
    );
    let mut spawned = r.spawned();
    spawned.sort();
    assert_eq!(spawned, ["03-01", "03-02", "03-04"], "03-03 never starts");
    // On the terminal: the failed run and its blocked dependent are the report's issues.
    let (_, plain, _) = p.renn(&["run-stage", "3", "--on-failure", "continue"]);
    let issues = plain
        .split("### Issues Encountered")
        .nth(1)
        .unwrap_or_default();
    assert!(issues.contains("**03-01**"), "{plain}");
    assert!(
        issues.contains("**03-03**") && issues.contains("blocked by 03-01"),
        "{plain}"
    );
    assert!(
        plain.contains("Run 03-03 skipped: blocked by 03-01"),
        "{plain}"
    );
}
