//! The git remote a travelling run's branch goes through (isolation `clone`): git's
//! own transports only — a path, or whatever URL the user's git can push to.

use super::Git;
use crate::Result;
use std::path::Path;

impl Git {
    /// `user.name` and `user.email` as git resolves them here (empty when unset).
    pub fn user(&self) -> Result<(String, String)> {
        let get = |key: &str| {
            self.run(["config", "--get", key], None)
                .map(|r| r.stdout.trim().to_string())
        };
        Ok((get("user.name")?, get("user.email")?))
    }

    /// Creates a bare repository at `path` (renn's default remote).
    pub fn init_bare(&self, path: &Path) -> Result<()> {
        let p = path.display().to_string();
        self.ok(["init", "--quiet", "--bare", "--end-of-options", &p])?;
        Ok(())
    }

    /// Publishes `local` (a full ref) to `remote` as `remote_ref`, replacing it: the
    /// run's branch is renn's, and a continuation republishes it.
    pub fn push_ref(&self, remote: &str, local: &str, remote_ref: &str) -> Result<()> {
        let spec = format!("+{local}:{remote_ref}");
        self.ok([
            "push",
            "--quiet",
            "--no-verify",
            "--end-of-options",
            remote,
            &spec,
        ])?;
        Ok(())
    }

    /// In a worktree: fetches `remote_ref` from `remote` and makes the checked-out
    /// branch exactly that commit — what the job pushed is the run's work, judged by
    /// the evidence rules like any branch (a rewritten one fails them).
    pub fn fetch_reset(&self, remote: &str, remote_ref: &str) -> Result<()> {
        self.ok([
            "fetch",
            "--quiet",
            "--no-tags",
            "--end-of-options",
            remote,
            remote_ref,
        ])?;
        self.ok(["reset", "--quiet", "--hard", "FETCH_HEAD"])?;
        Ok(())
    }

    /// Removes `remote_ref` from `remote` (the run's work is home); one already gone
    /// is not an error. One `git push`, no `ls-remote` first: this runs once per run
    /// as the batch's jobs come home.
    pub fn delete_remote_ref(&self, remote: &str, remote_ref: &str) -> Result<()> {
        let spec = format!(":{remote_ref}");
        let pushed = self.ok([
            "push",
            "--quiet",
            "--no-verify",
            "--end-of-options",
            remote,
            &spec,
        ]);
        match pushed {
            Err(e) if e.to_string().contains("unable to delete") => Ok(()),
            other => other.map(drop),
        }
    }
}
