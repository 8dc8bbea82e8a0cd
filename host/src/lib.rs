//! renn's one Rust home of IO. The `renn` binary and the native bindings build
//! renn-core's [`renn_core::Snapshot`] from disk here, and nowhere else.
use renn_core::Code;

pub mod agent;
pub mod disk;
pub mod drive;
pub mod fsio;
pub mod git;
pub mod json;
pub mod lifecycle;
pub mod lock;
pub mod runtime;
pub mod trust;

pub use disk::{find_root, load_project, open_project, ProjectDir};

/// Failures of the IO layer; core failures pass through unchanged.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot access {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Core(#[from] renn_core::Error),
    /// No `.renn/` at or above the directory searched (`renn` without `--dir`).
    #[error("project not initialized: no .renn/ or .planning/ directory in {start} or any directory above it")]
    NotInitialized {
        start: String,
        /// The directory is inside a git work tree.
        in_git: bool,
    },
    /// An agent's program could not be started (not found, not executable, …).
    #[error("cannot start the agent `{program}`: {source}; install it, or set `agent.command` in .renn/config.json (e.g. [\"{{renn}}\", \"demo-agent\", \"{{agent}}\", \"{{run_id}}\"] for the built-in demo agent)")]
    AgentSpawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    /// `agent.runtime` cannot start a job as configured.
    #[error("{why}")]
    Runtime { why: String },
    /// Another renn holds the project's lock.
    #[error("another renn is running on this project{}; wait for it to finish, or stop it (its lock: {path})", .holder.as_ref().map(|h| format!(" ({})", h.describe())).unwrap_or_default())]
    Busy {
        holder: Option<lock::Holder>,
        path: String,
    },
    /// A git command failed; `stderr` is git's own message (its stdout when stderr is empty).
    #[error("git {args} failed ({}): {}", git::exit_text(.code), git::first_lines(.stderr))]
    Git {
        args: String,
        code: Option<i32>,
        stderr: String,
    },
}

impl Error {
    pub fn code(&self) -> Code {
        match self {
            Error::Io { .. } => Code::Io,
            Error::Core(e) => e.code(),
            Error::NotInitialized { .. } => Code::NotInitialized,
            Error::AgentSpawn { .. } => Code::AgentSpawn,
            Error::Runtime { .. } => Code::RuntimeConfig,
            Error::Git { .. } => Code::Git,
            Error::Busy { .. } => Code::Busy,
        }
    }

    /// The process exit code: 7 when another renn holds the project, else 1.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Busy { .. } => 7,
            _ => 1,
        }
    }

    /// The JSON shape of an error shared by `--json` and the bindings.
    pub fn report(&self) -> renn_core::error::ErrorReport {
        renn_core::error::ErrorReport::new(self.code(), self.to_string(), self.diagnostics())
    }

    pub fn diagnostics(&self) -> Vec<renn_core::Diagnostic> {
        match self {
            Error::Core(e) => e.diagnostics(),
            Error::AgentSpawn { .. } => {
                vec![renn_core::Diagnostic::error(
                    Code::AgentSpawn,
                    self.to_string(),
                )]
            }
            Error::Runtime { .. } => {
                vec![
                    renn_core::Diagnostic::error(Code::RuntimeConfig, self.to_string())
                        .with_hint("set it in agent.runtime (docs/spec.md#runtimes)"),
                ]
            }
            Error::Io { path, .. } => {
                vec![renn_core::Diagnostic::error(Code::Io, self.to_string()).in_file(path.clone())]
            }
            Error::Git { .. } => vec![renn_core::Diagnostic::error(Code::Git, self.to_string())],
            Error::NotInitialized { in_git, .. } => {
                let hint = if *in_git {
                    "`renn init` creates one (run it in the repository's top directory), or pass --dir DIR"
                } else {
                    "this is not inside a git repository either: `git init` first, then `renn init`"
                };
                vec![
                    renn_core::Diagnostic::error(Code::NotInitialized, self.to_string())
                        .with_hint(hint),
                ]
            }
            Error::Busy { path, .. } => {
                vec![renn_core::Diagnostic::error(Code::Busy, self.to_string())
                    .in_file(path.clone())]
            }
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<renn_core::Diagnostic> for Error {
    fn from(d: renn_core::Diagnostic) -> Self {
        Error::Core(d.into())
    }
}
