//! The seed's discover_runs step made exact: every run of a stage with its batch,
//! flags, objective, gates and completion (a recap exists), plus every problem found.

use crate::batch::{self, Concurrency, Known};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Position};
use crate::error::{Error, Result};
use crate::layout::Vocabulary;
use crate::run::{self, RunFile, RunId, RunType, Task};
use crate::snapshot::Snapshot;
use crate::stage::StageDir;
use serde::Serialize;
use std::collections::BTreeMap;

/// One run as the plan shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Run {
    pub id: RunId,
    pub path: String,
    pub batch: u32,
    pub autonomous: bool,
    pub gap_closure: bool,
    pub complete: bool,
    /// The `<objective>` text, trimmed; empty when the run has none.
    pub objective: String,
    /// "What it builds": the objective's first line, at most eight words.
    pub summary: String,
    #[serde(rename = "type")]
    pub run_type: RunType,
    pub depends_on: Vec<RunId>,
    pub files_modified: Vec<String>,
    /// The run's gate tasks (`checkpoint:*`), in task order.
    pub gates: Vec<Task>,
    pub tasks: usize,
    /// The run's tasks other than its gates: each must show a commit or a reason why it
    /// changed nothing before a RUN COMPLETE is believed.
    #[serde(skip)]
    pub work: Vec<Task>,
    /// Where each `depends_on` entry and the `files_modified` key were written.
    #[serde(skip)]
    pub depends_on_pos: Vec<Position>,
    #[serde(skip)]
    pub files_pos: Option<Position>,
    /// Path of the recap when the run is complete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recap: Option<String>,
}

impl Run {
    pub fn has_gate(&self) -> bool {
        !self.autonomous || !self.gates.is_empty()
    }
}

/// Where the batch numbers came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(rename_all = "snake_case")]
pub enum BatchSource {
    /// `batch:` in every run's frontmatter (precomputed at planning time).
    Frontmatter,
    /// No run had `batch:`; computed as topological levels of `depends_on`.
    DependsOn,
}

/// What `project.inventory(stage)` gives a binding.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Inventory {
    pub stage: StageDir,
    /// Every run that parsed, in id order.
    pub runs: Vec<Run>,
    pub batch_source: BatchSource,
    /// Errors and warnings, in file and line order.
    pub diagnostics: Vec<Diagnostic>,
    /// How a batch's runs share the project (for `files-overlap` when a plan filters).
    #[serde(skip)]
    pub concurrency: Concurrency,
}

impl Inventory {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Takes the inventory of `stage`. `concurrency` says how a batch's runs share the
/// project, which words the `files-overlap` warnings (among the runs not yet complete).
pub fn take(snapshot: &Snapshot, stage: &StageDir, concurrency: Concurrency) -> Result<Inventory> {
    let vocab = snapshot.vocab();
    let names = snapshot.children(&stage.dir);
    let run_names: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.ends_with(vocab.run_suffix))
        .collect();
    if run_names.is_empty() {
        return Err(Error::NoRuns {
            dir: stage.dir.clone(),
        });
    }
    let paths: Vec<String> = run_names
        .iter()
        .map(|n| format!("{}/{n}", stage.dir))
        .collect();
    let mut diagnostics = Vec::new();
    let mut files: Vec<RunFile> = Vec::with_capacity(paths.len());
    let mut known = Known::default();
    for (parsed, name) in parse_all(snapshot, &paths).into_iter().zip(&run_names) {
        diagnostics.extend(parsed.diagnostics);
        match parsed.run {
            Some(run) => files.push(run),
            None => known
                .broken
                .extend(RunId::from_file_name(name).filter(|id| id.stage == stage.number)),
        }
    }
    check_stage_and_duplicates(stage, &mut files, &mut diagnostics);
    let recaps = recaps(vocab, stage, &names, &files, &mut known, &mut diagnostics);
    let (batches, batch_source) = batch::assign(&files, &mut diagnostics);
    let runs: Vec<Run> = files
        .into_iter()
        .map(|f| {
            let recap = recaps.get(&f.id).cloned();
            let batch = batches.as_ref().and_then(|b| b.get(&f.id).copied());
            to_run(f, batch.unwrap_or(1), recap)
        })
        .collect();
    if batches.is_some() {
        batch::validate(&runs, &stage.number, &known, &mut diagnostics);
        batch::overlaps(
            runs.iter().filter(|r| !r.complete),
            concurrency,
            &mut diagnostics,
        );
    }
    diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    Ok(Inventory {
        stage: stage.clone(),
        runs,
        batch_source,
        diagnostics,
        concurrency,
    })
}

fn parse_one(snapshot: &Snapshot, path: &str) -> run::Parsed {
    match snapshot.text(path) {
        Ok(text) => run::parse(path, text.unwrap_or_default()),
        Err(d) => run::Parsed {
            run: None,
            diagnostics: vec![d],
        },
    }
}

/// Parses every run file, on all cores for big stages. Parsing is CPU-bound and
/// independent per file, and results are re-joined in path order, so the output is
/// the same as a sequential parse. wasm32 has no threads and always parses in turn.
fn parse_all(snapshot: &Snapshot, paths: &[String]) -> Vec<run::Parsed> {
    #[cfg(not(target_family = "wasm"))]
    if paths.len() >= 256 {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        let chunk = paths.len().div_ceil(threads);
        return std::thread::scope(|scope| {
            let workers: Vec<_> = paths
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|p| parse_one(snapshot, p))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| {
                    w.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
    }
    paths.iter().map(|p| parse_one(snapshot, p)).collect()
}

/// Runs must belong to the stage whose directory holds them, and ids must be unique
/// (`03-1-run.md` and `03-01-run.md` are the same run).
fn check_stage_and_duplicates(
    stage: &StageDir,
    files: &mut Vec<RunFile>,
    ds: &mut Vec<Diagnostic>,
) {
    files.retain(|f| {
        let ok = f.id.stage == stage.number;
        if !ok {
            ds.push(
                Diagnostic::error(
                    Code::RunWrongStage,
                    format!(
                        "run {} belongs to stage {} but is in {}",
                        f.id,
                        f.id.stage,
                        stage.dir_name()
                    ),
                )
                .in_file(&f.path)
                .with_hint("move the file to its stage's directory, or rename it"),
            );
        }
        ok
    });
    files.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.path.cmp(&b.path)));
    let mut i = 1;
    while i < files.len() {
        if files[i].id == files[i - 1].id {
            let dup = files.remove(i);
            ds.push(
                Diagnostic::error(
                    Code::DuplicateRunId,
                    format!(
                        "run {} is defined twice: here and in {}",
                        dup.id,
                        files[i - 1].path
                    ),
                )
                .in_file(&dup.path)
                .with_hint("give each run of a stage its own number"),
            );
        } else {
            i += 1;
        }
    }
}

/// The recaps of the stage's runs. A recap whose run file exists but is broken is not
/// an orphan (the file's own errors say what is wrong); every recap's id goes into
/// `known.recapped`, which satisfies a `depends_on` on a run whose plan was deleted.
fn recaps(
    vocab: &Vocabulary,
    stage: &StageDir,
    names: &std::collections::BTreeSet<&str>,
    files: &[RunFile],
    known: &mut Known,
    ds: &mut Vec<Diagnostic>,
) -> BTreeMap<RunId, String> {
    let mut found = BTreeMap::new();
    for name in names.iter().filter(|n| n.ends_with(vocab.recap_suffix)) {
        let path = format!("{}/{name}", stage.dir);
        let id = name.strip_suffix(vocab.recap_suffix).and_then(RunId::parse);
        if let Some(id) = id.as_ref().filter(|id| id.stage == stage.number) {
            known.recapped.insert(id.clone());
        }
        match id {
            Some(id) if files.iter().any(|f| f.id == id) => {
                found.insert(id, path);
            }
            Some(id) if known.broken.contains(&id) => {}
            _ => ds.push(
                Diagnostic::warning(Code::OrphanRecap, "recap has no matching run file")
                    .in_file(path)
                    .with_hint("a recap marks the run of the same number complete; without its run file it still satisfies depends_on"),
            ),
        }
    }
    found
}

fn to_run(mut f: RunFile, batch: u32, recap: Option<String>) -> Run {
    let objective = f.objective.take().unwrap_or_default();
    Run {
        summary: summary(&objective, &f),
        gates: f.gates().cloned().collect(),
        work: f
            .tasks
            .iter()
            .filter(|t| t.kind.gate().is_none())
            .cloned()
            .collect(),
        tasks: f.tasks.len(),
        complete: recap.is_some(),
        recap,
        depends_on_pos: f.depends_on.iter().map(|d| d.pos).collect(),
        depends_on: f.depends_on.into_iter().map(|d| d.id).collect(),
        files_pos: f.files_pos,
        id: f.id,
        path: f.path,
        batch,
        autonomous: f.autonomous,
        gap_closure: f.gap_closure,
        objective,
        run_type: f.run_type,
        files_modified: f.files_modified,
    }
}

/// The objective's first non-empty line, without markdown emphasis or a final period,
/// cut to eight words: the seed's "3-8 words" column.
fn summary(objective: &str, f: &RunFile) -> String {
    const MAX_WORDS: usize = 8;
    let line = objective
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .or_else(|| f.tasks.first().and_then(|t| t.name.as_deref()))
        .unwrap_or("");
    let words: Vec<&str> = line
        .split_whitespace()
        .map(|w| w.trim_matches(|c| c == '*' || c == '_' || c == '`'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut text = words[..words.len().min(MAX_WORDS)].join(" ");
    if words.len() > MAX_WORDS {
        text = text.trim_end_matches([',', ';', ':', '.']).to_string();
        text.push('…');
    } else {
        text = text.trim_end_matches('.').to_string();
    }
    text
}
