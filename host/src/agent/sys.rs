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
//!
//! Why not the `process-wrap` crate (process groups on Unix, job objects on Windows):
//! renn's waiter thread owns the `Child` and blocks in `wait()`, so an exit is seen at
//! once, while the watchdog, [`super::Running::kill`] and the leftovers sweep stop the
//! tree from other threads. process-wrap's wrappers take `&mut self` to wait and to
//! kill (its `kill` is SIGKILL only, with no grace), so those threads would still need
//! the raw group id or job handle — what this module keeps. Its release 10.0 also
//! needs Rust 1.87 (the workspace's MSRV is 1.85) and brings `nix`, `windows` and
//! `tracing`. The job-object calls here are the ones process-wrap makes, without
//! suspending the child first.

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
