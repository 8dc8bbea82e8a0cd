//! renn-core: the pure part of renn. Every function here is a function of a
//! [`Snapshot`] (file paths and contents handed in by the host) and returns values;
//! nothing reads a disk, starts a process, looks at the environment or the clock.

pub mod diagnostic;
pub mod error;
pub mod frontmatter;
pub mod run;
pub mod snapshot;
pub mod stage;

pub use diagnostic::{Diagnostic, Position, Severity};
pub use error::{Error, Result};
pub use snapshot::{FileContent, Snapshot};
pub use stage::{StageDir, StageNumber};
