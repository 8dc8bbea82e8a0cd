//! `Project.run_stage`: a whole stage executed on renn-host, the CLI's own host
//! (agents, worktrees, git, gates, resume). The `StageRun` it returns is an iterator
//! of the events `renn --json run-stage` prints, plus `question` events that wait for
//! `respond()`.

use crate::convert::to_py;
use crate::errors::Failure;
use pyo3::exceptions::PyStopIteration;
use pyo3::prelude::*;
use renn_host::drive::{Options, Session, SessionEvent, StageExit};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

/// How long one wait for an event lasts before Python's signals are looked at: Ctrl-C
/// stops the stage within this.
const TICK: Duration = Duration::from_millis(100);

/// A stage being executed. Iterate it for its events (dicts, as `renn --json
/// run-stage` prints them); answer a `question` event with `respond()`; `stop()`
/// stops it as Ctrl-C stops the CLI. `result` is set once the iteration ends.
#[pyclass(frozen, module = "renn")]
pub struct StageRun {
    session: Session,
    stage: String,
    /// How the stage ended, once it has.
    exit: Mutex<Option<StageExit>>,
}

#[pymethods]
impl StageRun {
    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        loop {
            if self.exit.lock().map(|e| e.is_some()).unwrap_or(true) && self.session.ended() {
                return Err(PyStopIteration::new_err(()));
            }
            let event = py.detach(|| self.session.next_event(TICK));
            if let Err(interrupt) = py.check_signals() {
                // Ctrl-C in Python stops the stage; its last events can still be read.
                self.session.stop();
                return Err(interrupt);
            }
            match event {
                Some(SessionEvent::Event(value)) => return to_py(py, &value),
                Some(SessionEvent::Finished(result)) => {
                    let exit = result.map_err(Failure::from)?;
                    *self.exit.lock().unwrap_or_else(|p| p.into_inner()) = Some(exit);
                    return Err(PyStopIteration::new_err(()));
                }
                None if self.session.ended() => return Err(PyStopIteration::new_err(())),
                None => {}
            }
        }
    }

    /// Answers the waiting question with the words a person would type in the
    /// terminal: `"approved"`, an option, the issues; `"retry"` / `"continue"` /
    /// `"stop"` after a failure.
    fn respond(&self, answer: &str) -> PyResult<()> {
        Ok(self.session.respond(answer).map_err(Failure::from)?)
    }

    /// Stops the stage: agents stopped, the state kept for a later `run_stage`.
    fn stop(&self) {
        self.session.stop();
    }

    /// The question waiting for `respond()`, or None.
    #[getter]
    fn question<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.session.question())
    }

    /// How the stage ended — `{"exit": "done" | "awaiting_response" | "gaps_found" |
    /// "incomplete" | "stopped", "code": <the CLI's exit code>}` — or None while it runs.
    #[getter]
    fn result<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let exit = *self.exit.lock().unwrap_or_else(|p| p.into_inner());
        to_py(
            py,
            &exit.map(|e| serde_json::json!({ "exit": e, "code": e.code() })),
        )
    }

    /// Runs the stage to its end, handing each event to `on_event` (if given); returns
    /// `result`.
    #[pyo3(signature = (on_event = None))]
    fn wait<'py>(
        slf: &Bound<'py, Self>,
        on_event: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        loop {
            match slf.get().__next__(py) {
                Ok(event) => {
                    if let Some(f) = &on_event {
                        f.call1((event,))?;
                    }
                }
                Err(e) if e.is_instance_of::<PyStopIteration>(py) => break,
                Err(e) => return Err(e),
            }
        }
        slf.get().result(py)
    }

    fn __repr__(&self) -> String {
        let exit = *self.exit.lock().unwrap_or_else(|p| p.into_inner());
        match exit {
            Some(e) => format!("StageRun(stage='{}', exit='{}')", self.stage, exit_name(e)),
            None => format!("StageRun(stage='{}', running)", self.stage),
        }
    }
}

fn exit_name(exit: StageExit) -> String {
    serde_json::to_value(exit)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// What `Project.run_stage` takes, as `renn run-stage`'s flags.
pub struct RunOptions {
    pub gaps_only: bool,
    pub only_batch: Option<u32>,
    pub on_failure: Option<String>,
    pub interactive: bool,
    pub respond: Option<(String, String)>,
    pub trust: bool,
    pub yes: bool,
    pub dry_run: bool,
    pub renn: Option<PathBuf>,
    pub today: Option<String>,
}

/// Starts `stage` of the project at `root`.
pub fn start(root: PathBuf, stage: &str, o: RunOptions) -> PyResult<StageRun> {
    let mut opts = Options::new(stage);
    opts.gaps_only = o.gaps_only;
    opts.only_batch = o.only_batch;
    if let Some(on_failure) = o.on_failure {
        opts.on_failure = crate::project::parse_on_failure(&on_failure)?;
    }
    opts.interactive = o.interactive;
    opts.respond = o.respond;
    opts.trust = o.trust;
    opts.yes = o.yes;
    opts.dry_run = o.dry_run;
    opts.renn = o.renn;
    if let Some(today) = o.today {
        opts.today = today;
    }
    let session = Session::start(root, opts).map_err(Failure::from)?;
    Ok(StageRun {
        session,
        stage: stage.to_string(),
        exit: Mutex::new(None),
    })
}
