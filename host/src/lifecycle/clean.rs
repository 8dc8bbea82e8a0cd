//! `renn clean`: what executions leave behind, listed, then removed: renn's worktrees
//! that hold no work of a run still to execute, merged `renn/run-*` branches, the
//! `renn/failed/*` branches (and worktrees) failed runs were set aside on, the lock
//! file, renn's temp files. A `renn/run-*` branch with commits HEAD does not have is
//! the work of a run still to execute — `run-stage` resumes it — and is kept, and said
//! so. Nothing is done while another renn holds the project.
//!
//! Two steps, so a front end can ask in between: [`clean_plan`] surveys (holding the
//! project's lock unless it is a dry run), [`CleanPlan::apply`] removes.

use crate::git::{Git, RefUpdate, WorktreeEntry};
use crate::lock::{self, ProjectLock};
use crate::{disk, fsio, Error, Result};
use renn_core::Vocabulary;
use schemars::JsonSchema;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What a leftover is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CleanKind {
    Worktree,
    Branch,
    /// A directory under `.renn/worktrees/` git does not know as a worktree.
    Directory,
    Lock,
    TempFile,
}

impl CleanKind {
    /// The word the text output and the JSON use: `worktree`, `temp_file`…
    pub fn as_str(self) -> &'static str {
        match self {
            CleanKind::Worktree => "worktree",
            CleanKind::Branch => "branch",
            CleanKind::Directory => "directory",
            CleanKind::Lock => "lock",
            CleanKind::TempFile => "temp_file",
        }
    }
}

/// One leftover, removed or kept, and why.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CleanItem {
    pub kind: CleanKind,
    /// A project-relative path, or a branch name.
    pub name: String,
    pub why: String,
    /// How to remove it; not part of the report.
    #[serde(skip)]
    action: Action,
}

#[derive(Debug, Clone, Default)]
enum Action {
    #[default]
    None,
    Worktree(PathBuf),
    /// Deleted only if still at the tip surveyed: a branch that moved meanwhile is
    /// someone's new work.
    Branch {
        name: String,
        tip: String,
    },
    Path(PathBuf),
}

/// `renn clean --json`: with `dry_run`, `removed` is what would go.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CleanReport {
    pub dry_run: bool,
    pub removed: Vec<CleanItem>,
    pub kept: Vec<CleanItem>,
}

/// The survey of a project's leftovers, holding the project's lock (unless a dry run)
/// until applied or dropped, so no renn starts between the listing and the removal.
pub struct CleanPlan {
    /// What would go (`removed`) and what stays (`kept`); `removed` is empty of
    /// anything done until [`CleanPlan::apply`].
    pub report: CleanReport,
    root: PathBuf,
    git: Git,
    // Declared before the lock so dropped first: clean's own lock file goes while
    // still held.
    _own_lock: OwnLock,
    _lock: Option<ProjectLock>,
}

/// Surveys the project at `dir` (or the nearest one above the current directory).
/// A dry run only looks, and refuses while another renn runs; otherwise the project's
/// lock is taken ([`Error::Busy`] when another renn holds it) and kept by the plan.
pub fn clean_plan(dir: Option<&Path>, dry_run: bool) -> Result<CleanPlan> {
    let pd = disk::project_dir(dir)?;
    let (root, v) = (pd.root.clone(), pd.vocab());
    let lock_file = root.join(v.lock);
    let stale_lock = lock_file.symlink_metadata().is_ok();
    let lock = if dry_run {
        if let Some(holder) = lock::held_by(&root) {
            return Err(Error::Busy {
                holder,
                path: v.lock.into(),
            });
        }
        None
    } else {
        Some(ProjectLock::acquire(&root, "clean")?)
    };
    // The lock file this clean created is its own, not a leftover: it goes quietly.
    let own_lock = OwnLock((!dry_run && !stale_lock).then_some(lock_file));
    let git = Git::open(&root)?;
    let (removed, kept) = survey(&root, v, &git, stale_lock)?;
    Ok(CleanPlan {
        report: CleanReport {
            dry_run,
            removed,
            kept,
        },
        root,
        git,
        _own_lock: own_lock,
        _lock: lock,
    })
}

impl CleanPlan {
    /// Nothing to remove.
    pub fn is_empty(&self) -> bool {
        self.report.removed.is_empty()
    }

    /// Removes what the survey listed (nothing for a dry run): worktrees first (a
    /// branch checked out in one is then free), then branches, then files.
    pub fn apply(self) -> Result<CleanReport> {
        if !self.report.dry_run {
            remove(&self.root, &self.git, &self.report.removed)?;
        }
        Ok(self.report.clone())
    }

    /// Removes nothing: the report with nothing removed (the user said no).
    pub fn decline(self) -> CleanReport {
        CleanReport {
            removed: Vec::new(),
            ..self.report.clone()
        }
    }
}

/// Removes the lock file clean created when clean is done.
struct OwnLock(Option<PathBuf>);

impl Drop for OwnLock {
    fn drop(&mut self) {
        if let Some(p) = &self.0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn item(kind: CleanKind, name: impl Into<String>, why: impl Into<String>) -> CleanItem {
    CleanItem {
        kind,
        name: name.into(),
        why: why.into(),
        action: Action::None,
    }
}

impl CleanItem {
    fn removing(mut self, action: Action) -> Self {
        self.action = action;
        self
    }
}

/// What would go and what stays, with reasons.
fn survey(
    root: &Path,
    v: &Vocabulary,
    git: &Git,
    stale_lock: bool,
) -> Result<(Vec<CleanItem>, Vec<CleanItem>)> {
    let (mut remove, mut kept) = (Vec::new(), Vec::new());
    let mut gone_branches = Vec::new();
    let mut kept_branches = Vec::new();
    for (full, tip) in &git.refs("refs/heads/renn/")? {
        let name = full.trim_start_matches("refs/heads/").to_string();
        let branch = Action::Branch {
            name: full.clone(),
            tip: tip.clone(),
        };
        if name.starts_with("renn/failed/") {
            remove.push(
                item(
                    CleanKind::Branch,
                    &name,
                    "a failed run's work, set aside (the run starts afresh when it runs again)",
                )
                .removing(branch),
            );
            gone_branches.push(name);
        } else if name.starts_with("renn/run-") {
            if git.is_ancestor(tip, "HEAD")? {
                remove.push(
                    item(
                        CleanKind::Branch,
                        &name,
                        "merged: every commit of it is in HEAD",
                    )
                    .removing(branch),
                );
                gone_branches.push(name);
            } else {
                let run = name.trim_start_matches("renn/run-");
                kept.push(item(
                    CleanKind::Branch,
                    &name,
                    format!("unmerged work of run {run}, still to execute: `renn run-stage` resumes it (`git branch -D {name}` drops it)"),
                ));
                kept_branches.push(name);
            }
        }
    }
    // renn's worktrees: only those under .renn/worktrees, never where a link leads.
    let base = fsio::safe_path(root, v.worktrees)
        .ok()
        .and_then(|d| d.canonicalize().ok());
    if let Some(base) = &base {
        let mut registered = Vec::new();
        for WorktreeEntry { path, branch } in git.worktrees()? {
            if !path.starts_with(base) {
                continue;
            }
            registered.push(path.clone());
            let shown = format!("{}/{}", v.worktrees, rel(&path, base));
            let why = |text: String| item(CleanKind::Worktree, shown.clone(), text);
            match branch {
                Some(b) if kept_branches.contains(&b) => {
                    kept.push(why(format!("on {b}, which holds unmerged work")))
                }
                Some(b) if !b.starts_with("renn/") => {
                    kept.push(why(format!("on {b}, not a renn branch")))
                }
                b => remove.push(
                    why(match b {
                        Some(b) if gone_branches.contains(&b) => format!("on {b}, removed too"),
                        Some(b) => format!("on {b}, which no longer exists"),
                        None => "a spare (no branch)".into(),
                    })
                    .removing(Action::Worktree(path)),
                ),
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
                let name = format!("{}/{}", v.worktrees, entry.file_name().to_string_lossy());
                remove.push(
                    item(CleanKind::Directory, name, "not a worktree git knows")
                        .removing(Action::Path(path)),
                );
            }
        }
    }
    if stale_lock {
        remove.push(
            item(CleanKind::Lock, v.lock, "no renn holds it")
                .removing(Action::Path(root.join(v.lock))),
        );
    }
    for tmp in fsio::temp_files(&root.join(v.dir)) {
        remove.push(
            item(
                CleanKind::TempFile,
                rel(&tmp, root),
                "left by a write cut short",
            )
            .removing(Action::Path(tmp)),
        );
    }
    Ok((remove, kept))
}

fn rel(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// Worktrees first (a branch checked out in one is then free), then branches (only
/// if still at the tip seen), then files.
fn remove(root: &Path, git: &Git, items: &[CleanItem]) -> Result<()> {
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
                        path: rel(p, root),
                        source: e,
                    })
                }
                _ => {}
            }
        }
    }
    Ok(())
}
