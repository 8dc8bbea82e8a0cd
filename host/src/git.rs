//! renn's git, through the `git` binary: the user's own git, with their hooks and config,
//! exactly as the seed's shell snippets use it — but every failure is an error naming the
//! command and git's own message, never silently skipped.
//!
//! git always runs as `git -C ROOT …` with captured output and no shell, so no argument is
//! ever interpreted twice. Paths given to methods are relative to ROOT (the directory
//! [`Git::open`] was given), as for any git command run there; paths git reports
//! ([`Git::dirty`], [`Merge::Conflict`]) are relative to the repository's top level.

mod exclude;
mod history;
mod merge;
mod refs;
mod remote;
mod run;
mod version;
mod worktree;

pub use history::CommitFacts;
pub use merge::{Merge, MergeTree};
pub use refs::RefUpdate;
pub(crate) use run::{exit_text, first_lines};
pub use version::{installed as installed_version, MIN_GIT};
pub use worktree::WorktreeEntry;

use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// A git working tree (the main one or a linked worktree).
#[derive(Debug, Clone)]
pub struct Git {
    root: PathBuf,
    top: PathBuf,
    /// ROOT relative to the top level, `""` or `"sub/dir/"`: `git status` reports paths
    /// from the top level, the caller names them from ROOT.
    prefix: String,
}

/// What [`Git::switch_or_create`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BranchSwitch {
    pub created: bool,
}

impl Git {
    /// The working tree containing `root`. Refuses clearly when there is none, since every
    /// later step (branches, evidence, commits) needs one.
    pub fn open(root: &Path) -> Result<Git> {
        // Absolute, so a path joined to it means the same to renn and to `git -C`.
        let root = std::path::absolute(root).map_err(|source| Error::Io {
            path: root.display().to_string(),
            source,
        })?;
        let probe = Git {
            root,
            top: PathBuf::new(),
            prefix: String::new(),
        };
        let ran = probe.run(["rev-parse", "--show-toplevel", "--show-prefix"], None)?;
        if ran.code != Some(0) {
            if ran.stderr.contains("not a git repository") {
                let stderr = format!("{} is not inside a git repository", probe.root.display());
                return Err(ran.error_saying(stderr));
            }
            return Err(ran.into_error());
        }
        let mut lines = ran.stdout.lines();
        let top = PathBuf::from(lines.next().unwrap_or_default());
        let prefix = lines.next().unwrap_or_default().to_string();
        Ok(Git {
            root: probe.root,
            top,
            prefix,
        })
    }

    /// The directory git runs in: the one given to [`Git::open`], made absolute.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// ROOT relative to the top level: `""` or `"sub/dir/"`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The top level of the working tree (`git rev-parse --show-toplevel`).
    pub fn top_level(&self) -> &Path {
        &self.top
    }

    /// Whether git ignores `path` (the seed's `git check-ignore -q .renn`).
    pub fn is_ignored(&self, path: &str) -> Result<bool> {
        self.run(["check-ignore", "-q", "--", path], None)?.yes_no()
    }

    /// Every path with staged or unstaged changes, and every untracked file that is not
    /// ignored (listed one by one, not collapsed into their directory), so the caller can
    /// refuse to start runners that would sweep them into their commits.
    pub fn dirty(&self) -> Result<Vec<String>> {
        let out = self.ok(["status", "--porcelain=v1", "-z", "--untracked-files=all"])?;
        let mut paths = Vec::new();
        let mut entries = out.split('\0').filter(|e| !e.is_empty());
        while let Some(entry) = entries.next() {
            let (status, path) = (entry.get(..2).unwrap_or(""), entry.get(3..).unwrap_or(""));
            paths.push(path.to_string());
            // A rename or copy is followed by its source path, changed as well.
            if status.contains(['R', 'C']) {
                paths.extend(entries.next().map(str::to_string));
            }
        }
        Ok(paths)
    }

    /// [`Git::dirty`] without the paths under the directory `allowed` (relative to ROOT, e.g.
    /// `.renn/`: renn's own files may change between runs).
    pub fn dirty_outside(&self, allowed: &str) -> Result<Vec<String>> {
        let dir = format!("{}{}", self.prefix, allowed.trim_end_matches('/'));
        let under = format!("{dir}/");
        let mut paths = self.dirty()?;
        paths.retain(|p| p != &dir && !p.starts_with(&under));
        Ok(paths)
    }

    /// The checked-out branch, `None` when HEAD is detached.
    pub fn current_branch(&self) -> Result<Option<String>> {
        let ran = self.run(["symbolic-ref", "--quiet", "--short", "HEAD"], None)?;
        let name = ran.stdout.trim().to_string();
        Ok(ran.yes_no()?.then_some(name))
    }

    /// The full hash of the commit HEAD points at.
    pub fn head(&self) -> Result<String> {
        Ok(self
            .ok(["rev-parse", "--verify", "HEAD^{commit}"])?
            .trim()
            .to_string())
    }

    /// Whether a local branch `name` exists.
    pub fn branch_exists(&self, name: &str) -> Result<bool> {
        let full = format!("refs/heads/{name}");
        self.run(["show-ref", "--verify", "--quiet", full.as_str()], None)?
            .yes_no()
    }

    /// The seed's `git checkout -b NAME || git checkout NAME`, except that it falls back only
    /// when the branch exists: a dirty tree or an invalid name is an error, not a fallback.
    pub fn switch_or_create(&self, name: &str) -> Result<BranchSwitch> {
        let created = !self.branch_exists(name)?;
        let flag = if created { "-c" } else { "--end-of-options" };
        self.ok(["switch", "--quiet", flag, name])?;
        Ok(BranchSwitch { created })
    }

    /// Whether `hash` names a commit of this repository. Anything that is not 4 to 64 hex
    /// digits (SHA-1 or SHA-256, abbreviated or not) is `false` without asking git, so a
    /// runner's recap cannot make renn run `HEAD~3` or an option.
    pub fn commit_exists(&self, hash: &str) -> Result<bool> {
        Ok(self.missing_commits(&[hash.to_string()])?.is_empty())
    }

    /// The hashes (in the order given) that name no commit: a runner's claimed commits are
    /// believed only when they exist. One git process for all of them.
    pub fn missing_commits(&self, hashes: &[String]) -> Result<Vec<String>> {
        let asked: Vec<String> = hashes
            .iter()
            .filter(|h| is_hex_hash(h))
            .map(|h| format!("{h}^{{commit}}"))
            .collect();
        let mut types = self.object_types(&asked)?.into_iter();
        Ok(hashes
            .iter()
            .filter(|h| !is_hex_hash(h) || types.next().flatten().as_deref() != Some("commit"))
            .cloned()
            .collect())
    }

    /// `git add -- PATHS`, the paths taken literally (a `*` in a name is not a glob).
    pub fn add(&self, paths: &[&str]) -> Result<()> {
        if paths.is_empty() {
            return Ok(());
        }
        let mut args = vec!["--literal-pathspecs", "add", "--"];
        args.extend_from_slice(paths);
        self.ok(args).map(drop)
    }

    /// Whether `path` (a file or a directory) has changes to commit: tracked and modified,
    /// staged, deleted, or untracked and not ignored.
    pub fn is_changed(&self, path: &str) -> Result<bool> {
        let args = ["--literal-pathspecs", "status", "--porcelain=v1", "-z"];
        let out = self.ok(args
            .into_iter()
            .chain(["--untracked-files=all", "--", path]))?;
        Ok(!out.is_empty())
    }

    /// Whether git tracks `path` (it is in the index).
    pub fn is_tracked(&self, path: &str) -> Result<bool> {
        let args = [
            "--literal-pathspecs",
            "ls-files",
            "--error-unmatch",
            "--",
            path,
        ];
        self.run(args, None)?.yes_no()
    }

    /// Commits what is staged and returns the new commit's hash. Nothing staged is an error.
    pub fn commit(&self, message: &str) -> Result<String> {
        self.ok(["commit", "--quiet", "-m", message])?;
        self.head()
    }

    /// The subjects of `git log RANGE`, newest first.
    pub fn log_subjects(&self, range: &str) -> Result<Vec<String>> {
        let out = self.ok(["log", "--format=%s", "--end-of-options", range, "--"])?;
        Ok(out.lines().map(String::from).collect())
    }
}

/// 4 to 64 hex digits: an abbreviated or full SHA-1 or SHA-256 commit hash.
fn is_hex_hash(s: &str) -> bool {
    (4..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}
