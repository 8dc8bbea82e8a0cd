//! The failures of renn-core, worded for the person who has to fix the file.

use crate::diagnostic::Diagnostic;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("project not initialized: no .renn/ directory found")]
    NotInitialized,

    #[error("'{arg}' is not a stage number (expected a number such as 3, 03, 2.1, 03.1.2 or 12A)")]
    BadStageArgument { arg: String },

    #[error("No stage directory matching '{arg}'")]
    NoStageDirectory { arg: String },

    #[error("stage '{arg}' matches more than one directory: {}", dirs.join(", "))]
    AmbiguousStage { arg: String, dirs: Vec<String> },

    #[error("No runs found in {dir}")]
    NoRuns { dir: String },

    /// A single malformed file (config.json, a branch template...).
    #[error("{}", .0.one_line())]
    Invalid(Box<Diagnostic>),

    /// The stage's plan has errors; every one of them is listed.
    #[error("the plan has {} error(s):\n{}", count_errors(.0), crate::diagnostic::render(.0).trim_end())]
    InvalidPlan(Vec<Diagnostic>),
}

fn count_errors(ds: &[Diagnostic]) -> usize {
    ds.iter().filter(|d| d.is_error()).count()
}

impl Error {
    /// A stable identifier for scripts and bindings.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotInitialized => "not-initialized",
            Error::BadStageArgument { .. } => "bad-stage-argument",
            Error::NoStageDirectory { .. } => "no-stage-directory",
            Error::AmbiguousStage { .. } => "ambiguous-stage",
            Error::NoRuns { .. } => "no-runs",
            Error::Invalid(d) => d.code,
            Error::InvalidPlan(_) => "invalid-plan",
        }
    }

    /// Every finding behind this error, as diagnostics (one for most variants).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            Error::Invalid(d) => vec![(**d).clone()],
            Error::InvalidPlan(ds) => ds.clone(),
            Error::NoRuns { dir } => {
                vec![Diagnostic::error(self.code(), self.to_string()).in_file(dir.clone())]
            }
            other => vec![Diagnostic::error(other.code(), other.to_string())],
        }
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::Invalid(Box::new(d))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The serialisable form of an error, identical across the CLI's `--json` and the
/// bindings: `{"code": …, "message": …, "diagnostics": […]}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ErrorReport {
    pub code: String,
    pub message: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl ErrorReport {
    pub fn new(code: &str, message: String, diagnostics: Vec<Diagnostic>) -> Self {
        Self {
            code: code.to_string(),
            message,
            diagnostics,
        }
    }
}

impl From<&Error> for ErrorReport {
    fn from(e: &Error) -> Self {
        Self::new(e.code(), e.to_string(), e.diagnostics())
    }
}
