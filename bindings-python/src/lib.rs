//! The `renn` Python package's native module, `renn._renn`: renn-core's API with
//! Python names (docs/api.md). It only converts values and errors; every rule and
//! default is the core's, and `Project.load` reads the disk through `renn_host`.

mod convert;
mod errors;
mod execution;
mod project;
mod stage;

use convert::to_py;
use errors::Failure;
use pyo3::prelude::*;
use renn_core::project::ProofView;
use renn_core::returns;

/// The native module's import name (pyproject.toml's `module-name`).
const MODULE: &str = "renn._renn";

/// An agent's output: its RUN COMPLETE or GATE REACHED block. `file` names the
/// output in the error when there is no usable block.
#[pyfunction]
#[pyo3(signature = (output, file = None))]
fn parse_return<'py>(
    py: Python<'py>,
    output: &str,
    file: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let parsed = returns::parse_output(file, output).map_err(Failure::from)?;
    to_py(py, &parsed)
}

/// A proof's text, checked against the safety rule and routed.
#[pyfunction]
#[pyo3(signature = (text, *, path, stage, title))]
fn route_proof<'py>(
    py: Python<'py>,
    text: &str,
    path: &str,
    stage: &str,
    title: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let view = ProofView::from_text(path, text, stage, title).map_err(Failure::from)?;
    to_py(py, &view)
}

#[pymodule]
fn _renn(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<project::Project>()?;
    m.add_class::<execution::StageExecution>()?;
    m.add_class::<stage::StageRun>()?;
    m.add_function(wrap_pyfunction!(parse_return, m)?)?;
    m.add_function(wrap_pyfunction!(route_proof, m)?)?;
    errors::register(m)
}
