//! Judging a batch's finished runs on their branches, merging back the believed ones,
//! and what is left of their worktrees afterwards.

use super::*;
use crate::git::Merge;
use renn_core::execute::{RunBranch, RunStatus};

impl Host<'_> {
    /// Once no isolated runner of the batch is working (a run waiting at a gate does not
    /// hold the others back), first the runs that said RUN COMPLETE are judged on their
    /// branches — the core answers with `MergeBack` for each one it believes — then the
    /// believed ones are merged, in run-id order. Nothing of a run that is not believed
    /// reaches the stage.
    pub(in crate::drive::host) fn merge_finished(
        &mut self,
        state: &StageRun,
        queue: &mut VecDeque<Event>,
    ) -> Result<()> {
        // A stopped stage takes no more answers; a believed run left unmerged keeps its
        // branch and committed recap, and the next execution recovers it.
        if (self.iso.held.is_empty() && self.iso.merging.is_empty()) || state.is_finished() {
            return Ok(());
        }
        let working = state
            .runs
            .iter()
            .any(|r| r.status == RunStatus::Running && self.iso.worktrees.contains_key(&r.id));
        if working {
            return Ok(());
        }
        if !self.iso.held.is_empty() {
            let mut held = std::mem::take(&mut self.iso.held);
            held.sort_by(|a, b| a.run.cmp(&b.run));
            for h in held {
                let event = self.branch_evidence(h)?;
                queue.push_back(event);
            }
            return Ok(());
        }
        let mut runs = std::mem::take(&mut self.iso.merging);
        runs.sort();
        let held: Vec<(RunId, Worktree)> = runs
            .into_iter()
            .filter_map(|r| self.iso.worktrees.remove(&r).map(|w| (r, w)))
            .collect();
        let outcomes = self.merge_back(&held)?;
        let mut spares = Vec::new();
        for ((run, w), outcome) in held.into_iter().zip(outcomes) {
            let event = match outcome {
                Merge::Merged { .. } => {
                    self.iso.branches.remove(&w.branch);
                    self.keep_uncommitted_recap(&run, &w)?;
                    spares.push(w.path);
                    Event::Merged { run }
                }
                Merge::Conflict { files } => {
                    let branch = w.branch.clone();
                    // The worktree and branch stay for the user to inspect and resolve.
                    self.iso.worktrees.insert(run.clone(), w);
                    Event::MergeConflict { run, branch, files }
                }
            };
            queue.push_back(event);
        }
        self.clean_in_background(spares);
        Ok(())
    }

    /// The facts behind an isolated run's RUN COMPLETE, read from its branch before it is
    /// merged: its recap committed if the runner left it so, then the recap as the branch
    /// has it, which listed commits the run made on it, and whether the branch — and the
    /// stage — still hold the commit the branch was made from.
    fn branch_evidence(&mut self, h: Held) -> Result<Event> {
        let Some(w) = self.iso.worktrees.get(&h.run) else {
            return Err(internal("a finished isolated run has no worktree"));
        };
        let (path, name, fork) = (w.path.clone(), w.branch.clone(), w.fork.clone());
        let tree = path.join(self.git.prefix());
        self.commit_recap(&h.run, &self.git.in_tree(&tree), &tree, &h.recap_path)?;
        let tip = format!("refs/heads/{name}");
        let facts = self.facts(&h.run, &h.commits, &tip)?;
        // The fork the merge is computed on; for a worktree an earlier execution made, where
        // the run started (kept in its gate record), else where the branch meets the stage.
        let fork = match fork.or_else(|| self.starts.get(&h.run).cloned()) {
            Some(f) => f,
            None => match self.git.merge_base(&tip, "HEAD")? {
                Some(f) => f,
                None => self.git.head()?,
            },
        };
        self.restore_docs_on_branch(&h.run, &tree, &fork)?;
        // What is merged is the branch: its recap counts. Uncommitted documents (commit_docs
        // off, `.renn` ignored) exist only in the worktree.
        let recap = if self.config().commit_docs {
            self.git.file_at(&tip, &h.recap_path)?
        } else {
            std::fs::read_to_string(tree.join(&h.recap_path)).ok()
        };
        let branch = RunBranch {
            holds_fork: self.git.is_ancestor(&fork, &tip)?,
            stage_holds_fork: self.git.is_ancestor(&fork, "HEAD")?,
            name,
            fork,
        };
        Ok(Event::Evidence {
            run: h.run,
            recap,
            missing_commits: facts.missing,
            outside_run: facts.outside,
            branch: Some(branch),
        })
    }

    /// pulse.md and track.md are renn's in a worktree too: a runner that committed
    /// changes to them on its branch would have them merged into the stage, replacing the
    /// user's text. They are put back as they were at the fork, in a commit of renn's on
    /// the branch, and said (the main tree's agents are checked by `guard.rs`).
    fn restore_docs_on_branch(&mut self, run: &RunId, tree: &Path, fork: &str) -> Result<()> {
        let git = self.git.in_tree(tree);
        let docs = [self.vocab().pulse, self.vocab().track];
        // Almost always nothing: one git process to say so.
        if git.changed_between(fork, "HEAD", &docs)?.is_empty() {
            return Ok(());
        }
        let mut changed = Vec::new();
        for path in docs {
            let before = git.file_at(fork, path)?;
            if git.file_at("HEAD", path)? == before {
                continue;
            }
            match &before {
                Some(text) => write_atomic(tree, path, text.as_bytes())?,
                None => {
                    let _ = std::fs::remove_file(tree.join(path));
                }
            }
            changed.push(path);
        }
        if changed.is_empty() {
            return Ok(());
        }
        git.commit_paths(
            &changed,
            &format!("chore({run}): renn restores {}", changed.join(", ")),
        )?;
        for path in changed {
            self.ui.text(&format!(
                "warning: {run}'s agent changed {path} on its branch; renn restored it before the merge (pulse.md and track.md are renn's to edit)."
            ));
            self.ui.emit(&event::StateRestored {
                run: run.to_string(),
                path: path.to_string(),
            });
        }
        Ok(())
    }

    /// A recap renn does not commit (`commit_docs` off, `.renn` ignored) would go with
    /// the worktree when it is cleaned: it is copied into the project first.
    fn keep_uncommitted_recap(&self, run: &RunId, w: &Worktree) -> Result<()> {
        use crate::fsio::{read_bounded, Contents};
        let Some(recap_path) = self.recap_path(run) else {
            return Ok(());
        };
        let read = |root: &Path| match read_bounded(root, &recap_path, MAX_FILE_BYTES) {
            Ok(Some(Contents::Bytes(b))) => Some(b),
            _ => None,
        };
        match read(&w.path.join(self.git.prefix())) {
            Some(bytes) if read(&self.root).as_ref() != Some(&bytes) => {
                crate::fsio::write_atomic(&self.root, &recap_path, &bytes)
            }
            _ => Ok(()),
        }
    }

    /// Merges the branches of `held` (in that order) into the stage.
    fn merge_back(&mut self, held: &[(RunId, Worktree)]) -> Result<Vec<Merge>> {
        let branches: Vec<(String, String)> = held
            .iter()
            .map(|(run, w)| {
                let message = format!("merge({run}): {} back into the stage", w.branch);
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
