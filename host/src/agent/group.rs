//! Signals to an agent's process group. The agent is the group's leader, so the group
//! id is the agent's pid; once the agent is reaped and the rest of its group is gone,
//! the system may hand that id out again, so nothing is signalled after that.

use std::io;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

/// How long a group has between SIGTERM and SIGKILL: enough for an agent to save its
/// state, short enough that Ctrl-C feels immediate.
pub const GRACE: Duration = Duration::from_secs(2);
const POLL: Duration = Duration::from_millis(20);

#[derive(Debug)]
pub(super) struct Group {
    pub(super) pgid: libc::pid_t,
    /// The mark every process the agent started carries ([`super::tree`]).
    token: Option<String>,
    phase: Mutex<Phase>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct Phase {
    /// The agent itself was reaped.
    exited: bool,
    /// The watchdog stopped it.
    timed_out: bool,
    /// Whatever it left behind was stopped too: nothing more to signal.
    finished: bool,
}

impl Group {
    pub(super) fn new(pgid: libc::pid_t) -> Group {
        Group {
            pgid,
            token: None,
            phase: Mutex::new(Phase::default()),
            changed: Condvar::new(),
        }
    }

    pub(super) fn marked(mut self, token: String) -> Group {
        self.token = Some(token);
        self
    }

    fn lock(&self) -> MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits while `busy` holds, at most `limit`; a poisoned lock is still usable
    /// (the flags are plain booleans).
    fn wait<'a>(
        &self,
        phase: MutexGuard<'a, Phase>,
        limit: Duration,
        busy: impl FnMut(&mut Phase) -> bool,
    ) -> MutexGuard<'a, Phase> {
        match self.changed.wait_timeout_while(phase, limit, busy) {
            Ok((phase, _)) => phase,
            Err(e) => e.into_inner().0,
        }
    }

    /// The watchdog: stops the agent when it is still running after `timeout`.
    pub(super) fn enforce(&self, timeout: Duration) {
        let mut phase = self.wait(self.lock(), timeout, |p| !p.exited);
        if phase.exited {
            return;
        }
        phase.timed_out = true;
        drop(phase);
        self.stop();
    }

    /// SIGTERM to the whole group while the agent runs, SIGKILL if the agent is still
    /// there after [`GRACE`]. Processes it leaves behind are [`Group::stop_leftovers`]'
    /// business. The lock is held while signalling, so the waiter cannot mark the agent
    /// reaped in between.
    pub(super) fn stop(&self) {
        let phase = self.lock();
        if phase.exited {
            return;
        }
        signal(self.pgid, libc::SIGTERM);
        let phase = self.wait(phase, GRACE, |p| !p.exited);
        if !phase.exited {
            signal(self.pgid, libc::SIGKILL);
        }
    }

    /// Called by the waiter right after it reaped the agent; tells whether the
    /// watchdog had stopped it.
    pub(super) fn mark_exited(&self) -> bool {
        let mut phase = self.lock();
        phase.exited = true;
        self.changed.notify_all();
        phase.timed_out
    }

    /// After the agent exited: what it left running in its group (a background server,
    /// a tool it started) gets SIGTERM, then SIGKILL after [`GRACE`]. Left alone it
    /// would outlive the run and keep the output pipes open. Note: a machine whose
    /// init does not reap orphans keeps them as zombies, which still count as members,
    /// so there this waits the full grace period.
    pub(super) fn stop_leftovers(&self) {
        if alive(self.pgid) {
            signal(self.pgid, libc::SIGTERM);
            let until = Instant::now() + GRACE;
            while alive(self.pgid) && Instant::now() < until {
                thread::sleep(POLL);
            }
            if alive(self.pgid) {
                signal(self.pgid, libc::SIGKILL);
            }
        }
        // What left the group (its own session) but still carries the agent's mark.
        if let Some(token) = &self.token {
            super::tree::stop_marked(&[token], GRACE);
        }
        self.lock().finished = true;
        self.changed.notify_all();
    }

    /// Waits until the agent and its leftovers are stopped, at most `limit`.
    pub(super) fn wait_finished(&self, limit: Duration) {
        drop(self.wait(self.lock(), limit, |p| !p.finished));
    }
}

fn signal(pgid: libc::pid_t, sig: libc::c_int) {
    // SAFETY: killpg has no memory effects; at worst it reports ESRCH.
    unsafe {
        libc::killpg(pgid, sig);
    }
}

/// Whether any process (a zombie included) is still in the group.
fn alive(pgid: libc::pid_t) -> bool {
    // SAFETY: signal 0 only checks that the group exists and may be signalled.
    let found = unsafe { libc::kill(-pgid, 0) } == 0;
    found || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}
