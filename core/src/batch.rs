//! Batches: reading or computing them, checking that `depends_on` agrees with them,
//! and grouping the runs left to execute.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::inventory::{BatchSource, Run};
use crate::layout::of_run_file;
use crate::run::{RunFile, RunId};
use crate::stage::StageNumber;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One batch of the execution plan: runs that may execute at the same time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Batch {
    pub batch: u32,
    pub runs: Vec<RunId>,
}

/// Groups runs by batch, batches ascending, runs in id order within each.
pub(crate) fn group<'a>(runs: impl IntoIterator<Item = &'a Run>) -> Vec<Batch> {
    let mut by: BTreeMap<u32, Vec<RunId>> = BTreeMap::new();
    for r in runs {
        by.entry(r.batch).or_default().push(r.id.clone());
    }
    by.into_iter()
        .map(|(batch, mut runs)| {
            runs.sort();
            Batch { batch, runs }
        })
        .collect()
}

/// Each run's batch: from the frontmatter when every run has one, computed from
/// `depends_on` when none has. A mix is an error: renn will not guess. `None` when
/// the batches cannot be computed (a dependency cycle, already reported).
pub(crate) fn assign(
    files: &[RunFile],
    ds: &mut Vec<Diagnostic>,
) -> (Option<HashMap<RunId, u32>>, BatchSource) {
    let with: Vec<&RunFile> = files.iter().filter(|f| f.batch.is_some()).collect();
    if with.is_empty() && !files.is_empty() {
        return (levels(files, ds), BatchSource::DependsOn);
    }
    if with.len() < files.len() {
        for f in files.iter().filter(|f| f.batch.is_none()) {
            let v = of_run_file(&f.path);
            let (run, key, stage) = (v.run_lower(), v.batch_key, v.stage_lower());
            ds.push(
                Diagnostic::error(
                    Code::BatchMissing,
                    format!(
                        "{run} {} has no `{key}` but {} other {run}(s) of this {stage} do",
                        f.id,
                        with.len()
                    ),
                )
                .in_file(&f.path)
                .with_hint(format!("give every {run} a `{key}`, or remove it from all so renn computes {} from depends_on", v.batches_lower)),
            );
        }
    }
    if with.len() < files.len() {
        // Runs without a batch have none to check dependencies or overlaps against.
        return (None, BatchSource::Frontmatter);
    }
    let map = files
        .iter()
        .filter_map(|f| Some((f.id.clone(), f.batch?)))
        .collect();
    (Some(map), BatchSource::Frontmatter)
}

/// Topological levels: a run's batch is one more than its latest dependency's
/// (dependencies outside the stage or missing do not count; validation reports them).
fn levels(files: &[RunFile], ds: &mut Vec<Diagnostic>) -> Option<HashMap<RunId, u32>> {
    let index: HashMap<&RunId, usize> = files.iter().enumerate().map(|(i, f)| (&f.id, i)).collect();
    let deps: Vec<Vec<usize>> = files
        .iter()
        .map(|f| {
            f.depends_on
                .iter()
                .filter_map(|d| index.get(&d.id).copied())
                .collect()
        })
        .collect();
    let mut level = vec![0u32; files.len()];
    // 0 = unvisited, 1 = on the current path, 2 = done.
    let mut state = vec![0u8; files.len()];
    for start in 0..files.len() {
        let mut stack = vec![(start, 0usize)];
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            state[node] = 1;
            if let Some(&dep) = deps[node].get(*next) {
                *next += 1;
                match state[dep] {
                    0 => stack.push((dep, 0)),
                    1 => {
                        report_cycle(files, &stack, dep, ds);
                        return None;
                    }
                    _ => {}
                }
                continue;
            }
            level[node] = 1 + deps[node].iter().map(|&d| level[d]).max().unwrap_or(0);
            state[node] = 2;
            stack.pop();
        }
    }
    Some(files.iter().map(|f| f.id.clone()).zip(level).collect())
}

/// Reports the cycle at the `depends_on` entry that closes it.
fn report_cycle(
    files: &[RunFile],
    stack: &[(usize, usize)],
    back_to: usize,
    ds: &mut Vec<Diagnostic>,
) {
    let from = stack.iter().position(|&(n, _)| n == back_to).unwrap_or(0);
    let mut path: Vec<String> = stack[from..]
        .iter()
        .map(|&(n, _)| files[n].id.to_string())
        .collect();
    path.push(files[back_to].id.to_string());
    let closer = &files[stack.last().map_or(back_to, |&(n, _)| n)];
    let pos = closer
        .depends_on
        .iter()
        .find(|d| d.id == files[back_to].id)
        .map(|d| d.pos);
    ds.push(
        Diagnostic::error(
            Code::DependencyCycle,
            format!("dependency cycle: {}", path.join(" → ")),
        )
        .in_file(&closer.path)
        .at(pos)
        .with_hint("a run cannot depend, directly or not, on itself; remove one depends_on entry"),
    );
}

/// How the runs of one batch share the project, which decides what it means for two of
/// them to modify the same file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Concurrency {
    /// `parallelization: false`: one run after the other.
    Sequential,
    /// Parallel runs in the one checkout (`isolation: shared`).
    Shared,
    /// Parallel runs, each in its own git worktree, merged back in run order.
    #[default]
    Worktrees,
}

/// Runs known without a usable run file: they count for `depends_on`, so one broken file
/// does not make every run that depends on it report a missing dependency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Known {
    /// Run files that failed to parse (their errors are reported already).
    pub broken: std::collections::BTreeSet<RunId>,
    /// Every recap of the stage, with or without its run file: a run whose plan was
    /// deleted after it completed is still done.
    pub recapped: std::collections::BTreeSet<RunId>,
}

/// Checks `depends_on` against the batches.
pub(crate) fn validate(runs: &[Run], stage: &StageNumber, known: &Known, ds: &mut Vec<Diagnostic>) {
    let by_id: HashMap<&RunId, &Run> = runs.iter().map(|r| (&r.id, r)).collect();
    for run in runs {
        for (dep, pos) in run.depends_on.iter().zip(&run.depends_on_pos) {
            if let Some(d) = dependency_problem(run, dep, by_id.get(dep).copied(), stage, known) {
                ds.push(d.in_file(&run.path).at(Some(*pos)));
            }
        }
    }
}

fn dependency_problem(
    run: &Run,
    dep: &RunId,
    target: Option<&Run>,
    stage: &StageNumber,
    known: &Known,
) -> Option<Diagnostic> {
    let v = of_run_file(&run.path);
    if dep.stage != *stage {
        // Earlier stages are done before this one starts; later ones cannot be.
        return (dep.stage > *stage).then(|| {
            Diagnostic::error(
                Code::DependsOnLaterStage,
                format!(
                    "{} {} depends on {dep}, which is in a later {}",
                    v.run_lower(),
                    run.id,
                    v.stage_lower()
                ),
            )
        });
    }
    let Some(target) = target else {
        if known.broken.contains(dep) || known.recapped.contains(dep) {
            return None;
        }
        return Some(
            Diagnostic::error(
                Code::DependsOnMissing,
                format!(
                    "{} {} depends on {dep}, which does not exist in this {}",
                    v.run_lower(),
                    run.id,
                    v.stage_lower()
                ),
            )
            .with_hint(format!("fix the id, or add the missing {}", v.run_lower())),
        );
    };
    if dep == &run.id {
        return Some(Diagnostic::error(
            Code::DependencyCycle,
            format!("run {} depends on itself", run.id),
        ));
    }
    let how = match target.batch.cmp(&run.batch) {
        std::cmp::Ordering::Less => return None,
        std::cmp::Ordering::Equal => "the same batch",
        std::cmp::Ordering::Greater => "a later batch",
    };
    let msg = format!(
        "run {} (batch {}) depends on {dep}, which is in {how} (batch {})",
        run.id, run.batch, target.batch
    );
    let hint = format!(
        "a run must come in a later batch than what it depends on: move {} to batch {} or later",
        run.id,
        target.batch + 1
    );
    if target.complete {
        // Already done: nothing has to wait for it, so the order cannot go wrong.
        return Some(
            Diagnostic::warning(Code::DependsOnBatch, format!("{msg}; {dep} is complete"))
                .with_hint(format!(
                    "nothing waits for a complete run; to keep the plan consistent, move {} to batch {} or later",
                    run.id,
                    target.batch + 1
                )),
        );
    }
    Some(Diagnostic::error(Code::DependsOnBatch, msg).with_hint(hint))
}

/// Two runs of one batch that modify the same file: only the runs that will execute
/// count (finished and filtered-out runs change nothing). A warning in every mode: in
/// worktrees the merge may conflict, in a shared checkout the runs may overwrite each
/// other's edits, one after the other they simply both edit it.
pub(crate) fn overlaps<'a>(
    runs: impl IntoIterator<Item = &'a Run>,
    mode: Concurrency,
    ds: &mut Vec<Diagnostic>,
) {
    let mut owner: HashMap<(u32, &str), &RunId> = HashMap::new();
    for run in runs {
        for file in &run.files_modified {
            let key = (run.batch, file.trim_start_matches("./"));
            let Some(first) = owner.get(&key) else {
                owner.insert(key, &run.id);
                continue;
            };
            let v = of_run_file(&run.path);
            let both = format!(
                "{}s {first} and {} are both in {} {} and both modify {}",
                v.run_lower(),
                run.id,
                v.batch_key,
                run.batch,
                key.1
            );
            let later = format!("a later {}", v.batch_key);
            let (msg, hint) = match mode {
                Concurrency::Worktrees => (
                    format!("{both}: each works in its own worktree, so merging them may conflict"),
                    format!("if one builds on the other, move it to {later}"),
                ),
                Concurrency::Shared => (
                    format!("{both}: they run at the same time in one checkout and may overwrite each other's edits"),
                    format!("move one to {later}, or use isolation \"worktree\""),
                ),
                Concurrency::Sequential => (
                    both,
                    "parallelization is off, so they run one after the other".to_string(),
                ),
            };
            ds.push(
                Diagnostic::warning(Code::FilesOverlap, msg)
                    .with_hint(hint)
                    .in_file(&run.path)
                    .at(run.files_pos),
            );
        }
    }
}
