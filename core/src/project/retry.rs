//! `renn retry <run>`: which run to execute again, and when that is refused. A run is
//! complete when it has a recap; a failed run's recap was set aside
//! (`NN-MM-recap.rejected.md`) or never written, so any run without a recap can be
//! retried — once the runs it depends on are complete.

use super::Project;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::plan::PlanOptions;
use crate::run::RunId;
use crate::stage::StageNumber;
use crate::Result;
use serde::Serialize;

/// The run to execute again: `renn run-stage <stage> --batch <batch>` restricted to it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Retry {
    pub stage: StageNumber,
    pub run: RunId,
    pub batch: u32,
    /// An earlier attempt failed (its recap was set aside as `…-recap.rejected.md`).
    pub failed_before: bool,
}

impl Project {
    /// The run `run_arg` names, if it may run again: refused for a complete run, and
    /// for a run whose `depends_on` runs are not complete yet.
    pub fn retry(&self, run_arg: &str) -> Result<Retry> {
        let id = RunId::parse(run_arg).ok_or_else(|| {
            Diagnostic::error(
                Code::BadRunId,
                format!("'{run_arg}' is not a run id (expected <stage>-<run>, such as 03-02)"),
            )
        })?;
        let stage_arg = id.stage.to_string();
        let plan = self.plan(&stage_arg, PlanOptions::default())?;
        let n = plan.stage.number.unpadded();
        let Some(run) = plan.runs.iter().find(|r| r.id == id) else {
            return Err(Diagnostic::error(
                Code::NoSuchRun,
                format!(
                    "stage {} has no run {id}",
                    plan.stage.dir.rsplit('/').next().unwrap_or_default()
                ),
            )
            .in_file(&plan.stage.dir)
            .with_hint("run ids are <stage>-<run>, from the run file's name: 03-02-run.md is 03-02")
            .into());
        };
        if run.complete {
            let recap = run.recap.clone().unwrap_or_default();
            return Err(Diagnostic::error(
                Code::RunComplete,
                format!("{id} is complete (it has a recap): there is nothing to retry"),
            )
            .in_file(recap)
            .with_hint(format!(
                "`renn status` shows what is left; to redo a complete run, set its recap aside first (rename it to {id}-recap.rejected.md), then `renn retry {id}`"
            ))
            .into());
        }
        let waiting: Vec<String> = run
            .depends_on
            .iter()
            .filter(|d| plan.runs.iter().any(|r| &&r.id == d && !r.complete))
            .map(ToString::to_string)
            .collect();
        if !waiting.is_empty() {
            return Err(Diagnostic::error(
                Code::RunBlocked,
                format!(
                    "{id} depends on {}, not complete yet: retrying it alone would run it without their work",
                    waiting.join(", ")
                ),
            )
            .in_file(&run.path)
            .with_hint(format!("`renn run-stage {n}` runs the stage's runs in order"))
            .into());
        }
        let rejected = crate::recap::rejected_path(&crate::recap::path_for_run(&run.path));
        Ok(Retry {
            stage: plan.stage.number.clone(),
            run: id,
            batch: run.batch,
            failed_before: self.snapshot.files.contains_key(&rejected),
        })
    }
}
