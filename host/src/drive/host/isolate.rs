//! Isolation of parallel runs: each run of a parallel batch works in its own git
//! worktree on its own branch, so agents cannot race for `.git/index.lock`, sweep each
//! other's files into commits, or revert each other's edits. renn creates a batch's
//! worktrees before its agents start, and merges the branches back in run-id order
//! once no runner of the batch is still working.
//!
//! Speed, since renn's own git work is on every batch's critical path: a worktree
//! whose run is merged is kept as a spare and given to a run of a later batch (only
//! the files that differ are written, not a whole checkout); a batch's worktrees are
//! prepared side by side; its merges are computed without a working tree and land
//! together. Spares left at the end are removed.

use super::*;
use crate::git::WorktreeEntry;
use renn_core::run::RunId;
use std::collections::HashSet;

mod aside;
mod merge;
mod prepare;
mod recover;

pub(super) struct Worktree {
    pub path: PathBuf,
    pub branch: String,
    /// The commit renn made the branch from, when it did so in this execution.
    pub fork: Option<String>,
}

/// A run that said RUN COMPLETE in its worktree, waiting for its batch to merge.
pub(super) struct Held {
    pub run: RunId,
    pub recap_path: String,
    pub commits: Vec<String>,
}

/// What renn knows about its worktrees and `renn/run-*` branches.
#[derive(Default)]
pub(super) struct Isolation {
    /// Worktrees of isolated runs, until merged back.
    pub worktrees: HashMap<RunId, Worktree>,
    /// Isolated runs that said RUN COMPLETE, to be judged on their branches.
    pub held: Vec<Held>,
    /// Believed isolated runs (the core's `MergeBack`), to be merged together.
    pub merging: Vec<RunId>,
    /// Worktrees whose run is merged, for the next runs; removed when renn is done.
    spares: Vec<prepare::Spare>,
    /// Spares being cleaned.
    cleaning: Option<prepare::Cleaning>,
    /// The `renn/run-*` branches that exist (short names).
    pub branches: HashSet<String>,
    /// The commit new worktrees start from; read again once HEAD may have moved.
    base: Option<String>,
    /// Runs whose branch already holds their committed recap: merged, not run again.
    recovered: HashSet<RunId>,
    /// New worktrees being prepared in the background.
    preparing: prepare::Preparing,
}

pub(super) fn branch_of(run: &RunId) -> String {
    format!("renn/run-{run}")
}

impl Host<'_> {
    /// Where renn keeps worktrees: in the project, beside renn's own files, and not under
    /// `.git/` — agent CLIs treat every path there as sensitive and refuse to edit it.
    /// The directory (`Vocabulary::worktrees`) is in the repository's `info/exclude`, so neither `git status` nor
    /// `git add -A` in the main tree ever sees it.
    fn worktree_dir(&self) -> PathBuf {
        self.root.join(self.vocab().worktrees)
    }

    /// `run`'s worktree, refused when it or a directory on the way is a symlink: git
    /// would create the worktree wherever the link points.
    fn worktree_path(&self, run: &RunId) -> Result<PathBuf> {
        crate::fsio::safe_path(&self.root, format!("{}/{run}", self.vocab().worktrees))
    }

    /// Reads the `renn/run-*` branches and renn's worktrees an earlier execution left:
    /// those on a branch belong to its run; the others are spares. Finds the runs whose
    /// branch already holds their recap.
    pub(super) fn scan_worktrees(&mut self) -> Result<()> {
        let mut refs = self.git.refs("refs/heads/renn/")?;
        self.drop_merged_branches(&mut refs)?;
        self.iso.branches = refs
            .keys()
            .filter_map(|r| r.strip_prefix("refs/heads/"))
            .map(str::to_string)
            .collect();
        // Spares only in renn's own directory, never where a link would take them.
        let dir = crate::fsio::safe_path(&self.root, self.vocab().worktrees)
            .ok()
            .and_then(|d| d.canonicalize().ok());
        if let Some(dir) = dir {
            for WorktreeEntry { path, branch } in self.git.worktrees()? {
                let taken = branch.is_some_and(|b| self.iso.branches.contains(&b));
                if path.starts_with(&dir) && !taken {
                    let clean = false;
                    self.iso.spares.push(prepare::Spare { path, clean });
                }
            }
        }
        self.iso.recovered = self.recoverable_runs()?;
        Ok(())
    }

    /// A renn killed between the fast-forward of a merge and the deletion of the merged
    /// branches leaves them: a `renn/run-<id>` branch of a run with nothing left to do
    /// whose tip the stage already holds is deleted (only if still at that tip), so its
    /// worktree becomes a spare, removed when renn stops. Nothing is lost: every commit
    /// of the branch is in HEAD. Branches of runs left to execute are never touched.
    fn drop_merged_branches(
        &mut self,
        refs: &mut std::collections::BTreeMap<String, String>,
    ) -> Result<()> {
        let left: HashSet<String> = (self.plan.batches.iter())
            .flat_map(|b| &b.runs)
            .map(|r| format!("refs/heads/{}", branch_of(r)))
            .collect();
        let mut merged = Vec::new();
        for (name, tip) in refs.iter() {
            if !name.starts_with("refs/heads/renn/run-") || left.contains(name) {
                continue;
            }
            if self.git.is_ancestor(tip, "HEAD")? {
                merged.push(crate::git::RefUpdate::Delete {
                    name: name.clone(),
                    old: tip.clone(),
                });
            }
        }
        self.git.update_refs(&merged)?;
        for update in merged {
            let crate::git::RefUpdate::Delete { name, .. } = update else {
                continue;
            };
            refs.remove(&name);
            let branch = name.trim_start_matches("refs/heads/");
            self.ui.text(&format!(
                "Removed branch {branch}, already merged, left by an interrupted renn."
            ));
            self.ui.emit(&event::LeftoverRemoved {
                path: None,
                branch: Some(branch.to_string()),
            });
        }
        Ok(())
    }

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
        // A run that travels has its branch in a worktree too: its work comes back there.
        c.isolation == renn_core::config::Isolation::Clone
            || (c.isolation == renn_core::config::Isolation::Worktree
                && c.parallelization.enabled
                && size > 1)
    }

    /// The directory a run's agent works in, creating its worktree when it has none.
    /// A run that an earlier execution started in a worktree (and that stopped at a
    /// gate) goes on in it, even when it is now alone in its batch.
    pub(super) fn workdir(&mut self, run: &RunId) -> Result<PathBuf> {
        if let Some(w) = self.iso.worktrees.get(run) {
            return Ok(w.path.clone());
        }
        let branch = branch_of(run);
        if self.iso.branches.contains(&branch) {
            let path = self.worktree_path(run)?;
            let path = self.git.worktree_resume(&path, &branch)?;
            self.adopt(run, path.clone(), None);
            return Ok(path);
        }
        if !self.isolates(run) {
            return Ok(self.root.clone());
        }
        if !self.await_worktree(run)? {
            self.prepare_worktrees(vec![run.clone()])?;
            self.await_worktree(run)?;
        }
        match self.iso.worktrees.get(run) {
            Some(w) => Ok(w.path.clone()),
            None => Err(internal("a prepared worktree is missing")),
        }
    }

    /// `run` works in the worktree at `path` on its branch (made from `fork`) from now on.
    fn adopt(&mut self, run: &RunId, path: PathBuf, fork: Option<String>) {
        let branch = branch_of(run);
        self.ui.emit(&event::WorktreeCreated {
            run: run.clone(),
            path: path.display().to_string(),
            branch: branch.clone(),
        });
        self.iso.branches.insert(branch.clone());
        self.iso
            .worktrees
            .insert(run.clone(), Worktree { path, branch, fork });
    }

    /// HEAD, read once for the worktrees of a batch.
    fn base(&mut self) -> Result<String> {
        if let Some(b) = &self.iso.base {
            return Ok(b.clone());
        }
        let head = self.git.head()?;
        self.iso.base = Some(head.clone());
        Ok(head)
    }

    /// HEAD may have moved (renn committed): worktrees start from it, read again.
    pub(super) fn head_may_move(&mut self) {
        self.iso.base = None;
    }

    /// The recap path of a run of the plan.
    pub(super) fn recap_path(&self, run: &RunId) -> Option<String> {
        let r = self.plan.runs.iter().find(|r| &r.id == run)?;
        Some(renn_core::recap::path_for_run(&r.path))
    }

    /// A runner in the main tree may have committed there; one in a worktree did not.
    pub(super) fn runner_exited(&mut self, label: &str) {
        let isolated = RunId::parse(label).is_some_and(|r| self.iso.worktrees.contains_key(&r));
        if !isolated {
            self.head_may_move();
        }
    }
}
