//! The facts behind a runner's RUN COMPLETE, for the core to judge: the recap, and which
//! listed commits do not exist or were not made by the run. "Made by the run" means on
//! its branch after the commit it started from, which renn records when it first spawns
//! the run and keeps across a gate (in the gate record) and so across restarts.
//!
//! A recap the runner wrote but did not commit is committed here, on the run's branch,
//! and said so: in a worktree it would otherwise be lost when the worktree is cleaned.

use super::*;
use crate::git::CommitFacts;

impl Host<'_> {
    /// Records the commit `run` starts from, unless an earlier runner of it did: its
    /// branch's fork point in a worktree, HEAD in the shared tree.
    pub(super) fn record_start(&mut self, run: &RunId) -> Result<()> {
        if self.starts.contains_key(run) {
            return Ok(());
        }
        let start = match self.iso.worktrees.get(run) {
            Some(w) => match &w.fork {
                Some(fork) => Some(fork.clone()),
                None => {
                    let branch = format!("refs/heads/{}", w.branch);
                    self.git.merge_base(&branch, "HEAD")?
                }
            },
            None => Some(self.git.head()?),
        };
        if let Some(start) = start {
            self.starts.insert(run.clone(), start);
        }
        Ok(())
    }

    /// The spot-check of a run in the shared tree: its recap committed if the runner left
    /// it uncommitted, then the facts, against HEAD.
    pub(super) fn evidence(
        &mut self,
        run: RunId,
        recap_path: &str,
        commits: &[String],
    ) -> Result<Event> {
        let (git, root) = (self.git.clone(), self.root.clone());
        if self.commit_recap(&run, &git, &root, recap_path)? {
            self.head_may_move();
        }
        let facts = self.facts(&run, commits, "HEAD")?;
        Ok(self.answer(run, recap_path, facts))
    }

    /// Which of `commits` do not exist or are not on `tip` after the run's start.
    pub(super) fn facts(&self, run: &RunId, commits: &[String], tip: &str) -> Result<CommitFacts> {
        let start = self.starts.get(run).map(String::as_str);
        self.git.commit_facts(commits, start, tip)
    }

    /// The `Evidence` event: the facts, and the recap as the project has it now.
    pub(super) fn answer(&self, run: RunId, recap_path: &str, facts: CommitFacts) -> Event {
        Event::Evidence {
            recap: self.read(recap_path),
            run,
            missing_commits: facts.missing,
            outside_run: facts.outside,
            branch: None,
        }
    }

    /// Commits the recap at `recap_path` in the tree `git` works in (whose project root
    /// is `root`) when it exists there uncommitted; only that file. Not when renn's
    /// documents are not committed (`commit_docs` off, or `.renn` git-ignored). Returns
    /// whether it committed.
    pub(super) fn commit_recap(
        &mut self,
        run: &RunId,
        git: &Git,
        root: &Path,
        recap_path: &str,
    ) -> Result<bool> {
        if !self.config().commit_docs
            || !root.join(recap_path).is_file()
            || !git.is_changed(recap_path)?
        {
            return Ok(false);
        }
        let recap = self.vocab().recap_word.to_lowercase();
        let message = format!(
            "docs({run}): {recap}\n\nThe runner wrote its {recap} but did not commit it; renn committed it."
        );
        let commit = git.commit_only(recap_path, &message)?;
        let short = &commit[..commit.len().min(7)];
        self.ui.text(&format!(
            "{run}: the runner left its recap uncommitted; renn committed it ({short})."
        ));
        self.ui.emit(&event::RecapCommitted {
            run: run.clone(),
            commit,
            path: recap_path.to_string(),
        });
        Ok(true)
    }
}
