//! Where a failed run's work goes. A run is complete when its recap exists, and a run
//! whose `renn/run-<id>` branch holds its committed recap is merged as finished after a
//! crash; so a failed run that kept either would count as complete later, or fail
//! again on every execution. Its work is kept, under names no execution picks up:
//!
//! - in a worktree: the branch becomes `renn/failed/run-<id>-<n>` and its worktree
//!   `.renn/worktrees/failed-<id>-<n>`, both left for the user;
//! - in the shared tree: the recap becomes `<run>-recap.rejected.md`, the rename
//!   committed when the recap was.
//!
//! The next execution then starts the run afresh from the stage as it is.

use super::*;

impl Host<'_> {
    /// The core's `SetAside`: the run failed.
    pub(in crate::drive::host) fn set_aside(
        &mut self,
        run: &RunId,
        recap_path: &str,
        rejected_path: &str,
    ) -> Result<()> {
        if let Some(w) = self.iso.worktrees.remove(run) {
            return self.set_aside_branch(run, w);
        }
        if self.root.join(recap_path).is_file() {
            self.set_aside_recap(run, recap_path, rejected_path)?;
        }
        Ok(())
    }

    fn set_aside_branch(&mut self, run: &RunId, w: Worktree) -> Result<()> {
        // Earlier failures of the run keep their names: the first number free for both.
        let dir = self.worktree_dir();
        let n = (1..)
            .find(|n| {
                !self
                    .iso
                    .branches
                    .contains(&format!("renn/failed/run-{run}-{n}"))
                    && !dir.join(format!("failed-{run}-{n}")).exists()
            })
            .unwrap_or(1);
        let kept = format!("renn/failed/run-{run}-{n}");
        self.git.rename_branch(&w.branch, &kept)?;
        self.iso.branches.remove(&w.branch);
        self.iso.branches.insert(kept.clone());
        // Out of the way of the worktree the run gets next time (named after the run).
        let path = dir.join(format!("failed-{run}-{n}"));
        self.git.worktree_move(&w.path, &path)?;
        let shown = rel(&self.root, &path);
        self.ui.text(&format!(
            "{run}: its work is kept on branch {kept} (worktree {shown}); the next run-stage starts the run afresh. Take what you need, then `git worktree remove --force {shown} && git branch -D {kept}`."
        ));
        self.ui.emit(&event::RunSetAside {
            run: run.clone(),
            branch: kept,
            worktree: shown,
        });
        Ok(())
    }

    fn set_aside_recap(
        &mut self,
        run: &RunId,
        recap_path: &str,
        rejected_path: &str,
    ) -> Result<()> {
        let tracked = self.git.is_tracked(recap_path)?;
        std::fs::rename(self.root.join(recap_path), self.root.join(rejected_path)).map_err(
            |source| crate::Error::Io {
                path: recap_path.to_string(),
                source,
            },
        )?;
        let commit = if tracked {
            let v = self.vocab();
            let (recap, run_word) = (v.recap_word.to_lowercase(), v.run_lower());
            let message = format!(
                "docs({run}): set aside the {recap} of a failed {run_word}\n\nThe {run_word} failed, so its {recap} must not mark it complete; renn renamed it."
            );
            let hash = self
                .git
                .commit_paths(&[recap_path, rejected_path], &message)?;
            self.head_may_move();
            Some(hash)
        } else {
            None
        };
        let how = match &commit {
            Some(hash) => format!(" and committed the rename ({})", &hash[..hash.len().min(7)]),
            None => String::new(),
        };
        self.ui.text(&format!(
            "{run}: the run failed, so renn renamed its recap to {rejected_path}{how}; the next run-stage runs it again."
        ));
        self.ui.emit(&event::RecapSetAside {
            run: run.to_string(),
            path: recap_path.to_string(),
            rejected: rejected_path.to_string(),
            commit,
        });
        Ok(())
    }
}
