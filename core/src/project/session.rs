//! The questions a host asks while it executes a stage: the prompts for a run's
//! agents, the starting state of the execution, and what comes next. The CLI and
//! every binding ask them here, so all front doors give the same prompt text.

use super::Project;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::execute::{self, FileOnDisk, OnFailure, Settings, StageOnDisk, StageRun};
use crate::gate::GateRecord;
use crate::gate::GateResponse;
use crate::inventory::{Inventory, Run};
use crate::next::{self, Next};
use crate::plan::{Plan, PlanOptions, StageInfo};
use crate::prompt::{self, AuditorContext, ContinuationContext, RunnerContext, Templates};
use crate::returns::{self, AgentReturn, GateReached};
use crate::run::RunId;
use crate::track;

/// How a host wants a stage executed; everything else comes from config.json.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageOptions {
    pub gaps_only: bool,
    /// `--batch N`: execute that batch only.
    pub only_batch: Option<u32>,
    /// What to do when a run fails; `None` means ask.
    pub on_failure: Option<OnFailure>,
    /// No one can answer questions (a script, CI): "ask" after a failure becomes
    /// "stop", which loses nothing.
    pub unattended: bool,
}

impl Project {
    /// The runner prompt for a run (`03-02`), with the run file, pulse and config
    /// inlined — the `@` syntax does not cross agent boundaries.
    pub fn runner_prompt(&self, run_arg: &str) -> Result<String> {
        let (inventory, id) = self.run_inventory(run_arg)?;
        let run = find_run(&inventory, &id)?;
        let info = self.stage_info(&inventory);
        let texts = self.texts(run)?;
        Ok(self.templates()?.runner(&texts.context(&info, run)))
    }

    /// The prompt for the fresh runner that resumes a run after a gate: `output` is
    /// the previous runner's output (ending with GATE REACHED), `source` names it in
    /// errors, `response` is what the user answered.
    pub fn continuation_prompt(
        &self,
        run_arg: &str,
        output: &str,
        source: &str,
        response: &str,
    ) -> Result<String> {
        let (inventory, id) = self.run_inventory(run_arg)?;
        let run = find_run(&inventory, &id)?;
        let gate = gate_of(output, source, &id)?;
        let response = GateResponse::interpret(gate.gate, response).ok_or_else(|| {
            Diagnostic::error(
                Code::EmptyResponse,
                "the response is empty: say \"approved\", \"done\", the option chosen, or the issues",
            )
        })?;
        let info = self.stage_info(&inventory);
        let texts = self.texts(run)?;
        Ok(self.templates()?.continuation(&ContinuationContext {
            runner: texts.context(&info, run),
            gate: &gate,
            response: &response,
        }))
    }

    /// The auditor's prompt: the stage goal from track.md and every run's must-haves.
    pub fn auditor_prompt(&self, stage_arg: &str) -> Result<String> {
        let inventory = self.inventory(stage_arg)?;
        let info = self.stage_info(&inventory);
        let track = self.snapshot.text(self.vocab().track)?;
        let goal = track.and_then(|t| {
            track::stages(t)
                .into_iter()
                .find(|s| s.number == info.number)
                .and_then(|s| s.goal)
        });
        let must_haves = prompt::must_haves(&self.snapshot, &inventory.runs)?;
        Ok(self.templates()?.auditor(&AuditorContext {
            vocab: self.vocab(),
            stage: &info,
            goal: goal.as_deref(),
            must_haves: &must_haves,
        }))
    }

    /// What to do after the last completed stage of track.md: `renn run-stage N` when
    /// that stage's runs are planned (the snapshot holds its run files), else the
    /// planning workflow's command.
    pub fn next(&self) -> Result<Next> {
        let track = self.snapshot.text(self.vocab().track)?.ok_or_else(|| {
            Diagnostic::error(
                Code::TrackMissing,
                "track.md is missing, so renn cannot tell what comes next",
            )
            .in_file(self.vocab().track)
            .with_hint(format!(
                "create {} with the checklist (`- [ ] **{} 1: <title>** - <goal>`)",
                self.vocab().track,
                self.vocab().stage_word
            ))
        })?;
        Ok(next::current_with(self.vocab(), track, |n| {
            self.is_planned(n)
        })?)
    }

    /// The execution settings config.json gives, with the host's choices.
    pub fn settings(&self, opts: &StageOptions) -> Settings {
        let c = &self.config;
        Settings {
            parallel: c.parallelization.enabled,
            max_concurrent: c.max_concurrent(),
            on_failure: match (opts.on_failure.unwrap_or(OnFailure::Ask), opts.unattended) {
                (OnFailure::Ask, true) => OnFailure::Stop,
                (policy, _) => policy,
            },
            auditor: c.auditor,
            commit_docs: c.commit_docs,
            only_batch: opts.only_batch,
            retries: c.agent.retries,
            layout: self.snapshot.layout,
        }
    }

    /// The starting state of the stage's execution, resumed from the project's files:
    /// gates recorded by an interrupted execution (`NN-MM-gate.md`), and for a stage
    /// whose runs are all complete, its proof and track. Drive it with
    /// [`crate::execute::next`] and the `Start` event.
    pub fn start_stage(&self, stage_arg: &str, opts: &StageOptions) -> Result<StageRun> {
        let plan = self.plan(stage_arg, plan_options(opts))?;
        let disk = self.stage_on_disk(&plan)?;
        Ok(execute::resume(&plan, self.settings(opts), &disk))
    }

    /// [`Project::start_stage`] from what the host found on disk — including what only
    /// it can know (uncommitted documents, file times).
    pub fn resume_stage(
        &self,
        stage_arg: &str,
        opts: &StageOptions,
        disk: &StageOnDisk,
    ) -> Result<StageRun> {
        let plan = self.plan(stage_arg, plan_options(opts))?;
        Ok(execute::resume(&plan, self.settings(opts), disk))
    }

    /// The stage's gate records, proof and track as the project's files hold them.
    fn stage_on_disk(&self, plan: &Plan) -> Result<StageOnDisk> {
        let file = |path: String| -> Result<Option<FileOnDisk>> {
            let text = self.snapshot.text(&path)?.map(str::to_string);
            Ok(text.map(|text| FileOnDisk { path, text }))
        };
        let mut gates = Vec::new();
        for run in plan.runs.iter().filter(|r| !r.complete) {
            gates.extend(file(GateRecord::path(&plan.stage.dir, &run.id))?);
        }
        Ok(StageOnDisk {
            gates,
            // Two files that could be the proof are none: the auditor writes NN-proof.md.
            proof: match self.locate_proof(&plan.stage.dir, &plan.stage.number) {
                Ok(Some(path)) => file(path)?,
                _ => None,
            },
            track: self.snapshot.text(self.vocab().track)?.map(str::to_string),
            ..StageOnDisk::default()
        })
    }

    fn templates(&self) -> Result<Templates> {
        Ok(Templates::load(&self.snapshot)?)
    }

    fn run_inventory(&self, run_arg: &str) -> Result<(Inventory, RunId)> {
        let id = RunId::parse(run_arg).ok_or_else(|| {
            Diagnostic::error(
                Code::BadRunId,
                format!("'{run_arg}' is not a run id (expected <stage>-<run>, such as 03-02)"),
            )
        })?;
        Ok((self.inventory(&id.stage.to_string())?, id))
    }

    pub(super) fn stage_info(&self, inventory: &Inventory) -> StageInfo {
        let stage = &inventory.stage;
        StageInfo {
            number: stage.number.clone(),
            name: stage.name.clone(),
            dir: stage.dir.clone(),
            title: self.stage_title(stage),
        }
    }

    fn texts(&self, run: &Run) -> Result<RunTexts<'_>> {
        let text = |path: &str| self.snapshot.text(path);
        Ok(RunTexts {
            vocab: self.vocab(),
            run: text(&run.path)?.unwrap_or_default(),
            pulse: text(self.vocab().pulse)?,
            config: text(self.vocab().config)?,
        })
    }
}

/// The files a runner's prompt inlines.
struct RunTexts<'a> {
    vocab: &'static crate::layout::Vocabulary,
    run: &'a str,
    pulse: Option<&'a str>,
    config: Option<&'a str>,
}

impl<'a> RunTexts<'a> {
    fn context(&self, stage: &'a StageInfo, run: &'a Run) -> RunnerContext<'a> {
        RunnerContext {
            vocab: self.vocab,
            stage,
            run,
            run_text: self.run,
            pulse: self.pulse,
            config: self.config,
            earlier: &[],
        }
    }
}

/// The run from the inventory; a run whose file has errors is reported with them.
fn find_run<'a>(inventory: &'a Inventory, id: &RunId) -> Result<&'a Run> {
    if let Some(run) = inventory.runs.iter().find(|r| &r.id == id) {
        return Ok(run);
    }
    let own: Vec<Diagnostic> = inventory
        .diagnostics
        .iter()
        .filter(|d| {
            let name = d.file.as_deref().and_then(|f| f.rsplit('/').next());
            name.and_then(RunId::from_file_name).as_ref() == Some(id)
        })
        .cloned()
        .collect();
    if own.iter().any(Diagnostic::is_error) {
        return Err(Error::InvalidPlan(own));
    }
    Err(Diagnostic::error(
        Code::NoSuchRun,
        format!("stage {} has no run {id}", inventory.stage.dir_name()),
    )
    .in_file(&inventory.stage.dir)
    .with_hint("run ids are <stage>-<run>, from the run file's name: 03-02-run.md is 03-02")
    .into())
}

/// The GATE REACHED block at the end of an agent's output, for this run.
fn gate_of(output: &str, source: &str, id: &RunId) -> Result<GateReached> {
    let bad = |code, message: String| Error::from(Diagnostic::error(code, message).in_file(source));
    match returns::parse(output) {
        Err(failure) => Err(bad(
            Code::BadReturn,
            format!("no usable agent return: {failure}"),
        )),
        Ok(AgentReturn::Complete(c)) => Err(bad(
            Code::NoGate,
            format!(
                "the output ends with RUN COMPLETE for {}: there is no gate to continue",
                c.run
            ),
        )),
        Ok(AgentReturn::Gate(g)) if &g.run != id => Err(bad(
            Code::GateRunMismatch,
            format!("the gate in this output is for run {}, not {id}", g.run),
        )),
        Ok(AgentReturn::Gate(g)) => Ok(g),
    }
}

fn plan_options(opts: &StageOptions) -> PlanOptions {
    PlanOptions {
        gaps_only: opts.gaps_only,
    }
}
