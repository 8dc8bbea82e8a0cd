//! Process groups and signals.

use super::Stop;
use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus};

/// The exit code, `None` when a signal ended the process.
pub(in crate::agent) fn exit_code(status: &ExitStatus) -> Option<i32> {
    status.code()
}

/// The agent leads a process group of its own: its tree can be signalled as one, and
/// the terminal's Ctrl-C (sent to the terminal's foreground group) does not reach it.
pub(in crate::agent) fn prepare(command: &mut Command) {
    command.process_group(0);
}

/// An agent's process group. The agent is the group's leader, so the group id is the
/// agent's pid; once the agent is reaped and the rest of its group is gone, the system
/// may hand that id out again, so [`super::super::group`] signals nothing after that.
#[derive(Debug)]
pub(in crate::agent) struct Tree {
    pgid: libc::pid_t,
}

impl Tree {
    pub(in crate::agent) fn of(child: &Child) -> Tree {
        Tree {
            pgid: child.id() as libc::pid_t,
        }
    }

    /// Signals the whole group.
    pub(in crate::agent) fn stop(&self, how: Stop) {
        // SAFETY: killpg has no memory effects; at worst it reports ESRCH.
        unsafe {
            libc::killpg(self.pgid, signal(how));
        }
    }

    /// Whether any process (a zombie included) is still in the group.
    pub(in crate::agent) fn alive(&self) -> bool {
        // SAFETY: signal 0 only checks that the group exists and may be signalled.
        let found = unsafe { libc::kill(-self.pgid, 0) } == 0;
        found || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
}

/// Signals one process.
pub(in crate::agent) fn stop_pid(pid: u32, how: Stop) {
    // SAFETY: kill has no memory effects; a process already gone gives ESRCH.
    unsafe {
        libc::kill(pid as libc::pid_t, signal(how));
    }
}

fn signal(how: Stop) -> libc::c_int {
    match how {
        Stop::Term => libc::SIGTERM,
        Stop::Kill => libc::SIGKILL,
    }
}
