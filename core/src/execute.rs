//! The stage execution state machine: `next(state, event) -> (state, actions)`.
//!
//! Everything the seed does between "spawn" and "offer next", with no IO: the host
//! (the CLI, or an editor through a binding) performs the actions — spawning agents,
//! checking evidence, asking the user, writing files — and feeds back what happened
//! as events. The rules live here, once, tested exhaustively.

mod action;
mod branch;
mod conclude;
mod event;
mod evidence;
pub mod failure;
pub mod render;
mod resume;
mod runner;
mod step;
#[cfg(test)]
mod tests;

use crate::code::Code;
use crate::gate::GateResponse;
use crate::plan::{Plan, StageInfo};
use crate::proof::Proof;
use crate::returns::{CompletedTask, GateReached};
use crate::run::{RunId, Task};
use serde::{Deserialize, Serialize};

pub use action::{Action, Notice, PromptSpec};
pub use branch::RunBranch;
pub use conclude::progress;
pub use event::{Event, Exit, FailureChoice, GiveUp, Rejected, Verification};
pub use resume::{after_runs, resume, AfterRuns, FileOnDisk, StageOnDisk};
pub use step::next;

/// What to do when a run fails (`--on-failure`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(rename_all = "snake_case")]
pub enum OnFailure {
    Ask,
    Continue,
    Stop,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Settings {
    /// `parallelization`: false runs a batch's runs one at a time.
    pub parallel: bool,
    /// At most this many runners at once (None: the whole batch).
    pub max_concurrent: Option<u32>,
    pub on_failure: OnFailure,
    /// Verify the stage goal with the auditor once every run is complete.
    pub auditor: bool,
    pub commit_docs: bool,
    /// `--batch N`: execute this batch only, then stop.
    pub only_batch: Option<u32>,
    /// `agent.retries`: how often and after how long a run the API turned away for
    /// the moment is started again.
    #[serde(default)]
    pub retries: crate::config::Retries,
    /// The project's layout: the names of the files the machine asks the host to
    /// commit, and the words of its messages.
    #[serde(default)]
    pub layout: crate::layout::Layout,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Pending,
    /// A runner (first or continuation) is working on it.
    Running,
    /// The runner said RUN COMPLETE; waiting for the host's evidence check.
    Checking,
    /// Believed; its branch waits to be merged back into the stage. Only then is it done:
    /// a run whose evidence failed is never merged.
    Merging,
    /// Stopped at a human gate, waiting for the user's answer.
    AtGate,
    Done,
    Failed,
    Skipped,
}

impl RunStatus {
    /// Whether an agent process may currently be working on the run.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Running | Self::Checking | Self::Merging)
    }

    pub fn is_settled(self) -> bool {
        matches!(self, Self::Done | Self::Failed | Self::Skipped)
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct RunState {
    pub id: RunId,
    pub batch: u32,
    pub status: RunStatus,
    /// Runners started for this run: the first one plus one per answered gate.
    pub spawns: u32,
    pub gate: Option<GateReached>,
    /// Gates the user answered (a gate run reported as "verified").
    pub gates_passed: u32,
    pub failure: Option<String>,
    /// An answered gate waiting for a free slot to start its continuation runner.
    pub resume: Option<(GateReached, GateResponse)>,
    /// The recap's text, once the run is done (for the reports).
    pub recap: Option<String>,
    pub recap_path: String,
    /// Runners started again because the API turned the last one away.
    pub retries: u32,
    /// What the last runner was started with, to start it again the same way.
    pub prompt: Option<PromptSpec>,
    /// The run's tasks that must each show evidence: every task but its gates.
    pub tasks: Vec<Task>,
    /// Task rows runners reported before a gate. A continuation runner is told to
    /// repeat them, but the rows recorded here count even when it does not.
    pub earlier_rows: Vec<CompletedTask>,
    /// While the evidence is checked: the row that stands for each task.
    pub rows: Vec<CompletedTask>,
    /// The runs it depends on (`depends_on`): when one of them fails or is skipped,
    /// this run is skipped too, "blocked by" it.
    #[serde(default)]
    pub depends_on: Vec<RunId>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Phase {
    Ready,
    /// Executing `batches[index]`.
    Batch {
        index: usize,
    },
    /// The batch at `index` had failures; the user is asked to continue or stop.
    FailureChoice {
        index: usize,
    },
    Auditing,
    ReadingProof,
    HumanVerification,
    Finished {
        outcome: Outcome,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Every run done, goal verified (or auditor off), track updated.
    Completed,
    /// The plan left nothing to execute ("No matching incomplete runs").
    NothingToRun,
    /// `--batch N` finished its batch.
    BatchDone { batch: u32 },
    /// The auditor found gaps (or the user reported issues at verification).
    GapsFound,
    /// Batches ran, but some runs failed or were skipped: the stage is not complete.
    Incomplete,
    /// Every run of a batch failed: something systemic (git, permissions…).
    Systemic { batch: u32 },
    /// The user (or `--on-failure stop`) stopped the stage.
    Stopped { reason: String },
}

/// What pulse.md's renn-owned lines should say now.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Progress {
    pub current_batch: Option<u32>,
    pub last_completed_run: Option<RunId>,
    pub runs_done: usize,
    pub runs_total: usize,
    pub pending_gates: Vec<(RunId, GateReached)>,
    pub status: String,
}

/// The state: the plan's runs and where each one is.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct StageRun {
    pub stage: StageInfo,
    pub settings: Settings,
    /// Batch numbers to execute, in order.
    pub batches: Vec<u32>,
    /// The runs left to execute, in id order.
    pub runs: Vec<RunState>,
    /// Runs of the stage already complete before this execution.
    pub already_complete: Vec<RunId>,
    /// Runs of the stage not in this execution (e.g. not gap closure with --gaps-only).
    pub not_selected: usize,
    pub last_completed: Option<RunId>,
    pub phase: Phase,
    /// Every run of the stage was complete before this execution: it starts at this
    /// step ([`resume`]).
    #[serde(default)]
    pub after_runs: Option<AfterRuns>,
    /// Every answer the user gave, in order (for the report and for pulse.md).
    pub choices: Vec<Choice>,
    /// The stage's proof as found on disk or routed, which may be named otherwise
    /// than `NN-proof.md` (any one `*-proof.md`): the file the docs commit takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof_path: Option<String>,
}

/// One answer of the user's.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Choice {
    Gate { run: RunId, response: GateResponse },
    GiveUp { run: RunId, give_up: GiveUp },
    AfterFailure { choice: FailureChoice },
    Verification { verification: Verification },
}

impl StageRun {
    /// The starting state for a plan. `--batch N` keeps only that batch.
    pub fn new(plan: &Plan, settings: Settings) -> Self {
        let batches: Vec<u32> = plan
            .batches
            .iter()
            .map(|b| b.batch)
            .filter(|b| settings.only_batch.is_none_or(|only| only == *b))
            .collect();
        let runs: Vec<RunState> = plan
            .runs
            .iter()
            .filter(|r| !r.complete && batches.contains(&r.batch))
            .filter(|r| plan.batches.iter().any(|b| b.runs.contains(&r.id)))
            .map(|r| RunState {
                id: r.id.clone(),
                batch: r.batch,
                status: RunStatus::Pending,
                spawns: 0,
                gate: None,
                gates_passed: 0,
                failure: None,
                resume: None,
                recap: None,
                recap_path: crate::recap::path_for_run(&r.path),
                retries: 0,
                prompt: None,
                tasks: r.work.clone(),
                earlier_rows: Vec::new(),
                rows: Vec::new(),
                depends_on: r.depends_on.clone(),
            })
            .collect();
        Self {
            stage: plan.stage.clone(),
            already_complete: plan.skipped.complete.clone(),
            not_selected: plan.runs.len() - plan.skipped.complete.len() - runs.len(),
            last_completed: plan.skipped.complete.last().cloned(),
            settings,
            batches,
            runs,
            phase: Phase::Ready,
            after_runs: None,
            choices: Vec::new(),
            proof_path: None,
        }
    }

    pub fn run(&self, id: &RunId) -> Option<&RunState> {
        self.runs.iter().find(|r| &r.id == id)
    }

    pub fn is_finished(&self) -> bool {
        matches!(self.phase, Phase::Finished { .. })
    }
}

impl StageRun {
    /// The state as JSON, for a host that saves an execution (an editor closing while
    /// a gate waits) and restores it later with [`StageRun::restore`].
    pub fn save(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("a stage state is plain data")
    }

    /// A state saved by [`StageRun::save`] (by any front door: the JSON is the same).
    pub fn restore(value: serde_json::Value) -> Result<Self, crate::Error> {
        serde_json::from_value(value).map_err(|e| {
            crate::Diagnostic::error(Code::BadState, format!("not a saved stage state: {e}"))
                .with_hint("pass back exactly what `save` (or `state`) returned")
                .into()
        })
    }

    /// One step for a host that keeps the state in place (the bindings): the
    /// actions to perform, or an error when the event does not apply now (the
    /// state is then unchanged).
    pub fn step(&mut self, event: Event) -> Result<Vec<Action>, crate::Error> {
        let (state, actions) = next(self.clone(), event)?;
        *self = state;
        Ok(actions)
    }
}
