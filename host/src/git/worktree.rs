//! Worktrees isolate the runs of a parallel batch: agents sharing one working tree race for
//! `.git/index.lock`, sweep each other's files into their commits and revert each other's
//! edits. Each run gets its own worktree on its own branch, merged back once the batch is
//! done. The caller creates them one after another: concurrent `git worktree add` races for
//! `.git/config.lock`.
//!
//! A worktree whose work is merged is worth keeping for the next run: checking out a whole
//! tree writes every file, while [`Git::worktree_clean`] and [`Git::worktree_branch_off`]
//! in a used worktree write only the files that differ.

use super::Git;
use crate::{Error, Result};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// One worktree of the repository, as `git worktree list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorktreeEntry {
    pub path: PathBuf,
    /// The branch it has checked out (short name), even one that no longer exists;
    /// `None` when its HEAD is detached.
    pub branch: Option<String>,
}

impl Git {
    /// A new worktree at `path` on a new branch `branch` from `base`. When `branch` exists
    /// (an earlier attempt was interrupted) it is reused with the work it holds; when its
    /// worktree is still there too, that worktree is kept as it is. Returns where the
    /// worktree is.
    pub fn worktree_add(&self, path: &Path, branch: &str, base: &str) -> Result<PathBuf> {
        if self.branch_exists(branch)? {
            self.worktree_resume(path, branch)
        } else {
            self.worktree_add_new(path, branch, base)?;
            Ok(self.root.join(path))
        }
    }

    /// A new worktree at `path` on a new branch `branch` from `base`; an existing `branch`
    /// is an error, so no work on it can be lost.
    pub fn worktree_add_new(&self, path: &Path, branch: &str, base: &str) -> Result<()> {
        self.worktree_add_empty(path, base)?;
        self.worktree_branch_off(path, branch, base)
    }

    /// A new worktree at `path` with HEAD detached at `base` and nothing checked out yet:
    /// the quick part of `git worktree add`, which must not run concurrently (it races
    /// for `.git/config.lock`). [`Git::worktree_branch_off`] fills it, and may run beside
    /// others; until then the worktree is on no branch, so it holds no run's work.
    pub fn worktree_add_empty(&self, path: &Path, base: &str) -> Result<()> {
        let path = self.root.join(path);
        let args = ["worktree", "add", "--no-checkout", "--detach"].map(OsStr::new);
        let rest = [path.as_os_str(), base.as_ref()];
        self.ok(args.into_iter().chain(rest)).map(drop)
    }

    /// Checks out a new branch `branch` at `base` in the worktree at `path`, whatever it
    /// had checked out, discarding its changes to tracked files and writing only the
    /// files that differ. An existing `branch` is an error, so no work on it can be lost.
    /// Worktrees are independent: several can be switched at the same time.
    pub fn worktree_branch_off(&self, path: &Path, branch: &str, base: &str) -> Result<()> {
        self.at(&self.root.join(path))
            .ok(["checkout", "--quiet", "--force", "-b", branch, base, "--"])
            .map(drop)
    }

    /// Deletes every file git does not track in the worktree at `path`, ignored ones too:
    /// a worktree given to a new run holds what a new worktree would.
    pub fn worktree_clean(&self, path: &Path) -> Result<()> {
        self.at(&self.root.join(path))
            .ok(["clean", "-ffdxq"])
            .map(drop)
    }

    /// The worktree of the existing `branch`: the one that has it checked out, wherever
    /// it is, kept as it is; otherwise a new one at `path` with the work the branch holds.
    /// Returns where the worktree is.
    pub fn worktree_resume(&self, path: &Path, branch: &str) -> Result<PathBuf> {
        let path = self.root.join(path);
        // The admin entry of a worktree whose directory is gone would block the branch.
        self.ok(["worktree", "prune"])?;
        let existing = self.worktrees()?;
        if let Some(w) = existing
            .into_iter()
            .find(|w| w.branch.as_deref() == Some(branch))
        {
            return Ok(w.path);
        }
        self.ok([
            OsStr::new("worktree"),
            "add".as_ref(),
            path.as_os_str(),
            branch.as_ref(),
        ])?;
        Ok(path)
    }

    /// Moves a worktree (`git worktree move`).
    pub fn worktree_move(&self, from: &Path, to: &Path) -> Result<()> {
        let (from, to) = (self.root.join(from), self.root.join(to));
        let args = [OsStr::new("worktree"), "move".as_ref()];
        self.ok(args.into_iter().chain([from.as_os_str(), to.as_os_str()]))
            .map(drop)
    }

    /// Every worktree of the repository, the main one first.
    pub fn worktrees(&self) -> Result<Vec<WorktreeEntry>> {
        let out = self.ok(["worktree", "list", "--porcelain", "-z"])?;
        let mut list: Vec<WorktreeEntry> = Vec::new();
        for field in out.split('\0') {
            if let Some(dir) = field.strip_prefix("worktree ") {
                list.push(WorktreeEntry {
                    path: PathBuf::from(dir),
                    branch: None,
                });
            } else if let (Some(b), Some(w)) =
                (field.strip_prefix("branch refs/heads/"), list.last_mut())
            {
                w.branch = Some(b.to_string());
            }
        }
        Ok(list)
    }

    /// Deletes the worktrees at `paths` with whatever they hold, and makes git forget
    /// them: one `git worktree prune` for all, not a `git worktree remove` each.
    pub fn worktrees_remove(&self, paths: &[PathBuf]) -> Result<()> {
        if paths.is_empty() {
            return Ok(());
        }
        for p in paths {
            let p = self.root.join(p);
            match std::fs::remove_dir_all(&p) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::Io {
                        path: p.display().to_string(),
                        source: e,
                    })
                }
                _ => {}
            }
        }
        self.ok(["worktree", "prune"]).map(drop)
    }

    /// The same repository, run from another of its worktrees.
    fn at(&self, path: &Path) -> Git {
        Git {
            root: path.to_path_buf(),
            top: path.to_path_buf(),
            prefix: String::new(),
        }
    }
}
