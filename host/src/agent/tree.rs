//! Everything an agent started, wherever it went. Killing an agent's process group is
//! not enough: agent CLIs run their shell tools in sessions of their own (`setsid`:
//! claude's Bash, codex's exec_command and gemini's run_shell_command all do), so a
//! `sleep`, a dev server or a test watcher started by the agent leaves the group and
//! would outlive the run, editing the tree and holding ports.
//!
//! renn marks every agent with an environment variable holding a token of its own;
//! children inherit it through `setsid`, double forks and re-parenting to init. When
//! the agent stops, every process carrying the token is stopped too. sysinfo reads
//! the environments (`/proc` on Linux, `sysctl` on macOS, each process's memory on
//! Windows — processes of the same user). A process that clears its environment
//! (`env -i`) escapes the mark; its process group (Unix) or job object (Windows) is
//! still stopped. On Windows the mark matters less while renn lives (the job holds
//! every descendant) but is what finds a process started before the agent joined its
//! job, and, after a crash, anything the closed job did not take down.
//!
//! The token is also the agent's identity across a crash: renn records it before the
//! agent starts, and after a `kill -9` the next renn stops exactly the processes that
//! carry it — whatever their pid or program (a shebang script shows `bash`, an npm
//! shim `node`), and never a foreign process, whatever a registry file claims: the
//! token holds 64 random bits no other process has in its environment.

use super::sys::Stop;
use std::collections::hash_map::RandomState;
use std::ffi::OsString;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};
use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System, UpdateKind};

/// The variable carrying the mark.
pub const TOKEN_VAR: &str = "RENN_AGENT_TOKEN";

static NEXT: AtomicU64 = AtomicU64::new(1);

/// A token no other process has: 64 bits from the system's randomness (std seeds
/// `RandomState` from it), renn's pid, a counter and the label (for people reading a
/// registry).
pub fn new_token(label: &str) -> String {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(n);
    format!("{:016x}-{}-{n}-{label}", h.finish(), std::process::id())
}

/// The processes (other than renn itself) whose environment carries one of `tokens`,
/// each with the token it carries.
fn marked(tokens: &[&str]) -> Vec<(Pid, String)> {
    let wanted: Vec<(OsString, &str)> = tokens
        .iter()
        .map(|t| (OsString::from(format!("{TOKEN_VAR}={t}")), *t))
        .collect();
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
        .filter(|(pid, _)| Some(**pid) != me)
        .filter_map(|(pid, p)| {
            let token = wanted
                .iter()
                .find(|(w, _)| p.environ().iter().any(|e| e == w))?;
            Some((*pid, token.1.to_string()))
        })
        .collect()
}

/// Stops every process marked with one of `tokens`, all at once: SIGTERM, then SIGKILL
/// to what is left after `grace` (on Windows `TerminateProcess` at once, no grace). Returns the tokens that marked a process.
pub fn stop_marked(tokens: &[&str], grace: Duration) -> Vec<String> {
    let found = marked(tokens);
    if found.is_empty() {
        return Vec::new();
    }
    for (pid, _) in &found {
        super::sys::stop_pid(pid.as_u32(), Stop::Term);
    }
    let until = Instant::now() + grace;
    let mut left = found.clone();
    while !left.is_empty() && Instant::now() < until {
        thread::sleep(Duration::from_millis(20));
        left = marked(tokens);
    }
    for (pid, _) in left {
        super::sys::stop_pid(pid.as_u32(), Stop::Kill);
    }
    let mut seen: Vec<String> = found.into_iter().map(|(_, t)| t).collect();
    seen.sort();
    seen.dedup();
    seen
}

/// When process `pid` started, in seconds since the epoch (sysinfo: `/proc` on Linux,
/// `sysctl` on macOS, `GetProcessTimes` on Windows).
pub fn start_time(pid: u32) -> Option<u64> {
    let mut system = System::new().ok()?;
    let pid = Pid::from_u32(pid);
    system.refresh_processes_specifics(
        ProcessesToUpdate::Some(&[pid]),
        false,
        ProcessRefreshKind::nothing(),
    );
    system.process(pid).map(|p| p.start_time())
}
