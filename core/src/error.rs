//! The failures of renn-core, worded for the person who has to fix the file.

use crate::code::Code;
use crate::diagnostic::Diagnostic;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("project not initialized: no .renn/ or .planning/ directory found")]
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
    pub fn code(&self) -> Code {
        match self {
            Error::NotInitialized => Code::NotInitialized,
            Error::BadStageArgument { .. } => Code::BadStageArgument,
            Error::NoStageDirectory { .. } => Code::NoStageDirectory,
            Error::AmbiguousStage { .. } => Code::AmbiguousStage,
            Error::NoRuns { .. } => Code::NoRuns,
            Error::Invalid(d) => d.code,
            Error::InvalidPlan(_) => Code::InvalidPlan,
        }
    }

    /// Every finding behind this error, as diagnostics (one for most variants).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            Error::Invalid(d) => vec![(**d).clone()],
            Error::InvalidPlan(ds) => ds.clone(),
            Error::NotInitialized => vec![Diagnostic::error(self.code(), self.to_string())
                .with_hint("`renn init` creates one in the project's root (a git repository)")],
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
/// bindings: `{"code": …, "message": …, "diagnostics": […]}`; `code` is the name of
/// a `Code`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorReport {
    /// The name of a `Code`, one of those the README lists (`ErrorReport::code()` gives it).
    #[cfg_attr(feature = "schema", schemars(with = "Code"))]
    pub code: String,
    pub message: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl ErrorReport {
    pub fn new(code: Code, message: String, diagnostics: Vec<Diagnostic>) -> Self {
        Self {
            code: code.name().to_string(),
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

/// The family an error belongs to: the exception class a binding raises for it
/// (`renn.StageError` in Python, `StageError` in JavaScript), all under `RennError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ErrorKind {
    /// No `.renn/` directory.
    NotInitialized,
    /// The stage or run asked for does not exist or is not a valid number.
    Stage,
    /// The stage's plan has errors (every one is in `diagnostics`).
    Plan,
    /// A file renn reads is malformed: config.json, a proof, a template, agent output.
    InvalidFile,
    /// The host could not read a file or run git or an agent (native front doors only).
    Io,
}

impl ErrorKind {
    /// The kind of the code named `code` ([`Code::error_class`]); a name renn does not
    /// know is `InvalidFile`.
    pub fn of(code: &str) -> Self {
        Code::from_name(code).map_or(Self::InvalidFile, Code::error_class)
    }

    /// The class name every binding uses for this kind.
    pub fn class_name(self) -> &'static str {
        match self {
            Self::NotInitialized => "NotInitializedError",
            Self::Stage => "StageError",
            Self::Plan => "PlanError",
            Self::InvalidFile => "InvalidFileError",
            Self::Io => "RennIoError",
        }
    }
}

impl ErrorReport {
    /// The report's code as a [`Code`] (every report renn makes has one).
    pub fn code(&self) -> Option<Code> {
        Code::from_name(&self.code)
    }

    /// The class a binding raises: [`Code::error_class`] of the report's code.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::of(&self.code)
    }

    /// Where the error is: the first diagnostic that names a file, as
    /// `(file, line, column)`; bindings expose it as `.path` and `.line`.
    pub fn location(&self) -> (Option<&str>, Option<u32>, Option<u32>) {
        self.diagnostics
            .iter()
            .find(|d| d.file.is_some())
            .map(|d| (d.file.as_deref(), d.line, d.column))
            .unwrap_or_default()
    }
}
