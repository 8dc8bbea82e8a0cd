//! Merging run branches back without a working tree per merge: `git merge-tree` computes
//! each merge, `git commit-tree` records it with both parents (what `git merge --no-ff`
//! records: every commit of the branch stays in history), and the current branch and
//! working tree move once, to the last merge, for a whole batch of branches.

use super::{Git, RefUpdate};
use crate::Result;

/// How one branch of [`Git::merge_branches`] went. A conflict is an outcome, not an error:
/// the caller fails that one run, names the files and keeps the branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merge {
    /// `commit` is the merge commit, or the commit the branch was already part of.
    Merged { commit: String },
    /// The files that conflict (relative to the top level); nothing was changed.
    Conflict { files: Vec<String> },
}

/// The last merge commit so far (or HEAD), and its tree.
struct Chain {
    tip: String,
    tree: String,
}

/// The result of [`Git::merge_tree`]: the merged tree, or the files that conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeTree {
    Clean { tree: String },
    Conflict { files: Vec<String> },
}

impl Git {
    /// Merges `branches` (name, merge commit message) into the current branch, one after
    /// another in the order given, each with a merge commit (`--no-ff`). A branch that
    /// conflicts is left out and the next one merged on; the merged branches are deleted
    /// (only if still at the commit that was merged). The current branch, its index and
    /// working tree then move to the last merge at once, keeping uncommitted changes to
    /// files the merges do not touch, as `git merge` would.
    pub fn merge_branches(&self, branches: &[(String, String)]) -> Result<Vec<Merge>> {
        self.merge_branches_from(branches, None)
    }

    /// [`Git::merge_branches`] for branches the caller made from `fork`. When that is
    /// still HEAD, `fork` is the base git would find for every merge (each branch shares
    /// only it with HEAD and the branches merged before), so a merge needs only the tree
    /// of the one before, not its commit: the merges and the commits that record them
    /// run side by side. Otherwise one after another.
    pub fn merge_branches_from(
        &self,
        branches: &[(String, String)],
        fork: Option<&str>,
    ) -> Result<Vec<Merge>> {
        let (start, start_tree, heads) = self.heads(branches)?;
        let mut chain = Chain {
            tip: start.clone(),
            tree: start_tree,
        };
        let messages: Vec<&str> = branches.iter().map(|(_, m)| m.as_str()).collect();
        let outcomes = if fork == Some(start.as_str()) && branches.len() > 1 {
            self.merge_side_by_side(&start, &heads, &messages, &mut chain)?
        } else {
            let mut outcomes = Vec::new();
            for (head, message) in heads.iter().zip(&messages) {
                let merged = self.merge_tree(&chain.tip, head)?;
                outcomes.push(self.record(&mut chain, merged, head, message)?);
            }
            outcomes
        };
        self.land(&start, &chain.tip, branches, &heads, &outcomes)?;
        Ok(outcomes)
    }

    /// Moves the current branch (index and working tree too) from `start` to `tip` and
    /// deletes the merged branches, each only if still at the commit that was merged.
    fn land(
        &self,
        start: &str,
        tip: &str,
        branches: &[(String, String)],
        heads: &[String],
        outcomes: &[Merge],
    ) -> Result<()> {
        if tip != start {
            self.ok(["merge", "--ff-only", "--quiet", "--end-of-options", tip])?;
        }
        let merged: Vec<RefUpdate> = branches
            .iter()
            .zip(heads)
            .zip(outcomes)
            .filter(|(_, o)| matches!(o, Merge::Merged { .. }))
            .map(|(((branch, _), head), _)| RefUpdate::Delete {
                name: format!("refs/heads/{branch}"),
                old: head.clone(),
            })
            .collect();
        self.update_refs(&merged)
    }

    /// Each merge's tree on a thread of its own (every merge based on `fork`, on the
    /// tree of the one before), while this thread records them on `chain` in order.
    fn merge_side_by_side(
        &self,
        fork: &str,
        heads: &[String],
        messages: &[&str],
        chain: &mut Chain,
    ) -> Result<Vec<Merge>> {
        let start_tree = chain.tree.clone();
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::channel();
            s.spawn(move || {
                let mut ours = start_tree;
                for head in heads {
                    let merged = self.merge_tree_on(Some(fork), &ours, head);
                    if let Ok(MergeTree::Clean { tree }) = &merged {
                        ours = tree.clone();
                    }
                    let failed = merged.is_err();
                    if tx.send(merged).is_err() || failed {
                        return;
                    }
                }
            });
            rx.into_iter()
                .zip(heads.iter().zip(messages))
                .map(|(merged, (head, message))| self.record(chain, merged?, head, message))
                .collect()
        })
    }

    /// Records one merge on `chain`: a commit with the chain's tip and `head` as parents.
    fn record(
        &self,
        chain: &mut Chain,
        merged: MergeTree,
        head: &str,
        message: &str,
    ) -> Result<Merge> {
        Ok(match merged {
            MergeTree::Conflict { files } => Merge::Conflict { files },
            // Nothing new: a merge commit would only repeat what is there.
            MergeTree::Clean { tree }
                if tree == chain.tree && self.is_ancestor(head, &chain.tip)? =>
            {
                Merge::Merged {
                    commit: chain.tip.clone(),
                }
            }
            MergeTree::Clean { tree } => {
                chain.tip = self.commit_tree(&tree, &[&chain.tip, head], message)?;
                chain.tree = tree;
                Merge::Merged {
                    commit: chain.tip.clone(),
                }
            }
        })
    }

    /// Merges two commits without touching the index or working tree
    /// (`git merge-tree --write-tree`).
    pub fn merge_tree(&self, ours: &str, theirs: &str) -> Result<MergeTree> {
        self.merge_tree_on(None, ours, theirs)
    }

    /// [`Git::merge_tree`] on `base` rather than the merge base git finds; then `ours`
    /// and `theirs` may be trees.
    fn merge_tree_on(&self, base: Option<&str>, ours: &str, theirs: &str) -> Result<MergeTree> {
        let mut args = vec![
            "merge-tree",
            "--write-tree",
            "-z",
            "--name-only",
            "--no-messages",
        ];
        let base = base.map(|b| format!("--merge-base={b}"));
        args.extend(base.as_deref());
        args.extend(["--end-of-options", ours, theirs]);
        let ran = self.run(args, None)?;
        // "<tree>\0" when clean; "<tree>\0<file>\0<file>\0…" with exit 1 on conflicts,
        // a file listed once per conflicting stage.
        let mut fields = ran.stdout.split('\0').filter(|f| !f.is_empty());
        let tree = fields.next().unwrap_or_default().to_string();
        match ran.code {
            Some(0) => Ok(MergeTree::Clean { tree }),
            Some(1) => {
                let mut files: Vec<String> = fields.map(String::from).collect();
                files.dedup();
                if files.is_empty() {
                    return Err(
                        ran.error_saying("merge-tree reported a conflict in no file".into())
                    );
                }
                Ok(MergeTree::Conflict { files })
            }
            _ => Err(ran.into_error()),
        }
    }

    /// A new commit of `tree` with `parents` (`git commit-tree`); returns its hash.
    pub fn commit_tree(&self, tree: &str, parents: &[&str], message: &str) -> Result<String> {
        let mut args = vec!["commit-tree", "-m", message];
        for p in parents {
            args.extend(["-p", p]);
        }
        args.extend(["--end-of-options", tree]);
        Ok(self.ok(args)?.trim().to_string())
    }

    /// Whether `commit` is `of` or one of its ancestors.
    pub fn is_ancestor(&self, commit: &str, of: &str) -> Result<bool> {
        self.run(["merge-base", "--is-ancestor", commit, of], None)?
            .yes_no()
    }

    /// HEAD's commit and tree and the commit each local branch points at, read in one
    /// go; a missing branch is git's error.
    fn heads(&self, branches: &[(String, String)]) -> Result<(String, String, Vec<String>)> {
        let revs = ["HEAD^{commit}".to_string(), "HEAD^{tree}".to_string()];
        let refs = branches.iter().map(|(b, _)| format!("refs/heads/{b}"));
        // The `--` says these are revisions, whatever files are named like them.
        let args = ["rev-parse".to_string()]
            .into_iter()
            .chain(revs)
            .chain(refs);
        let out = self.ok(args.chain(["--".to_string()]))?;
        let mut lines = out.lines().map(str::to_string);
        let head = lines.next().unwrap_or_default();
        let tree = lines.next().unwrap_or_default();
        Ok((head, tree, lines.take(branches.len()).collect()))
    }
}
