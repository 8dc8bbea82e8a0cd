//! The `Project` class: every method of [`renn_core::Project`] that needs no disk.

use super::errors::{throw, throw_in, type_error};
use super::execution::{StageExecution, StartOptions};
use super::{files, options, to_js, to_js_located, PlanFilter};
use renn_core::position::{all_ascii, text_in};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// Names the gate output in errors about it (the argument's name).
const GATE_OUTPUT_SOURCE: &str = "gateOutput";

/// `{gitignored?}` of `fromFiles`: the host's answer to `git check-ignore .renn`.
#[derive(Debug, Default, Deserialize, tsify::Tsify)]
#[serde(rename_all = "camelCase", default)]
pub struct FromFilesOptions {
    pub gitignored: bool,
}

/// A `.renn/` project handed in as files; ask it anything. Diagnostic columns count
/// UTF-16 code units, as JavaScript strings do.
#[wasm_bindgen(js_name = Project)]
pub struct WasmProject {
    inner: renn_core::Project,
    /// Every file is ASCII: columns need no conversion.
    ascii: bool,
}

impl WasmProject {
    /// A result, its diagnostics' columns in UTF-16 code units.
    fn out<T: Serialize + ?Sized>(&self, value: &T) -> Result<JsValue, JsValue> {
        to_js_located(value, self.ascii, &text_in(self.inner.snapshot()))
    }

    /// The exception for a failure, its columns in UTF-16 code units.
    fn fail(&self, error: impl Into<renn_core::Error>) -> JsValue {
        if self.ascii {
            throw(error)
        } else {
            throw_in(error, &text_in(self.inner.snapshot()))
        }
    }
}

#[wasm_bindgen(js_class = Project)]
impl WasmProject {
    /// The project made of `files`; fails when there is no `.renn/` directory or
    /// config.json is malformed.
    #[wasm_bindgen(js_name = fromFiles)]
    pub fn from_files(
        #[wasm_bindgen(unchecked_param_type = "Files")] files: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "FromFilesOptions")] opts: JsValue,
    ) -> Result<WasmProject, JsValue> {
        let opts: FromFilesOptions = options(opts)?;
        let snapshot = files::snapshot(&files, opts.gitignored)?;
        // Kept for the columns of a config.json error (the snapshot moves in).
        let configs: Vec<(&str, String)> = (!all_ascii(&snapshot))
            .then(|| renn_core::Layout::ALL.map(|l| l.vocab().config))
            .into_iter()
            .flatten()
            .filter_map(|p| Some((p, snapshot.text(p).ok().flatten()?.to_owned())))
            .collect();
        let text_of = |f: Option<&str>| {
            (configs.iter()).find_map(|(p, t)| (f == Some(*p)).then_some(t.as_str()))
        };
        let inner = renn_core::Project::new(snapshot).map_err(|e| throw_in(e, &text_of))?;
        let ascii = all_ascii(inner.snapshot());
        Ok(WasmProject { inner, ascii })
    }

    /// `Project { stages: N }`.
    #[wasm_bindgen(js_name = toString)]
    #[allow(clippy::inherent_to_string)] // JavaScript's toString
    pub fn to_string(&self) -> String {
        format!("Project {{ stages: {} }}", self.inner.stages().len())
    }

    #[wasm_bindgen(unchecked_return_type = "Config")]
    pub fn config(&self) -> Result<JsValue, JsValue> {
        self.out(self.inner.config())
    }

    #[wasm_bindgen(unchecked_return_type = "Models")]
    pub fn models(&self) -> Result<JsValue, JsValue> {
        self.out(&self.inner.models())
    }

    #[wasm_bindgen(unchecked_return_type = "StageDir[]")]
    pub fn stages(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.stages())
    }

    #[wasm_bindgen(js_name = resolveStage, unchecked_return_type = "StageDir")]
    pub fn resolve_stage(&self, stage: &str) -> Result<JsValue, JsValue> {
        to_js(&self.inner.resolve_stage(stage).map_err(|e| self.fail(e))?)
    }

    #[wasm_bindgen(unchecked_return_type = "Inventory")]
    pub fn inventory(&self, stage: &str) -> Result<JsValue, JsValue> {
        self.out(&self.inner.inventory(stage).map_err(|e| self.fail(e))?)
    }

    #[wasm_bindgen(unchecked_return_type = "Plan")]
    pub fn plan(
        &self,
        stage: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "PlanFilter")] opts: JsValue,
    ) -> Result<JsValue, JsValue> {
        let filter: PlanFilter = options(opts)?;
        self.out(
            &self
                .inner
                .plan(stage, filter.into())
                .map_err(|e| self.fail(e))?,
        )
    }

    /// The seed's "Execution Plan" report, as markdown.
    #[wasm_bindgen(js_name = planMarkdown)]
    pub fn plan_markdown(
        &self,
        stage: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "PlanFilter")] opts: JsValue,
    ) -> Result<String, JsValue> {
        let filter: PlanFilter = options(opts)?;
        let plan = self
            .inner
            .plan(stage, filter.into())
            .map_err(|e| self.fail(e))?;
        Ok(plan.render_markdown())
    }

    #[wasm_bindgen(unchecked_return_type = "Validation")]
    pub fn validate(&self, stage: &str) -> Result<JsValue, JsValue> {
        self.out(&self.inner.validate(stage).map_err(|e| self.fail(e))?)
    }

    /// The branch the stage runs on; `null` for `branching_strategy: "none"`.
    #[wasm_bindgen(unchecked_return_type = "string | null")]
    pub fn branch(&self, stage: &str) -> Result<JsValue, JsValue> {
        to_js(&self.inner.branch(stage).map_err(|e| self.fail(e))?)
    }

    #[wasm_bindgen(unchecked_return_type = "ProofView")]
    pub fn proof(&self, stage: &str) -> Result<JsValue, JsValue> {
        self.out(&self.inner.proof(stage).map_err(|e| self.fail(e))?)
    }

    /// Where the stage's proof is: `NN-proof.md`, else the stage's one `*-proof.md`;
    /// `null` when it has none.
    #[wasm_bindgen(js_name = proofPath, unchecked_return_type = "string | null")]
    pub fn proof_path(&self, stage: &str) -> Result<JsValue, JsValue> {
        to_js(&self.inner.proof_path(stage).map_err(|e| self.fail(e))?)
    }

    #[wasm_bindgen(js_name = runnerPrompt)]
    pub fn runner_prompt(
        &self,
        #[wasm_bindgen(js_name = runId)] run_id: &str,
    ) -> Result<String, JsValue> {
        self.inner.runner_prompt(run_id).map_err(|e| self.fail(e))
    }

    /// The prompt of the runner that resumes `runId` after its gate: `gateOutput` is
    /// the previous runner's output, `response` the user's answer.
    #[wasm_bindgen(js_name = continuationPrompt)]
    pub fn continuation_prompt(
        &self,
        #[wasm_bindgen(js_name = runId)] run_id: &str,
        #[wasm_bindgen(js_name = gateOutput)] gate_output: &str,
        response: &str,
    ) -> Result<String, JsValue> {
        self.inner
            .continuation_prompt(run_id, gate_output, GATE_OUTPUT_SOURCE, response)
            .map_err(|e| {
                // Positions in the gate output count in its text.
                let files = text_in(self.inner.snapshot());
                let text_of = |f: Option<&str>| {
                    if f == Some(GATE_OUTPUT_SOURCE) {
                        Some(gate_output)
                    } else {
                        files(f)
                    }
                };
                throw_in(e, &text_of)
            })
    }

    #[wasm_bindgen(js_name = auditorPrompt)]
    pub fn auditor_prompt(&self, stage: &str) -> Result<String, JsValue> {
        self.inner.auditor_prompt(stage).map_err(|e| self.fail(e))
    }

    /// Every stage: runs done/total, gates waiting, proof, what to do next.
    #[wasm_bindgen(unchecked_return_type = "Status")]
    pub fn status(&self) -> Result<JsValue, JsValue> {
        self.out(&self.inner.status().map_err(|e| self.fail(e))?)
    }

    #[wasm_bindgen(unchecked_return_type = "Next")]
    pub fn next(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.next().map_err(|e| self.fail(e))?)
    }

    /// The stage's execution, ready for the `{"event": "start"}` event.
    #[wasm_bindgen(js_name = startStage)]
    pub fn start_stage(
        &self,
        stage: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "StartOptions")] opts: JsValue,
    ) -> Result<StageExecution, JsValue> {
        let opts: StartOptions = options(opts)?;
        let run = self
            .inner
            .start_stage(stage, &opts.into())
            .map_err(|e| self.fail(e))?;
        Ok(StageExecution::new(run))
    }

    /// `startStage` from what the host found on disk.
    #[wasm_bindgen(js_name = resumeStage)]
    pub fn resume_stage(
        &self,
        stage: &str,
        #[wasm_bindgen(js_name = onDisk, unchecked_param_type = "StageOnDisk")] on_disk: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "StartOptions")] opts: JsValue,
    ) -> Result<StageExecution, JsValue> {
        let opts: StartOptions = options(opts)?;
        let value: serde_json::Value = serde_wasm_bindgen::from_value(on_disk)
            .map_err(|e| type_error(&format!("what is on disk is plain data: {e}")))?;
        let disk = renn_core::execute::StageOnDisk::from_json(value).map_err(throw)?;
        let run = self.inner.resume_stage(stage, &opts.into(), &disk);
        Ok(StageExecution::new(run.map_err(|e| self.fail(e))?))
    }
}
