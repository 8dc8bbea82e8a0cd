//! `renn demo-agent <agent> <run-id>`: a built-in stand-in for an AI coding agent, so
//! `renn run-stage` can run the example project end to end on a machine with no agent
//! installed and no API key. It reads the prompt on stdin like a real agent, works in
//! the current directory (the project, or a git worktree of it), and answers with the
//! same blocks a real runner ends with. Its "work" is deliberately trivial and
//! deterministic (a comment line per planned file, one commit per task) but every
//! piece of evidence renn checks is real: commits exist, the recap parses, the proof
//! parses. Hidden from `--help`: it exists for the demo and the tests.

mod auditor;
mod output;
mod prompt;
mod repo;
mod runner;

use crate::Cli;
use renn_core::run::RunId;
use renn_core::Code;
use renn_core::Diagnostic;
use renn_host::{Error, Result};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// The command line of `renn demo-agent`.
pub struct Args<'a> {
    /// `renn-runner` or `renn-auditor`.
    pub agent: &'a str,
    pub run_id: Option<&'a str>,
    /// The auditor's stage, when its prompt names no stage directory.
    pub stage: Option<&'a str>,
    /// The prompt as an argument (`agent.prompt: "argument"`); else it is on stdin.
    pub prompt: Option<&'a str>,
}

/// Plays the agent with its prompt; prints what that agent would print.
pub fn run(cli: &Cli, args: &Args<'_>) -> Result<ExitCode> {
    let prompt = match args.prompt {
        Some(p) => p.to_string(),
        None => {
            let mut p = String::new();
            std::io::stdin()
                .read_to_string(&mut p)
                .map_err(|source| Error::Io {
                    path: "<stdin>".into(),
                    source,
                })?;
            p
        }
    };
    let root = project_root(cli)?;
    // renn fills `{run_id}` with nothing for the auditor: an empty id is no id.
    let run_id = args.run_id.map(str::trim).filter(|r| !r.is_empty());
    let text = match args.agent {
        "renn-runner" => {
            let arg = run_id.ok_or_else(|| {
                let msg = "renn-runner needs a run id: renn demo-agent renn-runner 03-02";
                unusable(Code::DemoNoRun, msg.into())
            })?;
            let id = RunId::parse(arg).ok_or_else(|| {
                let msg =
                    format!("'{arg}' is not a run id (expected <stage>-<run>, such as 03-02)");
                unusable(Code::BadRunId, msg)
            })?;
            runner::Runner::load(root, id)?.execute(&prompt)?
        }
        "renn-auditor" => auditor::run(&root, args.stage, &prompt)?,
        other => {
            let msg = format!("the demo agent plays renn-runner and renn-auditor, not '{other}'");
            return Err(unusable(Code::DemoUnknownAgent, msg));
        }
    };
    let mut out = std::io::stdout().lock();
    // Like any agent: a reader that went away is not the agent's failure.
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
    Ok(ExitCode::SUCCESS)
}

/// `--dir`, else the nearest project at or above the working directory (renn starts
/// agents in the project root or in a worktree of it, which has its own `.renn/`).
fn project_root(cli: &Cli) -> Result<PathBuf> {
    let start = match &cli.dir {
        Some(d) => d.clone(),
        None => std::env::current_dir().map_err(|source| Error::Io {
            path: ".".into(),
            source,
        })?,
    };
    Ok(renn_host::find_root(&start)?.root)
}

/// Unusable input: a diagnostic on stderr and exit code 1, like any renn error.
fn unusable(code: Code, message: String) -> Error {
    Error::Core(Diagnostic::error(code, message).into())
}
