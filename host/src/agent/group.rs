//! Stopping an agent's process tree ([`super::sys::Tree`]: its process group on Unix,
//! its job object on Windows) — on a time-out, on a kill, and after the agent exits —
//! and nothing after that: on Unix the group id is the agent's pid, which the system
//! may hand out again once the agent is reaped and the rest of its group is gone.

use super::sys::{Stop, Tree};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

/// How long a group has between SIGTERM and SIGKILL: enough for an agent to save its
/// state, short enough that Ctrl-C feels immediate. (Windows has no gentle stop: there
/// the first step already ends the processes.)
pub const GRACE: Duration = Duration::from_secs(2);
const POLL: Duration = Duration::from_millis(20);

#[derive(Debug)]
pub(super) struct Group {
    /// The agent's pid (on Unix also its process group id).
    pub(super) pid: u32,
    tree: Tree,
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
    pub(super) fn new(child: &std::process::Child) -> Group {
        Group {
            pid: child.id(),
            tree: Tree::of(child),
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
    /// there after [`GRACE`] (on Windows: the job is terminated at once). Processes it leaves behind are [`Group::stop_leftovers`]'
    /// business. The lock is held while signalling, so the waiter cannot mark the agent
    /// reaped in between.
    pub(super) fn stop(&self) {
        let phase = self.lock();
        if phase.exited {
            return;
        }
        self.tree.stop(Stop::Term);
        let phase = self.wait(phase, GRACE, |p| !p.exited);
        if !phase.exited {
            self.tree.stop(Stop::Kill);
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
    /// a tool it started) gets SIGTERM, then SIGKILL after [`GRACE`] (on Windows: what
    /// is left in the job is terminated). Left alone it would outlive the run and keep
    /// the output pipes open. Zombies (orphans an init reaps late) are not waited for.
    pub(super) fn stop_leftovers(&self) {
        if self.tree.alive() {
            self.tree.stop(Stop::Term);
            let until = Instant::now() + GRACE;
            while self.tree.alive() && Instant::now() < until {
                thread::sleep(POLL);
            }
            if self.tree.alive() {
                self.tree.stop(Stop::Kill);
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
