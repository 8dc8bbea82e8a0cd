//! What renn does about the agent CLI itself: refusals found before any run starts,
//! API failures shown with the agent's own words, retried when they are transient, and
//! a stage stopped at once when the agent cannot authenticate.

use super::*;
use serde_json::json;

#[test]
fn an_agent_that_cannot_authenticate_stops_the_stage_once_and_stops_its_siblings() {
    let p = Project::new(&[spec(1, 1), spec(2, 1), spec(3, 2)], json!({}));
    p.scenario("03-01", "api:Invalid API key · Fix external API key");
    p.scenario("03-02", "hang");
    let started = std::time::Instant::now();
    let r = p.run_stage(&[]);
    r.expect(6);
    assert!(
        started.elapsed().as_secs() < 30,
        "the hanging sibling was stopped"
    );
    assert!(
        !r.spawned().contains(&"03-03".to_string()),
        "{:?}",
        r.spawned()
    );
    let stopped = r.named("stage_completed");
    let reason = stopped[0]["outcome"]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("the agent could not authenticate"),
        "{reason}"
    );
    assert!(
        reason.contains("Invalid API key · Fix external API key"),
        "{reason}"
    );
    assert_eq!(
        r.failures().len(),
        1,
        "one failure, not one per run: {:?}",
        r.failures()
    );
}

#[test]
fn an_overloaded_api_is_retried_after_a_backoff_and_the_run_completes() {
    let p = Project::new(
        &[spec(1, 1)],
        json!({ "agent": {
            "command": ["bash", agent_script_path(), "{agent}", "{run_id}"],
            "timeout_secs": 60,
            "retries": {"attempts": 2, "backoff_secs": 1}
        }, "auditor": false }),
    );
    p.scenario("03-01", "api-once:API Error: 529 Overloaded");
    let r = p.run_stage(&[]);
    r.expect(0);
    let retry = r.named("run_retrying");
    assert_eq!(retry.len(), 1, "{:?}", r.names());
    assert_eq!(retry[0]["after_secs"], 1);
    assert!(retry[0]["reason"]
        .as_str()
        .unwrap()
        .contains("529 Overloaded"));
    assert_eq!(r.spawned(), ["03-01", "03-01"]);
    assert!(p
        .read(".renn/stages/03-auth/03-01-recap.md")
        .contains("did its tasks"));
}

#[test]
fn a_failed_run_says_what_the_agent_said() {
    let p = Project::new(&[spec(1, 1)], json!({}));
    p.scenario("03-01", "fail");
    let r = p.run_stage(&[]);
    r.expect(6);
    let (_, reason) = &r.failures()[0];
    assert_eq!(reason, "the runner exited with status 3: something broke");
}

fn default_agent_project() -> Project {
    let p = Project::new(&[spec(1, 1)], json!({}));
    p.write(".renn/config.json", "{}");
    git(p.path(), &["commit", "-qam", "the default agent"]);
    p
}

#[test]
fn a_missing_agent_cli_is_said_once_before_anything_runs() {
    let p = default_agent_project();
    let r = p.run_stage_with(&[], &[("PATH", Some("/usr/bin:/bin"))]);
    r.expect(1);
    assert!(
        r.stderr
            .contains("the agent program `claude` is not on PATH"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("npm install -g @anthropic-ai/claude-code"),
        "{}",
        r.stderr
    );
    assert!(r.spawned().is_empty());
    assert!(!p.path().join(".renn/stages/03-auth/logs").exists());
}

#[test]
fn claude_as_root_without_is_sandbox_is_refused_with_the_fix() {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return; // the rule is about root; CI runs as root, so this runs there
    }
    let p = default_agent_project();
    let bin = p.path().join(".fake-agent/bin");
    std::fs::create_dir_all(&bin).unwrap();
    let claude = bin.join("claude");
    std::fs::write(&claude, "#!/bin/sh\nexit 0\n").unwrap();
    std::process::Command::new("chmod")
        .arg("755")
        .arg(&claude)
        .status()
        .unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let env = [
        ("PATH", Some(path.as_str())),
        ("ANTHROPIC_API_KEY", Some("k")),
        ("IS_SANDBOX", None),
    ];
    let r = p.run_stage_with(&[], &env);
    r.expect(1);
    assert!(
        r.stderr
            .contains("claude refuses to bypass permissions when run as root"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("IS_SANDBOX=1"), "{}", r.stderr);
    assert!(r.spawned().is_empty());
    let with_sandbox = [("IS_SANDBOX", Some("1")), env[0], env[1]];
    let r = p.run_stage_with(&[], &with_sandbox);
    assert_eq!(r.spawned(), ["03-01"], "IS_SANDBOX=1 lets it start");
}
