//! Everything an agent started, wherever it went. Killing an agent's process group is
//! not enough: agent CLIs run their shell tools in sessions of their own (`setsid`:
//! claude's Bash, codex's exec_command and gemini's run_shell_command all do), so a
//! `sleep`, a dev server or a test watcher started by the agent leaves the group and
//! would outlive the run, editing the tree and holding ports.
//!
//! renn marks every agent with an environment variable holding a token of its own;
//! children inherit it through `setsid`, double forks and re-parenting to init. When
//! the agent stops, every process carrying the token is stopped too. sysinfo reads
//! the environments (`/proc` on Linux, `sysctl` on macOS). A process that clears its
//! environment (`env -i`) escapes the mark; its process group is still signalled.

use std::ffi::OsStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};
use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System, UpdateKind};

/// The variable carrying the mark.
pub const TOKEN_VAR: &str = "RENN_AGENT_TOKEN";

static NEXT: AtomicU64 = AtomicU64::new(1);

/// A token no other agent of any renn has: renn's pid, a counter, and the label.
pub(super) fn new_token(label: &str) -> String {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{}-{n}-{label}", std::process::id())
}

/// The processes (other than renn itself) whose environment carries `token`.
fn marked(token: &str) -> Vec<Pid> {
    let wanted = format!("{TOKEN_VAR}={token}");
    let wanted = OsStr::new(&wanted);
    // Fails only where sysinfo cannot list processes at all: then the process group,
    // signalled by the caller, is all renn can reach.
    let Ok(mut system) = System::new() else {
        return Vec::new();
    };
    let what = ProcessRefreshKind::nothing().with_environ(UpdateKind::Always);
    system.refresh_processes_specifics(ProcessesToUpdate::All, true, what);
    let me = sysinfo::get_current_pid().ok();
    system
        .processes()
        .iter()
        .filter(|(pid, p)| Some(**pid) != me && p.environ().iter().any(|e| e == wanted))
        .map(|(pid, _)| *pid)
        .collect()
}

/// Stops every process marked with `token`: SIGTERM, then SIGKILL to what is left
/// after `grace`. Returns how many were found.
pub(super) fn stop_marked(token: &str, grace: Duration) -> usize {
    let found = marked(token);
    if found.is_empty() {
        return 0;
    }
    for pid in &found {
        signal(*pid, libc::SIGTERM);
    }
    let until = Instant::now() + grace;
    let mut left = found.clone();
    while !left.is_empty() && Instant::now() < until {
        thread::sleep(Duration::from_millis(20));
        left = marked(token);
    }
    for pid in left {
        signal(pid, libc::SIGKILL);
    }
    found.len()
}

fn signal(pid: Pid, sig: libc::c_int) {
    // SAFETY: kill has no memory effects; a process already gone gives ESRCH.
    unsafe {
        libc::kill(pid.as_u32() as libc::pid_t, sig);
    }
}
