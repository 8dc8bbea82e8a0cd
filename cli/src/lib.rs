//! renn's one Rust home of IO. The `renn` binary and the native bindings build
//! renn-core's [`renn_core::Snapshot`] from disk here, and nowhere else.

pub mod disk;

pub use disk::{find_root, open_project, ProjectDir};

/// Failures of the IO layer; core failures pass through unchanged.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Core(#[from] renn_core::Error),
}

impl Error {
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::Core(e) => e.code(),
        }
    }

    /// The JSON shape of an error shared by `--json` and the bindings.
    pub fn report(&self) -> renn_core::error::ErrorReport {
        renn_core::error::ErrorReport::new(self.code(), self.to_string(), self.diagnostics())
    }

    pub fn diagnostics(&self) -> Vec<renn_core::Diagnostic> {
        match self {
            Error::Core(e) => e.diagnostics(),
            Error::Io { path, .. } => {
                vec![renn_core::Diagnostic::error("io", self.to_string()).in_file(path.clone())]
            }
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
