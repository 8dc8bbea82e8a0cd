//! GSD's sections that hold settings renn reads: `git`, `planning` and `workflow`.
//! Only those keys are read, each checked where it is written so a bad value has its
//! position; a section's other keys are GSD's own and skipped without a word (GSD adds
//! them often; [`crate::config::gsd`] lists the ones it had).

use super::{boolean, named_at, text, ObjectOf};
use crate::config::BranchingStrategy;
use serde::de::Deserializer;
use serde::Deserialize;
use std::marker::PhantomData;

const TEMPLATE: &str = "a branch name template such as \"gsd/phase-{phase}-{slug}\"";

written! {
    git_branching_strategy: BranchingStrategy = |d| named_at(d, "git.branching_strategy");
    git_phase_branch_template: String =
        |d| d.deserialize_any(text("git.phase_branch_template", TEMPLATE));
    git_milestone_branch_template: String =
        |d| d.deserialize_any(text("git.milestone_branch_template", TEMPLATE));
    planning_commit_docs: bool = |d| d.deserialize_any(boolean("planning.commit_docs"));
    workflow_verifier: bool = |d| d.deserialize_any(boolean("workflow.verifier"));
    workflow_use_worktrees: bool = |d| d.deserialize_any(boolean("workflow.use_worktrees"));
}

/// `git`: how GSD names and uses branches.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(in crate::config) struct Git {
    #[serde(deserialize_with = "git_branching_strategy")]
    pub branching_strategy: Option<BranchingStrategy>,
    #[serde(deserialize_with = "git_phase_branch_template")]
    pub phase_branch_template: Option<String>,
    #[serde(deserialize_with = "git_milestone_branch_template")]
    pub milestone_branch_template: Option<String>,
}

/// `planning`: what happens to GSD's `.planning/` files.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(in crate::config) struct Planning {
    #[serde(deserialize_with = "planning_commit_docs")]
    pub commit_docs: Option<bool>,
}

/// `workflow`: GSD's optional steps and how its executors run.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(in crate::config) struct Workflow {
    #[serde(deserialize_with = "workflow_verifier")]
    pub verifier: Option<bool>,
    #[serde(deserialize_with = "workflow_use_worktrees")]
    pub use_worktrees: Option<bool>,
}

/// A section: an object, read by `T`, or says what `key` must be.
fn section<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
    key: &'static str,
    expected: &'static str,
) -> Result<T, D::Error> {
    d.deserialize_any(ObjectOf {
        key,
        expected,
        of: PhantomData,
    })
}

pub(in crate::config) fn git<'de, D: Deserializer<'de>>(d: D) -> Result<Git, D::Error> {
    section(
        d,
        "git",
        "an object such as {\"branching_strategy\": \"phase\"}",
    )
}

pub(in crate::config) fn planning<'de, D: Deserializer<'de>>(d: D) -> Result<Planning, D::Error> {
    section(d, "planning", "an object such as {\"commit_docs\": true}")
}

pub(in crate::config) fn workflow<'de, D: Deserializer<'de>>(d: D) -> Result<Workflow, D::Error> {
    section(d, "workflow", "an object such as {\"verifier\": true}")
}
