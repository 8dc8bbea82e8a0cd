//! What differs between systems in starting and stopping an agent's process tree.
//!
//! - Unix: the agent leads a process group of its own (`setpgid`); its tree is stopped
//!   with `killpg` (SIGTERM, then SIGKILL after [`super::GRACE`]), single processes
//!   with `kill`.
//! - Windows: the agent is started in a process group of its own
//!   (`CREATE_NEW_PROCESS_GROUP`, which keeps the console's Ctrl-C away from it) and
//!   assigned to a job object of its own with `JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE`;
//!   its tree is stopped with `TerminateJobObject`, single processes with
//!   `TerminateProcess`. Windows has no gentle stop for a console process tree, so both
//!   steps end processes at once (no grace period). Compiled and type-checked for
//!   `x86_64-pc-windows-gnu`, not run: renn's tests run on Unix.
//!
//! [`Tree`] is an agent's tree; [`prepare`] sets up its command; [`stop_pid`] stops one
//! process found by its mark ([`super::tree`]).

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub(super) use unix::{exit_code, prepare, stop_pid, Tree};

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub(super) use windows::{exit_code, prepare, stop_pid, Tree};

/// How hard to stop a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// SIGTERM on Unix: the process may save its state and exit. On Windows the same as
    /// [`Stop::Kill`].
    Term,
    /// SIGKILL on Unix, `TerminateProcess` / `TerminateJobObject` on Windows.
    Kill,
}
