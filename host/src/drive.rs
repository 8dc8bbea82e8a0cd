//! `renn run-stage`: drives renn-core's execution state machine with real IO —
//! git, agent processes, the terminal or a script. The machine decides; this module
//! performs its actions and turns what happened back into events.

pub mod event;
mod host;
mod question;
mod session;
mod stop;
mod ui;

pub use question::{FailedRun, Question};
pub use session::{Session, SessionEvent};
pub use stop::Stop;
pub use ui::{exit_text, notice_event, Ui};

use crate::Result;
use renn_core::execute::OnFailure;
use std::path::{Path, PathBuf};

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
    /// What stops the execution cleanly (agents stopped, state resumable).
    pub stop: Stop,
    /// The `renn` program for `{renn}` in agent command lines; `None`: this process
    /// when it is renn, else `renn` on PATH.
    pub renn: Option<PathBuf>,
}

impl Options {
    /// The options of `renn run-stage STAGE` with no flags, today as the host's
    /// clock says ([`today`]).
    pub fn new(stage: impl Into<String>) -> Options {
        Options {
            stage: stage.into(),
            gaps_only: false,
            only_batch: None,
            dry_run: false,
            on_failure: OnFailure::Ask,
            respond: None,
            interactive: false,
            yes: false,
            today: today(),
            trust: false,
            only_run: None,
            stop: Stop::new(),
            renn: None,
        }
    }
}

/// How an execution ended; each has its own exit code (documented in the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
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

/// The program `{renn}` names in agent command lines (`explicit`: `Options::renn`);
/// `renn doctor` checks the same program.
pub(crate) fn renn_program(explicit: Option<&Path>) -> String {
    if let Some(p) = explicit {
        return p.display().to_string();
    }
    // In a binding the process is node or python: renn is then the one on PATH.
    match std::env::current_exe() {
        Ok(p) if p.file_stem().is_some_and(|s| s == "renn") => p.display().to_string(),
        _ => "renn".into(),
    }
}

/// Today's date (UTC) as YYYY-MM-DD; `RENN_TODAY` pins it (tests, reproducible runs).
pub fn today() -> String {
    if let Ok(d) = std::env::var("RENN_TODAY") {
        return d;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date(secs / 86_400)
}

/// Days since 1970-01-01 → proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_date(0), "1970-01-01");
        assert_eq!(super::civil_date(20_416), "2025-11-24");
        assert_eq!(super::civil_date(11_016), "2000-02-29");
    }
}
