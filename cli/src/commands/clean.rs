//! `renn clean`: what executions leave behind, listed, then removed (after a yes, or
//! `--yes`): renn's worktrees that hold no work of a run still to execute, merged
//! `renn/run-*` branches, the `renn/failed/*` branches (and worktrees) failed runs were
//! set aside on, the lock file, renn's temp files. A `renn/run-*` branch with commits
//! HEAD does not have is the work of a run still to execute — `run-stage` resumes it —
//! and is kept, and said so. Nothing is done while another renn holds the project.

use super::emit;
use crate::Cli;
use renn_core::Code;
use renn_core::Diagnostic;
use renn_host::git::{Git, RefUpdate, WorktreeEntry};
use renn_host::lock::{self, ProjectLock, LOCK_PATH};
use renn_host::{disk, Error, Result};
use serde::Serialize;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const WORKTREES: &str = ".renn/worktrees";

#[derive(Debug, Serialize)]
struct Item {
    /// `worktree`, `branch`, `directory`, `lock` or `temp_file`.
    kind: &'static str,
    /// A project-relative path, or a branch name.
    name: String,
    why: String,
    #[serde(skip)]
    action: Action,
}

#[derive(Debug, Clone, Default)]
enum Action {
    #[default]
    None,
    Worktree(PathBuf),
    Branch {
        name: String,
        tip: String,
    },
    Path(PathBuf),
}

#[derive(Serialize)]
struct Report {
    dry_run: bool,
    removed: Vec<Item>,
    kept: Vec<Item>,
}

pub fn run(cli: &Cli, yes: bool, dry_run: bool) -> Result<ExitCode> {
    let root = disk::project_dir(cli.dir.as_deref())?.root;
    let lock_file = root.join(LOCK_PATH);
    let stale_lock = lock_file.symlink_metadata().is_ok();
    // Held while cleaning: no renn starts meanwhile. A dry run only looks.
    let _lock = if dry_run {
        if let Some(holder) = lock::held_by(&root) {
            return Err(Error::Busy {
                holder,
                path: LOCK_PATH.into(),
            });
        }
        None
    } else {
        Some(ProjectLock::acquire(&root, "clean")?)
    };
    let git = Git::open(&root)?;
    let (mut remove, kept) = survey(&root, &git, stale_lock)?;
    // The lock file this clean created is its own, not a leftover: it goes quietly.
    let _own_lock = OwnLock((!dry_run && !stale_lock).then_some(lock_file));
    let mut report = Report {
        dry_run,
        removed: Vec::new(),
        kept,
    };
    if remove.is_empty() || dry_run {
        report.removed = remove;
        return show(cli, &report);
    }
    if !yes && !confirm(cli, &remove)? {
        report.removed = Vec::new();
        if !cli.json {
            println!("Nothing removed.");
        }
        return Ok(ExitCode::SUCCESS);
    }
    apply(&root, &git, &remove)?;
    report.removed.append(&mut remove);
    show(cli, &report)
}

/// What would go and what stays, with reasons.
/// Removes the lock file clean created when clean is done (declared after the lock, so
/// dropped before it: the file goes while still held).
struct OwnLock(Option<PathBuf>);

impl Drop for OwnLock {
    fn drop(&mut self) {
        if let Some(p) = &self.0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn survey(root: &Path, git: &Git, stale_lock: bool) -> Result<(Vec<Item>, Vec<Item>)> {
    let (mut remove, mut kept) = (Vec::new(), Vec::new());
    let rel = |p: &Path| {
        p.strip_prefix(root)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned()
    };
    let refs = git.refs("refs/heads/renn/")?;
    let mut gone_branches = Vec::new();
    let mut kept_branches = Vec::new();
    for (full, tip) in &refs {
        let name = full.trim_start_matches("refs/heads/").to_string();
        let branch = Action::Branch {
            name: full.clone(),
            tip: tip.clone(),
        };
        if name.starts_with("renn/failed/") {
            remove.push(Item {
                kind: "branch",
                why: "a failed run's work, set aside (the run starts afresh when it runs again)"
                    .into(),
                name: name.clone(),
                action: branch,
            });
            gone_branches.push(name);
        } else if name.starts_with("renn/run-") {
            if git.is_ancestor(tip, "HEAD")? {
                remove.push(Item {
                    kind: "branch",
                    why: "merged: every commit of it is in HEAD".into(),
                    name: name.clone(),
                    action: branch,
                });
                gone_branches.push(name);
            } else {
                let run = name.trim_start_matches("renn/run-");
                kept.push(Item {
                    kind: "branch",
                    why: format!("unmerged work of run {run}, still to execute: `renn run-stage` resumes it (`git branch -D {name}` drops it)"),
                    name: name.clone(),
                    action: Action::None,
                });
                kept_branches.push(name);
            }
        }
    }
    // renn's worktrees: only those under .renn/worktrees, never where a link leads.
    let base = renn_host::fsio::safe_path(root, WORKTREES)
        .ok()
        .and_then(|d| d.canonicalize().ok());
    let mut registered = Vec::new();
    if let Some(base) = &base {
        for WorktreeEntry { path, branch } in git.worktrees()? {
            if !path.starts_with(base) {
                continue;
            }
            registered.push(path.clone());
            let shown = format!("{WORKTREES}/{}", rel_to(&path, base));
            match branch {
                Some(b) if kept_branches.contains(&b) => kept.push(Item {
                    kind: "worktree",
                    why: format!("on {b}, which holds unmerged work"),
                    name: shown,
                    action: Action::None,
                }),
                Some(b) if !b.starts_with("renn/") => kept.push(Item {
                    kind: "worktree",
                    why: format!("on {b}, not a renn branch"),
                    name: shown,
                    action: Action::None,
                }),
                b => remove.push(Item {
                    kind: "worktree",
                    why: match b {
                        Some(b) if gone_branches.contains(&b) => format!("on {b}, removed too"),
                        Some(b) => format!("on {b}, which no longer exists"),
                        None => "a spare (no branch)".into(),
                    },
                    name: shown,
                    action: Action::Worktree(path),
                }),
            }
        }
        // Directories git does not know as worktrees (a worktree pruned by hand…).
        if let Ok(entries) = std::fs::read_dir(base) {
            for entry in entries.flatten() {
                let path = entry.path();
                let canon = path.canonicalize().unwrap_or(path.clone());
                if registered.contains(&canon) || registered.contains(&path) {
                    continue;
                }
                remove.push(Item {
                    kind: "directory",
                    name: format!("{WORKTREES}/{}", entry.file_name().to_string_lossy()),
                    why: "not a worktree git knows".into(),
                    action: Action::Path(path),
                });
            }
        }
    }
    let lock_file = root.join(LOCK_PATH);
    if stale_lock {
        remove.push(Item {
            kind: "lock",
            name: LOCK_PATH.into(),
            why: "no renn holds it".into(),
            action: Action::Path(lock_file),
        });
    }
    for tmp in renn_host::fsio::temp_files(&root.join(".renn")) {
        remove.push(Item {
            kind: "temp_file",
            name: rel(&tmp),
            why: "left by a write cut short".into(),
            action: Action::Path(tmp),
        });
    }
    Ok((remove, kept))
}

fn rel_to(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

fn confirm(cli: &Cli, items: &[Item]) -> Result<bool> {
    if cli.json || !std::io::stdin().is_terminal() {
        return Err(Diagnostic::error(
            Code::CleanNeedsYes,
            format!(
                "renn clean would remove {} item(s) and cannot ask here",
                items.len()
            ),
        )
        .with_hint("`renn clean --dry-run` lists them; `renn clean --yes` removes them")
        .into());
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "renn clean will remove:");
    for i in items {
        let _ = writeln!(out, "  {} {} — {}", i.kind, i.name, i.why);
    }
    let _ = write!(out, "Remove them? [y/N]: ");
    let _ = out.flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// Worktrees first (a branch checked out in one is then free), then branches (only
/// if still at the tip seen), then files.
fn apply(root: &Path, git: &Git, items: &[Item]) -> Result<()> {
    let worktrees: Vec<PathBuf> = items
        .iter()
        .filter_map(|i| match &i.action {
            Action::Worktree(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    git.worktrees_remove(&worktrees)?;
    let branches: Vec<RefUpdate> = items
        .iter()
        .filter_map(|i| match &i.action {
            Action::Branch { name, tip } => Some(RefUpdate::Delete {
                name: name.clone(),
                old: tip.clone(),
            }),
            _ => None,
        })
        .collect();
    git.update_refs(&branches)?;
    for i in items {
        if let Action::Path(p) = &i.action {
            let removed = if p.is_dir() && !p.is_symlink() {
                std::fs::remove_dir_all(p)
            } else {
                std::fs::remove_file(p)
            };
            match removed {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::Io {
                        path: p.strip_prefix(root).unwrap_or(p).display().to_string(),
                        source: e,
                    })
                }
                _ => {}
            }
        }
    }
    Ok(())
}

fn show(cli: &Cli, report: &Report) -> Result<ExitCode> {
    emit(cli, report, || {
        let mut s = String::new();
        let verb = if report.dry_run {
            "would remove"
        } else {
            "removed"
        };
        if report.removed.is_empty() {
            s.push_str("Nothing to clean.\n");
        }
        for i in &report.removed {
            s.push_str(&format!("{verb} {} {} — {}\n", i.kind, i.name, i.why));
        }
        for i in &report.kept {
            s.push_str(&format!("kept {} {} — {}\n", i.kind, i.name, i.why));
        }
        s
    })
}
