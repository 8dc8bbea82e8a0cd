//! A run that worked on a branch of its own (worktree isolation) is merged back into the
//! stage only when that branch still builds on the commit it was made from. Merging is
//! computed on that commit (`merge-tree --merge-base=<fork>`): a branch an agent reset or
//! rebased past its fork would, merged so, take back everything committed before the fork
//! — earlier batches' work — and a fork the stage itself no longer holds is no base at all.

use serde::{Deserialize, Serialize};

/// What the host found about an isolated run's branch before merging it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct RunBranch {
    /// The branch, e.g. `renn/run-03-01`.
    pub name: String,
    /// The commit the branch was made from.
    pub fork: String,
    /// The branch's tip still descends from `fork` (false after a reset or rebase past it).
    pub holds_fork: bool,
    /// The stage's branch (HEAD) still descends from `fork`.
    pub stage_holds_fork: bool,
}

impl RunBranch {
    /// Why the branch must not be merged, if it must not.
    pub(super) fn problem(&self) -> Option<String> {
        let fork = short(&self.fork);
        if !self.holds_fork {
            return Some(format!(
                "its branch no longer contains {fork}: the agent reset or rebased it past the commit the branch was made from; nothing of the run is merged"
            ));
        }
        if !self.stage_holds_fork {
            return Some(format!(
                "the stage's branch no longer contains {fork}, the commit {} was made from: it was reset or rebased while the run worked; nothing of the run is merged",
                self.name
            ));
        }
        None
    }
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(7)]
}
