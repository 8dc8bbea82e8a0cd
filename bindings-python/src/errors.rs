//! renn's failures as Python exceptions: one class per `ErrorKind`, all under
//! `RennError`, carrying the same report the CLI prints with `--json`.

use crate::convert::to_py;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::{create_exception, PyErr};
use renn_core::error::ErrorReport;

create_exception!(
    renn,
    RennError,
    PyException,
    "Every failure of renn: `code`, `message`, `diagnostics`, and `path`, `line`, `column` of the first diagnostic that names a file."
);
create_exception!(
    renn,
    NotInitializedError,
    RennError,
    "No `.renn/` directory."
);
create_exception!(
    renn,
    StageError,
    RennError,
    "The stage or run asked for does not exist or is not a valid number."
);
create_exception!(
    renn,
    PlanError,
    RennError,
    "The stage's plan has errors; every one is in `diagnostics`."
);
create_exception!(
    renn,
    InvalidFileError,
    RennError,
    "A file renn reads is malformed: config.json, a proof, a template, agent output, an event."
);
create_exception!(
    renn,
    RennIoError,
    RennError,
    "A file could not be read, or git or an agent could not be run."
);

/// Adds the exception classes to the module, under the names the core gives them.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("RennError", py.get_type::<RennError>())?;
    m.add("NotInitializedError", py.get_type::<NotInitializedError>())?;
    m.add("StageError", py.get_type::<StageError>())?;
    m.add("PlanError", py.get_type::<PlanError>())?;
    m.add("InvalidFileError", py.get_type::<InvalidFileError>())?;
    m.add("RennIoError", py.get_type::<RennIoError>())?;
    Ok(())
}

/// A renn failure on its way to Python. A local type, so that both the core's and
/// the IO layer's errors can become a `PyErr` with `?`.
pub struct Failure(ErrorReport);

impl From<renn_core::Error> for Failure {
    fn from(e: renn_core::Error) -> Self {
        Failure(ErrorReport::from(&e))
    }
}

impl From<renn_core::Diagnostic> for Failure {
    fn from(d: renn_core::Diagnostic) -> Self {
        renn_core::Error::from(d).into()
    }
}

impl From<renn_host::Error> for Failure {
    fn from(e: renn_host::Error) -> Self {
        Failure(e.report())
    }
}

impl From<Failure> for PyErr {
    fn from(f: Failure) -> Self {
        Python::attach(|py| exception(py, &f.0).unwrap_or_else(|e| e))
    }
}

/// The exception for a report: its class named by the core (`ErrorKind::class_name`),
/// so every binding raises the same class for the same code.
fn exception(py: Python<'_>, report: &ErrorReport) -> PyResult<PyErr> {
    let class = py
        .import(crate::MODULE)?
        .getattr(report.kind().class_name())?;
    let value = class.call1((report.message.as_str(),))?;
    let (path, line, column) = report.location();
    value.setattr("code", &report.code)?;
    value.setattr("message", &report.message)?;
    value.setattr("path", path)?;
    value.setattr("line", line)?;
    value.setattr("column", column)?;
    value.setattr("diagnostics", to_py(py, &report.diagnostics)?)?;
    Ok(PyErr::from_value(value))
}
