//! `renn doctor`: is this machine and project ready to run a stage? One check each
//! for git, the repository, config.json, the agent CLI, the worktree location,
//! track.md, every stage's plan and a running renn — each ok, warn or fail.

use crate::git::{self, Git};
use crate::{disk, lock, Result};
use renn_core::config::Isolation;
use renn_core::Project;
use renn_core::Vocabulary;
use schemars::JsonSchema;
use serde::Serialize;
use std::path::Path;

mod runtime;
mod version;

/// How a check went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Ok,
    /// Works, but something is worth knowing (an untrusted agent command, a lock held…).
    Warn,
    /// A stage would not run: the check's hint says what to do.
    Fail,
}

/// One check: `git`, `repository`, `config`, `agent (<profile>)`, `worktrees`,
/// `runtime (<kind>)`, `job template`, `remote`, `track`, `stage <dir>`, `lock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Check {
    pub name: String,
    pub status: CheckStatus,
    pub message: String,
    /// What to do about it, when there is something to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// `renn doctor --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DoctorReport {
    /// No check failed (the CLI exits 1 otherwise).
    pub ok: bool,
    pub checks: Vec<Check>,
}

fn check(name: &str, status: CheckStatus, message: impl Into<String>) -> Check {
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

/// Checks the project at `dir` (or the nearest one above the current directory). Only
/// a project that cannot be found is an error; everything else is a check's verdict.
pub fn doctor(dir: Option<&Path>) -> Result<DoctorReport> {
    let root = disk::project_dir(dir)?.root;
    let mut checks = Vec::new();
    let project = disk::open_project_all(Some(&root));
    // Old git fails only where it would merge worktrees.
    let worktrees = project.as_ref().is_ok_and(|p| {
        p.config().isolation == Isolation::Worktree && p.config().parallelization.enabled
    });
    checks.push(git_version(worktrees));
    checks.push(match Git::open(&root) {
        Ok(g) => check(
            "repository",
            CheckStatus::Ok,
            format!("git work tree at {}", g.top_level().display()),
        ),
        Err(e) => check("repository", CheckStatus::Fail, e.to_string())
            .hint("renn commits, branches and merges with git: `git init`"),
    });
    match &project {
        Ok(p) => {
            let v = p.vocab();
            let has_config = p.snapshot().files.contains_key(v.config);
            let what = if has_config {
                "valid"
            } else {
                "absent: every default applies"
            };
            checks.push(check(
                "config",
                CheckStatus::Ok,
                format!("{} {what}", v.config),
            ));
            checks.push(agent(&root, p));
            checks.push(writable(&root, v));
            checks.extend(runtime::checks(&root, p));
            checks.extend(plans(p));
        }
        Err(e) => {
            checks.push(check("config", CheckStatus::Fail, e.to_string()).hint(
                "fix the config file at the position named (`renn validate <stage>` shows it too)",
            ));
            let layout =
                crate::disk::ProjectDir::at(&root).map_or(renn_core::Layout::Renn, |d| d.layout);
            checks.push(writable(&root, layout.vocab()));
        }
    }
    if let Some(holder) = lock::held_by(&root) {
        let who = holder.map(|h| h.describe()).unwrap_or_default();
        checks.push(check(
            "lock",
            CheckStatus::Warn,
            format!("a renn is running on this project {who}"),
        ));
    }
    let ok = checks.iter().all(|c| c.status != CheckStatus::Fail);
    Ok(DoctorReport { ok, checks })
}

fn git_version(worktrees: bool) -> Check {
    let (min_major, min_minor) = git::MIN_GIT;
    match git::installed_version() {
        Err(e) => check("git", CheckStatus::Fail, format!("cannot run git: {e}"))
            .hint("install git (2.40 or later) and put it on PATH"),
        Ok((text, Some(v))) if v >= git::MIN_GIT => check("git", CheckStatus::Ok, text),
        Ok((text, _)) => {
            let level = if worktrees {
                CheckStatus::Fail
            } else {
                CheckStatus::Warn
            };
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
    let program = match agent.program() {
        "{renn}" => crate::drive::renn_program(None),
        p => p.to_string(),
    };
    let Some(path) = crate::agent::find_program(&program) else {
        return check(&name, CheckStatus::Fail, format!("`{program}` is not installed (not found on PATH)"))
            .hint(format!("install the {profile} CLI, or set `agent.command` in .renn/config.json (`[\"{{renn}}\", \"demo-agent\", \"{{agent}}\", \"{{run_id}}\"]` runs the built-in demo agent)"));
    };
    let trusted = agent.trust_subject().is_none_or(|subject| {
        std::env::var("RENN_TRUST").as_deref() == Ok("1")
            || crate::trust::TrustStore::user().trusts(root, &subject)
    });
    if !trusted {
        return check(
            &name,
            CheckStatus::Warn,
            format!(
                "{} found; not started: this project's own agent command is not trusted yet",
                path.display()
            ),
        )
        .hint("`renn run-stage N --trust` runs it and remembers that for this repository");
    }
    match version::first_line(&path) {
        Ok(v) => check(&name, CheckStatus::Ok, format!("{} ({v})", path.display())),
        Err(e) => check(
            &name,
            CheckStatus::Fail,
            format!("{} does not start: {e}", path.display()),
        )
        .hint("run it by hand with --version to see why"),
    }
}

/// Where renn creates worktrees (`.renn/worktrees/`, or `.renn/` before the first).
fn writable(root: &Path, v: &Vocabulary) -> Check {
    let dir = [v.worktrees, v.dir]
        .into_iter()
        .map(|d| root.join(d))
        .find(|d| d.is_dir())
        .unwrap_or_else(|| root.join(v.dir));
    let probe = dir.join(format!(".doctor.renn-tmp-{}", std::process::id()));
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe);
    let shown = dir.strip_prefix(root).unwrap_or(&dir).display().to_string();
    match result {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            check(
                "worktrees",
                CheckStatus::Ok,
                format!("{shown}/ is writable"),
            )
        }
        Err(e) => check(
            "worktrees",
            CheckStatus::Fail,
            format!("cannot write in {shown}/: {e}"),
        )
        .hint("renn creates run worktrees and logs there: fix its permissions"),
    }
}

/// track.md, then every stage directory's plan.
fn plans(project: &Project) -> Vec<Check> {
    let mut out = Vec::new();
    let v = project.vocab();
    let track = project.snapshot().text(v.track).ok().flatten();
    out.push(match track.map(renn_core::track::stages) {
        None => check(
            "track",
            CheckStatus::Warn,
            format!(
                "{} is missing: `renn next` and the track update need it",
                v.track
            ),
        )
        .hint("`renn init` writes one (in a new project)"),
        Some(s) if s.is_empty() => check(
            "track",
            CheckStatus::Warn,
            format!("{} lists no {}s", v.track, v.stage_lower()),
        )
        .hint(format!(
            "list them as `- [ ] **{0} 1: <title>** - <goal>` under `## {0}s`",
            v.stage_word
        )),
        Some(s) => check("track", CheckStatus::Ok, format!("{} stage(s)", s.len())),
    });
    for stage in project.stages() {
        let n = stage.number.unpadded();
        let name = format!("stage {}", stage.dir_name());
        out.push(match project.validate(&n) {
            Err(renn_core::Error::NoRuns { .. }) => {
                check(&name, CheckStatus::Ok, "not planned yet")
            }
            Err(e) => check(&name, CheckStatus::Fail, e.to_string()),
            Ok(v) if v.error_count > 0 => check(
                &name,
                CheckStatus::Fail,
                format!("{} error(s), {} warning(s)", v.error_count, v.warning_count),
            )
            .hint(format!("`renn validate {n}` lists them")),
            Ok(v) if v.warning_count > 0 => check(
                &name,
                CheckStatus::Warn,
                format!("valid, {} warning(s)", v.warning_count),
            )
            .hint(format!("`renn validate {n}` lists them")),
            Ok(_) => check(&name, CheckStatus::Ok, "valid"),
        });
    }
    out
}
