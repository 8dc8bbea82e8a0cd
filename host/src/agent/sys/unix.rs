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

    /// Whether a live process is still in the group. Zombies do not count: a machine
    /// whose init reaps orphans late (containers, sandboxes) keeps them for seconds,
    /// and they hold nothing open (measured: `srun`'s helper held each Slurm run ~1 s).
    pub(in crate::agent) fn alive(&self) -> bool {
        // SAFETY: signal 0 only checks that the group exists and may be signalled.
        let found = unsafe { libc::kill(-self.pgid, 0) } == 0;
        let found = found || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
        found && !only_zombies(self.pgid)
    }
}

/// Whether every member of the group `pgid` is a zombie (Linux: from `/proc`; elsewhere
/// never said, so the group counts as alive while it exists).
#[cfg(target_os = "linux")]
fn only_zombies(pgid: libc::pid_t) -> bool {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return false;
    };
    let live_member = dir.filter_map(Result::ok).any(|entry| {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            return false;
        };
        // `pid (comm) state ppid pgrp …`: comm may hold spaces and parentheses.
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            return false;
        };
        let Some((_, rest)) = stat.rsplit_once(')') else {
            return false;
        };
        let mut fields = rest.split_whitespace();
        let state = fields.next().unwrap_or("Z");
        let pgrp = fields.nth(1).and_then(|p| p.parse::<libc::pid_t>().ok());
        pgrp == Some(pgid) && !matches!(state, "Z" | "X")
    });
    !live_member
}

#[cfg(not(target_os = "linux"))]
fn only_zombies(_pgid: libc::pid_t) -> bool {
    false
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

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::only_zombies;
    use std::os::unix::process::CommandExt;
    use std::process::Command;
    use std::time::{Duration, Instant};

    fn state(pid: u32) -> String {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        rest.split_whitespace().next().unwrap_or("").to_string()
    }

    #[test]
    fn a_group_left_with_zombies_only_is_not_alive() {
        // Not reaped by this test (its parent) until the end: a zombie, alone in its group.
        let mut gone = Command::new("sh")
            .args(["-c", "exit 0"])
            .process_group(0)
            .spawn()
            .unwrap();
        let until = Instant::now() + Duration::from_secs(10);
        while state(gone.id()) != "Z" && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(state(gone.id()), "Z");
        assert!(only_zombies(gone.id() as libc::pid_t));
        let mut live = Command::new("sleep")
            .arg("30")
            .process_group(0)
            .spawn()
            .unwrap();
        assert!(!only_zombies(live.id() as libc::pid_t));
        live.kill().unwrap();
        live.wait().unwrap();
        gone.wait().unwrap();
    }
}
