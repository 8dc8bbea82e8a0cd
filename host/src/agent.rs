//! Agents are child processes. [`start`] runs one agent's command line directly (never
//! through a shell) in a process group of its own, feeds it the prompt, keeps its
//! output in a log file, and reports exactly one [`AgentDone`] on a channel when it
//! exits, times out or is killed, so the driver can wait for many agents at once.
//!
//! Each agent gets its own threads: one writes the prompt (an agent may read it late
//! or never, and a prompt larger than the pipe buffer would otherwise block us), one
//! each drains stdout and stderr (an agent blocked on a full pipe never finishes), a
//! waiter blocks in `wait()` (so an exit is seen at once, with no polling delay), and
//! a watchdog enforces the time limit.
//!
//! The process group is what gets stopped — on a time-out, on [`Running::kill`], and
//! after the agent exits — because agents start tools, shells and servers of their
//! own: killing only the agent would leave them running, editing the tree and holding
//! the output pipes open. The group also keeps the terminal's Ctrl-C away from the
//! agents; renn stops them itself (see [`Interrupt`]). On Windows the tree is a job
//! object instead (`agent/sys.rs`; compiled and type-checked there, not run).

mod group;
mod program;
mod pump;
mod sys;
mod tree;

pub use group::GRACE;
pub use program::find_program;
pub use tree::{new_token, start_time, stop_marked, TOKEN_VAR};

use crate::{Error, Result};
use group::Group;
use pump::Log;
use renn_core::config::PromptMode;
use renn_core::execute::Exit;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, Once};
use std::thread;
use std::time::{Duration, Instant};

/// How long an agent's output pipes may stay open once its process group is gone: a
/// process that left the group (`setsid`) can hold them forever, and renn must not
/// wait for it. What it writes later still reaches the log.
const DRAIN: Duration = Duration::from_secs(5);

/// One agent to run.
#[derive(Debug, Clone)]
pub struct AgentJob {
    /// Names the agent in reports: a run id such as `03-02`, or `auditor`.
    pub label: String,
    /// The command line, placeholders already filled (`AgentConfig::argv_for`).
    pub argv: Vec<String>,
    pub prompt: String,
    /// `Stdin`: the prompt is written to stdin, then stdin is closed. `Argument`: the
    /// prompt is appended as the last argument and stdin is empty.
    pub prompt_mode: PromptMode,
    pub cwd: PathBuf,
    /// Appended to, never truncated, so the log of an earlier renn process survives.
    pub log_path: PathBuf,
    pub timeout: Duration,
    /// Set on top of renn's own environment.
    pub env: Vec<(String, String)>,
    /// The agent's mark ([`new_token`]), set in its environment as [`TOKEN_VAR`]:
    /// everything it starts carries it, and is stopped with it.
    pub token: String,
}

/// What became of an agent; sent exactly once per started agent.
#[derive(Debug, Clone)]
pub struct AgentDone {
    pub label: String,
    /// `Failed { code: None }` when a signal ended it (including [`Running::kill`]; on
    /// Windows: when renn terminated it).
    pub exit: Exit,
    /// Everything it wrote to stdout, as lossy UTF-8.
    pub output: String,
    /// The end of what it wrote to stderr (its error messages), as lossy UTF-8.
    pub stderr: String,
    /// From the start until the agent itself exited.
    pub duration: Duration,
    pub log_path: PathBuf,
}

/// A started agent. Dropping it does not stop the agent; [`Running::kill`] does.
#[derive(Debug)]
pub struct Running {
    group: Arc<Group>,
}

impl Running {
    /// The agent's process id (on Unix also its process group id).
    pub fn pid(&self) -> u32 {
        self.group.pid
    }

    /// Stops the agent and everything it started: SIGTERM to its process group, SIGKILL
    /// a grace period later to whatever is left (on Windows: its job is terminated). Returns once the group is gone (or
    /// after a bounded wait); its `AgentDone` follows on the channel. Calling it again,
    /// or after the agent finished, does nothing.
    pub fn kill(&self) {
        self.group.stop();
        self.group.wait_finished(group::GRACE * 2);
    }
}

/// `<stage dir>/logs/<label>-<attempt>.log`. Creates the `logs` directory; if that
/// fails, [`start`] reports it when it opens the log.
pub fn log_path(stage_dir_abs: &Path, label: &str, attempt: u32) -> PathBuf {
    let dir = stage_dir_abs.join("logs");
    let _ = logs_dir(&dir);
    dir.join(format!("{label}-{attempt}.log"))
}

/// Creates a logs directory with its own `.gitignore` holding `*` (as cargo's
/// `target/` does), so agent logs stay out of `git status` and `git add -A` even
/// where `.git/info/exclude` is not read (a fresh clone, another worktree).
pub fn logs_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let ignore = dir.join(".gitignore");
    // create_new: never through a symlink planted there, never over the user's own.
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&ignore)
    {
        Ok(mut f) => f.write_all(b"# renn: agent logs are not committed\n*\n"),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Starts the agent; its [`AgentDone`] is sent on `done`. A program that cannot be
/// started is an [`Error::AgentSpawn`] naming it and the config key that sets it.
pub fn start(job: AgentJob, done: Sender<AgentDone>) -> Result<Running> {
    let io_error = |path: &Path, source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let program = job.argv.first().cloned().unwrap_or_default();
    if program.is_empty() {
        let source = io::Error::new(io::ErrorKind::InvalidInput, "the command is empty");
        return Err(Error::AgentSpawn { program, source });
    }
    // A missing working directory would fail the spawn with the same "not found" as
    // a missing program, and blame the wrong thing.
    if !job.cwd.is_dir() {
        let source = io::Error::new(io::ErrorKind::NotFound, "no such directory");
        return Err(io_error(&job.cwd, source));
    }
    if let Some(dir) = job.log_path.parent() {
        logs_dir(dir).map_err(|e| io_error(dir, e))?;
    }
    let log = Log::open(&job.log_path).map_err(|e| io_error(&job.log_path, e))?;

    let token = job.token.clone();
    let mut command = Command::new(program::to_start(&program));
    command
        .args(&job.argv[1..])
        .current_dir(&job.cwd)
        .envs(job.env.iter().map(|(k, v)| (k, v)))
        .env(TOKEN_VAR, &token)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    sys::prepare(&mut command);
    match job.prompt_mode {
        PromptMode::Stdin => command.stdin(Stdio::piped()),
        PromptMode::Argument => command.arg(&job.prompt).stdin(Stdio::null()),
    };
    log.note(&format!("{} starting: {}", job.label, shown_argv(&job)));
    let mut child = command.spawn().map_err(|source| {
        log.note(&format!("{} could not start: {source}", job.label));
        Error::AgentSpawn {
            program: program.clone(),
            source,
        }
    })?;
    let started = Instant::now();

    let group = Arc::new(Group::new(&child).marked(token));
    if let Some(mut stdin) = child.stdin.take() {
        let prompt = job.prompt.clone();
        // An agent that exits without reading its stdin breaks the pipe: not an error.
        thread::spawn(move || {
            let _ = stdin.write_all(prompt.as_bytes());
        });
    }
    let output = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(Mutex::new(Vec::new()));
    let (drained, pumps_done) = mpsc::channel::<()>();
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let streams: [(Box<dyn io::Read + Send>, _, _, bool); 2] = [
        (Box::new(stdout), "", Arc::clone(&output), true),
        (
            Box::new(stderr),
            pump::STDERR_PREFIX,
            Arc::clone(&errors),
            false,
        ),
    ];
    for (stream, prefix, buf, all) in streams {
        let (log, drained) = (log.clone(), drained.clone());
        thread::spawn(move || {
            let keep = if all {
                pump::Keep::All(&buf)
            } else {
                pump::Keep::Tail(&buf, pump::STDERR_TAIL)
            };
            pump::pump(stream, &log, prefix, keep);
            let _ = drained.send(());
        });
    }
    drop(drained);

    let watchdog = Arc::clone(&group);
    let timeout = job.timeout;
    thread::spawn(move || watchdog.enforce(timeout));

    let waiter = Arc::clone(&group);
    thread::spawn(move || {
        let status = child.wait();
        let duration = started.elapsed();
        let timed_out = waiter.mark_exited();
        waiter.stop_leftovers();
        // Both pumps end at EOF; give up on pipes a runaway process keeps open.
        let until = Instant::now() + DRAIN;
        for _ in 0..2 {
            let left = until.saturating_duration_since(Instant::now());
            if pumps_done.recv_timeout(left).is_err() {
                break;
            }
        }
        let exit = exit_of(status, timed_out, timeout);
        log.note(&format!(
            "{} {} after {:.1} s",
            job.label,
            exit_text(&exit),
            duration.as_secs_f64()
        ));
        let take = |buf: &Mutex<Vec<u8>>| {
            let bytes = std::mem::take(&mut *buf.lock().unwrap_or_else(|e| e.into_inner()));
            String::from_utf8_lossy(&bytes).into_owned()
        };
        let stderr = without_echo(&take(&errors), &job.prompt);
        let _ = done.send(AgentDone {
            label: job.label,
            exit,
            output: take(&output),
            stderr,
            duration,
            log_path: job.log_path,
        });
    });
    Ok(Running { group })
}

/// `stderr` without the lines that repeat the prompt: some CLIs (codex) echo their
/// whole input there, and renn's rules in it ("401", "not logged in") are not the
/// agent's own error.
fn without_echo(stderr: &str, prompt: &str) -> String {
    let prompt_lines: std::collections::HashSet<&str> = prompt
        .lines()
        .map(str::trim)
        .filter(|l| l.len() >= 8)
        .collect();
    stderr
        .lines()
        .filter(|l| !prompt_lines.contains(l.trim()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn exit_of(status: io::Result<ExitStatus>, timed_out: bool, timeout: Duration) -> Exit {
    match status {
        _ if timed_out => Exit::TimedOut {
            seconds: timeout.as_secs(),
        },
        Ok(s) if s.success() => Exit::Success,
        Ok(s) => Exit::Failed {
            code: sys::exit_code(&s),
        },
        Err(_) => Exit::Failed { code: None },
    }
}

fn exit_text(exit: &Exit) -> String {
    match exit {
        Exit::Success => "exited with code 0".into(),
        Exit::Failed { code: Some(c) } => format!("failed with exit code {c}"),
        Exit::Failed { code: None } => "was ended by a signal".into(),
        Exit::TimedOut { seconds } => format!("timed out ({seconds} s limit)"),
    }
}

/// The command line for the log; a prompt passed as an argument is shown by size only.
fn shown_argv(job: &AgentJob) -> String {
    let mut shown: Vec<String> = job.argv.iter().map(|a| format!("{a:?}")).collect();
    if job.prompt_mode == PromptMode::Argument {
        shown.push(format!("<prompt, {} bytes>", job.prompt.len()));
    }
    shown.join(" ")
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static INSTALL: Once = Once::new();

/// Ctrl-C, SIGTERM and SIGHUP (on Windows: Ctrl-C, Ctrl-Break and closing the
/// console), turned into a flag the driver polls: renn then stops its agents (which the
/// terminal's Ctrl-C does not reach: they have their own process groups) and records a
/// resumable state, instead of dying mid-write.
#[derive(Debug, Clone, Copy)]
pub struct Interrupt(());

impl Interrupt {
    /// Installs the handler the first time; later calls share it.
    pub fn install() -> Interrupt {
        INSTALL.call_once(|| {
            // Fails only if something else already owns the handler; the signals then
            // keep their default action.
            let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
        });
        Interrupt(())
    }

    /// Whether a signal arrived since the handler was installed.
    pub fn requested(&self) -> bool {
        INTERRUPTED.load(Ordering::SeqCst)
    }
}
