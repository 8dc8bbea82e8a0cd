//! Agents cannot corrupt renn's state: pulse.md and track.md changed by an agent are
//! restored, an agent that switches the main tree's branch fails its run, and a `.renn/`
//! deleted by an agent stops the stage.

use super::*;
use serde_json::json;

#[test]
fn an_agent_that_rewrites_pulse_and_track_sees_them_restored() {
    let p = Project::new(&[spec(1, 1)], json!({ "auditor": false }));
    p.scenario("03-01", "edit-pulse");
    let r = p.run_stage(&[]);
    r.expect(0);
    let restored: Vec<&str> = r
        .named("state_restored")
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(restored, [".renn/pulse.md", ".renn/track.md"]);
    let pulse = p.read(".renn/pulse.md");
    assert!(
        pulse.contains("- keep this line"),
        "the user's text survives: {pulse}"
    );
    assert!(!pulse.contains("the agent was here"));
    assert!(p.read(".renn/track.md").contains("- [x] **Stage 3: Auth**"));
    // The docs commit puts renn's versions back in HEAD.
    let head_pulse = git(p.path(), &["show", "HEAD:.renn/pulse.md"]);
    assert!(head_pulse.contains("- keep this line"));
}

#[test]
fn a_worktree_agent_that_commits_pulse_and_track_does_not_get_them_merged() {
    let p = Project::new(
        &[spec(1, 1), spec(2, 1)],
        json!({ "auditor": false, "isolation": "worktree" }),
    );
    p.scenario("03-02", "edit-pulse");
    let r = p.run_stage(&[]);
    r.expect(0);
    let restored: Vec<(&str, &str)> = (r.named("state_restored").iter())
        .map(|e| (e["run"].as_str().unwrap(), e["path"].as_str().unwrap()))
        .collect();
    assert_eq!(
        restored,
        [("03-02", ".renn/pulse.md"), ("03-02", ".renn/track.md")]
    );
    let pulse = p.read(".renn/pulse.md");
    assert!(pulse.contains("- keep this line"), "{pulse}");
    assert!(!pulse.contains("the agent was here"), "{pulse}");
    assert!(p.read(".renn/track.md").contains("- [x] **Stage 3: Auth**"));
    let head_pulse = git(p.path(), &["show", "HEAD:.renn/pulse.md"]);
    assert!(head_pulse.contains("- keep this line"), "{head_pulse}");
    // The agent's work is merged; only its edits of renn's documents are undone.
    let log = git(p.path(), &["log", "--format=%s"]);
    assert!(
        log.contains("renn restores .renn/pulse.md, .renn/track.md"),
        "{log}"
    );
}

#[test]
fn an_agent_that_switches_the_main_trees_branch_fails_its_run() {
    let p = Project::new(&[spec(1, 1)], json!({ "auditor": false }));
    p.scenario("03-01", "switch-branch");
    let r = p.run_stage(&[]);
    r.expect(6);
    let (_, reason) = &r.failures()[0];
    assert!(
        reason.contains("switched the main tree from main to elsewhere-03-01"),
        "{reason}"
    );
    assert!(
        !git(p.path(), &["log", "--format=%s", "elsewhere-03-01"]).contains("docs(stage-03)"),
        "renn committed nothing on the agent's branch"
    );
}

#[test]
fn an_agent_that_deletes_renn_stops_the_stage() {
    let p = Project::new(&[spec(1, 1), spec(2, 2)], json!({ "auditor": false }));
    p.scenario("03-01", "delete-renn");
    let r = p.run_stage(&[]);
    r.expect(1);
    assert!(
        r.stderr
            .contains("`.renn/` disappeared while 03-01's agent worked"),
        "{}",
        r.stderr
    );
    assert_eq!(r.spawned(), ["03-01"], "nothing runs after it");
}
