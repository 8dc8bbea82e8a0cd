//! The stage execution state machine: `next(state, event) -> (state, actions)`.
//!
//! Everything the seed does between "spawn" and "offer next", with no IO: the host
//! (the CLI, or an editor through a binding) performs the actions — spawning agents,
//! checking evidence, asking the user, writing files — and feeds back what happened
//! as events. The rules live here, once, tested exhaustively.

mod branch;
mod evidence;
pub mod failure;
pub mod render;
mod resume;
mod step;
#[cfg(test)]
mod tests;

use crate::gate::GateResponse;
use crate::plan::{Plan, StageInfo};
use crate::proof::Proof;
use crate::returns::{CompletedTask, GateReached};
use crate::run::{GateKind, RunId, Task};
use serde::{Deserialize, Serialize};

pub use branch::RunBranch;
pub use resume::{after_runs, resume, AfterRuns, FileOnDisk, StageOnDisk};
pub use step::{next, progress};

/// What to do when a run fails (`--on-failure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(rename_all = "snake_case")]
pub enum OnFailure {
    Ask,
    Continue,
    Stop,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
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
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
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

/// How an agent process ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "exit", rename_all = "snake_case")]
pub enum Exit {
    Success,
    Failed { code: Option<i32> },
    TimedOut { seconds: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(rename_all = "snake_case")]
pub enum FailureChoice {
    Continue,
    Stop,
}

impl FailureChoice {
    /// Reads the answer to "continue with remaining batches, or stop?": only a clear
    /// "continue" goes on; anything else (no answer included) stops, which loses nothing.
    pub fn read(text: Option<&str>) -> Self {
        match text.map(|t| t.trim().to_ascii_lowercase()).as_deref() {
            Some("c" | "continue") => Self::Continue,
            _ => Self::Stop,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(rename_all = "snake_case")]
pub enum GiveUp {
    /// Skip this run; the batch goes on.
    Skip,
    /// Abort the stage.
    Abort,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "answer", content = "issues", rename_all = "snake_case")]
pub enum Verification {
    Approved,
    Issues(String),
}

impl Verification {
    /// Reads what the user typed at the proof's human verification: approval as at a
    /// human-verify gate, anything else the issues they found. Empty text is `None`.
    pub fn read(text: &str) -> Option<Self> {
        match GateResponse::interpret(GateKind::HumanVerify, text)? {
            GateResponse::Approved => Some(Self::Approved),
            _ => Some(Self::Issues(text.trim().to_string())),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    Start,
    /// A runner process ended; `output` is everything it printed on stdout, `stderr`
    /// the end of what it printed there (its error messages).
    RunnerExited {
        run: RunId,
        output: String,
        exit: Exit,
        #[serde(default)]
        stderr: String,
    },
    /// The host's spot-check after RUN COMPLETE, facts only: the recap's text if it
    /// exists, the listed commits that do not exist in the repository, and those that
    /// exist but were not made by this run (not on its branch after the commit it
    /// started from). A host that cannot tell leaves `outside_run` empty. For a run that
    /// worked on a branch of its own, `branch` says so and whether that branch still holds
    /// the commit it was made from; the facts are then read from the branch, before it is
    /// merged.
    Evidence {
        run: RunId,
        recap: Option<String>,
        missing_commits: Vec<String>,
        #[serde(default)]
        outside_run: Vec<String>,
        #[serde(default)]
        branch: Option<RunBranch>,
    },
    /// A believed run's branch was merged back into the stage (after `MergeBack`).
    Merged {
        run: RunId,
    },
    /// The runner did what is not its to do (switched the main tree's branch): the run
    /// fails with `reason`, whatever it printed.
    RunnerOverstepped {
        run: RunId,
        reason: String,
    },
    /// An isolated run's branch could not be merged back: the run fails, its branch
    /// stays for the user.
    MergeConflict {
        run: RunId,
        branch: String,
        files: Vec<String>,
    },
    GateAnswered {
        run: RunId,
        response: GateResponse,
    },
    GateUnresolved {
        run: RunId,
        give_up: GiveUp,
    },
    FailureChosen {
        choice: FailureChoice,
    },
    AuditorExited {
        output: String,
        exit: Exit,
        #[serde(default)]
        stderr: String,
    },
    /// The proof the auditor wrote, or why it could not be read.
    ProofRead {
        proof: Result<Proof, String>,
    },
    HumanVerified {
        verification: Verification,
    },
}

/// What a runner is started with; the host renders it with the prompt templates.
// A handful of these exist at a time; boxing would only add noise at every match.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "prompt", rename_all = "snake_case")]
pub enum PromptSpec {
    Runner,
    Continuation {
        gate: GateReached,
        response: GateResponse,
    },
}

/// Things worth telling the user (and an editor's event stream), in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum Notice {
    BatchStarted {
        batch: u32,
        runs: Vec<RunId>,
    },
    RunCompleted {
        run: RunId,
    },
    RunFailed {
        run: RunId,
        reason: String,
    },
    /// The API turned the runner away for the moment: it starts again after a wait.
    RunRetrying {
        run: RunId,
        reason: String,
        attempt: u32,
        after_secs: u64,
    },
    GateReached {
        run: RunId,
        gate: GateKind,
    },
    GateResolved {
        run: RunId,
        response: GateResponse,
    },
    /// A gate the user answered before the last execution was cut short: its
    /// continuation starts again with that answer.
    ContinuationResumed {
        run: RunId,
        response: GateResponse,
    },
    RunSkipped {
        run: RunId,
    },
    BatchCompleted {
        batch: u32,
    },
    StageSummary,
    /// Every run was complete before this execution: it resumes at the step an
    /// interrupted one did not finish.
    Resumed {
        #[serde(flatten)]
        at: AfterRuns,
    },
    ProofRouted {
        proof: Proof,
    },
    DocsCommitSkipped,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    Notify(Notice),
    /// Start a runner, `after_secs` from now (a retry's backoff; 0: at once).
    SpawnRunner {
        run: RunId,
        prompt: PromptSpec,
        #[serde(skip_serializing_if = "is_zero")]
        after_secs: u64,
    },
    /// Check that the recap exists and that each listed commit exists and was made by
    /// this run (on its branch, after the commit it started from); answer `Evidence`.
    CheckEvidence {
        run: RunId,
        recap_path: String,
        commits: Vec<String>,
    },
    /// Show the gate and ask the user; answer `GateAnswered` or `GateUnresolved`.
    AskGate {
        run: RunId,
        gate: GateReached,
    },
    /// Merge the run's branch back into the stage; answer `Merged` or `MergeConflict`.
    /// A host may wait to merge several runs of a batch together, in run-id order.
    MergeBack {
        run: RunId,
        branch: String,
    },
    /// The run failed: nothing of it may make it count as complete later. The host
    /// renames its recap, if the run's tree holds one, to `rejected_path` (committing the
    /// rename when the recap was committed), and keeps a branch of the run's own under a
    /// name no later execution resumes or merges, telling the user where it is.
    SetAside {
        run: RunId,
        recap_path: String,
        rejected_path: String,
    },
    /// Ask "continue with remaining batches, or stop?"; answer `FailureChosen`.
    AskFailure {
        failed: Vec<(RunId, String)>,
    },
    SpawnAuditor,
    /// Read the stage's proof.md; answer `ProofRead`.
    ReadProof,
    /// Show the checklist; answer `HumanVerified`.
    AskVerification {
        checklist: Vec<String>,
    },
    /// Record the position in pulse.md (renn's own section).
    RecordProgress(Progress),
    /// Mark the stage complete in track.md.
    UpdateTrack,
    /// `git add` exactly `files` (and `if_changed` when git reports them modified),
    /// then commit with `message`.
    Commit {
        files: Vec<String>,
        if_changed: Vec<String>,
        message: String,
    },
    OfferNext,
    Finish(Outcome),
}

/// What pulse.md's renn-owned lines should say now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Progress {
    pub current_batch: Option<u32>,
    pub last_completed_run: Option<RunId>,
    pub runs_done: usize,
    pub runs_total: usize,
    pub pending_gates: Vec<(RunId, GateReached)>,
    pub status: String,
}

/// The state: the plan's runs and where each one is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
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
}

/// One answer of the user's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
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
        }
    }

    pub fn run(&self, id: &RunId) -> Option<&RunState> {
        self.runs.iter().find(|r| &r.id == id)
    }

    pub fn is_finished(&self) -> bool {
        matches!(self.phase, Phase::Finished { .. })
    }
}

/// An event that does not fit the state (a host bug, or a stale answer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event {event} does not apply now: {reason}")]
pub struct Rejected {
    pub event: String,
    pub reason: String,
}

impl From<Rejected> for crate::Error {
    fn from(r: Rejected) -> Self {
        crate::Diagnostic::error("rejected-event", r.to_string())
            .with_hint("send the event the last actions asked for")
            .into()
    }
}

impl Event {
    /// The event for what the user answered at `run`'s gate.
    pub fn answered(run: RunId, answer: crate::gate::Answer) -> Self {
        use crate::gate::Answer;
        match answer {
            Answer::Respond { response } => Self::GateAnswered { run, response },
            Answer::Skip => Self::GateUnresolved {
                run,
                give_up: GiveUp::Skip,
            },
            Answer::Abort => Self::GateUnresolved {
                run,
                give_up: GiveUp::Abort,
            },
        }
    }

    /// An event handed in by a binding as plain data (`{"event": "start"}`).
    pub fn from_json(value: serde_json::Value) -> Result<Self, crate::Error> {
        serde_json::from_value(value).map_err(|e| {
            crate::Diagnostic::error("bad-event", format!("not a stage event: {e}"))
                .with_hint("events are objects tagged by \"event\", e.g. {\"event\": \"start\"}; see docs/api.md")
                .into()
        })
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
            crate::Diagnostic::error("bad-state", format!("not a saved stage state: {e}"))
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

fn is_zero(n: &u64) -> bool {
    *n == 0
}
