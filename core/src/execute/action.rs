//! What the host must do: the actions of a step, and the notices worth telling.

use super::{AfterRuns, Outcome, Progress};
use crate::gate::GateResponse;
use crate::proof::Proof;
use crate::returns::GateReached;
use crate::run::{GateKind, RunId};
use serde::{Deserialize, Serialize};

/// What a runner is started with; the host renders it with the prompt templates.
// A handful of these exist at a time; boxing would only add noise at every match.
#[allow(clippy::large_enum_variant)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
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
    /// A run one of whose dependencies failed or was skipped: it is skipped, since
    /// `depends_on` says it needs that run's work.
    RunBlocked {
        run: RunId,
        by: RunId,
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

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
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

fn is_zero(n: &u64) -> bool {
    *n == 0
}
