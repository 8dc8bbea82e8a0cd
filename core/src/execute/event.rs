//! What happens to an execution, as the host tells it: the events, and how a user's
//! typed answers become events.

use super::RunBranch;
use crate::code::Code;
use crate::gate::GateResponse;
use crate::proof::Proof;
use crate::run::{GateKind, RunId};
use serde::{Deserialize, Serialize};

/// How an agent process ended.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "exit", rename_all = "snake_case")]
pub enum Exit {
    Success,
    Failed { code: Option<i32> },
    TimedOut { seconds: u64 },
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(rename_all = "snake_case")]
pub enum FailureChoice {
    /// Go on with the remaining batches; the failed runs' dependents are skipped.
    Continue,
    Stop,
    /// Start the failed runs of the batch again.
    Retry,
}

impl FailureChoice {
    /// Reads the answer to "continue with remaining batches, or stop?": only a clear
    /// "continue" goes on; anything else (no answer included) stops, which loses nothing.
    pub fn read(text: Option<&str>) -> Self {
        match text.map(|t| t.trim().to_ascii_lowercase()).as_deref() {
            Some("c" | "continue" | "skip") => Self::Continue,
            Some("r" | "retry") => Self::Retry,
            _ => Self::Stop,
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(rename_all = "snake_case")]
pub enum GiveUp {
    /// Skip this run; the batch goes on.
    Skip,
    /// Abort the stage.
    Abort,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
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

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
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

/// An event that does not fit the state (a host bug, or a stale answer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event {event} does not apply now: {reason}")]
pub struct Rejected {
    pub event: String,
    pub reason: String,
}

impl From<Rejected> for crate::Error {
    fn from(r: Rejected) -> Self {
        crate::Diagnostic::error(Code::RejectedEvent, r.to_string())
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
            crate::Diagnostic::error(Code::BadEvent, format!("not a stage event: {e}"))
                .with_hint("events are objects tagged by \"event\", e.g. {\"event\": \"start\"}; see docs/api.md")
                .into()
        })
    }
}
