//! Isolation of parallel runs: each run of a parallel batch works in its own git
//! worktree on its own branch, so agents cannot race for `.git/index.lock`, sweep each
//! other's files into commits, or revert each other's edits. renn creates the
//! worktrees itself, one after another (concurrent `git worktree add` races on
//! `.git/config.lock`), and merges the branches back in run-id order once no runner of
//! the batch is still working.

use super::*;
use crate::git::Merge;
use renn_core::execute::RunStatus;
use renn_core::run::RunId;

pub(super) struct Worktree {
    pub path: PathBuf,
    pub branch: String,
}

impl Host<'_> {
    /// Whether `run` gets its own worktree: parallel batches of more than one run,
    /// unless config.json says `"isolation": "shared"` (the seed's single tree).
    pub(super) fn isolates(&self, run: &RunId) -> bool {
        let c = self.config();
        let batch = self
            .plan
            .runs
            .iter()
            .find(|r| &r.id == run)
            .map(|r| r.batch);
        let size = self
            .plan
            .batches
            .iter()
            .find(|b| Some(b.batch) == batch)
            .map_or(0, |b| b.runs.len());
        c.isolation == renn_core::config::Isolation::Worktree
            && c.parallelization.enabled
            && size > 1
    }

    /// The directory a run's agent works in, creating its worktree when it has none.
    /// A run that an earlier execution started in a worktree (and that stopped at a
    /// gate) goes on in it, even when it is now alone in its batch.
    pub(super) fn workdir(&mut self, run: &RunId) -> Result<PathBuf> {
        if let Some(w) = self.worktrees.get(run) {
            return Ok(w.path.clone());
        }
        let branch = format!("renn/run-{run}");
        if !self.isolates(run) && !self.git.branch_exists(&branch)? {
            return Ok(self.root.clone());
        }
        let git_dir = self.root.join(".git");
        let base = if git_dir.is_dir() {
            git_dir
        } else {
            std::env::temp_dir()
        };
        let path = base.join("renn-worktrees").join(run.to_string());
        self.git.worktree_add(&path, &branch, "HEAD")?;
        self.ui.event(
            "worktree_created",
            json!({ "run": run, "path": path.display().to_string(), "branch": branch }),
        );
        self.worktrees.insert(
            run.clone(),
            Worktree {
                path: path.clone(),
                branch,
            },
        );
        Ok(path)
    }

    /// Merges finished isolated runs back, in run-id order, once none of them has a
    /// runner still working (a run waiting at a gate does not hold the others back).
    pub(super) fn merge_finished(
        &mut self,
        state: &StageRun,
        queue: &mut VecDeque<Event>,
    ) -> Result<()> {
        if self.held.is_empty() {
            return Ok(());
        }
        let working = state
            .runs
            .iter()
            .any(|r| r.status == RunStatus::Running && self.worktrees.contains_key(&r.id));
        if working {
            return Ok(());
        }
        let mut held = std::mem::take(&mut self.held);
        held.sort_by(|a, b| a.0.cmp(&b.0));
        for (run, recap_path, commits) in held {
            let Some(w) = self.worktrees.remove(&run) else {
                continue;
            };
            match self.git.merge(
                &w.branch,
                &format!("merge({run}): {} back into the stage", w.branch),
            )? {
                Merge::Merged { .. } => {
                    self.git.worktree_remove(&w.path)?;
                    self.git.delete_branch(&w.branch)?;
                    queue.push_back(self.evidence(run, &recap_path, &commits)?);
                }
                Merge::Conflict { files } => {
                    // The worktree and branch stay for the user to inspect and resolve.
                    queue.push_back(Event::MergeConflict {
                        run,
                        branch: w.branch,
                        files,
                    });
                }
            }
        }
        Ok(())
    }
}
