//! `renn.StageExecution`: a stage's `StageRun`, stepped in place by the host's events.

use crate::convert::{self, to_py};
use crate::errors::Failure;
use pyo3::prelude::*;
use renn_core::execute::{self, Event, StageRun};

/// A stage being executed: feed it events (`{"event": "start"}`…) and perform the
/// actions it returns. Made by `Project.start_stage`.
#[pyclass(module = "renn")]
pub struct StageExecution {
    run: StageRun,
}

impl StageExecution {
    pub fn new(run: StageRun) -> Self {
        Self { run }
    }
}

#[pymethods]
impl StageExecution {
    /// `StageExecution(stage='02', runs='1/6', status='…')`.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let p = execute::progress(&self.run);
        let quote = |s: &str| -> PyResult<String> {
            Ok(pyo3::types::PyString::new(py, s).repr()?.to_string())
        };
        Ok(format!(
            "StageExecution(stage={}, runs={}, status={})",
            quote(&self.run.stage.number.to_string())?,
            quote(&format!("{}/{}", p.runs_done, p.runs_total))?,
            quote(&p.status)?
        ))
    }

    /// An execution saved as its `state()` (by any front door), to go on where it was.
    #[staticmethod]
    fn restore(state: &Bound<'_, PyAny>) -> PyResult<Self> {
        let run = StageRun::restore(convert::to_json(state)?).map_err(Failure::from)?;
        Ok(Self::new(run))
    }

    /// Feeds one event (`{"event": "start"}`, …) and returns the actions to perform.
    /// An event that does not apply now raises (`rejected-event`) and changes nothing.
    fn next<'py>(
        &mut self,
        py: Python<'py>,
        event: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let event = Event::from_json(convert::to_json(event)?).map_err(Failure::from)?;
        let actions = self.run.step(event).map_err(Failure::from)?;
        to_py(py, &actions)
    }

    /// The whole state: runs, phase, choices. Plain data: save it, and `restore` it.
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.run)
    }

    /// Where the execution is: the current batch, runs done of total, gates waiting.
    fn progress<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &execute::progress(&self.run))
    }

    /// pulse.md with renn's lines set for the execution as it stands now.
    fn pulse_text(&self, pulse_md: &str, track_md: Option<&str>, today: &str) -> String {
        self.run.pulse_text(pulse_md, track_md, today)
    }

    /// track.md with this stage marked complete on `today`.
    fn track_text(&self, track_md: &str, today: &str) -> PyResult<String> {
        Ok(self
            .run
            .track_text(track_md, today)
            .map_err(Failure::from)?)
    }
}
