//! `Project`: renn_core::Project for JavaScript, one method per row of docs/api.md.

use crate::convert::{self, Json};
use crate::error::OrThrow;
use crate::execution::StageExecution;
use napi::bindgen_prelude::{Either3, Null, Uint8Array};
use napi::Env;
use napi_derive::napi;
use renn_core::execute::StageOnDisk;
use renn_core::inventory::Inventory;
use renn_core::models::Models;
use renn_core::next::Next;
use renn_core::plan::{Plan, PlanOptions as CorePlanOptions};
use renn_core::project::{ProofView, StageOptions as CoreStageOptions, Status, Validation};
use renn_core::{Config, Snapshot, StageDir};
use std::collections::BTreeMap;
use std::path::Path;

/// A `.renn/` project: the files renn reads, and every question renn answers about them.
#[napi]
pub struct Project {
    inner: renn_core::Project,
    /// Where the project is on disk (`Project.load`): what `runStage` runs in.
    root: Option<std::path::PathBuf>,
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
    pub gaps_only: Option<bool>,
    /// Execute this batch only.
    pub only_batch: Option<u32>,
    /// `"ask"`, `"continue"` or `"stop"` when a run fails (default: ask).
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
        let inner = renn_core::Project::new(snapshot).or_throw(&env)?;
        Ok(Self { inner, root: None })
    }

    /// The project at `path` read from disk, every stage included.
    #[napi(factory)]
    pub fn load(env: Env, path: String) -> napi::Result<Self> {
        let inner = renn_host::load_project(Path::new(&path)).or_throw(&env)?;
        Ok(Self {
            inner,
            root: Some(path.into()),
        })
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

    #[napi(ts_return_type = "any")]
    pub fn config(&self) -> napi::Result<Json<Config>> {
        Ok(Json(self.inner.config().clone()))
    }

    #[napi(ts_return_type = "any")]
    pub fn models(&self) -> napi::Result<Json<Models>> {
        Ok(Json(self.inner.models()))
    }

    #[napi(ts_return_type = "any")]
    pub fn stages(&self) -> napi::Result<Json<Vec<StageDir>>> {
        Ok(Json(self.inner.stages()))
    }

    #[napi(ts_return_type = "any")]
    pub fn resolve_stage(&self, env: Env, stage: String) -> napi::Result<Json<StageDir>> {
        Ok(Json(self.inner.resolve_stage(&stage).or_throw(&env)?))
    }

    #[napi(ts_return_type = "any")]
    pub fn inventory(&self, env: Env, stage: String) -> napi::Result<Json<Inventory>> {
        Ok(Json(self.inner.inventory(&stage).or_throw(&env)?))
    }

    #[napi(ts_return_type = "any")]
    pub fn plan(
        &self,
        env: Env,
        stage: String,
        options: Option<PlanOptions>,
    ) -> napi::Result<Json<Plan>> {
        let plan = self.inner.plan(&stage, plan_options(options));
        Ok(Json(plan.or_throw(&env)?))
    }

    /// The Execution Plan as markdown, as `renn plan` prints it.
    #[napi]
    pub fn plan_markdown(
        &self,
        env: Env,
        stage: String,
        options: Option<PlanOptions>,
    ) -> napi::Result<String> {
        let plan = self
            .inner
            .plan(&stage, plan_options(options))
            .or_throw(&env)?;
        Ok(plan.render_markdown())
    }

    #[napi(ts_return_type = "any")]
    pub fn validate(&self, env: Env, stage: String) -> napi::Result<Json<Validation>> {
        Ok(Json(self.inner.validate(&stage).or_throw(&env)?))
    }

    /// The git branch the stage runs on; `null` for branching strategy `none`.
    #[napi]
    pub fn branch(&self, env: Env, stage: String) -> napi::Result<Option<String>> {
        self.inner.branch(&stage).or_throw(&env)
    }

    #[napi(ts_return_type = "any")]
    pub fn proof(&self, env: Env, stage: String) -> napi::Result<Json<ProofView>> {
        Ok(Json(self.inner.proof(&stage).or_throw(&env)?))
    }

    /// Where the stage's proof is: `NN-proof.md`, else the stage's one `*-proof.md`;
    /// `null` when it has none.
    #[napi]
    pub fn proof_path(&self, env: Env, stage: String) -> napi::Result<Option<String>> {
        self.inner.proof_path(&stage).or_throw(&env)
    }

    #[napi]
    pub fn runner_prompt(&self, env: Env, run_id: String) -> napi::Result<String> {
        self.inner.runner_prompt(&run_id).or_throw(&env)
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
        prompt.or_throw(&env)
    }

    #[napi]
    pub fn auditor_prompt(&self, env: Env, stage: String) -> napi::Result<String> {
        self.inner.auditor_prompt(&stage).or_throw(&env)
    }

    /// Every stage (track.md and the stage directories): runs done/total, gates
    /// waiting, proof, and what to do next — `renn status --json`.
    #[napi(ts_return_type = "any")]
    pub fn status(&self, env: Env) -> napi::Result<Json<Status>> {
        Ok(Json(self.inner.status().or_throw(&env)?))
    }

    /// What comes after the last completed stage of track.md.
    #[napi(ts_return_type = "any")]
    pub fn next(&self, env: Env) -> napi::Result<Json<Next>> {
        Ok(Json(self.inner.next().or_throw(&env)?))
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
        let run = self.inner.start_stage(&stage, &options).or_throw(&env)?;
        Ok(StageExecution::new(run))
    }

    /// `startStage` from what the host found on disk: `{gates: [{path, text}], proof,
    /// track, proof_predates_a_recap, docs_dirty}` (every key optional).
    #[napi]
    pub fn resume_stage(
        &self,
        env: Env,
        stage: String,
        #[napi(ts_arg_type = "any")] on_disk: serde_json::Value,
        options: Option<StartStageOptions>,
    ) -> napi::Result<StageExecution> {
        let options = stage_options(options)?;
        let disk = StageOnDisk::from_json(on_disk).or_throw(&env)?;
        let run = self.inner.resume_stage(&stage, &options, &disk);
        Ok(StageExecution::new(run.or_throw(&env)?))
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
