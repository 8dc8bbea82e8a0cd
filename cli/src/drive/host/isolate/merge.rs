//! Merging a batch's branches back, and what is left of its worktrees afterwards.

use super::*;
use crate::git::Merge;
use renn_core::execute::RunStatus;

impl Host<'_> {
    /// Merges finished isolated runs back, in run-id order, once none of them has a
    /// runner still working (a run waiting at a gate does not hold the others back).
    /// Each merged run's evidence is checked then; a conflict fails its run.
    pub(in crate::drive::host) fn merge_finished(
        &mut self,
        state: &StageRun,
        queue: &mut VecDeque<Event>,
    ) -> Result<()> {
        if self.iso.held.is_empty() {
            return Ok(());
        }
        let working = state
            .runs
            .iter()
            .any(|r| r.status == RunStatus::Running && self.iso.worktrees.contains_key(&r.id));
        if working {
            return Ok(());
        }
        let mut held: Vec<(Held, Worktree)> = std::mem::take(&mut self.iso.held)
            .into_iter()
            .filter_map(|h| self.iso.worktrees.remove(&h.run).map(|w| (h, w)))
            .collect();
        held.sort_by(|a, b| a.0.run.cmp(&b.0.run));
        // Before the merge, while each run's branch still exists: its recap committed if
        // the runner left it so, then which listed commits the run made on it.
        let mut facts = Vec::new();
        for (h, w) in &held {
            let tree = w.path.join(self.git.prefix());
            self.commit_recap(&h.run, &self.git.in_tree(&tree), &tree, &h.recap_path)?;
            let tip = format!("refs/heads/{}", w.branch);
            facts.push(self.facts(&h.run, &h.commits, &tip)?);
        }
        let outcomes = self.merge_back(&held)?;
        let mut spares = Vec::new();
        for (((h, w), outcome), facts) in held.into_iter().zip(outcomes).zip(facts) {
            let event = match outcome {
                Merge::Merged { .. } => {
                    self.iso.branches.remove(&w.branch);
                    self.keep_uncommitted_recap(&w, &h.recap_path)?;
                    spares.push(w.path);
                    self.answer(h.run, &h.recap_path, facts)
                }
                Merge::Conflict { files } => {
                    let branch = w.branch.clone();
                    // The worktree and branch stay for the user to inspect and resolve.
                    self.iso.worktrees.insert(h.run.clone(), w);
                    Event::MergeConflict {
                        run: h.run,
                        branch,
                        files,
                    }
                }
            };
            queue.push_back(event);
        }
        self.clean_in_background(spares);
        Ok(())
    }

    /// A recap renn does not commit (`commit_docs` off, `.renn` ignored) would go with
    /// the worktree when it is cleaned: it is copied into the project first.
    fn keep_uncommitted_recap(&self, w: &Worktree, recap_path: &str) -> Result<()> {
        use crate::fsio::{read_bounded, Contents};
        let read = |root: &Path| match read_bounded(root, recap_path, MAX_FILE_BYTES) {
            Ok(Some(Contents::Bytes(b))) => Some(b),
            _ => None,
        };
        match read(&w.path.join(self.git.prefix())) {
            Some(bytes) if read(&self.root).as_ref() != Some(&bytes) => {
                crate::fsio::write_atomic(&self.root, recap_path, &bytes)
            }
            _ => Ok(()),
        }
    }

    /// Merges the branches of `held` (in that order) into the stage.
    fn merge_back(&mut self, held: &[(Held, Worktree)]) -> Result<Vec<Merge>> {
        let branches: Vec<(String, String)> = held
            .iter()
            .map(|(h, w)| {
                let message = format!("merge({}): {} back into the stage", h.run, w.branch);
                (w.branch.clone(), message)
            })
            .collect();
        // Branches all made from one commit merge faster (see merge_branches_from).
        let fork = held.first().and_then(|(_, w)| w.fork.clone());
        let fork = fork.filter(|f| held.iter().all(|(_, w)| w.fork.as_ref() == Some(f)));
        let outcomes = self.git.merge_branches_from(&branches, fork.as_deref())?;
        // HEAD is now the last merge: the next batch's worktrees start from it.
        let last = outcomes.iter().rev().find_map(|o| match o {
            Merge::Merged { commit } => Some(commit.clone()),
            Merge::Conflict { .. } => None,
        });
        if last.is_some() {
            self.iso.base = last;
        }
        Ok(outcomes)
    }

    /// When renn stops: spare worktrees are removed, since nothing in them is needed any
    /// more; a worktree still holding a run's work (failed, conflicting, at a gate,
    /// interrupted) stays, named after its run for the user to find.
    pub(in crate::drive::host) fn tidy_worktrees(&mut self) -> Result<()> {
        self.finish_preparing();
        self.finish_cleaning();
        let spares: Vec<PathBuf> = self.iso.spares.drain(..).map(|s| s.path).collect();
        self.git.worktrees_remove(&spares)?;
        let dir = self.worktree_dir();
        for (run, w) in &self.iso.worktrees {
            let own = dir.join(run.to_string());
            // A reused worktree still bears the name of the run it was made for.
            if w.path != own && !own.exists() {
                self.git.worktree_move(&w.path, &own)?;
            }
        }
        Ok(())
    }
}
