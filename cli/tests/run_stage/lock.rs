//! One renn per project, and agents recognised by the token they carry: a second renn
//! is refused and leaves the first one's agents alone; after `kill -9` the agents left
//! running are stopped whatever their program; a registry naming a foreign process
//! never makes renn signal it.

use super::*;
use serde_json::json;
use std::process::{Command, Stdio};

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        !s.rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z')
    })
}

/// The pid of the fake agent working on `run`, from renn's registry.
fn agent_pid(p: &Project, run: &str) -> u32 {
    let mut pid = 0;
    wait_until("the agent is recorded with its pid", || {
        let text = p.read(".renn/stages/03-auth/logs/agents.json");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        pid = v["agents"][run]["pid"].as_u64().unwrap_or(0) as u32;
        pid != 0
    });
    pid
}

#[test]
fn a_second_renn_is_refused_and_says_who_holds_the_project() {
    let p = Project::new(&[spec(1, 1)], json!({ "auditor": false }));
    p.scenario("03-01", "hang");
    let mut first = p.spawn_run_stage();
    let agent = agent_pid(&p, "03-01");

    let second = p.run_stage(&[]);
    second.expect(7);
    assert!(
        second
            .stderr
            .contains("another renn is running on this project")
            && second.stderr.contains(&format!("pid {}", first.id()))
            && second.stderr.contains("stage 3"),
        "{}",
        second.stderr
    );
    assert!(alive(agent), "the first renn's agent was left alone");
    assert!(second.spawned().is_empty());
    // A dry run only reads: it is not refused.
    p.run_stage(&["--dry-run"]).expect(0);

    first.kill().unwrap();
    first.wait().unwrap();
    // The holder died: its lock is free, and its agent is stopped as a leftover.
    p.scenario("03-01", "complete");
    p.run_stage(&[]).expect(0);
    assert!(!alive(agent), "the dead renn's agent was stopped");
}

#[test]
fn after_kill_9_an_agent_started_from_a_shebang_script_is_stopped_before_planning() {
    // argv[0] of a shebang script is its interpreter: not what agent.command names.
    let script = p_script();
    let p = Project::new(
        &[spec(1, 1)],
        json!({ "agent": {"command": [script, "{agent}", "{run_id}"], "timeout_secs": 60}, "auditor": false }),
    );
    p.scenario("03-01", "hang");
    let mut renn = p.spawn_run_stage();
    let agent = agent_pid(&p, "03-01");
    renn.kill().unwrap();
    renn.wait().unwrap();
    assert!(alive(agent), "kill -9 of renn leaves its agent running");

    p.scenario("03-01", "complete");
    let r = p.run_stage(&[]);
    r.expect(0);
    assert_eq!(r.named("stale_agent_stopped")[0]["run"], "03-01");
    assert!(!alive(agent));
    let starts = p.read(".fake-agent/times").matches("03-01 start").count();
    assert_eq!(starts, 2, "the hung one and the new one, never two at once");
}

/// The fake agent as a directly executable script (its shebang runs bash).
fn p_script() -> String {
    let path = agent_script_path();
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&path, perms).unwrap();
    path
}

#[test]
fn a_crafted_registry_never_makes_renn_signal_a_foreign_process() {
    let p = Project::new(&[spec(1, 1)], json!({ "auditor": false }));
    let mut foreign = Command::new("sleep")
        .arg("300")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let pid = foreign.id();
    // Both shapes: the old one (pid and program) and a token no process carries.
    for registry in [
        json!({ "03-01": [pid, "sleep"] }),
        json!({ "agents": { "03-01": { "token": "0123456789abcdef-1-1-03-01", "pid": pid } } }),
    ] {
        p.write(
            ".renn/stages/03-auth/logs/agents.json",
            &registry.to_string(),
        );
        p.write(".fake-agent/03-01", "fail");
        let r = p.run_stage(&[]);
        assert!(r.named("stale_agent_stopped").is_empty(), "{:?}", r.names());
        assert!(alive(pid), "renn signalled a process it did not start");
    }
    foreign.kill().unwrap();
    foreign.wait().unwrap();
}

#[test]
fn leftovers_of_a_killed_renn_and_its_agent_are_cleaned_before_the_stage_goes_on() {
    let p = Project::new(&[spec(1, 1)], json!({ "auditor": false }));
    // What a kill leaves: an agent still running (carrying its token), the index lock
    // its git held, and a write of renn's cut short.
    let token = "00000000deadbeef-1-1-03-01";
    let mut agent = Command::new("sleep")
        .arg("300")
        .env("RENN_AGENT_TOKEN", token)
        .spawn()
        .unwrap();
    let registry = json!({ "agents": { "03-01": { "token": token, "pid": agent.id() } } });
    p.write(
        ".renn/stages/03-auth/logs/agents.json",
        &registry.to_string(),
    );
    p.write(".git/index.lock", "");
    // …and in the git directory of a worktree its git worked in (found by the chaos
    // of a full test run: renn's branch rename then failed on `HEAD.lock`).
    p.write(".git/worktrees/03-01/HEAD.lock", "");
    p.write(".git/worktrees/03-01/index.lock", "");
    p.write(".git/packed-refs.lock", "");
    p.write(".renn/.pulse.md.renn-tmp-4242-7", "half a pulse");

    let r = p.run_stage(&[]);
    r.expect(0);
    agent.wait().unwrap();
    let removed: Vec<&str> = r
        .named("leftover_removed")
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(
        removed.contains(&".renn/.pulse.md.renn-tmp-4242-7"),
        "{removed:?}"
    );
    assert!(
        removed.iter().any(|p| p.ends_with(".git/index.lock")),
        "{removed:?}"
    );
    for lock in [
        ".git/worktrees/03-01/HEAD.lock",
        ".git/worktrees/03-01/index.lock",
        ".git/packed-refs.lock",
    ] {
        assert!(removed.iter().any(|p| p.ends_with(lock)), "{removed:?}");
        assert!(!p.path().join(lock).exists());
    }
    assert!(p
        .path()
        .join(".renn/stages/03-auth/03-01-recap.md")
        .exists());
}

#[test]
fn half_done_edits_of_a_killed_agent_are_stashed_and_the_stage_goes_on() {
    let p = Project::new(&[spec(1, 1)], json!({ "auditor": false }));
    p.scenario("03-01", "edit-then-hang");
    p.kill_9_when("the agent edits", || {
        p.path().join("half-03-01.txt").exists()
    });

    p.scenario("03-01", "complete");
    let r = p.run_stage(&[]);
    r.expect(0);
    let stashed = r.named("edits_stashed");
    assert_eq!(stashed.len(), 1, "{:?}", r.names());
    let files = stashed[0]["files"].to_string();
    assert!(
        files.contains(".gitignore") && files.contains("half-03-01.txt"),
        "{files}"
    );
    let list = git(p.path(), &["stash", "list"]);
    assert!(
        list.contains("renn: half-done edits of an interrupted agent"),
        "{list}"
    );
    assert!(!p.path().join("half-03-01.txt").exists());
}

#[test]
fn an_uncommitted_recap_of_a_killed_runner_does_not_make_its_run_complete() {
    let p = Project::new(&[spec(1, 1)], json!({ "auditor": false }));
    p.scenario("03-01", "recap-then-hang");
    let recap = p.path().join(".renn/stages/03-auth/03-01-recap.md");
    p.kill_9_when("the recap is written", || recap.exists());

    p.scenario("03-01", "complete");
    let r = p.run_stage(&[]);
    r.expect(0);
    assert_eq!(r.named("recap_set_aside")[0]["run"], "03-01");
    assert_eq!(
        r.spawned(),
        ["03-01"],
        "the run goes on: it was not complete"
    );
    let subjects = p.subjects();
    assert_eq!(
        subjects
            .iter()
            .filter(|s| *s == "docs(03-01): recap")
            .count(),
        1
    );
    assert_eq!(
        subjects
            .iter()
            .filter(|s| *s == "feat(03-01): task 1")
            .count(),
        1
    );
    assert_eq!(git(p.path(), &["status", "--porcelain"]), "");
    let aside = ".renn/stages/03-auth/logs/03-01-recap.rejected.md";
    assert!(p.path().join(aside).exists());
}
