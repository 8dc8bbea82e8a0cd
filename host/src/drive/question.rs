//! The questions an execution asks a person, as values: a front door shows them its
//! own way (the terminal's prompt, an editor's dialog) and answers with text that the
//! core reads (`gate::Answer`, `FailureChoice::read`, `Verification::read`).

use renn_core::run::GateKind;
use schemars::JsonSchema;
use serde::Serialize;

/// One question, with the words the terminal shows for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Question {
    /// A run stopped at a gate: "approved", "done", a choice, the issues; or `skip` /
    /// `abort`.
    Gate {
        run: String,
        gate: GateKind,
        /// The gate's details as the agent wrote them (markdown).
        details: String,
        text: String,
    },
    /// Runs failed and the failure policy is "ask": `retry`, `continue` or `stop`.
    Failure {
        failed: Vec<FailedRun>,
        text: String,
    },
    /// The proof lists checks only a person can make: `approved`, or the issues.
    Verification { checks: Vec<String>, text: String },
    /// The project's config runs its own agent command, which renn runs only once
    /// trusted: `y` trusts it for this repository from now on.
    Trust { command: Vec<String>, text: String },
    /// pulse.md is missing: `1` reconstructs it, `2` continues without it.
    Pulse { text: String },
}

/// A failed run named in a failure question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FailedRun {
    pub run: String,
    pub why: String,
}

impl Question {
    /// The question as the terminal asks it.
    pub fn text(&self) -> &str {
        match self {
            Question::Gate { text, .. }
            | Question::Failure { text, .. }
            | Question::Verification { text, .. }
            | Question::Trust { text, .. }
            | Question::Pulse { text } => text,
        }
    }
}
