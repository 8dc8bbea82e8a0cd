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
