//! `renn.Project`: `renn_core::Project` with Python names; every method converts its
//! arguments, asks the core, and converts the answer.

use crate::convert::{self, to_py};
use crate::errors::Failure;
use crate::execution::StageExecution;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyType;
use renn_core::execute::{OnFailure, StageOnDisk};
use renn_core::project::StageOptions;
use renn_core::{PlanOptions, Snapshot};
use std::path::PathBuf;

/// A `.renn/` project: `Project.load(path)` reads it from disk, `Project.from_files(files)`
/// takes it from memory. Every method answers with the JSON shapes of `renn --json`
/// (the TypedDicts of `renn.types`); failures raise a `RennError`. Diagnostic columns
/// count characters (code points), as Python's `str` does.
#[pyclass(frozen, module = "renn")]
pub struct Project {
    inner: renn_core::Project,
    /// Where the project is on disk (`Project.load`): what `run_stage` runs in; `None`
    /// for `Project.from_files`.
    root: Option<PathBuf>,
}

/// The name the continuation prompt's errors give the output handed in: the
/// argument's own, since a string from Python has no file name.
const GATE_OUTPUT_SOURCE: &str = "gate_output";

#[pymethods]
impl Project {
    /// A project from its files: project-relative paths (`.renn/config.json`) to text,
    /// bytes (UTF-8-checked by renn) or `None` (exists, not read); a path ending in `/`
    /// declares a directory. `gitignored`: whether `.renn` is git-ignored (forces
    /// `commit_docs` off).
    #[classmethod]
    #[pyo3(signature = (files, *, gitignored = false))]
    fn from_files(
        _cls: &Bound<'_, PyType>,
        files: &Bound<'_, PyAny>,
        gitignored: bool,
    ) -> PyResult<Self> {
        let mut snapshot = Snapshot::from_files(convert::files(files)?).map_err(Failure::from)?;
        snapshot.renn_gitignored = gitignored;
        let inner = renn_core::Project::new(snapshot).map_err(Failure::from)?;
        Ok(Self { inner, root: None })
    }

    /// The project at `path` read from disk, every stage included.
    #[classmethod]
    fn load(_cls: &Bound<'_, PyType>, py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let inner = py
            .detach(|| renn_host::load_project(&path))
            .map_err(Failure::from)?;
        Ok(Self {
            inner,
            root: Some(path),
        })
    }

    /// `Project(root='…', stages=N)`; `root=None` for `from_files`.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let root = match &self.root {
            Some(root) => root.into_pyobject(py)?.str()?.repr()?.to_string(),
            None => "None".into(),
        };
        let stages = self.inner.stages().len();
        Ok(format!("Project(root={root}, stages={stages})"))
    }

    /// config.json as renn reads it, every default filled in.
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.inner.config())
    }

    /// The model each agent runs with (horsepower × agent, overrides), as `renn models --json`.
    fn models<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.models())
    }

    /// Every stage directory under `.renn/stages/`, in stage order.
    fn stages<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.stages())
    }

    /// The stage directory a stage argument (`3`, `03`, `2.1`) names.
    fn resolve_stage<'py>(&self, py: Python<'py>, stage: &str) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.resolve_stage(stage).map_err(Failure::from)?)
    }

    /// The stage's runs, recaps and duplicates, with what is wrong with them.
    fn inventory<'py>(&self, py: Python<'py>, stage: &str) -> PyResult<Bound<'py, PyAny>> {
        let inventory = py.detach(|| self.inner.inventory(stage));
        to_py(py, &inventory.map_err(Failure::from)?)
    }

    /// The stage's Execution Plan: its runs, the batches left to execute, warnings.
    /// Raises `PlanError` (every problem in `diagnostics`) when the plan has errors;
    /// `gaps_only`: only the runs with `gap_closure: true`.
    #[pyo3(signature = (stage, *, gaps_only = false))]
    fn plan<'py>(
        &self,
        py: Python<'py>,
        stage: &str,
        gaps_only: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let plan = py.detach(|| self.inner.plan(stage, PlanOptions { gaps_only }));
        to_py(py, &plan.map_err(Failure::from)?)
    }

    /// The Execution Plan as markdown, as `renn plan` prints it.
    #[pyo3(signature = (stage, *, gaps_only = false))]
    fn plan_markdown(&self, py: Python<'_>, stage: &str, gaps_only: bool) -> PyResult<String> {
        let plan = py.detach(|| self.inner.plan(stage, PlanOptions { gaps_only }));
        Ok(plan.map_err(Failure::from)?.render_markdown())
    }

    /// Every problem of the stage's plan at once (`renn validate --json`); does not
    /// raise for an invalid plan.
    fn validate<'py>(&self, py: Python<'py>, stage: &str) -> PyResult<Bound<'py, PyAny>> {
        let validation = py.detach(|| self.inner.validate(stage));
        to_py(py, &validation.map_err(Failure::from)?)
    }

    /// The git branch the stage runs on; `None` for branching strategy `none`.
    fn branch(&self, stage: &str) -> PyResult<Option<String>> {
        Ok(self.inner.branch(stage).map_err(Failure::from)?)
    }

    /// The stage's proof: read, checked against the safety rule, routed, with its
    /// checklist and report.
    fn proof<'py>(&self, py: Python<'py>, stage: &str) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.proof(stage).map_err(Failure::from)?)
    }

    /// Where the stage's proof is: `NN-proof.md`, else the stage's one `*-proof.md`;
    /// `None` when it has none.
    fn proof_path(&self, stage: &str) -> PyResult<Option<String>> {
        Ok(self.inner.proof_path(stage).map_err(Failure::from)?)
    }

    /// The prompt of the runner that executes run `run_id` (`02-03`).
    fn runner_prompt(&self, run_id: &str) -> PyResult<String> {
        Ok(self.inner.runner_prompt(run_id).map_err(Failure::from)?)
    }

    /// The prompt of the fresh runner that resumes `run_id` after the gate at the end
    /// of `gate_output`, with the user's `response`.
    fn continuation_prompt(
        &self,
        run_id: &str,
        gate_output: &str,
        response: &str,
    ) -> PyResult<String> {
        let source = GATE_OUTPUT_SOURCE;
        let prompt = self
            .inner
            .continuation_prompt(run_id, gate_output, source, response);
        Ok(prompt.map_err(Failure::from)?)
    }

    /// The prompt of the auditor that verifies the stage goal.
    fn auditor_prompt(&self, stage: &str) -> PyResult<String> {
        Ok(self.inner.auditor_prompt(stage).map_err(Failure::from)?)
    }

    /// Every stage (track.md and the stage directories): runs done/total, gates
    /// waiting, proof, and what to do next — `renn status --json`.
    fn status<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.status().map_err(Failure::from)?)
    }

    /// What comes after the last completed stage of track.md.
    fn next<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.next().map_err(Failure::from)?)
    }

    /// The stage's execution, ready for its `{"event": "start"}`, resumed from the
    /// project's files (gate records, proof, track). `only_batch`: execute this batch
    /// only; `on_failure`: `"ask"` (default), `"continue"` or `"stop"` when a run fails.
    #[pyo3(signature = (stage, *, gaps_only = false, only_batch = None, on_failure = None))]
    fn start_stage(
        &self,
        stage: &str,
        gaps_only: bool,
        only_batch: Option<u32>,
        on_failure: Option<&str>,
    ) -> PyResult<StageExecution> {
        let opts = stage_options(gaps_only, only_batch, on_failure)?;
        let run = self.inner.start_stage(stage, &opts);
        Ok(StageExecution::new(run.map_err(Failure::from)?))
    }

    /// Executes `stage` as `renn run-stage` does — agents, worktrees, git, gates,
    /// resume — on the CLI's own host; returns the running `StageRun`. Needs a project
    /// from `Project.load`. `respond=(run_id, answer)` answers a gate an earlier
    /// execution left waiting; `interactive=False` pauses at questions as `renn --json`.
    #[pyo3(signature = (stage, *, gaps_only = false, only_batch = None, on_failure = None, interactive = true, respond = None, trust = false, yes = false, dry_run = false, renn = None, today = None))]
    #[allow(clippy::too_many_arguments)] // keyword arguments, as `renn run-stage`'s flags
    fn run_stage(
        &self,
        stage: &str,
        gaps_only: bool,
        only_batch: Option<u32>,
        on_failure: Option<String>,
        interactive: bool,
        respond: Option<(String, String)>,
        trust: bool,
        yes: bool,
        dry_run: bool,
        renn: Option<PathBuf>,
        today: Option<String>,
    ) -> PyResult<crate::stage::StageRun> {
        let Some(root) = self.root.clone() else {
            let d = renn_core::Diagnostic::error(
                renn_core::Code::NoProjectDir,
                "run_stage needs a project on disk: use Project.load(path), not Project.from_files",
            );
            return Err(Failure::from(d).into());
        };
        let options = crate::stage::RunOptions {
            gaps_only,
            only_batch,
            on_failure,
            interactive,
            respond,
            trust,
            yes,
            dry_run,
            renn,
            today,
        };
        crate::stage::start(root, stage, options)
    }

    /// `start_stage` from what the host found on disk: `{"gates": [{"path", "text"}],
    /// "proof", "track", "proof_predates_a_recap", "docs_dirty"}` (every key optional).
    #[pyo3(signature = (stage, on_disk, *, gaps_only = false, only_batch = None, on_failure = None))]
    fn resume_stage(
        &self,
        stage: &str,
        on_disk: &Bound<'_, PyAny>,
        gaps_only: bool,
        only_batch: Option<u32>,
        on_failure: Option<&str>,
    ) -> PyResult<StageExecution> {
        let opts = stage_options(gaps_only, only_batch, on_failure)?;
        let disk = StageOnDisk::from_json(convert::to_json(on_disk)?).map_err(Failure::from)?;
        let run = self.inner.resume_stage(stage, &opts, &disk);
        Ok(StageExecution::new(run.map_err(Failure::from)?))
    }
}

/// `"ask"`, `"continue"` or `"stop"`: the core's own names, read by serde.
pub(crate) fn parse_on_failure(text: &str) -> PyResult<OnFailure> {
    serde_json::from_value(serde_json::Value::from(text))
        .map_err(|e| PyValueError::new_err(format!("on_failure: {e}")))
}

fn stage_options(
    gaps_only: bool,
    only_batch: Option<u32>,
    on_failure: Option<&str>,
) -> PyResult<StageOptions> {
    Ok(StageOptions {
        gaps_only,
        only_batch,
        on_failure: on_failure.map(parse_on_failure).transpose()?,
        // The script drives the execution and answers `ask_failure` itself.
        unattended: false,
    })
}
