//! What a killed renn or a killed agent leaves behind, cleaned before the stage goes on:
//! renn's own temporary files (`.<name>.renn-tmp-…`, from a write cut short), a
//! `.git/index.lock` (or a worktree's `index.lock` / `HEAD.lock`) a killed agent's git held, and the half-done edits of an agent
//! stopped mid-task in the main tree (stashed, so nothing is lost; renn started that
//! execution on a clean tree, so they are the agent's). Both are safe to remove only because
//! renn holds the project's lock (no other renn writes here) and has just stopped the
//! agents left running (no git of theirs still works).

use super::*;

impl Host<'_> {
    /// Removes the leftovers and says what went. `interrupted`: the agents a killed renn
    /// had working (their index lock, half-done edits and unbelieved recaps).
    pub(super) fn clean_leftovers(&mut self, interrupted: &[String]) -> Result<()> {
        let agents_stopped = !interrupted.is_empty();
        let mut removed = crate::fsio::temp_files(&self.root.join(self.vocab().dir));
        for path in &removed {
            let _ = std::fs::remove_file(path);
        }
        if agents_stopped {
            for lock in self.stopped_agents_git_locks()? {
                std::fs::remove_file(&lock).map_err(|source| Error::Io {
                    path: lock.display().to_string(),
                    source,
                })?;
                removed.push(lock);
            }
        }
        if agents_stopped {
            self.stash_half_done_edits()?;
            self.set_aside_unbelieved_recaps(interrupted)?;
        }
        for path in removed {
            let shown = rel(&self.root, &path);
            self.ui.text(&format!(
                "Removed {shown}, left by an interrupted renn or agent."
            ));
            self.ui.emit(&event::LeftoverRemoved {
                path: Some(shown),
                branch: None,
            });
        }
        Ok(())
    }
}

impl Host<'_> {
    /// The lock files a stopped agent's git can leave — `index.lock`, `HEAD.lock`,
    /// `packed-refs.lock`, a ref's `<name>.lock` — in the git directory, in each
    /// worktree's (`.git/worktrees/<name>/`) and under `refs/`. Any of them makes renn's
    /// own git fail later (found by full test runs: a branch rename on `HEAD.lock`, a
    /// ref update on `packed-refs.lock`).
    fn stopped_agents_git_locks(&self) -> Result<Vec<PathBuf>> {
        let common = self.git.common_dir()?;
        let mut locks = Vec::new();
        locks_in(&common, false, &mut locks);
        locks_in(&common.join("refs"), true, &mut locks);
        let worktrees = std::fs::read_dir(common.join("worktrees"));
        for wt in worktrees.into_iter().flatten().flatten() {
            locks_in(&wt.path(), false, &mut locks);
        }
        Ok(locks)
    }

    /// A recap an interrupted runner wrote but did not commit was never checked: its RUN
    /// COMPLETE never came. Left in place it would make the run count as complete. It
    /// is moved to the stage's (git-excluded) `logs/` as `NN-MM-recap.rejected.md`, and
    /// the run goes on from its commits.
    fn set_aside_unbelieved_recaps(&mut self, interrupted: &[String]) -> Result<()> {
        for label in interrupted {
            let Some(run) = self.plan.runs.iter().find(|r| r.id.to_string() == *label) else {
                continue;
            };
            let recap = renn_core::recap::path_for_run(&run.path);
            if !self.root.join(&recap).exists() || !self.git.is_changed(&recap)? {
                continue;
            }
            let aside = format!("{}/logs/{label}-recap.rejected.md", self.plan.stage.dir);
            let _ = std::fs::create_dir_all(self.root.join(&self.plan.stage.dir).join("logs"));
            std::fs::rename(self.root.join(&recap), self.root.join(&aside)).map_err(|source| {
                Error::Io {
                    path: recap.clone(),
                    source,
                }
            })?;
            self.ui.text(&format!(
                "{label}: its runner was interrupted after writing {recap} but before committing it; set aside as {aside}, the run goes on from its commits."
            ));
            self.ui.emit(&event::RecapSetAside {
                run: label.clone(),
                path: recap,
                rejected: aside,
                commit: None,
            });
        }
        Ok(())
    }

    fn stash_half_done_edits(&mut self) -> Result<()> {
        let dirty = self.git.dirty_outside(&format!("{}/", self.vocab().dir))?;
        if dirty.is_empty() {
            return Ok(());
        }
        let message = "renn: half-done edits of an interrupted agent";
        self.git.stash_outside(self.vocab().dir, message)?;
        self.ui.text(&format!(
            "Stashed the half-done edits an interrupted agent left ({}): `git stash list` shows them as \"{message}\"; its run goes on from its commits.",
            dirty.join(", ")
        ));
        self.ui.emit(&event::EditsStashed {
            files: dirty,
            message: message.to_string(),
        });
        Ok(())
    }
}

/// The `*.lock` files in `dir` (and below it when `deep`); links are not followed.
fn locks_in(dir: &Path, deep: bool, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() && deep {
            locks_in(&path, true, out);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "lock") {
            out.push(path);
        }
    }
}
