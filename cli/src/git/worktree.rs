//! Worktrees isolate the runs of a parallel batch: agents sharing one working tree race for
//! `.git/index.lock`, sweep each other's files into their commits and revert each other's
//! edits. Each run gets its own worktree on its own branch, merged back once the batch is
//! done. The caller creates them one after another: concurrent `git worktree add` races for
//! `.git/config.lock`.

use super::Git;
use crate::Result;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The outcome of [`Git::merge`]. A conflict is an outcome, not an error: the caller fails
/// that one run, names the files and keeps the branch, and the tree is already clean again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merge {
    Merged { commit: String },
    Conflict { files: Vec<String> },
}

impl Git {
    /// A new worktree at `path` on a new branch `branch` from `base`. When `branch` exists
    /// (an earlier attempt was interrupted) it is reused with the work it holds; when its
    /// worktree is still there too, that worktree is kept as it is.
    pub fn worktree_add(&self, path: &Path, branch: &str, base: &str) -> Result<()> {
        let path = self.root.join(path);
        let p = path.as_os_str();
        if !self.branch_exists(branch)? {
            let args = [
                OsStr::new("worktree"),
                "add".as_ref(),
                "-b".as_ref(),
                branch.as_ref(),
            ];
            return self
                .ok(args.into_iter().chain([p, base.as_ref()]))
                .map(drop);
        }
        // The admin entry of a worktree whose directory is gone would block the branch.
        self.ok(["worktree", "prune"])?;
        if let Some(existing) = self.worktree_of(branch)? {
            if same_dir(&existing, &path) {
                return Ok(());
            }
        }
        self.ok([OsStr::new("worktree"), "add".as_ref(), p, branch.as_ref()])
            .map(drop)
    }

    /// Removes a worktree, with whatever uncommitted files it still has.
    pub fn worktree_remove(&self, path: &Path) -> Result<()> {
        let path = self.root.join(path);
        let args = [
            OsStr::new("worktree"),
            "remove".as_ref(),
            "--force".as_ref(),
        ];
        self.ok(args.into_iter().chain([path.as_os_str()]))
            .map(drop)
    }

    /// Deletes a local branch; git refuses one that is not merged, so no run's work can be
    /// lost this way.
    pub fn delete_branch(&self, branch: &str) -> Result<()> {
        self.ok(["branch", "--quiet", "-d", branch]).map(drop)
    }

    /// Merges `branch` into the current branch with a merge commit named `message`
    /// (`--no-ff`: each run's own commits stay visible). On a conflict the merge is aborted,
    /// so the tree is as before, and the conflicting files are returned. `commit` is HEAD
    /// afterwards (unchanged when `branch` had nothing new).
    pub fn merge(&self, branch: &str, message: &str) -> Result<Merge> {
        let args = [
            "merge",
            "--no-ff",
            "--no-edit",
            "-m",
            message,
            "--end-of-options",
            branch,
        ];
        let ran = self.run(args, None)?;
        if ran.code == Some(0) {
            return Ok(Merge::Merged {
                commit: self.head()?,
            });
        }
        let out = self.ok(["diff", "--name-only", "-z", "--diff-filter=U"])?;
        let mut files: Vec<String> = out
            .split('\0')
            .filter(|f| !f.is_empty())
            .map(String::from)
            .collect();
        files.dedup();
        // A merge stopped for any reason (conflict, failing hook) must not stay half done.
        if self
            .run(["rev-parse", "--quiet", "--verify", "MERGE_HEAD"], None)?
            .yes_no()?
        {
            self.ok(["merge", "--abort"])?;
        }
        if files.is_empty() {
            return Err(ran.into_error());
        }
        Ok(Merge::Conflict { files })
    }

    /// The directory of the worktree that has `branch` checked out, if any.
    fn worktree_of(&self, branch: &str) -> Result<Option<PathBuf>> {
        let out = self.ok(["worktree", "list", "--porcelain", "-z"])?;
        let want = format!("branch refs/heads/{branch}");
        let mut dir = None;
        for field in out.split('\0') {
            if let Some(d) = field.strip_prefix("worktree ") {
                dir = Some(PathBuf::from(d));
            } else if field == want {
                return Ok(dir);
            }
        }
        Ok(None)
    }
}

/// git lists worktrees by their canonical path; the caller's path may go through symlinks.
fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
