//! Which commits a run made: a runner's listed commits count only when they are on the
//! run's branch after the commit the run started from, so an old hash (the repository's
//! first commit, another run's) cannot stand in for work the run did not do.

use super::{is_hex_hash, Git};
use crate::Result;
use std::collections::HashSet;
use std::path::Path;

/// What git says about a runner's listed commits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitFacts {
    /// Hashes that name no commit.
    pub missing: Vec<String>,
    /// Hashes of commits that exist but are not on the branch after the start.
    pub outside: Vec<String>,
}

impl Git {
    /// The full hash of each of `hashes` that names a commit, `None` for the others
    /// (anything not 4 to 64 hex digits is never given to git). One git process.
    pub fn resolve_commits(&self, hashes: &[String]) -> Result<Vec<Option<String>>> {
        let asked: Vec<usize> = (0..hashes.len())
            .filter(|&i| is_hex_hash(&hashes[i]))
            .collect();
        let mut out = vec![None; hashes.len()];
        if asked.is_empty() {
            return Ok(out);
        }
        let input: String = asked
            .iter()
            .map(|&i| format!("{}^{{commit}}\n", hashes[i]))
            .collect();
        let listed = self.ok_with_input(["cat-file", "--batch-check"], Some(&input))?;
        for (&i, line) in asked.iter().zip(listed.lines()) {
            let mut parts = line.split(' ');
            if let (Some(full), Some("commit")) = (parts.next(), parts.next()) {
                out[i] = Some(full.to_string());
            }
        }
        Ok(out)
    }

    /// The full hashes of the commits reachable from `tip` but not from `start`: what was
    /// committed on that branch since `start`.
    pub fn commits_since(&self, start: &str, tip: &str) -> Result<HashSet<String>> {
        let not_start = format!("^{start}");
        let out = self.ok(["rev-list", "--end-of-options", tip, not_start.as_str()])?;
        Ok(out.lines().map(str::to_string).collect())
    }

    /// Sorts `hashes` into those that do not exist and those not committed on `tip` after
    /// `start`; without a start, only existence is checked.
    pub fn commit_facts(
        &self,
        hashes: &[String],
        start: Option<&str>,
        tip: &str,
    ) -> Result<CommitFacts> {
        let full = self.resolve_commits(hashes)?;
        let since = match start {
            Some(start) if full.iter().any(Option::is_some) => self.commits_since(start, tip)?,
            _ => HashSet::new(),
        };
        let mut facts = CommitFacts::default();
        for (hash, full) in hashes.iter().zip(full) {
            match full {
                None => facts.missing.push(hash.clone()),
                Some(f) if start.is_some() && !since.contains(&f) => {
                    facts.outside.push(hash.clone())
                }
                Some(_) => {}
            }
        }
        Ok(facts)
    }

    /// The best common ancestor of two commits (where a branch forked), if any.
    pub fn merge_base(&self, a: &str, b: &str) -> Result<Option<String>> {
        let ran = self.run(["merge-base", "--end-of-options", a, b], None)?;
        let base = ran.stdout.trim().to_string();
        Ok(ran.yes_no()?.then_some(base))
    }

    /// Commits `path` alone — whatever else is staged stays staged and out of the commit
    /// — and returns the new commit's hash. Runners sharing the tree may hold the index
    /// lock for a moment: renn waits for it a little, as they do.
    pub fn commit_only(&self, path: &str, message: &str) -> Result<String> {
        self.commit_paths(&[path], message)
    }

    /// [`Git::commit_only`] for several paths; a path whose file is gone commits its
    /// removal (a rename is its old path and its new one).
    pub fn commit_paths(&self, paths: &[&str], message: &str) -> Result<String> {
        let add = ["--literal-pathspecs", "add", "-A", "--"];
        let commit = [
            "--literal-pathspecs",
            "commit",
            "--quiet",
            "-m",
            message,
            "--only",
            "--",
        ];
        // Each step is retried alone: once `add` has staged a removal, the removed path
        // would no longer match anything for a second `add`. A runner sharing the tree
        // that commits between our `add` and our `commit` writes back the index it read
        // before our `add`, losing a new path from it: then both steps go again.
        let mut attempt = 0;
        loop {
            self.while_index_locked(|| self.ok(add.iter().chain(paths)))?;
            match self.while_index_locked(|| self.ok(commit.iter().chain(paths))) {
                Err(e) if attempt < 5 && e.to_string().contains("did not match any file") => {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50 * attempt));
                }
                done => break done,
            }
        }?;
        // Not `HEAD`: a runner sharing the tree may have committed right after this
        // commit, and the caller needs the commit that holds these paths.
        let log = [
            "--literal-pathspecs",
            "log",
            "-1",
            "--format=%H",
            "HEAD",
            "--",
        ];
        let hash = self.ok(log.iter().chain(paths))?;
        match hash.trim() {
            "" => self.head(),
            h => Ok(h.to_string()),
        }
    }

    /// Runs `step` again, with growing pauses, while another git process holds the index.
    fn while_index_locked(&self, step: impl Fn() -> Result<String>) -> Result<String> {
        let mut attempt = 0;
        loop {
            match step() {
                Err(crate::Error::Git { stderr, .. })
                    if stderr.contains("index.lock") && attempt < 20 =>
                {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50 * attempt));
                }
                other => return other,
            }
        }
    }

    /// The same repository, run from another of its working trees (a run's worktree).
    pub fn in_tree(&self, path: &Path) -> Git {
        Git {
            root: path.to_path_buf(),
            top: path.to_path_buf(),
            prefix: String::new(),
        }
    }
}

impl Git {
    /// `git log RANGE` as (short hash, subject) pairs, newest first, at most `max`.
    pub fn commits(&self, range: &str, max: usize) -> Result<Vec<(String, String)>> {
        let limit = format!("--max-count={max}");
        let args = [
            "log",
            "--format=%h%x09%s",
            limit.as_str(),
            "--end-of-options",
            range,
            "--",
        ];
        let out = self.ok(args)?;
        Ok(out
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(h, s)| (h.to_string(), s.to_string()))
            .collect())
    }
}

impl Git {
    /// Which of `paths` (relative to ROOT) differ between commits `a` and `b`: one git
    /// process, however many paths.
    pub fn changed_between(&self, a: &str, b: &str, paths: &[&str]) -> Result<Vec<String>> {
        let mut args = vec![
            "diff",
            "--name-only",
            "--relative",
            "--no-renames",
            a,
            b,
            "--",
        ];
        args.extend_from_slice(paths);
        Ok(self.ok(args)?.lines().map(str::to_string).collect())
    }

    /// The full hash of the commit `rev` names (`abc1234^`, a branch…).
    pub fn commit_of(&self, rev: &str) -> Result<String> {
        let spec = format!("{rev}^{{commit}}");
        let out = self.ok(["rev-parse", "--verify", "--end-of-options", spec.as_str()])?;
        Ok(out.trim().to_string())
    }
}

impl Git {
    /// `git stash push --include-untracked` of every change outside `dir` (relative to
    /// ROOT), with `message`: kept in `git stash list`, nothing lost.
    pub fn stash_outside(&self, dir: &str, message: &str) -> Result<()> {
        let exclude = format!(":(exclude){}", dir.trim_end_matches('/'));
        let args = [
            "stash",
            "push",
            "--include-untracked",
            "--quiet",
            "-m",
            message,
            "--",
            ".",
            exclude.as_str(),
        ];
        self.ok(args).map(drop)
    }
}
