//! Job objects. Compiled and type-checked for Windows, not run (renn's tests run on
//! Unix).
//!
//! Each agent gets a job object of its own with `JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE`,
//! assigned right after the spawn; every process the agent starts from then on is in
//! the job too (breaking away is not allowed), whatever console or process group it
//! makes. Terminating the job stops the whole tree at once; closing renn's handle to
//! it — also when renn itself is killed — does the same, so on Windows a crashed
//! renn's agents die with it. A process the agent started in the instant between the
//! spawn and the assignment is outside the job: the agent's mark
//! ([`super::super::tree`]) still finds it.

use super::Stop;
use std::os::windows::io::AsRawHandle;
use std::os::windows::process::CommandExt;
use std::process::{Child, Command, ExitStatus};
use windows_sys::Win32::Foundation::{CloseHandle, HANDLE};
use windows_sys::Win32::System::JobObjects::{
    AssignProcessToJobObject, CreateJobObjectW, JobObjectBasicAccountingInformation,
    JobObjectExtendedLimitInformation, QueryInformationJobObject, SetInformationJobObject,
    TerminateJobObject, JOBOBJECT_BASIC_ACCOUNTING_INFORMATION,
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
};
use windows_sys::Win32::System::Threading::{
    OpenProcess, TerminateProcess, CREATE_NEW_PROCESS_GROUP, PROCESS_TERMINATE,
};

/// The exit code of processes renn stops (that of a Ctrl-C'd console program).
const STOPPED: u32 = 0xC000_013A;

/// The exit code, `None` for a process renn terminated (as a signal gives on Unix).
pub(in crate::agent) fn exit_code(status: &ExitStatus) -> Option<i32> {
    status.code().filter(|&c| c as u32 != STOPPED)
}

/// A process group of its own: the console's Ctrl-C is not delivered to it (renn stops
/// its agents itself), as the process group does on Unix.
pub(in crate::agent) fn prepare(command: &mut Command) {
    command.creation_flags(CREATE_NEW_PROCESS_GROUP);
}

/// An agent's job object; without one (the system refused to create or assign it), the
/// agent's own process and its mark.
#[derive(Debug)]
pub(in crate::agent) struct Tree {
    job: Option<Job>,
    pid: u32,
}

impl Tree {
    pub(in crate::agent) fn of(child: &Child) -> Tree {
        Tree {
            job: Job::for_child(child),
            pid: child.id(),
        }
    }

    /// Terminates every process in the job (Windows has no gentle stop: `how` is not
    /// looked at). Without a job, the agent's process only; the waiter has not reaped
    /// it yet while the agent runs, so its pid is still its own.
    pub(in crate::agent) fn stop(&self, _how: Stop) {
        match &self.job {
            // SAFETY: a job handle this value owns.
            Some(job) => unsafe {
                TerminateJobObject(job.0, STOPPED);
            },
            None => stop_pid(self.pid, Stop::Kill),
        }
    }

    /// Whether a process of the job still runs.
    pub(in crate::agent) fn alive(&self) -> bool {
        let Some(job) = &self.job else {
            return false;
        };
        let mut info: JOBOBJECT_BASIC_ACCOUNTING_INFORMATION = unsafe { std::mem::zeroed() };
        // SAFETY: the buffer is the struct this information class fills, with its size.
        let ok = unsafe {
            QueryInformationJobObject(
                job.0,
                JobObjectBasicAccountingInformation,
                (&mut info as *mut JOBOBJECT_BASIC_ACCOUNTING_INFORMATION).cast(),
                std::mem::size_of::<JOBOBJECT_BASIC_ACCOUNTING_INFORMATION>() as u32,
                std::ptr::null_mut(),
            )
        };
        ok != 0 && info.ActiveProcesses > 0
    }
}

/// Terminates one process (`how` is not looked at: see [`Tree::stop`]).
pub(in crate::agent) fn stop_pid(pid: u32, _how: Stop) {
    // SAFETY: a handle opened here and closed here; a process already gone gives a
    // null handle, which is not used.
    unsafe {
        let process = OpenProcess(PROCESS_TERMINATE, 0, pid);
        if !process.is_null() {
            TerminateProcess(process, STOPPED);
            CloseHandle(process);
        }
    }
}

/// An owned job handle; closing it ends what is left in the job.
#[derive(Debug)]
struct Job(HANDLE);

// SAFETY: a job handle is a kernel object reference, usable from any thread.
unsafe impl Send for Job {}
unsafe impl Sync for Job {}

impl Job {
    fn for_child(child: &Child) -> Option<Job> {
        // SAFETY: an unnamed job with default security; the handle is owned by `Job`
        // from here on, so every early return closes it.
        let job = Job(unsafe { CreateJobObjectW(std::ptr::null(), std::ptr::null()) });
        if job.0.is_null() {
            return None;
        }
        let mut limits: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = unsafe { std::mem::zeroed() };
        limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        // SAFETY: the struct this information class reads, with its size; the child's
        // handle is valid while `child` lives.
        let ok = unsafe {
            SetInformationJobObject(
                job.0,
                JobObjectExtendedLimitInformation,
                (&limits as *const JOBOBJECT_EXTENDED_LIMIT_INFORMATION).cast(),
                std::mem::size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32,
            ) != 0
                && AssignProcessToJobObject(job.0, child.as_raw_handle() as HANDLE) != 0
        };
        ok.then_some(job)
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        // SAFETY: the handle is owned and closed once.
        unsafe {
            CloseHandle(self.0);
        }
    }
}
