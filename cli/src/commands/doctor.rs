//! `renn doctor`: is this machine and project ready to run a stage? One line per
//! check — git, the repository, config.json, the agent CLI, the worktree location,
//! track.md, every stage's plan — each ok, warn or fail; exit 1 when one fails.

use super::emit;
use crate::Cli;
use renn_core::config::Isolation;
use renn_core::{snapshot, Project};
use renn_host::git::{self, Git};
use renn_host::{disk, lock, Result};
use serde::Serialize;
use std::io::Read;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Level {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Serialize)]
struct Check {
    name: String,
    status: Level,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
}

#[derive(Serialize)]
struct Report {
    ok: bool,
    checks: Vec<Check>,
}

fn check(name: &str, status: Level, message: impl Into<String>) -> Check {
    Check {
        name: name.into(),
        status,
        message: message.into(),
        hint: None,
    }
}

impl Check {
    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

pub fn run(cli: &Cli) -> Result<ExitCode> {
    let root = disk::project_dir(cli.dir.as_deref())?.root;
    let mut checks = Vec::new();
    let project = disk::open_project_all(Some(&root));
    let worktrees = project.as_ref().is_ok_and(|p| {
        p.config().isolation == Isolation::Worktree && p.config().parallelization.enabled
    });
    checks.push(git_version(worktrees));
    checks.push(match Git::open(&root) {
        Ok(g) => check(
            "repository",
            Level::Ok,
            format!("git work tree at {}", g.top_level().display()),
        ),
        Err(e) => check("repository", Level::Fail, e.to_string())
            .hint("renn commits, branches and merges with git: `git init`"),
    });
    match &project {
        Ok(p) => {
            let has_config = p.snapshot().files.contains_key(snapshot::CONFIG_PATH);
            let what = if has_config {
                "valid"
            } else {
                "absent: every default applies"
            };
            checks.push(check(
                "config",
                Level::Ok,
                format!(".renn/config.json {what}"),
            ));
            checks.push(agent(&root, p));
            checks.push(writable(&root));
            checks.extend(plans(p));
        }
        Err(e) => {
            checks.push(
                check("config", Level::Fail, e.to_string())
                    .hint("fix .renn/config.json at the position named (`renn validate <stage>` shows it too)"),
            );
            checks.push(writable(&root));
        }
    }
    if let Some(holder) = lock::held_by(&root) {
        let who = holder.map(|h| h.describe()).unwrap_or_default();
        checks.push(check(
            "lock",
            Level::Warn,
            format!("a renn is running on this project {who}"),
        ));
    }
    let ok = checks.iter().all(|c| c.status != Level::Fail);
    let report = Report { ok, checks };
    emit(cli, &report, || {
        let mut s = String::new();
        for c in &report.checks {
            let word = match c.status {
                Level::Ok => "ok  ",
                Level::Warn => "warn",
                Level::Fail => "FAIL",
            };
            s.push_str(&format!("{word} {:<12} {}\n", c.name, c.message));
            if let Some(h) = &c.hint {
                s.push_str(&format!("     {:<12} hint: {h}\n", ""));
            }
        }
        s
    })?;
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn git_version(worktrees: bool) -> Check {
    let (min_major, min_minor) = git::MIN_GIT;
    match git::installed_version() {
        Err(e) => check("git", Level::Fail, format!("cannot run git: {e}"))
            .hint("install git (2.40 or later) and put it on PATH"),
        Ok((text, Some(v))) if v >= git::MIN_GIT => check("git", Level::Ok, text),
        Ok((text, _)) => {
            let level = if worktrees { Level::Fail } else { Level::Warn };
            check(
                "git",
                level,
                format!("{text}: older than {min_major}.{min_minor}, which merging parallel runs from worktrees needs"),
            )
            .hint("install a newer git, or set \"isolation\": \"shared\" in .renn/config.json")
        }
    }
}

/// The configured agent's program: found, and able to start (`--version`). A command
/// the project's own config.json sets is run only once trusted, as `run-stage` does.
fn agent(root: &Path, project: &Project) -> Check {
    let agent = &project.config().agent;
    let profile = serde_json::to_value(agent.profile)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let name = format!("agent ({profile})");
    let renn = std::env::current_exe().ok();
    let program = match agent.program() {
        "{renn}" => renn.map(|p| p.display().to_string()).unwrap_or_default(),
        p => p.to_string(),
    };
    let Some(path) = renn_host::agent::find_program(&program) else {
        return check(&name, Level::Fail, format!("`{program}` is not installed (not found on PATH)"))
            .hint(format!("install the {profile} CLI, or set `agent.command` in .renn/config.json (`[\"{{renn}}\", \"demo-agent\", \"{{agent}}\", \"{{run_id}}\"]` runs the built-in demo agent)"));
    };
    let trusted = agent.trust_subject().is_none_or(|subject| {
        std::env::var("RENN_TRUST").as_deref() == Ok("1")
            || renn_host::trust::TrustStore::user().trusts(root, &subject)
    });
    if !trusted {
        return check(
            &name,
            Level::Warn,
            format!(
                "{} found; not started: this project's own agent command is not trusted yet",
                path.display()
            ),
        )
        .hint("`renn run-stage N --trust` runs it and remembers that for this repository");
    }
    match version_of(&path) {
        Ok(v) => check(&name, Level::Ok, format!("{} ({v})", path.display())),
        Err(e) => check(
            &name,
            Level::Fail,
            format!("{} does not start: {e}", path.display()),
        )
        .hint("run it by hand with --version to see why"),
    }
}

/// `<program> --version`'s first line, within 15 s; a program still running then is
/// killed (std's `Child::kill`: SIGKILL on Unix, `TerminateProcess` on Windows).
fn version_of(path: &Path) -> std::result::Result<String, String> {
    let mut child = Command::new(path)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    // Both pipes drained on threads of their own (a full pipe would block the child).
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            let _ = tx.send(bytes);
        });
        rx
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let until = Instant::now() + Duration::from_secs(15);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("`--version` did not finish within 15 s".into());
            }
            Err(e) => return Err(e.to_string()),
        }
    };
    // What it wrote, unless something it started keeps the pipes open past the limit.
    let left = |rx: std::sync::mpsc::Receiver<Vec<u8>>| {
        let wait = until.saturating_duration_since(Instant::now());
        String::from_utf8_lossy(&rx.recv_timeout(wait).unwrap_or_default()).into_owned()
    };
    let (text, err) = (left(stdout), left(stderr));
    let first = text.lines().next().unwrap_or("").trim().to_string();
    if status.success() {
        Ok(if first.is_empty() {
            "started".into()
        } else {
            first
        })
    } else {
        let why = err.lines().next().unwrap_or("").trim();
        Err(format!(
            "`--version` exited with {status}{}",
            if why.is_empty() {
                String::new()
            } else {
                format!(": {why}")
            }
        ))
    }
}

/// Where renn creates worktrees (`.renn/worktrees/`, or `.renn/` before the first).
fn writable(root: &Path) -> Check {
    let dir = [".renn/worktrees", ".renn"]
        .into_iter()
        .map(|d| root.join(d))
        .find(|d| d.is_dir())
        .unwrap_or_else(|| root.join(".renn"));
    let probe = dir.join(format!(".doctor.renn-tmp-{}", std::process::id()));
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe);
    let shown = dir.strip_prefix(root).unwrap_or(&dir).display().to_string();
    match result {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            check("worktrees", Level::Ok, format!("{shown}/ is writable"))
        }
        Err(e) => check(
            "worktrees",
            Level::Fail,
            format!("cannot write in {shown}/: {e}"),
        )
        .hint("renn creates run worktrees and logs there: fix its permissions"),
    }
}

/// track.md, then every stage directory's plan.
fn plans(project: &Project) -> Vec<Check> {
    let mut out = Vec::new();
    let track = project.snapshot().text(snapshot::TRACK_PATH).ok().flatten();
    out.push(match track.map(renn_core::track::stages) {
        None => check(
            "track",
            Level::Warn,
            ".renn/track.md is missing: `renn next` and the track update need it",
        )
        .hint("`renn init` writes one (in a new project)"),
        Some(s) if s.is_empty() => check("track", Level::Warn, ".renn/track.md lists no stages")
            .hint("list them as `- [ ] **Stage 1: <title>** - <goal>` under `## Stages`"),
        Some(s) => check("track", Level::Ok, format!("{} stage(s)", s.len())),
    });
    for stage in project.stages() {
        let n = stage.number.unpadded();
        let name = format!("stage {}", stage.dir_name());
        out.push(match project.validate(&n) {
            Err(renn_core::Error::NoRuns { .. }) => check(&name, Level::Ok, "not planned yet"),
            Err(e) => check(&name, Level::Fail, e.to_string()),
            Ok(v) if v.error_count > 0 => check(
                &name,
                Level::Fail,
                format!("{} error(s), {} warning(s)", v.error_count, v.warning_count),
            )
            .hint(format!("`renn validate {n}` lists them")),
            Ok(v) if v.warning_count > 0 => check(
                &name,
                Level::Warn,
                format!("valid, {} warning(s)", v.warning_count),
            )
            .hint(format!("`renn validate {n}` lists them")),
            Ok(_) => check(&name, Level::Ok, "valid"),
        });
    }
    out
}
