//! `Project`: renn_core::Project for JavaScript, one method per row of docs/api.md.

use crate::convert::{self, located, Json, Located};
use crate::error::{Failure, OrThrow};
use crate::execution::StageExecution;
use napi::bindgen_prelude::{Either3, Null, Uint8Array};
use napi::Env;
use napi_derive::napi;
use renn_core::execute::StageOnDisk;
use renn_core::inventory::Inventory;
use renn_core::models::Models;
use renn_core::next::Next;
use renn_core::plan::{Plan, PlanOptions as CorePlanOptions};
use renn_core::position::{all_ascii, text_in};
use renn_core::project::{ProofView, StageOptions as CoreStageOptions, Status, Validation};
use renn_core::{Config, Snapshot, StageDir};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// A `.renn/` project: the files renn reads, and every question renn answers about them.
/// Results are plain objects with the shapes of `renn --json` (the types of
/// `types.d.ts`); failures throw a `RennError`. Diagnostic columns count UTF-16 code
/// units, as JavaScript strings do.
#[napi]
pub struct Project {
    inner: renn_core::Project,
    /// Where the project is on disk (`Project.load`): what `runStage` runs in; `None`
    /// for `Project.fromFiles`.
    root: Option<std::path::PathBuf>,
    /// Every file is ASCII: columns need no conversion.
    ascii: bool,
}

impl Project {
    fn new(inner: renn_core::Project, root: Option<std::path::PathBuf>) -> Self {
        let ascii = all_ascii(inner.snapshot());
        Self { inner, root, ascii }
    }

    /// A result, its diagnostics' columns in UTF-16 code units.
    fn out<T: Serialize>(&self, value: T) -> napi::Result<Json<Located<T>>> {
        located(value, self.ascii, &text_in(self.inner.snapshot()))
    }

    /// `or_throw`, the failure's columns in UTF-16 code units.
    fn check<T, E: Into<Failure>>(&self, env: &Env, result: Result<T, E>) -> napi::Result<T> {
        if self.ascii {
            result.or_throw(env)
        } else {
            result.or_throw_in(env, &text_in(self.inner.snapshot()))
        }
    }
}

#[napi(object)]
pub struct FromFilesOptions {
    /// Whether `.renn` is git-ignored (forces `commit_docs` off), as `git check-ignore` says.
    pub gitignored: Option<bool>,
}

#[napi(object)]
pub struct PlanOptions {
    /// Only the runs with `gap_closure: true`.
    pub gaps_only: Option<bool>,
}

#[napi(object)]
pub struct StartStageOptions {
    /// Only the runs with `gap_closure: true`.
    pub gaps_only: Option<bool>,
    /// Execute this batch only.
    pub only_batch: Option<u32>,
    /// `"ask"`, `"continue"` or `"stop"` when a run fails (default: ask).
    #[napi(ts_type = "OnFailure")]
    pub on_failure: Option<String>,
}

#[napi]
impl Project {
    /// A project from its files: project-relative paths to text, bytes (UTF-8-checked
    /// by renn) or `null`; a path ending in `/` declares a directory.
    #[napi(factory)]
    pub fn from_files(
        env: Env,
        files: BTreeMap<String, Either3<String, Uint8Array, Null>>,
        options: Option<FromFilesOptions>,
    ) -> napi::Result<Self> {
        let mut snapshot = Snapshot::from_files(convert::files(files)).or_throw(&env)?;
        if let Some(gitignored) = options.and_then(|o| o.gitignored) {
            snapshot.renn_gitignored = gitignored;
        }
        // Kept for the columns of a config.json error (the snapshot moves in).
        let configs: Vec<(&str, String)> = (!all_ascii(&snapshot))
            .then(|| renn_core::Layout::ALL.map(|l| l.vocab().config))
            .into_iter()
            .flatten()
            .filter_map(|p| Some((p, snapshot.text(p).ok().flatten()?.to_owned())))
            .collect();
        let inner = renn_core::Project::new(snapshot).or_throw_in(&env, &|f| {
            (configs.iter()).find_map(|(p, t)| (f == Some(*p)).then_some(t.as_str()))
        })?;
        Ok(Self::new(inner, None))
    }

    /// The project at `path` read from disk, every stage included.
    #[napi(factory)]
    pub fn load(env: Env, path: String) -> napi::Result<Self> {
        let root = Path::new(&path);
        let inner = renn_host::load_project(root).map_err(|e| {
            // Only config.json is read before the project exists.
            let configs: Vec<(&str, String)> = (renn_core::Layout::ALL.iter())
                .map(|l| l.vocab().config)
                .filter_map(|p| Some((p, std::fs::read_to_string(root.join(p)).ok()?)))
                .collect();
            let text_of = |f: Option<&str>| {
                (configs.iter()).find_map(|(p, t)| (f == Some(*p)).then_some(t.as_str()))
            };
            Err::<(), _>(e).or_throw_in(&env, &text_of).unwrap_err()
        })?;
        Ok(Self::new(inner, Some(path.into())))
    }

    /// Executes `stage` as `renn run-stage` does — agents, worktrees, git, gates,
    /// resume — on the CLI's own host. Needs a project from `Project.load`.
    #[napi(js_name = "__runStage", skip_typescript)]
    pub fn run_stage(
        &self,
        env: Env,
        stage: String,
        options: Option<crate::stage::RunStageOptions>,
    ) -> napi::Result<crate::stage::StageRun> {
        let Some(root) = self.root.clone() else {
            let d = renn_core::Diagnostic::error(
                renn_core::Code::NoProjectDir,
                "runStage needs a project on disk: use Project.load(path), not Project.fromFiles",
            );
            return Err(renn_core::Error::from(d)).or_throw(&env);
        };
        crate::stage::run_stage(&env, root, stage, options)
    }

    /// `Project { root: '…', stages: N }` (`root: null` for `fromFiles`); also what
    /// `console.log` and `util.inspect` show.
    #[napi]
    #[allow(clippy::inherent_to_string)] // JavaScript's toString
    pub fn to_string(&self) -> String {
        let root = match &self.root {
            Some(root) => {
                let root = root.display().to_string();
                format!("'{}'", root.replace('\\', "\\\\").replace('\'', "\\'"))
            }
            None => "null".into(),
        };
        format!(
            "Project {{ root: {root}, stages: {} }}",
            self.inner.stages().len()
        )
    }

    /// config.json as renn reads it, every default filled in.
    #[napi(ts_return_type = "Config")]
    pub fn config(&self) -> napi::Result<Json<Located<Config>>> {
        self.out(self.inner.config().clone())
    }

    /// The model each agent runs with (horsepower × agent, overrides), as `renn models --json`.
    #[napi(ts_return_type = "Models")]
    pub fn models(&self) -> napi::Result<Json<Located<Models>>> {
        self.out(self.inner.models())
    }

    /// Every stage directory under `.renn/stages/`, in stage order.
    #[napi(ts_return_type = "StageDir[]")]
    pub fn stages(&self) -> napi::Result<Json<Vec<StageDir>>> {
        Ok(Json(self.inner.stages()))
    }

    /// The stage directory a stage argument (`3`, `03`, `2.1`) names.
    #[napi(ts_return_type = "StageDir")]
    pub fn resolve_stage(&self, env: Env, stage: String) -> napi::Result<Json<StageDir>> {
        Ok(Json(self.check(&env, self.inner.resolve_stage(&stage))?))
    }

    /// The stage's runs, recaps and duplicates, with what is wrong with them.
    #[napi(ts_return_type = "Inventory")]
    pub fn inventory(&self, env: Env, stage: String) -> napi::Result<Json<Located<Inventory>>> {
        let inventory = self.check(&env, self.inner.inventory(&stage))?;
        self.out(inventory)
    }

    /// The stage's Execution Plan: its runs, the batches left to execute, warnings.
    /// Throws a `PlanError` (every problem in `diagnostics`) when the plan has errors.
    #[napi(ts_return_type = "Plan")]
    pub fn plan(
        &self,
        env: Env,
        stage: String,
        options: Option<PlanOptions>,
    ) -> napi::Result<Json<Located<Plan>>> {
        let plan = self.check(&env, self.inner.plan(&stage, plan_options(options)))?;
        self.out(plan)
    }

    /// The Execution Plan as markdown, as `renn plan` prints it.
    #[napi]
    pub fn plan_markdown(
        &self,
        env: Env,
        stage: String,
        options: Option<PlanOptions>,
    ) -> napi::Result<String> {
        let plan = self.check(&env, self.inner.plan(&stage, plan_options(options)))?;
        Ok(plan.render_markdown())
    }

    /// Every problem of the stage's plan at once (`renn validate --json`); does not throw
    /// for an invalid plan.
    #[napi(ts_return_type = "Validation")]
    pub fn validate(&self, env: Env, stage: String) -> napi::Result<Json<Located<Validation>>> {
        let validation = self.check(&env, self.inner.validate(&stage))?;
        self.out(validation)
    }

    /// The git branch the stage runs on; `null` for branching strategy `none`.
    #[napi]
    pub fn branch(&self, env: Env, stage: String) -> napi::Result<Option<String>> {
        self.check(&env, self.inner.branch(&stage))
    }

    /// The stage's proof: read, checked against the safety rule, routed, with its
    /// checklist and report.
    #[napi(ts_return_type = "ProofView")]
    pub fn proof(&self, env: Env, stage: String) -> napi::Result<Json<Located<ProofView>>> {
        let proof = self.check(&env, self.inner.proof(&stage))?;
        self.out(proof)
    }

    /// Where the stage's proof is: `NN-proof.md`, else the stage's one `*-proof.md`;
    /// `null` when it has none.
    #[napi]
    pub fn proof_path(&self, env: Env, stage: String) -> napi::Result<Option<String>> {
        self.check(&env, self.inner.proof_path(&stage))
    }

    /// The prompt of the runner that executes run `runId` (`02-03`).
    #[napi]
    pub fn runner_prompt(&self, env: Env, run_id: String) -> napi::Result<String> {
        self.check(&env, self.inner.runner_prompt(&run_id))
    }

    /// The prompt of the fresh runner that resumes `runId` after the gate at the end
    /// of `gateOutput`, with the user's `response`.
    #[napi]
    pub fn continuation_prompt(
        &self,
        env: Env,
        run_id: String,
        gate_output: String,
        response: String,
    ) -> napi::Result<String> {
        // Errors about the output name the argument it came in.
        let source = "gateOutput";
        let prompt = self
            .inner
            .continuation_prompt(&run_id, &gate_output, source, &response);
        prompt.or_throw_in(&env, &|f| {
            // Positions in the gate output count in its text.
            if f == Some(source) {
                Some(gate_output.as_str())
            } else {
                text_in(self.inner.snapshot())(f)
            }
        })
    }

    /// The prompt of the auditor that verifies the stage goal.
    #[napi]
    pub fn auditor_prompt(&self, env: Env, stage: String) -> napi::Result<String> {
        self.check(&env, self.inner.auditor_prompt(&stage))
    }

    /// Every stage (track.md and the stage directories): runs done/total, gates
    /// waiting, proof, and what to do next — `renn status --json`.
    #[napi(ts_return_type = "Status")]
    pub fn status(&self, env: Env) -> napi::Result<Json<Located<Status>>> {
        let status = self.check(&env, self.inner.status())?;
        self.out(status)
    }

    /// What comes after the last completed stage of track.md.
    #[napi(ts_return_type = "Next")]
    pub fn next(&self, env: Env) -> napi::Result<Json<Next>> {
        Ok(Json(self.check(&env, self.inner.next())?))
    }

    /// The stage's execution, ready for its `{"event": "start"}`.
    #[napi]
    pub fn start_stage(
        &self,
        env: Env,
        stage: String,
        options: Option<StartStageOptions>,
    ) -> napi::Result<StageExecution> {
        let options = stage_options(options)?;
        let run = self.check(&env, self.inner.start_stage(&stage, &options))?;
        Ok(StageExecution::new(run))
    }

    /// `startStage` from what the host found on disk: `{gates: [{path, text}], proof,
    /// track, proof_predates_a_recap, docs_dirty}` (every key optional).
    #[napi]
    pub fn resume_stage(
        &self,
        env: Env,
        stage: String,
        #[napi(ts_arg_type = "StageOnDisk")] on_disk: serde_json::Value,
        options: Option<StartStageOptions>,
    ) -> napi::Result<StageExecution> {
        let options = stage_options(options)?;
        let disk = StageOnDisk::from_json(on_disk).or_throw(&env)?;
        let run = self.inner.resume_stage(&stage, &options, &disk);
        Ok(StageExecution::new(self.check(&env, run)?))
    }
}

// Options left out keep the core's defaults.
fn plan_options(options: Option<PlanOptions>) -> CorePlanOptions {
    let mut plan = CorePlanOptions::default();
    if let Some(gaps_only) = options.and_then(|o| o.gaps_only) {
        plan.gaps_only = gaps_only;
    }
    plan
}

fn stage_options(options: Option<StartStageOptions>) -> napi::Result<CoreStageOptions> {
    let mut stage = CoreStageOptions::default();
    let Some(o) = options else {
        return Ok(stage);
    };
    if let Some(gaps_only) = o.gaps_only {
        stage.gaps_only = gaps_only;
    }
    stage.only_batch = o.only_batch.or(stage.only_batch);
    if let Some(on_failure) = o.on_failure {
        stage.on_failure = Some(convert::from_str("onFailure", on_failure)?);
    }
    Ok(stage)
}
