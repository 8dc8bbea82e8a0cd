//! When a runner's RUN COMPLETE is believed. A claim is only as good as what stands
//! behind each task of the plan: a commit the run made, or an explicit "no changes"
//! with a reason the recap repeats (a verification-only task). Real runners have
//! claimed completion with an empty table, `—` in every Commit cell or `Tasks: 0/2`,
//! their work left uncommitted; each of those fails here, naming what is missing.
//!
//! Two steps: the table itself is judged as soon as the runner exits (no host needed,
//! and a worktree run with a hollow claim is not merged); then the host's facts —
//! the recap, commits that do not exist or were not made by this run — are judged.

use super::RunState;
use crate::returns::{CompletedTask, RunComplete, TaskCommit};
use crate::run::Task;

/// Adds a gate's Completed Tasks to the rows runners reported before; a later report
/// of a task replaces an earlier one.
pub(super) fn remember_rows(earlier: &mut Vec<CompletedTask>, rows: &[CompletedTask]) {
    for row in rows {
        earlier.retain(|r| r.task != row.task);
        earlier.push(row.clone());
    }
    earlier.sort_by_key(|r| r.task);
}

/// The row that stands for each of the run's tasks: the final table's when it shows
/// evidence, else the one reported before a gate, else whatever the final table says.
pub(super) fn rows_for(
    tasks: &[Task],
    claim: &[CompletedTask],
    earlier: &[CompletedTask],
) -> Vec<Option<CompletedTask>> {
    let shows = |r: &&CompletedTask| r.commit != TaskCommit::Blank;
    tasks
        .iter()
        .map(|t| {
            let in_claim = claim.iter().find(|r| r.task == t.number);
            let before = earlier.iter().find(|r| r.task == t.number);
            in_claim
                .filter(shows)
                .or(before.filter(shows))
                .or(in_claim)
                .or(before)
                .cloned()
        })
        .collect()
}

/// What the table of a RUN COMPLETE lacks, one problem per task, in task order.
pub(super) fn claim_problems(
    claim: &RunComplete,
    tasks: &[Task],
    rows: &[Option<CompletedTask>],
) -> Vec<String> {
    let mut problems = Vec::new();
    if claim.tasks_done < claim.tasks_total {
        problems.push(format!(
            "it reports only {}/{} tasks done",
            claim.tasks_done, claim.tasks_total
        ));
    }
    for (task, row) in tasks.iter().zip(rows) {
        let label = label(task);
        match row.as_ref().map(|r| &r.commit) {
            None => problems.push(format!("no row for {label}")),
            Some(TaskCommit::Blank) => problems.push(format!(
                "{label} has no commit (write its hash, or `no changes: <reason>` when it changed nothing)"
            )),
            Some(TaskCommit::NoChanges { reason }) if reason.trim().is_empty() => problems
                .push(format!("{label} says no changes but gives no reason")),
            Some(_) => {}
        }
    }
    problems
}

/// What the host found against the rows that stand for the run's tasks: a missing
/// recap, commits that do not exist or were not made by this run, and no-changes
/// reasons the recap does not repeat.
pub(super) fn fact_problems(
    run: &RunState,
    recap: Option<&str>,
    missing: &[String],
    outside: &[String],
) -> Vec<String> {
    let Some(recap) = recap else {
        return vec![format!("{} does not exist", run.recap_path)];
    };
    let mut problems = Vec::new();
    let mut named = Vec::new();
    for (task, row) in run.tasks.iter().zip(&run.rows) {
        let label = label(task);
        for hash in row.commit.hashes() {
            named.push(hash.as_str());
            if missing.contains(hash) {
                problems.push(format!("{label}: commit {hash} does not exist"));
            } else if outside.contains(hash) {
                problems.push(format!(
                    "{label}: commit {hash} was not made by this run (it is not on the run's branch after the commit the run started from)"
                ));
            }
        }
        if let TaskCommit::NoChanges { reason } = &row.commit {
            if !format!(" {} ", normalized(recap)).contains(&format!(" {} ", normalized(reason))) {
                problems.push(format!(
                    "{label} says no changes (\"{reason}\") but the recap does not give that reason"
                ));
            }
        }
    }
    // A host may answer about commits it was not asked for: still no evidence.
    let unnamed: Vec<&str> = missing
        .iter()
        .chain(outside)
        .map(String::as_str)
        .filter(|h| !named.contains(h))
        .collect();
    if !unnamed.is_empty() {
        problems.push(format!(
            "these commits are not evidence: {}",
            unnamed.join(", ")
        ));
    }
    problems
}

/// The listed hashes of `rows`, each once, in task order: what the host checks.
pub(super) fn commits(rows: &[CompletedTask]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for h in rows.iter().flat_map(|r| r.commit.hashes()) {
        if !out.contains(h) {
            out.push(h.clone());
        }
    }
    out
}

/// For the report of a done run: `Task 2 "Run the suite" changed nothing: <reason>`
/// for each task whose evidence is a no-changes entry.
pub(super) fn unchanged(run: &RunState) -> Vec<String> {
    if run.status != super::RunStatus::Done {
        return Vec::new();
    }
    run.tasks
        .iter()
        .zip(&run.rows)
        .filter_map(|(task, row)| match &row.commit {
            TaskCommit::NoChanges { reason } => {
                let label = label(task);
                Some(format!("T{} changed nothing: {reason}", &label[1..]))
            }
            _ => None,
        })
        .collect()
}

/// `task 2 "Add login form"`: the plan's name, without a `Task 2:` prefix it may carry.
fn label(task: &Task) -> String {
    let name = task.name.as_deref().unwrap_or("").trim();
    let bare = name
        .strip_prefix("Task ")
        .and_then(|r| r.split_once(':'))
        .filter(|(n, _)| n.trim().parse::<u32>().is_ok())
        .map_or(name, |(_, rest)| rest.trim());
    if bare.is_empty() {
        format!("task {}", task.number)
    } else {
        format!("task {} \"{bare}\"", task.number)
    }
}

/// Lower case, words only: a reason counts as repeated however the recap formats it.
fn normalized(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
