//! `.git/info/exclude`: the repository's own ignore list, never committed. renn keeps
//! its worktrees and agent logs inside the project; listed there they stay out of
//! `git status` and out of every `git add -A` (the user's, an agent's), without
//! touching a `.gitignore` the user owns.

use super::Git;
use crate::fsio::{read_text, write_atomic};
use crate::Result;
use std::path::PathBuf;

/// More than anyone writes by hand; the read is bounded all the same.
const EXCLUDE_LIMIT: u64 = 16 << 20;

impl Git {
    /// Adds each of `patterns` (gitignore syntax, relative to ROOT) to the repository's
    /// `info/exclude` unless it is already there. The file is rewritten atomically and
    /// only when something is added.
    pub fn exclude(&self, patterns: &[&str]) -> Result<()> {
        // The git directory is trusted; `info/exclude` under it is not followed if a link.
        let (common, rel) = (self.common_dir()?, "info/exclude");
        let text = read_text(&common, rel, EXCLUDE_LIMIT)?.unwrap_or_default();
        let have: Vec<&str> = text.lines().map(str::trim).collect();
        let missing: Vec<String> = patterns
            .iter()
            .map(|p| format!("/{}{}", self.prefix, p.trim_start_matches('/')))
            .filter(|p| !have.contains(&p.as_str()))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let mut out = text;
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        if !out.contains("# renn:") {
            out.push_str("# renn: worktrees and agent logs (see renn's README, Isolation)\n");
        }
        for p in missing {
            out.push_str(&p);
            out.push('\n');
        }
        write_atomic(&common, rel, out.as_bytes())
    }

    /// The repository's git directory shared by all its worktrees (`.git` of the main
    /// checkout), absolute.
    pub fn common_dir(&self) -> Result<PathBuf> {
        let common = self.ok(["rev-parse", "--path-format=absolute", "--git-common-dir"])?;
        Ok(PathBuf::from(common.trim()))
    }
}
