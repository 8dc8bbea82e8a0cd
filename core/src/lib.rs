//! renn-core: the pure part of renn. Every function here is a function of a
//! [`Snapshot`] (file paths and contents handed in by the host) and returns values;
//! nothing reads a disk, starts a process, looks at the environment or the clock.

pub mod batch;
pub(crate) mod branch;
pub mod code;
pub mod config;
pub mod diagnostic;
pub mod error;
pub mod execute;
pub(crate) mod frontmatter;
pub mod gate;
pub mod init;
pub mod inventory;
pub mod layout;
pub mod markdown;
pub mod models;
pub mod next;
pub mod permissions;
pub mod plan;
pub mod position;
pub mod preflight;
pub mod project;
pub mod prompt;
pub mod proof;
pub mod pulse;
pub mod recap;
pub(crate) mod report;
pub mod returns;
pub mod run;
#[cfg(feature = "schema")]
pub mod schema;
pub mod snapshot;
pub mod stage;
pub mod track;

pub use code::Code;
pub use config::Config;
pub use diagnostic::{Diagnostic, Position, Severity};
pub use error::{Error, Result};
pub use layout::{Layout, Vocabulary};
pub use plan::{Plan, PlanOptions};
pub use project::Project;
pub use snapshot::{FileContent, Snapshot};
pub use stage::{StageDir, StageNumber};
