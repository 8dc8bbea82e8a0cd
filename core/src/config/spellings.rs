//! One setting, several names: renn's own, then GSD's flat and nested spellings
//! ([`super::gsd`]). The first one written wins — renn's name over GSD's, and GSD's
//! flat key over its nested one, as GSD's own `loadConfig` reads them — and a later
//! one that says something else is a [`Conflict`], which the caller reports with both
//! positions rather than picking silently.

use super::de::gsd::Workflow;
use super::de::Fields;
use super::{Config, Isolation, Parallelization};
use crate::models::Agent;
use serde::Serialize;
use std::collections::BTreeMap;

/// A setting written under two names with different values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Conflict {
    /// The dotted key renn uses, and its value as JSON.
    pub kept: (String, String),
    /// The dotted key renn ignores, and its value as JSON.
    pub ignored: (String, String),
}

#[derive(Default)]
struct Resolver {
    conflicts: Vec<Conflict>,
}

impl Resolver {
    /// The first written of `spellings` (in precedence order); a later one that
    /// disagrees is a conflict.
    fn first<T: PartialEq + Serialize, const N: usize>(
        &mut self,
        spellings: [(&str, Option<T>); N],
    ) -> Option<T> {
        let mut written = spellings
            .into_iter()
            .filter_map(|(key, value)| Some((key, value?)));
        let (key, value) = written.next()?;
        for (other, v) in written.filter(|(_, v)| *v != value) {
            self.conflict(key, &value, other, &v);
        }
        Some(value)
    }

    fn conflict<T: Serialize>(&mut self, kept: &str, value: &T, ignored: &str, other: &T) {
        let json = |v: &T| serde_json::to_string(v).unwrap_or_default();
        self.conflicts.push(Conflict {
            kept: (kept.to_string(), json(value)),
            ignored: (ignored.to_string(), json(other)),
        });
    }

    /// `model_overrides` may name renn's agents by their GSD names too; the models
    /// module reads both (renn's first), and a disagreement is a conflict.
    fn overrides(&mut self, overrides: &BTreeMap<String, String>) {
        for agent in Agent::ALL {
            let Some(gsd) = agent.gsd_name() else {
                continue;
            };
            if let (Some(renn), Some(other)) = (overrides.get(agent.name()), overrides.get(gsd)) {
                if renn != other {
                    let key = |name: &str| format!("model_overrides.{name}");
                    self.conflict(&key(agent.name()), renn, &key(gsd), other);
                }
            }
        }
    }
}

/// GSD's `{phase}` placeholder is renn's `{stage}`: the zero-padded number in both.
fn stage(template: String) -> String {
    template.replace("{phase}", "{stage}")
}

/// GSD's `workflow.use_worktrees` as renn's isolation.
fn isolation(use_worktrees: bool) -> Isolation {
    if use_worktrees {
        Isolation::Worktree
    } else {
        Isolation::Shared
    }
}

/// Each setting's value from the names it was written under, and the conflicts.
pub(super) fn resolve(f: Fields) -> (Config, Vec<Conflict>) {
    let mut r = Resolver::default();
    let d = Config::default();
    let horsepower = r.first([
        ("horsepower", f.horsepower),
        ("model_profile", f.model_profile),
    ]);
    let commit_docs = r.first([
        ("commit_docs", f.commit_docs),
        ("planning.commit_docs", f.planning.commit_docs),
    ]);
    let branching_strategy = r.first([
        ("branching_strategy", f.branching_strategy),
        ("git.branching_strategy", f.git.branching_strategy),
    ]);
    // Compared after `{phase}` became `{stage}`: they then say the same.
    let stage_branch_template = r.first([
        ("stage_branch_template", f.stage_branch_template.map(stage)),
        ("phase_branch_template", f.phase_branch_template.map(stage)),
        (
            "git.phase_branch_template",
            f.git.phase_branch_template.map(stage),
        ),
    ]);
    let milestone_branch_template = r.first([
        ("milestone_branch_template", f.milestone_branch_template),
        (
            "git.milestone_branch_template",
            f.git.milestone_branch_template,
        ),
    ]);
    let auditor = r.first([
        ("auditor", f.auditor),
        ("verifier", f.verifier),
        ("workflow.verifier", f.workflow.verifier),
    ]);
    let isolation = r.first([
        ("isolation", f.isolation),
        (
            "workflow.use_worktrees",
            f.workflow.use_worktrees.map(isolation),
        ),
    ]);
    r.overrides(&f.model_overrides);
    let commit_docs = commit_docs.unwrap_or(d.commit_docs);
    let isolation = isolation.unwrap_or(d.isolation);
    let config = Config {
        horsepower: horsepower.unwrap_or(d.horsepower),
        commit_docs,
        commit_docs_configured: commit_docs,
        parallelization: serial_without_worktrees(f.parallelization, &f.workflow, isolation),
        branching_strategy: branching_strategy.unwrap_or(d.branching_strategy),
        stage_branch_template: stage_branch_template.unwrap_or(d.stage_branch_template),
        milestone_branch_template: milestone_branch_template.unwrap_or(d.milestone_branch_template),
        model_overrides: f.model_overrides,
        agent: f.agent,
        auditor: auditor.unwrap_or(d.auditor),
        isolation,
        extra: Default::default(),
        warnings: Vec::new(),
        file: super::CONFIG_PATH,
    };
    (config, r.conflicts)
}

/// GSD runs plans that share the main tree one at a time whatever `parallelization`
/// says, so `workflow.use_worktrees: false` turns parallel runs off — unless
/// `isolation: "worktree"` overrode it (a conflict, and the GSD key is ignored).
fn serial_without_worktrees(
    p: Parallelization,
    workflow: &Workflow,
    isolation: Isolation,
) -> Parallelization {
    match (workflow.use_worktrees, isolation) {
        (Some(false), Isolation::Shared) => Parallelization {
            enabled: false,
            ..p
        },
        _ => p,
    }
}
