//! `renn run-stage`: drives renn-core's execution state machine with real IO —
//! git, agent processes, the terminal or a script. The machine decides; this module
//! performs its actions and turns what happened back into events.

pub mod event;
mod host;
mod ui;

pub use ui::{exit_text, notice_event, Ui};

use crate::Result;
use renn_core::execute::OnFailure;
use std::path::Path;

/// What the user asked for on the command line.
#[derive(Debug, Clone)]
pub struct Options {
    pub stage: String,
    pub gaps_only: bool,
    pub only_batch: Option<u32>,
    pub dry_run: bool,
    pub on_failure: OnFailure,
    /// `--respond RUN TEXT`: the answer to a gate recorded by an earlier execution
    /// (or `verification` for the human verification of the proof).
    pub respond: Option<(String, String)>,
    /// Questions can be asked on the terminal.
    pub interactive: bool,
    /// `--yes`: accept renn's default where it would ask (reconstruct a missing pulse).
    pub yes: bool,
    /// "Today" for pulse.md and track.md (the host's clock; tests pin it).
    pub today: String,
    /// `--trust`: run the project's own agent command, and remember that for this
    /// repository.
    pub trust: bool,
    /// `renn retry RUN`: only this run executes (with `only_batch` its batch).
    pub only_run: Option<renn_core::run::RunId>,
}

/// How an execution ended; each has its own exit code (documented in the README).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageExit {
    /// The stage is complete (goal verified, track updated), or the requested batch /
    /// dry run is done.
    Done,
    /// Paused: a gate (or the proof's human verification) waits for `--respond`.
    AwaitingResponse,
    /// The auditor found gaps, or the user reported issues at verification.
    GapsFound,
    /// Runs failed or were skipped; the stage is not complete.
    Incomplete,
    /// Stopped by the user, `--on-failure stop`, a systemic failure or an interrupt.
    Stopped,
}

impl StageExit {
    pub fn code(&self) -> u8 {
        match self {
            StageExit::Done => 0,
            StageExit::Incomplete => 3,
            StageExit::AwaitingResponse => 4,
            StageExit::GapsFound => 5,
            StageExit::Stopped => 6,
        }
    }
}

/// Runs (or resumes) the stage in the project at `dir` (or the nearest one above the
/// current directory).
pub fn run_stage(dir: Option<&Path>, opts: &Options, ui: &mut dyn Ui) -> Result<StageExit> {
    host::Host::prepare(dir, opts, ui)?.execute()
}
