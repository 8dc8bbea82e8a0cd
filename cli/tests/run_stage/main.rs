//! `renn run-stage` end to end: real temporary git repositories, the real `renn`
//! binary, and a scripted fake agent (tests/fixtures/agents/runner.sh) as the agent
//! command. Each test states a seed rule and checks it from the outside: exit codes,
//! files, commits, the JSON event stream, and the agents' own timestamps.

mod agents;
mod chaos;
mod engines;
mod evidence;
mod gsd;
mod guard;
mod kubernetes;
mod lifecycle;
mod lock;
mod merges;
mod misuse;
mod pty;
mod resume;
mod safety;
mod scenarios;
mod ssh;
mod terminal;
mod trust;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Project {
    pub dir: tempfile::TempDir,
}

/// A run of stage 03: number, batch, whether it has a gate task.
pub struct Spec {
    pub n: u32,
    pub batch: u32,
    pub gate: bool,
}

/// `renn ARGS` in `dir` (trusted, the date pinned, no stdin): exit code, stdout, stderr.
pub fn renn_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_renn"))
        .current_dir(dir)
        .env("RENN_TRUST", "1")
        .env("RENN_TODAY", "2026-11-24")
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        stderr,
    )
}

/// A run with a human-verify gate between its two tasks.
pub fn gated(n: u32, batch: u32) -> Spec {
    Spec {
        n,
        batch,
        gate: true,
    }
}

pub fn spec(n: u32, batch: u32) -> Spec {
    Spec {
        n,
        batch,
        gate: false,
    }
}

pub fn agent_script_path() -> String {
    agent_script()
}

fn agent_script() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/agents/runner.sh")
        .canonicalize()
        .unwrap()
        .display()
        .to_string()
}

/// git's output, or `None` when it fails — for polling a repository renn is still
/// setting up (a worktree that exists but is not checked out yet).
pub fn try_git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

impl Project {
    /// A git repository with stage 03 made of `runs`, `extra` merged into config.json.
    pub fn new(runs: &[Spec], extra: Value) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let p = Project { dir };
        let mut config = serde_json::json!({
            "agent": {"command": ["bash", agent_script(), "{agent}", "{run_id}"], "timeout_secs": 60},
            "isolation": "shared",
        });
        for (k, v) in extra.as_object().unwrap() {
            config[k] = v.clone();
        }
        p.write(
            ".renn/config.json",
            &serde_json::to_string_pretty(&config).unwrap(),
        );
        p.write(".gitignore", ".fake-agent/\n");
        p.write(
            ".renn/track.md",
            "# Track: Test\n\n## Stages\n\n- [ ] **Stage 3: Auth** - Users can log in\n- [ ] **Stage 4: Sharing** - Share notes\n\n## Progress\n\n| Stage | Runs Complete | Status | Completed |\n|-------|---------------|--------|-----------|\n| 3. Auth | 0/2 | Not started | - |\n",
        );
        p.write(
            ".renn/pulse.md",
            "# Project Pulse\n\n## Current Position\n\nStage: 3 of 4 (Auth)\nRun: 0 of 2\nStatus: Ready\n\n## Accumulated Context\n\n### Decisions\n\n- keep this line\n\n## Session Continuity\n\nLast session: yesterday\n",
        );
        for r in runs {
            let gate = if r.gate {
                "<task type=\"checkpoint:human-verify\" gate=\"blocking\"><what-built>x</what-built></task>\n"
            } else {
                ""
            };
            let text = format!(
                "---\nstage: 03-auth\nrun: {:02}\nbatch: {}\nautonomous: {}\nfiles_modified: [work-03-{:02}.txt]\nmust_haves:\n  artifacts: [{{path: work-03-{:02}.txt, provides: work}}]\n---\n<objective>Part {} of auth</objective>\n<tasks>\n<task type=\"auto\"><name>First</name></task>\n{gate}<task type=\"auto\"><name>Second</name></task>\n</tasks>\n",
                r.n, r.batch, !r.gate, r.n, r.n, r.n
            );
            p.write(&format!(".renn/stages/03-auth/03-{:02}-run.md", r.n), &text);
        }
        git(p.path(), &["init", "-q", "-b", "main"]);
        git(p.path(), &["config", "user.name", "Test"]);
        git(p.path(), &["config", "user.email", "t@example.com"]);
        git(p.path(), &["add", "."]);
        git(p.path(), &["commit", "-q", "-m", "plan"]);
        p
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_default()
    }

    /// Tells the fake agent what to do for a run (or `auditor`).
    pub fn scenario(&self, who: &str, mode: &str) {
        self.write(&format!(".fake-agent/{who}"), mode);
    }

    /// `renn --json run-stage 3 ARGS` without a terminal.
    pub fn run_stage(&self, args: &[&str]) -> Run {
        self.run_stage_with(args, &[])
    }

    /// [`Project::run_stage`] with `env` set on top of the test's environment (a
    /// variable set to `None` is removed).
    pub fn run_stage_with(&self, args: &[&str], env: &[(&str, Option<&str>)]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_renn"));
        // The fake agent is this project's own command: trusted for the tests (trust.rs
        // tests the question itself).
        command.env("RENN_TRUST", "1");
        for (k, v) in env {
            match v {
                Some(v) => command.env(k, v),
                None => command.env_remove(k),
            };
        }
        let out = command
            .current_dir(self.path())
            .env("RENN_TODAY", "2026-11-24")
            .args(["--json", "run-stage", "3"])
            .args(args)
            .output()
            .unwrap();
        Run::from(out)
    }

    /// `renn ARGS` in the project (trusted, the date pinned): exit code, stdout, stderr.
    pub fn renn(&self, args: &[&str]) -> (i32, String, String) {
        renn_in(self.path(), args)
    }

    /// `renn --json ARGS`, its stdout parsed.
    pub fn renn_json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let (code, out, err) = self.renn(&all);
        let text = if out.trim().is_empty() { &err } else { &out };
        let value = serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
        (code, value)
    }

    /// `renn --json run-stage 3` in the background (for interrupting it).
    pub fn spawn_run_stage(&self) -> std::process::Child {
        self.spawn_run_stage_with(&[])
    }

    /// `renn --json run-stage 3 ARGS` in the background.
    pub fn spawn_run_stage_with(&self, args: &[&str]) -> std::process::Child {
        Command::new(env!("CARGO_BIN_EXE_renn"))
            .current_dir(self.path())
            .env("RENN_TODAY", "2026-11-24")
            .env("RENN_TRUST", "1")
            .args(["--json", "run-stage", "3"])
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// Starts `renn --json run-stage 3`, waits until `ready` holds (`what` names it if it
    /// never does), then kills renn with SIGKILL: no cleanup of any kind.
    pub fn kill_9_when(&self, what: &str, ready: impl FnMut() -> bool) {
        let mut renn = self.spawn_run_stage();
        wait_until(what, ready);
        renn.kill().unwrap();
        renn.wait().unwrap();
    }

    pub fn subjects(&self) -> Vec<String> {
        git(self.path(), &["log", "--format=%s"])
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// (run, start, end) intervals the fake agent recorded.
    pub fn intervals(&self) -> Vec<(String, f64, f64)> {
        let times = self.read(".fake-agent/times");
        let mut out: Vec<(String, f64, f64)> = Vec::new();
        for line in times.lines() {
            let parts: Vec<&str> = line.split(' ').collect();
            let t: f64 = parts[2].parse().unwrap();
            match parts[1] {
                "start" => out.push((parts[0].to_string(), t, f64::MAX)),
                _ => {
                    let open = out
                        .iter_mut()
                        .rev()
                        .find(|i| i.0 == parts[0] && i.2 == f64::MAX)
                        .unwrap();
                    open.2 = t;
                }
            }
        }
        out
    }
}

pub struct Run {
    pub code: i32,
    pub events: Vec<Value>,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Self {
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(!stderr.contains("panicked"), "{stderr}");
        let events: Vec<Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect();
        // The JSON contract: every event of every scenario is valid against the shipped
        // schema/events.json, and an error is one line.
        for event in &events {
            let errors: Vec<String> = events_schema()
                .iter_errors(event)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{errors:?}: {event}");
        }
        if stderr.trim_start().starts_with('{') {
            assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        }
        Run {
            code: out.status.code().unwrap_or(-1),
            events,
            stderr,
        }
    }
}

/// schema/events.json, compiled once.
fn events_schema() -> &'static jsonschema::Validator {
    static SCHEMA: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/events.json");
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        jsonschema::validator_for(&schema).unwrap()
    })
}

impl Run {
    pub fn named(&self, name: &str) -> Vec<&Value> {
        self.events.iter().filter(|e| e["event"] == name).collect()
    }

    pub fn names(&self) -> Vec<&str> {
        self.events
            .iter()
            .filter_map(|e| e["event"].as_str())
            .collect()
    }

    pub fn spawned(&self) -> Vec<String> {
        self.named("run_spawned")
            .iter()
            .map(|e| e["run"].as_str().unwrap().to_string())
            .collect()
    }

    pub fn failures(&self) -> Vec<(String, String)> {
        self.named("run_failed")
            .iter()
            .map(|e| {
                (
                    e["run"].as_str().unwrap().to_string(),
                    e["reason"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    pub fn expect(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            code,
            "exit code; stderr: {}\nevents: {:#?}\nfailures: {:?}",
            self.stderr,
            self.names(),
            self.failures()
        );
        self
    }
}

pub fn abs(p: &Path, rel: &str) -> PathBuf {
    p.join(rel)
}

/// Polls `done` until it holds; fails the test after 30 s with `what`.
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting: {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
